from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shebao.audit.services import audit_seal


class Command(BaseCommand):
    help = "Seal committed audit events not yet chained (normally done right after each commit)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Sealed {audit_seal()} events.")
