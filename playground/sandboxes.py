"""Services of the live sandbox: create, run commands, drive the clock, reconcile.

Every change follows one path (`opened`): lock the sandbox row, load its cluster,
bring it to the current simulated time, let the caller act through the simulation's
ApiServer/Console, save only what changed, and after the commit push a small event
to the sandbox's group and enqueue the task for the next timer (nothing polls).

Simulated time: at `wall_anchor` the cluster's time was `sim_anchor`; it runs at
`speed` simulated seconds per wall second unless paused. A sandbox nobody has looked
at for SANDBOX_IDLE_SECONDS schedules no timers; when opened again it catches up, at
most SANDBOX_MAX_CATCHUP simulated seconds (the rest of the idle time is skipped).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import redis
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from playground import sitelimits
from playground.groups import sandbox_group
from playground.models import ObjectRow, Sandbox, TimelineEntry
from playground.sim.console import Console
from playground.store import Loaded, Saved, load_cluster, new_cluster, save_cluster

User = get_user_model()
logger = logging.getLogger(__name__)

MIN_SPEED, MAX_SPEED = 0.25, 60.0
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
# More changes than this in one save: consumers resend the whole state instead.
MAX_PUSHED_CHANGES = 200
# Called as hook(sandbox, saved, changes) inside the saving transaction, with every
# store change (not only the last per object) since the load: the REST API's watch log.
AFTER_SAVE: list = []
# Called as hook(loaded) inside the saving transaction, after the save, with the cluster as
# saved: the lesson checks of a sandbox in a lesson (lessons/progress.py).
AFTER_RECONCILE: list = []


class SandboxError(ValueError):
    """A learner's request that cannot be done (bad name, speed out of range...)."""


def idle_seconds() -> float:
    return float(getattr(settings, "SANDBOX_IDLE_SECONDS", 900))


def max_catchup() -> float:
    return float(getattr(settings, "SANDBOX_MAX_CATCHUP", 3600))


def lease_seconds() -> float:
    return float(getattr(settings, "SANDBOX_LEASE_SECONDS", 30))


# ---- simulated time -------------------------------------------------------------------------


def sim_time(sandbox: Sandbox, wall: datetime | None = None) -> float:
    """The sandbox's simulated time at `wall` (now by default)."""
    if sandbox.paused or sandbox.wall_anchor is None:
        return sandbox.sim_anchor
    wall = wall or timezone.now()
    elapsed = max(0.0, (wall - sandbox.wall_anchor).total_seconds())
    return sandbox.sim_anchor + elapsed * sandbox.speed


def is_idle(sandbox: Sandbox, wall: datetime | None = None) -> bool:
    wall = wall or timezone.now()
    seen = sandbox.last_seen_at or sandbox.created_at or wall
    return (wall - seen).total_seconds() > idle_seconds()


def _catch_up(loaded: Loaded, wall: datetime) -> None:
    """Fire the timers due up to the current simulated time. The saved cluster was at a
    fixpoint and only timers change it (Cluster.next_wakeup's contract), so when none is
    due this costs no reconcile pass at all; the caller reconciles at the end anyway."""
    cluster = loaded.cluster
    target = min(sim_time(loaded.sandbox, wall), cluster.clock.now + max_catchup())
    while True:
        wake = cluster.next_wakeup()
        if wake is None or wake > target:
            break
        cluster.clock.set(max(wake, cluster.clock.now))
        cluster.reconcile()
    cluster.clock.set(max(target, cluster.clock.now))


# ---- the one write path -----------------------------------------------------------------------


@contextmanager
def opened(sandbox_id: int, *, seen: bool = False) -> Iterator[Loaded]:
    """Lock, load and catch up the sandbox; save, push and schedule after the block."""
    with transaction.atomic():
        sandbox = Sandbox.objects.select_for_update().get(pk=sandbox_id)
        wall = timezone.now()
        if seen:
            sandbox.last_seen_at = wall
        loaded = load_cluster(sandbox)
        sitelimits.apply(loaded.cluster.store.meta)
        _catch_up(loaded, wall)
        yield loaded
        _finish(loaded, wall)


def _finish(loaded: Loaded, wall: datetime) -> Saved:
    sandbox, cluster = loaded.sandbox, loaded.cluster
    cluster.reconcile()
    changes = list(cluster.store.changes)
    saved = save_cluster(loaded)
    for hook in AFTER_SAVE:
        hook(sandbox, saved, changes)
    for hook in AFTER_RECONCILE:
        hook(loaded)
    sandbox.sim_anchor = cluster.clock.now
    sandbox.wall_anchor = wall
    timer = _plan_timer(sandbox, cluster.next_wakeup(), wall)
    sandbox.save()
    sandbox_id = sandbox.pk
    transaction.on_commit(lambda: push_changes(sandbox_id, saved), robust=True)
    if timer is not None:
        token, countdown = timer
        transaction.on_commit(lambda: _enqueue(sandbox_id, token, countdown), robust=True)
    return saved


