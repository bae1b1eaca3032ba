from django.db import models


class Notice(models.Model):
    """A site-wide message (maintenance, a class starting) pushed live to every open page."""

    text = models.CharField(max_length=280)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text


class Sandbox(models.Model):
    """One learner's simulated cluster. Its objects are ObjectRow rows; `meta` is the
    simulation's own counters (resourceVersion, seed, random counter, simulated now).

    Simulated time runs against the wall clock: at `wall_anchor` the cluster's time was
    `sim_anchor`; since then it moved `speed` simulated seconds per wall second, unless
    `paused`. A reconcile brings the stored cluster (at meta["now"]) up to that time.
    """

    owner = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.CASCADE, related_name="sandboxes"
    )
    # An anonymous visitor's sandbox is bound to a token kept in their browser session.
    visitor = models.CharField(max_length=64, blank=True, db_index=True)
    name = models.CharField(max_length=63)
    seed = models.BigIntegerField(default=0)
    meta = models.JSONField(default=dict)
    resource_version = models.BigIntegerField(default=0)
    sim_anchor = models.FloatField(default=0.0)
    wall_anchor = models.DateTimeField(null=True, blank=True)
    speed = models.FloatField(default=1.0)
    paused = models.BooleanField(default=False)
    # Claimed by a worker until then (a conditional UPDATE): two never reconcile at once.
    reconciling_until = models.DateTimeField(null=True, blank=True)
    # The next timer's task: a task whose token is not this one is stale and does nothing.
    timer_token = models.CharField(max_length=32, blank=True)
    timer_due = models.DateTimeField(null=True, blank=True)
    timeline_seq = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_seen_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                condition=models.Q(owner__isnull=False),
                name="sandbox_unique_name_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ObjectRow(models.Model):
    """One Kubernetes object of a sandbox (internal simulation kinds included)."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="rows")
    api_version = models.CharField(max_length=100)
    kind = models.CharField(max_length=100)
    namespace = models.CharField(max_length=253, blank=True)
    name = models.CharField(max_length=253)
    uid = models.CharField(max_length=64, blank=True)
    resource_version = models.BigIntegerField(default=0)
    manifest = models.JSONField()

    class Meta:
        ordering = ["kind", "namespace", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sandbox", "kind", "namespace", "name"], name="objectrow_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else self.name


class TimelineEntry(models.Model):
    """One plain sentence about a controller's (or the learner's) action, in order."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="timeline")
    seq = models.BigIntegerField()
    time = models.FloatField()  # simulated seconds since the epoch
    actor = models.CharField(max_length=200)
    kind = models.CharField(max_length=100)
    namespace = models.CharField(max_length=253, blank=True)
    name = models.CharField(max_length=253)
    uid = models.CharField(max_length=64, blank=True)
    message = models.TextField()
    # A Kubernetes Event (reason and message as `kubectl get events` shows them), not
    # one of the simulation's plain sentences.
    event_type = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-seq"]
        constraints = [
            models.UniqueConstraint(fields=["sandbox", "seq"], name="timeline_unique_seq"),
        ]

    def __str__(self) -> str:
        return self.message
