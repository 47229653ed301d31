"""Parse a holiday file: one year of the State Council notice, written as a few plain lines.

    # 国务院办公厅关于2027年部分节假日安排的通知
    year: 2027
    source: 国办发明电〔2026〕N号
    holiday: 2027-01-01..2027-01-03 元旦
    workday: 2027-02-07 春节调休

Blank lines and lines starting with # are ignored. Every problem is reported with its line number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shebao.core.errors import ApplicationError


@dataclass
class HolidayYear:
    year: int
    source: str = ""
    # date -> (is_workday, name)
    days: dict[dt.date, tuple[bool, str]] = field(default_factory=dict)


def _parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def parse_holiday_file(text: str) -> HolidayYear:
    errors: list[str] = []
    year: int | None = None
    source = ""
    entries: list[tuple[int, dt.date, bool, str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        value = value.strip()
        if not sep:
            errors.append(_("Line %(line)d: expected 'key: value'.") % {"line": lineno})
            continue
        if key == "year":
            try:
                year = int(value)
            except ValueError:
                errors.append(
                    _("Line %(line)d: '%(value)s' is not a year.") % {"line": lineno, "value": value}
                )
        elif key == "source":
            source = value
        elif key in ("holiday", "workday"):
            span, _sp, name = value.partition(" ")
            start_text, _dots, end_text = span.partition("..")
            try:
                start = _parse_date(start_text)
                end = _parse_date(end_text) if end_text else start
            except ValueError:
                errors.append(
                    _("Line %(line)d: '%(value)s' is not a date (YYYY-MM-DD).")
                    % {"line": lineno, "value": span}
                )
                continue
            if end < start:
                errors.append(_("Line %(line)d: the range ends before it starts.") % {"line": lineno})
                continue
            day = start
            while day <= end:
                entries.append((lineno, day, key == "workday", name.strip()))
                day += dt.timedelta(days=1)
        else:
            errors.append(_("Line %(line)d: unknown key '%(key)s'.") % {"line": lineno, "key": key})
    if year is None:
        errors.append(_("The file does not say which year it is for (a line 'year: 2027')."))
    result = HolidayYear(year=year or 0, source=source)
    for lineno, day, is_workday, name in entries:
        if year is not None and day.year != year:
            errors.append(
                _("Line %(line)d: %(date)s is not in %(year)d.") % {"line": lineno, "date": day, "year": year}
            )
        elif day in result.days and result.days[day][0] != is_workday:
            errors.append(
                _("Line %(line)d: %(date)s is listed as both a holiday and a workday.")
                % {"line": lineno, "date": day}
            )
        else:
            result.days[day] = (is_workday, name)
    if year is not None and not any(not w for w, _n in result.days.values()):
        errors.append(_("The file lists no holiday."))
    if errors:
        raise ApplicationError("calendar_file_invalid", _("The holiday file has errors."), details=errors)
    return result