def _plan_timer(sandbox: Sandbox, wake: float | None, wall: datetime) -> tuple[str, float] | None:
    """Keep, replace or clear the sandbox's next-timer task; returns a task to enqueue."""
    if wake is None or sandbox.paused or is_idle(sandbox, wall):
        sandbox.timer_token, sandbox.timer_due = "", None
        return None
    # a timer "due now" still waits a moment, so a controller can never spin the worker
    countdown = max(0.05, (wake - sandbox.sim_anchor) / sandbox.speed)
    due = wall + timedelta(seconds=countdown)
    queued = sandbox.timer_token and sandbox.timer_due is not None
    if queued and abs((sandbox.timer_due - due).total_seconds()) < 0.001:
        return None  # that very timer is already queued
    sandbox.timer_token, sandbox.timer_due = secrets.token_hex(8), due
    return sandbox.timer_token, countdown


def _enqueue(sandbox_id: int, token: str, countdown: float) -> None:
    from playground.tasks import reconcile_sandbox

    reconcile_sandbox.apply_async((sandbox_id, token), countdown=countdown)


def push_changes(sandbox_id: int, saved: Saved) -> None:
    """A small event after the commit: ids and a version, never whole objects."""
    changes = [{k: v for k, v in c.items() if k != "object"} for c in saved.changed]
    event = {
        "type": "sandbox.changed",
        "sandbox_id": sandbox_id,
        "resource_version": saved.resource_version,
        "timeline": saved.timeline,
        "sent": time.time(),
    }
    if len(changes) > MAX_PUSHED_CHANGES:
        event["full"] = True
    else:
        event["changes"] = changes
    group_send(sandbox_group(sandbox_id), event)


class _Publisher:
    """One event loop thread per process for group_send: async_to_sync would open a new
    loop (and a new Redis connection) for every push."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        # a layer of its own: Redis connections belong to the loop that opened them
        self.layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        threading.Thread(target=self.loop.run_forever, daemon=True, name="push").start()

    def send(self, group: str, event: dict) -> None:
        try:
            self._send(group, event)
        except redis.ConnectionError:
            # After a Redis restart the pool's first connection is a dead one ("Connection
            # closed by server") and is dropped; a second try opens a fresh one. Without
            # it the first push after the restart, often the very one that shows the
            # worker's catch-up, would be lost.
            self._send(group, event)

    def _send(self, group: str, event: dict) -> None:
        future = asyncio.run_coroutine_threadsafe(self.layer.group_send(group, event), self.loop)
        future.result(timeout=10)


_publisher: _Publisher | None = None
_publisher_lock = threading.Lock()


def group_send(group: str, event: dict) -> None:
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher.pid != os.getpid():  # a forked worker child
            _publisher = _Publisher()
        publisher = _publisher
    publisher.send(group, event)


# ---- reconcile (the Celery task's service) -------------------------------------------------------


def sandbox_claim(*, sandbox_id: int) -> bool:
    """Claim the sandbox for one worker (a conditional UPDATE: two never both win)."""
    now = timezone.now()
    lease = now + timedelta(seconds=lease_seconds())
    free = Q(reconciling_until__isnull=True) | Q(reconciling_until__lt=now)
    return Sandbox.objects.filter(free, pk=sandbox_id).update(reconciling_until=lease) == 1


def sandbox_release(*, sandbox_id: int) -> None:
    Sandbox.objects.filter(pk=sandbox_id).update(reconciling_until=None)


def claim_wait(sandbox_id: int) -> float:
    """Seconds until another worker's claim expires (0 when free)."""
    until = Sandbox.objects.filter(pk=sandbox_id).values_list("reconciling_until", flat=True)
    first = until.first()
    if first is None:
        return 0.0
    return max(0.0, (first - timezone.now()).total_seconds())


