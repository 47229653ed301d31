"""Import an .xlsx workbook into the current draft edition of the catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shebao.catalogue.models import Edition, EditionStatus
from shebao.catalogue.xlsx import edition_import_xlsx
from shebao.core.errors import ApplicationError
from shebao.core.models import User


class Command(BaseCommand):
    help = "Import an .xlsx file (shaped like catalogue_export's) into the current draft edition."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the .xlsx file to read.")
        parser.add_argument("--by", help="Username recorded in the audit log as the importer.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        by = None
        if options.get("by"):
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(_("There is no staff member %(username)s.") % {"username": options["by"]})
        edition = Edition.objects.filter(status=EditionStatus.DRAFT).order_by("-number").first()
        if edition is None:
            raise CommandError(_("There is no draft edition to import into: create a draft first."))
        try:
            result = edition_import_xlsx(edition=edition, file=path, by=by)
        except ApplicationError as exc:
            for detail in exc.details:
                self.stderr.write(str(detail))
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            _("Imported into draft edition %(number)s: %(created)s items created, %(updated)s updated.")
            % {"number": edition.number, "created": result.created, "updated": result.updated}
        )
