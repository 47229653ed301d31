from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from shebao.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the whole audit hash chain; name the first broken event. Exit code 1 if broken."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            pending = (
                f" ({result.unsealed} not yet sealed: their transactions are still open)"
                if result.unsealed
                else ""
            )
            self.stdout.write(
                self.style.SUCCESS(f"Audit chain intact: {result.checked} events verified{pending}.")
            )
            return
        self.stderr.write(
            self.style.ERROR(
                f"Audit chain BROKEN at event #{result.first_bad_seq} ({result.reason}); "
                f"{result.checked} events before it verified."
            )
        )
        sys.exit(1)
