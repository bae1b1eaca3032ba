"""Celery tasks of the playground app: thin wrappers that call one service."""

from playground.celery import app
from playground.services import notice_publish


@app.task
def publish_notice(text: str) -> int:
    return notice_publish(text=text).pk
