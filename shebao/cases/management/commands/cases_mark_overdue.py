"""The daily clock work: resume cases whose suspension ran out, mark overdue cases and notify the
section leaders, mark missed appointments (run every morning; Celery beat does the same)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shebao.cases.services.clock import cases_mark_overdue, cases_resume_due
from shebao.counter.services import appointments_mark_missed


class Command(BaseCommand):
    help = "Mark open cases past their deadline as overdue and notify the section leaders of their region."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The day to judge by, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: {exc}") from exc
        resumed = cases_resume_due(today=today)
        marked = cases_mark_overdue(today=today)
        missed = appointments_mark_missed()
        self.stdout.write(f"{resumed} suspended case(s) resumed.")
        self.stdout.write(f"{marked} case(s) marked overdue.")
        self.stdout.write(f"{missed} appointment(s) marked missed.")