def sandbox_reconcile(*, sandbox_id: int, token: str | None = None) -> str:
    """Bring the sandbox to the current simulated time; idempotent. Returns what it did."""
    try:
        sandbox = Sandbox.objects.get(pk=sandbox_id)
    except Sandbox.DoesNotExist:
        return "gone"
    if token is not None and token != sandbox.timer_token:
        return "stale"  # a newer timer replaced this one
    if not sandbox_claim(sandbox_id=sandbox_id):
        return "busy"
    try:
        pause = float(getattr(settings, "SANDBOX_RECONCILE_PAUSE", 0))
        with opened(sandbox_id):
            if pause:  # lets tests kill a worker mid-reconcile, and see that it is there
                logger.info("sandbox %s: paused mid-reconcile for %gs", sandbox_id, pause)
                time.sleep(pause)
    finally:
        sandbox_release(sandbox_id=sandbox_id)
    return "done"


def sandbox_heal_timer(*, sandbox_id: int, connecting: bool = False) -> bool:
    """Queue a watched sandbox's pending timer again, due when it was due, when its task may
    be lost: always as a page (re)connects (Redis keeps no queue across a restart, and a
    write made while it was down could not queue its own), and later only once the timer is
    long overdue (a killed worker whose message is not back yet). A duplicate is harmless:
    whichever copy runs first replaces the token (or finds the claim taken); the other is
    stale."""
    timer = Sandbox.objects.filter(pk=sandbox_id).values_list("timer_token", "timer_due").first()
    if timer is None or not timer[0] or timer[1] is None:
        return False
    token, due = timer
    late = (timezone.now() - due).total_seconds()
    if not connecting and late < lease_seconds():
        return False
    _enqueue(sandbox_id, token, max(0.0, -late))
    return True


# ---- creating and managing sandboxes -------------------------------------------------------------


def validate_name(name: str) -> str:
    name = name.strip()
    if not NAME_RE.match(name):
        raise SandboxError(
            "a sandbox name must be 1 to 63 lowercase letters, digits or '-', "
            "starting and ending with a letter or digit"
        )
    return name


# Reverse relations of the sandboxes a lesson or an exercise attempt opened for a learner:
# one per lesson or exercise, so already bounded, and never counted in the per-learner cap
# (a visitor's one sandbox must not stop them starting a lesson).
GUIDED = ("lesson_progress", "attempts")


def sandboxes_of(*, owner=None, visitor: str = ""):
    if owner is not None:
        return Sandbox.objects.filter(owner=owner)
    return Sandbox.objects.filter(owner__isnull=True, visitor=visitor)


def free_sandboxes_of(*, owner=None, visitor: str = ""):
    """The learner's own sandboxes, opened with "Open a sandbox" (not a lesson's)."""
    return (
        sandboxes_of(owner=owner, visitor=visitor)
        .filter(**{f"{relation}__isnull": True for relation in GUIDED})
        .distinct()
    )


def sandbox_cap(*, owner=None) -> int:
    if owner is not None:
        return int(getattr(settings, "SANDBOX_MAX_PER_USER", 5))
    return int(getattr(settings, "SANDBOX_MAX_PER_VISITOR", 1))


def check_room(*, owner=None, visitor: str = "") -> None:
    """Refuse one sandbox more than the site lets this learner keep."""
    cap = sandbox_cap(owner=owner)
    if free_sandboxes_of(owner=owner, visitor=visitor).count() < cap:
        return
    if owner is not None:
        raise SandboxError(
            f"you already have {cap} sandboxes, the most one account may keep: "
            "delete one to open another"
        )
    plural = "sandbox" if cap == 1 else "sandboxes"
    raise SandboxError(
        f"without an account you can keep {cap} {plural}: sign up to open more, "
        "or reset the one you have"
    )


