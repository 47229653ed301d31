"""The overdue task is registered with the project's Celery app and runs inline without a broker."""

from __future__ import annotations

import pytest

from shebao.celery import app

pytestmark = pytest.mark.django_db


def test_task_is_registered_and_scheduled():
    app.loader.import_default_modules()
    assert "cases.mark_overdue" in app.tasks
    assert app.conf.beat_schedule["cases-mark-overdue"]["task"] == "cases.mark_overdue"


def test_delay_runs_inline_without_a_broker():
    result = app.tasks["cases.mark_overdue"].delay("2026-11-23")
    assert result.get() == 0  # no open cases: nothing marked, and no broker was needed
