"""Celery tasks of the playground app: thin wrappers that call one service."""

from playground.celery import app
from playground.services import notice_publish


@app.task
def publish_notice(text: str) -> int:
    return notice_publish(text=text).pk


@app.task(acks_late=True, reject_on_worker_lost=True, bind=True, max_retries=None)
def reconcile_sandbox(self, sandbox_id: int, token: str | None = None) -> str:
    """Bring a sandbox to its current simulated time, then queue its next timer.

    acks_late: a worker killed mid-run leaves the message to be delivered again; the
    reconcile is idempotent, so the next run converges with nothing lost.
    """
    from playground.sandboxes import claim_wait, sandbox_reconcile

    outcome = sandbox_reconcile(sandbox_id=sandbox_id, token=token)
    if outcome == "busy":
        # Another worker holds the claim (or died holding it): try again when it expires.
        raise self.retry(countdown=max(0.1, claim_wait(sandbox_id)))
    return outcome