def next_free_name(owner, base: str = "sandbox", *, visitor: str = "") -> str:
    taken = set(sandboxes_of(owner=owner, visitor=visitor).values_list("name", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def sandbox_create(
    *, name: str, owner=None, visitor: str = "", seed: int | None = None, capped: bool = False
) -> Sandbox:
    """A new sandbox with a fresh cluster. `capped`: one the learner opens themselves, which
    counts against their cap (SANDBOX_MAX_PER_USER / SANDBOX_MAX_PER_VISITOR)."""
    name = validate_name(name)
    if owner is not None and Sandbox.objects.filter(owner=owner, name=name).exists():
        raise SandboxError(f'you already have a sandbox named "{name}"')
    wall = timezone.now()
    with transaction.atomic():
        if capped:
            if owner is not None:  # two tabs opening at once wait for each other's count
                User.objects.select_for_update().filter(pk=owner.pk).first()
            check_room(owner=owner, visitor=visitor)
        sandbox = Sandbox.objects.create(
            owner=owner,
            visitor=visitor,
            name=name,
            seed=secrets.randbelow(2**31) if seed is None else seed,
            sim_anchor=float(int(wall.timestamp())),
            wall_anchor=wall,
            last_seen_at=wall,
        )
        _bootstrap(sandbox, wall)
    return sandbox


def _bootstrap(sandbox: Sandbox, wall: datetime) -> None:
    loaded = new_cluster(sandbox, limits=sitelimits.for_bootstrap())
    sitelimits.apply(loaded.cluster.store.meta)
    loaded.cluster.reconcile()
    _finish(loaded, wall)


def sandbox_reset(*, sandbox: Sandbox) -> Sandbox:
    """A fresh default cluster under the same name, seed and owner."""
    wall = timezone.now()
    with transaction.atomic():
        locked = Sandbox.objects.select_for_update().get(pk=sandbox.pk)
        ObjectRow.objects.filter(sandbox=locked).delete()
        TimelineEntry.objects.filter(sandbox=locked).delete()
        locked.meta, locked.resource_version, locked.timeline_seq = {}, 0, 0
        locked.sim_anchor, locked.wall_anchor = float(int(wall.timestamp())), wall
        locked.paused, locked.speed, locked.last_seen_at = False, 1.0, wall
        locked.timer_token, locked.timer_due = "", None
        _bootstrap(locked, wall)
        transaction.on_commit(lambda: push_full(locked.pk), robust=True)
    return locked


def push_full(sandbox_id: int) -> None:
    event = {
        "type": "sandbox.changed",
        "sandbox_id": sandbox_id,
        "full": True,
        "timeline": 0,
        "sent": time.time(),
    }
    group_send(sandbox_group(sandbox_id), event)


def sandbox_rename(*, sandbox: Sandbox, name: str) -> Sandbox:
    name = validate_name(name)
    clash = Sandbox.objects.filter(owner=sandbox.owner, name=name).exclude(pk=sandbox.pk)
    if sandbox.owner_id is not None and clash.exists():
        raise SandboxError(f'you already have a sandbox named "{name}"')
    sandbox.name = name
    sandbox.save(update_fields=["name", "updated_at"])
    return sandbox


def sandbox_delete(*, sandbox: Sandbox) -> None:
    sandbox.delete()


def sandbox_adopt(*, visitor: str, user) -> int:
    """Signing up (or logging in) keeps the sandboxes opened before, under the account."""
    if not visitor:
        return 0
    adopted = 0
    for sandbox in Sandbox.objects.filter(owner__isnull=True, visitor=visitor):
        sandbox.owner = user
        sandbox.name = next_free_name(user, sandbox.name)
        sandbox.visitor = ""
        sandbox.save(update_fields=["owner", "name", "visitor", "updated_at"])
        adopted += 1
    return adopted


# ---- commands ----------------------------------------------------------------------------------


def sandbox_command(*, sandbox_id: int, line: str, stdin: str | None = None) -> tuple[str, bool]:
    """Run one console line (kubectl or a playground command) on the stored cluster."""
    with opened(sandbox_id, seen=True) as loaded:
        result = Console(loaded.cluster).run(line, stdin=stdin)
    return result.output, result.ok


def sandbox_apply(*, sandbox_id: int, manifest: str) -> tuple[str, bool]:
    return sandbox_command(sandbox_id=sandbox_id, line="kubectl apply -f -", stdin=manifest)


def sandbox_touch(*, sandbox_id: int) -> None:
    """The page was opened: catch up and (re)start the timers of an idle sandbox."""
    with opened(sandbox_id, seen=True):
        pass


def sandbox_clock(*, sandbox_id: int, action: str, value: str = "") -> str:
    """pause, resume, speed VALUE, step, advance DURATION, settle."""
    with opened(sandbox_id, seen=True) as loaded:
        sandbox, cluster = loaded.sandbox, loaded.cluster
        if action == "pause":
            sandbox.paused = True
            return "paused"
        if action == "resume":
            sandbox.paused = False
            return "resumed"
        if action == "speed":
            sandbox.speed = parse_speed(value)
            return f"speed x{sandbox.speed:g}"
        if action == "step":
            moved = cluster.step()
            return "nothing pending" if moved is None else "stepped to the next timer"
        if action == "advance":
            return Console(cluster).run(f"clock advance {value}").output.strip()
        if action == "settle":
            return Console(cluster).run("clock settle").output.strip()
        raise SandboxError(f"unknown clock action {action!r}")


def parse_speed(value: str) -> float:
    try:
        speed = float(str(value).strip().rstrip("x"))
    except ValueError:
        raise SandboxError(f"speed must be a number, not {value!r}") from None
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise SandboxError(f"speed must be between {MIN_SPEED:g}x and {MAX_SPEED:g}x")
    return speed
