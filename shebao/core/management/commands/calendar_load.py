from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shebao.core.errors import ApplicationError
from shebao.core.services import calendar_load_year


class Command(BaseCommand):
    help = "Load one year of official holidays and 调休 workdays from a holiday file (see core/calendar_file.py)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            year = calendar_load_year(text=path.read_text(encoding="utf-8"), by=None)
        except ApplicationError as exc:
            raise CommandError("\n".join([str(exc.message), *map(str, exc.details)])) from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {year.year}: {year.days.count()} days."))
        for note in year.change_notes:
            self.stdout.write(note)
