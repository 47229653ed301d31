"""Working-day arithmetic (工作日).

Sources, in order of precedence for a given year:
1. a year an administrator loaded from the State Council notice (`CalendarYear`), which may also
   correct a year `chinese-calendar` knows;
2. `chinese-calendar`, which knows official holidays and 调休 workdays up to 2026;
3. otherwise Monday–Friday, and the result is marked provisional. A date past the known calendar
   never raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import chinese_calendar

from shebao.core.models import CalendarDay, CalendarYear


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    provisional: bool = False
    # Years counted by weekday only, because nobody loaded them yet.
    unknown_years: tuple[int, ...] = field(default=())


class _YearRules:
    """Answers "is this a workday?" for one call, loading each year's data once."""

    def __init__(self) -> None:
        self._loaded: dict[int, dict[dt.date, bool] | None] = {}
        self.unknown_years: set[int] = set()

    def _loaded_year(self, year: int) -> dict[dt.date, bool] | None:
        if year not in self._loaded:
            if CalendarYear.objects.filter(year=year).exists():
                self._loaded[year] = dict(
                    CalendarDay.objects.filter(calendar_year__year=year).values_list("date", "is_workday")
                )
            else:
                self._loaded[year] = None
        return self._loaded[year]

    def is_workday(self, day: dt.date) -> bool:
        loaded = self._loaded_year(day.year)
        if loaded is not None:
            return loaded.get(day, day.weekday() < 5)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.unknown_years.add(day.year)
            return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> WorkdayResult:
    """The date `days` working days after `start`, counting from the day after it.

    `add_working_days(d, 0)` is `d` itself (an instant item finishes the same day).
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    rules = _YearRules()
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if rules.is_workday(current):
            remaining -= 1
    return WorkdayResult(
        date=current,
        provisional=bool(rules.unknown_years),
        unknown_years=tuple(sorted(rules.unknown_years)),
    )


def is_workday(day: dt.date) -> bool:
    return _YearRules().is_workday(day)


def year_is_known(year: int) -> bool:
    """True if holidays for `year` are known (loaded, or in chinese-calendar)."""
    if CalendarYear.objects.filter(year=year).exists():
        return True
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


# --- "a holiday year changed" hooks ---------------------------------------------------------------
# Loading a year changes which days count; apps whose dates were counted with it (the cases' deadlines)
# register a callback here in `AppConfig.ready()` (core imports no domain app). Each is called in the
# loading transaction with the year and the user, and returns a sentence for the page, or "".
CalendarChanged = Callable[..., str]
_CALENDAR_CHANGED: list[CalendarChanged] = []


def on_calendar_changed(callback: CalendarChanged) -> CalendarChanged:
    """Register `callback(*, year: int, by: User | None) -> str` (once; usable as a decorator)."""
    if callback not in _CALENDAR_CHANGED:
        _CALENDAR_CHANGED.append(callback)
    return callback


def calendar_changed(*, year: int, by: Any) -> list[str]:
    """Call every registered callback (inside the caller's transaction); their notes, empty ones left out."""
    notes = [callback(year=year, by=by) for callback in _CALENDAR_CHANGED]
    return [note for note in notes if note]
