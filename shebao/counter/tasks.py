"""Scheduled work of the counter. In the demo Celery runs tasks inline (`CELERY_TASK_ALWAYS_EAGER`)."""

from __future__ import annotations

from celery import shared_task

from shebao.counter.services import appointments_mark_missed


@shared_task(name="counter.mark_missed")
def mark_missed_task() -> int:
    """Mark appointments whose slot ended without a check-in as missed."""
    return appointments_mark_missed()
