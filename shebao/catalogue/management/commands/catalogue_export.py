"""Write a catalogue edition (default: the published one) to an .xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shebao.catalogue.models import Edition, EditionStatus
from shebao.catalogue.xlsx import edition_export_xlsx
from shebao.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Export a catalogue edition (default: the published one) to an .xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="Path of the .xlsx file to write.")
        parser.add_argument("--edition", type=int, help="Edition number (default: the published edition).")

    def handle(self, *args: Any, **options: Any) -> None:
        number = options.get("edition")
        if number is not None:
            edition = Edition.objects.filter(number=number).first()
            if edition is None:
                raise CommandError(_("There is no catalogue edition %(number)s.") % {"number": number})
        else:
            edition = Edition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-number").first()
            if edition is None:
                raise CommandError(_("No catalogue edition is published yet: name one with --edition."))
        try:
            content = edition_export_xlsx(edition=edition)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        out = Path(options["out"])
        out.write_bytes(content)
        count = edition.items.count()
        self.stdout.write(
            _("Exported edition %(number)s (%(count)s items) to %(path)s.")
            % {"number": edition.number, "count": count, "path": out}
        )
