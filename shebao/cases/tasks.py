"""Scheduled work of cases. In the demo Celery runs tasks inline (`CELERY_TASK_ALWAYS_EAGER`)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from shebao.cases.services.clock import cases_mark_overdue, cases_resume_due


def mark_overdue(today: str | None = None) -> int:
    """Mark overdue cases; `today` as YYYY-MM-DD (default: today). Returns how many were marked."""
    day = dt.date.fromisoformat(today) if today else None
    return cases_mark_overdue(today=day)


@shared_task(name="cases.mark_overdue")
def mark_overdue_task(today: str | None = None) -> int:
    return mark_overdue(today)


@shared_task(name="cases.resume_due")
def resume_due_task(today: str | None = None) -> int:
    """Resume suspended cases whose suspension ran out."""
    return cases_resume_due(today=dt.date.fromisoformat(today) if today else None)
