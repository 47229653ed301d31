"""`manage.py staff_changes FILE --employer CREDIT_CODE [--by USERNAME]`: bulk staff increase and
decrease (批量增减员) from an .xlsx or CSV file, all or nothing.

Shows progress on stderr while checking and applying; on refusal prints every bad row and exits 1.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shebao.core.errors import ApplicationError
from shebao.core.models import User
from shebao.registry.bulk import staff_changes_import
from shebao.registry.selectors import employer_by_credit_code

BAR_WIDTH = 30


class _ProgressBar:
    """A self-drawn bar on one line of stderr (`\\r`), redrawn at most every 0.1 s."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.drawn = 0.0
        self.dirty = False

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if now - self.drawn < 0.1 and not final:
            return
        self.drawn = now
        if total is None:
            line = _("Checking: %(done)s rows") % {"done": done}
        else:
            filled = BAR_WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = _("Applying: [%(bar)s] %(percent)3d%% %(done)s/%(total)s") % {
                "bar": bar,
                "percent": 100 * done // max(total, 1),
                "done": done,
                "total": total,
            }
        self.stream.write("\r" + line.ljust(60), ending="")
        self.stream.flush()
        self.dirty = True

    def end(self) -> None:
        if self.dirty:
            self.stream.write("", ending="\n")
            self.dirty = False


class Command(BaseCommand):
    help = "Bulk staff increase and decrease (批量增减员) from an .xlsx or .csv file: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--employer", required=True, help="the employer's credit code (统一社会信用代码)")
        parser.add_argument(
            "--by", default="", help="username of the staff member doing it (default: system)"
        )
        parser.add_argument("--no-progress", action="store_true", help="do not draw the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        employer = employer_by_credit_code(options["employer"].strip().upper())
        if employer is None:
            raise CommandError(_("No employer has the credit code %(code)s.") % {"code": options["employer"]})
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(_("No user is called %(username)s.") % {"username": options["by"]})

        bar = None if options["no_progress"] else _ProgressBar(self.stderr)
        started = time.monotonic()
        try:
            result = staff_changes_import(
                employer=employer, file=path, filename=path.name, by=by, progress=bar
            )
        except ApplicationError as exc:
            if bar is not None:
                bar.end()
            self.stderr.write(str(exc.message))
            for line in exc.details:
                self.stderr.write(f"  {line}")
            raise CommandError(_("Nothing was written."), returncode=1) from exc
        if bar is not None:
            bar.end()
        self.stdout.write(
            _(
                "%(employer)s: %(rows)s rows applied in %(seconds).1f s — %(increased)s increased, "
                "%(decreased)s decreased, %(registered)s persons registered, %(created)s enrolments "
                "created, %(ended)s ended."
            )
            % {
                "employer": employer.name,
                "rows": result.rows,
                "seconds": time.monotonic() - started,
                "increased": result.increased,
                "decreased": result.decreased,
                "registered": result.registered,
                "created": result.created,
                "ended": result.ended,
            }
        )
