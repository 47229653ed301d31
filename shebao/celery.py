"""The Celery app: background work (deadline marking, reminders, batch runs) in production.

With CELERY_BROKER_URL set (Redis in production) tasks go to workers started with
`celery -A shebao worker --beat`; without it (the embedded demo) they run inline in the caller
(`CELERY_TASK_ALWAYS_EAGER`), so the same task functions serve both.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")

app = Celery("shebao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Overdue cases are marked every working morning before the halls open.
app.conf.beat_schedule = {
    "cases-resume-due": {"task": "cases.resume_due", "schedule": crontab(hour=7, minute=20)},
    "cases-mark-overdue": {"task": "cases.mark_overdue", "schedule": crontab(hour=7, minute=30)},
    "counter-mark-missed": {"task": "counter.mark_missed", "schedule": crontab(hour=0, minute=30)},
    # Events are sealed right after each commit; this catches any left by a crash in between.
    "audit-seal": {"task": "audit.seal", "schedule": 60.0},
}
