"""Mark open cases past their deadline as overdue and notify the section leaders (run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shebao.cases.services.clock import cases_mark_overdue


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
        marked = cases_mark_overdue(today=today)
        self.stdout.write(f"{marked} case(s) marked overdue.")
