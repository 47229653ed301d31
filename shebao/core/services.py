"""Writes of the core app: calendar years, staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shebao.audit.services import audit_record
from shebao.core.calendar_file import parse_holiday_file
from shebao.core.models import CalendarDay, CalendarYear
from shebao.core.workdays import calendar_changed


@transaction.atomic
def calendar_load_year(*, text: str, by: Any) -> CalendarYear:
    """Load (or replace) one year of holidays and 调休 workdays from a holiday file; then the apps
    registered with `workdays.on_calendar_changed` recompute what they counted (`year.change_notes`)."""
    parsed = parse_holiday_file(text)
    old = CalendarYear.objects.filter(year=parsed.year).first()
    old_days = None
    if old is not None:
        old_days = {str(d.date): d.is_workday for d in old.days.all()}
        old.days.all().delete()
    year, _created = CalendarYear.objects.update_or_create(
        year=parsed.year,
        defaults={"source": parsed.source, "loaded_by": by if getattr(by, "pk", None) else None},
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=year, date=day, is_workday=is_workday, name=name)
        for day, (is_workday, name) in sorted(parsed.days.items())
    )
    audit_record(
        actor=by,
        action="calendar.year_loaded",
        subject=year,
        old={"days": old_days} if old_days is not None else None,
        new={"source": parsed.source, "days": {str(d): w for d, (w, _n) in sorted(parsed.days.items())}},
    )
    # Dates counted with the old data (open cases' deadlines) are recomputed in this transaction.
    year.change_notes = calendar_changed(year=parsed.year, by=by)
    return year
