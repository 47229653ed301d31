"""The case clock (时限): working days from the day after complete materials arrive.

A case's clock is a list of `ClockPeriod`s. `clock_start(on=d)` opens a period starting the first
working day after `d` (acceptance, a supplement after 补正, a resumption after 中止);
`clock_stop(on=d)` closes the running period with `d` as its last counted day. The deadline is the
day on which the limit (the item's promised working days plus approved extensions) is used up,
counting working days through the closed periods and then on from the running one.

While the clock is stopped (returned for correction, suspended) there is no deadline: `deadline_compute`
returns None and `case.deadline` is None; it is recomputed when the clock restarts. An instant item
(0 days) is due on the day of acceptance. A deadline that counts days of a year whose holidays are not
known yet is provisional (Monday–Friday was assumed) and never raises.

`clock_start`/`clock_stop` are parts of the caller's action (accept, return, supplement) and are
audited by it; `case_extend`, `case_suspend`, `case_resume` and `cases_mark_overdue` audit themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.lifecycle import AT_BACK_OFFICE, Move, can_move, resume_target, target
from shebao.cases.models import (
    ActionKind,
    Case,
    CaseAction,
    CaseStatus,
    ClockPeriod,
    Extension,
)
from shebao.cases.notify import APPLICANT_LANGUAGE, notify
from shebao.core.access import can_see_region
from shebao.core.batch import discard
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.models import Post, Region, User
from shebao.core.permissions import Perm

# `_YearRules` loads each year's calendar once per computation; `is_workday` would query per day.
from shebao.core.workdays import WorkdayResult, _YearRules

ONE_DAY = dt.timedelta(days=1)


# --- helpers shared with review.py ----------------------------------------------------------------


def region_leaders(region: Region) -> QuerySet[User]:
    """Active staff of `region`'s offices holding a post with `Perm.CASE_APPROVE` (section leaders)."""
    posts = [p.pk for p in Post.objects.all() if Perm.CASE_APPROVE in (p.permissions or [])]
    return (
        User.objects.filter(is_active=True, office__region=region, posts__in=posts).distinct().order_by("pk")
    )


def refuse(
    *, by: Any, case: Case, code: str, message: Any, move: str = "", status: int = 400
) -> ApplicationError:
    """Record a refused attempt the one way (`flow.record_refusal`) and return the error to raise."""
    # flow imports this module (clock_start, clock_stop): import it when a refusal happens.
    from shebao.cases.services.flow import Refusal, record_refusal

    record_refusal(by=by, refusal=Refusal(code, message, move, status), case=case)
    if status == 403:
        return PermissionDeniedError(message, code=code)
    return ApplicationError(code, message, status=status)


def acceptance_day(case: Case) -> dt.date:
    return timezone.localdate(case.accepted_at)


# --- the clock ------------------------------------------------------------------------------------


def _next_workday(day: dt.date, rules: _YearRules) -> dt.date:
    current = day + ONE_DAY
    while not rules.is_workday(current):
        current += ONE_DAY
    return current


def clock_first_period(*, item: Any, on: dt.date) -> tuple[ClockPeriod, WorkdayResult | None]:
    """The clock of a case being accepted on `on`: its first period (not saved: its case does not exist
    yet) and the deadline it gives, so that both go into the acceptance's INSERTs (no UPDATE after)."""
    rules = _YearRules()
    period = ClockPeriod(start=_next_workday(on, rules))
    limit = int(item.promised_limit_days)
    if limit == 0:
        return period, WorkdayResult(date=on)
    return period, _deadline_over([period], limit, rules)


def _known_running(case: Case) -> ClockPeriod | None:
    """The running period. The case's periods are read once per request and kept on it (or are the
    ones the acceptance holds, `clock_first_period`), for the deadline that follows."""
    periods: list[ClockPeriod] | None = getattr(case, "_clock_periods", None)
    if periods is None:
        periods = list(ClockPeriod.objects.filter(case=case).order_by("start", "id"))
        case._clock_periods = periods  # type: ignore[attr-defined]
    return next((p for p in periods if p.end is None), None)


def clock_start(*, case: Case, on: dt.date) -> ClockPeriod:
    """Start (or restart) the clock: a period from the first working day after `on`.

    A clock already running is left as it is. Refreshes `case.deadline`. Part of the caller's
    transaction when there is one (no savepoint: if this fails, the whole move fails).
    """
    with transaction.atomic(savepoint=False):
        running = _known_running(case)
        if running is None:
            running = ClockPeriod.objects.create(case=case, start=_next_workday(on, _YearRules()))
            case._clock_periods.append(running)  # type: ignore[attr-defined]
        case_refresh_deadline(case)
    return running


def clock_stop(*, case: Case, on: dt.date, save_deadline: bool = True) -> ClockPeriod | None:
    """Stop the clock: `on` is the last day counted. Refreshes the deadline (`save_deadline=False`: on
    the case only, for a caller that saves the case next).

    Returns the closed period; None when the clock was not running, or when it is stopped before its
    first counted day (a return on the day of acceptance, a general item completed at once): that
    period would count nothing and end before it starts, so it is removed (or never written, when the
    acceptance still holds it for its INSERT, `core.batch`) — the case's actions say what happened, the
    clock shows only days it counted.
    """
    with transaction.atomic(savepoint=False):
        running = _known_running(case)
        if running is not None and on < running.start:
            case._clock_periods.remove(running)  # type: ignore[attr-defined]
            discard(running)
            running = None
        elif running is not None:
            running.end = on
            if running.pk is not None:  # else it is still held for the acceptance's INSERT (`core.batch`)
                running.save(update_fields=["end"])
        case_refresh_deadline(case, save=save_deadline)
    return running


def clock_periods_shown(case: Case) -> list[ClockPeriod]:
    """The case's clock periods for a page: in order, without any that counted nothing (a period
    stopped before its first day, as older data may hold). One query."""
    return [p for p in case.clock_periods.all() if p.end is None or p.end >= p.start]


def case_limit_days(case: Case) -> int:
    return int(case.item.promised_limit_days) + int(case.extension_days)


def deadline_compute(case: Case, *, rules: _YearRules | None = None) -> WorkdayResult | None:
    """The deadline from the clock periods; None while the clock is stopped (补正, 中止) or never started.

    `rules`: a calendar reader shared by many computations (each year is read once)."""
    limit = case_limit_days(case)
    if limit == 0:
        return WorkdayResult(date=acceptance_day(case))
    periods: list[ClockPeriod] | None = getattr(case, "_clock_periods", None)
    if periods is None:
        periods = list(ClockPeriod.objects.filter(case=case).order_by("start", "id"))
    return _deadline_over(periods, limit, rules or _YearRules())


def _deadline_over(periods: list[ClockPeriod], limit: int, rules: _YearRules) -> WorkdayResult | None:
    used = 0
    for period in sorted(periods, key=lambda p: (p.start, p.pk or 0)):
        day = period.start
        while period.end is None or day <= period.end:
            if rules.is_workday(day):
                used += 1
                if used == limit:
                    unknown = tuple(sorted(rules.unknown_years))
                    return WorkdayResult(date=day, provisional=bool(unknown), unknown_years=unknown)
            day += ONE_DAY
    # The limit is not used up and no period is running: the clock is stopped.
    return None


def working_days_used(case: Case, *, today: dt.date) -> int:
    """Working days counted so far (the running period up to `today`)."""
    rules = _YearRules()
    used = 0
    for period in ClockPeriod.objects.filter(case=case):
        day, end = period.start, period.end or today
        while day <= end:
            used += rules.is_workday(day)
            day += ONE_DAY
    return used


def case_refresh_deadline(case: Case, *, save: bool = True) -> WorkdayResult | None:
    """Write `case.deadline` and `deadline_provisional` from the clock (None while stopped); `save=False`
    sets them on the case only."""
    result = deadline_compute(case)
    before = (case.deadline, case.deadline_provisional)
    case.deadline = result.date if result is not None else None
    case.deadline_provisional = bool(result and result.provisional)
    if save and case.pk and before != (case.deadline, case.deadline_provisional):
        Case.objects.filter(pk=case.pk).update(
            deadline=case.deadline, deadline_provisional=case.deadline_provisional
        )
    return result


def deadlines_recompute(*, year: int, by: Any) -> str:
    """A holiday year was loaded (or replaced): recompute the deadline of every open case whose clock
    counts days of that year, which also clears the provisional flag once no unknown year is counted.

    Registered with `core.workdays.on_calendar_changed` (`CasesConfig.ready`) and so run inside the
    loading transaction; every moved deadline is audited (`cases.deadline_recomputed`). Cases whose
    clock is stopped have no deadline now and get one from the new calendar when it restarts."""
    rules = _YearRules()  # read after the new days were written, in the same transaction
    moved = 0
    cases = (
        Case.objects.filter(status__in=sorted(AT_BACK_OFFICE), deadline__gte=dt.date(year, 1, 1))
        .select_related("item", "region")
        .order_by("id")
    )
    for case in cases:
        result = deadline_compute(case, rules=rules)
        new_date = result.date if result is not None else None
        new_provisional = bool(result and result.provisional)
        if (new_date, new_provisional) == (case.deadline, case.deadline_provisional):
            continue
        old = {"deadline": case.deadline, "provisional": case.deadline_provisional}
        Case.objects.filter(pk=case.pk).update(deadline=new_date, deadline_provisional=new_provisional)
        audit_record(
            actor=by,
            action="cases.deadline_recomputed",
            subject=case,
            region_code=case.region.code,
            old=old,
            new={"deadline": new_date, "provisional": new_provisional},
            extra={"calendar_year": year},
        )
        moved += 1
    if not moved:
        return ""
    return _("The deadlines of %(count)s open cases were recomputed with the holidays of %(year)s.") % {
        "count": moved,
        "year": year,
    }


# --- extensions, suspension -----------------------------------------------------------------------


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def case_extend(*, case: Case, by: Any, days: int, reason: str, today: dt.date | None = None) -> Extension:
    """延期: a section leader adds working days before the old deadline passes; the applicant is told why
    and the new date."""
    today = _today(today)
    reason = (reason or "").strip()
    case = Case.objects.select_related("item", "region").get(pk=case.pk)
    if by is None or not by.has_perm_code(Perm.CASE_EXTEND):
        raise refuse(
            by=by,
            case=case,
            code="extend_not_leader",
            message=_("Only a section leader may extend a time limit."),
            move=Move.EXTEND,
            status=403,
        )
    if not can_see_region(by, case.region):
        raise refuse(
            by=by,
            case=case,
            code="extend_other_region",
            message=_("This case belongs to another region."),
            move=Move.EXTEND,
            status=403,
        )
    if not can_move(case, Move.EXTEND) or case.deadline is None:
        raise refuse(
            by=by,
            case=case,
            code="extend_not_running",
            message=_("Only a case whose clock is running can be extended."),
            move=Move.EXTEND,
        )
    if case.deadline < today:
        raise refuse(
            by=by,
            case=case,
            code="extend_too_late",
            message=_("The deadline %(date)s has passed; an extension must be approved before it.")
            % {"date": case.deadline.isoformat()},
            move=Move.EXTEND,
        )
    if not reason:
        raise ApplicationError("extend_reason_required", _("Give the reason for the extension."))
    promised = int(case.item.promised_limit_days)
    if days < 1 or case.extension_days + days > promised:
        raise ApplicationError(
            "extend_days",
            _("An extension is 1 to %(max)s working days in all (the promised time limit).")
            % {"max": promised},
        )
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("item", "region").get(pk=case.pk)
        if not can_move(case, Move.EXTEND) or case.deadline is None or case.deadline < today:
            raise ApplicationError(
                "case_moved", _("The case changed meanwhile; reload the page and try again."), status=409
            )
        old_deadline = case.deadline
        case.extension_days += days
        case.version += 1
        case.save(update_fields=["extension_days", "version"])
        result = case_refresh_deadline(case)
        assert result is not None  # the clock runs: checked above
        extension = Extension.objects.create(
            case=case,
            days=days,
            reason=reason,
            old_deadline=old_deadline,
            new_deadline=result.date,
            approved_by=by,
            approved_at=timezone.now(),
        )
        CaseAction.objects.create(
            case=case,
            kind=ActionKind.EXTEND,
            step_index=case.step_index,
            by=by,
            at=timezone.now(),
            comment=reason,
        )
        with translation.override(APPLICANT_LANGUAGE):
            values = {"number": case.number, "date": result.date.isoformat(), "reason": reason, "days": days}
            subject = _("Case %(number)s: time limit extended") % values
            body = (
                _(
                    "The time limit of your case %(number)s is extended by %(days)s working days to "
                    "%(date)s. Reason: %(reason)s"
                )
                % values
            )
        notify(subject=subject, body=body, case=case, person=case.person)
        audit_record(
            actor=by,
            action="cases.extended",
            subject=case,
            region_code=case.region.code,
            old={"deadline": old_deadline, "extension_days": case.extension_days - days},
            new={"deadline": result.date, "extension_days": case.extension_days, "reason": reason},
        )
    return extension


def _may_suspend(by: Any) -> bool:
    return by is not None and (by.has_perm_code(Perm.CASE_REVIEW) or by.has_perm_code(Perm.CASE_APPROVE))


def case_suspend(*, case: Case, by: Any, reason: str, until: dt.date, today: dt.date | None = None) -> Case:
    """中止: stop the clock while waiting on an outside party; the applicant is told why and until when."""
    today = _today(today)
    reason = (reason or "").strip()
    case = Case.objects.select_related("item", "region").get(pk=case.pk)
    if not _may_suspend(by):
        raise refuse(
            by=by,
            case=case,
            code="suspend_not_allowed",
            message=_("You do not hold a post that may suspend a case."),
            move=Move.SUSPEND,
            status=403,
        )
    if not can_see_region(by, case.region):
        raise refuse(
            by=by,
            case=case,
            code="suspend_other_region",
            message=_("This case belongs to another region."),
            move=Move.SUSPEND,
            status=403,
        )
    if not reason:
        raise ApplicationError("suspend_reason_required", _("Give the reason for the suspension."))
    if until <= today:
        raise ApplicationError("suspend_until", _("The clock must restart on a later date."))
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("item", "region").get(pk=case.pk)
        if not can_move(case, Move.SUSPEND):
            raise ApplicationError("case_not_open", _("Only an open case can be suspended."), status=409)
        previous = case.status
        case.status_before_suspension = previous
        case.suspended_until = until
        case.status = target(Move.SUSPEND)
        case.version += 1
        case.save(update_fields=["status", "status_before_suspension", "suspended_until", "version"])
        clock_stop(case=case, on=today)
        CaseAction.objects.create(
            case=case,
            kind=ActionKind.SUSPEND,
            step_index=case.step_index,
            by=by,
            at=timezone.now(),
            comment=reason,
        )
        with translation.override(APPLICANT_LANGUAGE):
            values = {"number": case.number, "date": until.isoformat(), "reason": reason}
            subject = _("Case %(number)s: suspended") % values
            body = (
                _(
                    "Your case %(number)s is suspended and its time limit stopped until %(date)s. "
                    "Reason: %(reason)s"
                )
                % values
            )
        notify(subject=subject, body=body, case=case, person=case.person)
        audit_record(
            actor=by,
            action="cases.suspended",
            subject=case,
            region_code=case.region.code,
            old={"status": previous},
            new={"status": case.status, "until": until, "reason": reason},
        )
    return case


def case_resume(*, case: Case, by: Any, today: dt.date | None = None) -> Case:
    """Resume a suspended case: back to its previous status, the clock restarting the next working day."""
    today = _today(today)
    case = Case.objects.select_related("item", "region").get(pk=case.pk)
    if not _may_suspend(by):
        raise refuse(
            by=by,
            case=case,
            code="resume_not_allowed",
            message=_("You do not hold a post that may resume a case."),
            move=Move.RESUME,
            status=403,
        )
    if not can_see_region(by, case.region):
        raise refuse(
            by=by,
            case=case,
            code="resume_other_region",
            message=_("This case belongs to another region."),
            move=Move.RESUME,
            status=403,
        )
    return _resume(case=case, by=by, today=today)


def _resume(*, case: Case, by: Any, today: dt.date) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("item", "region").get(pk=case.pk)
        if not can_move(case, Move.RESUME):
            raise ApplicationError("case_not_suspended", _("The case is not suspended."), status=409)
        case.status = resume_target(case)
        case.status_before_suspension = ""
        case.suspended_until = None
        case.version += 1
        case.save(update_fields=["status", "status_before_suspension", "suspended_until", "version"])
        clock_start(case=case, on=today)
        CaseAction.objects.create(
            case=case, kind=ActionKind.RESUME, step_index=case.step_index, by=by, at=timezone.now()
        )
        with translation.override(APPLICANT_LANGUAGE):
            values = {"number": case.number, "date": case.deadline.isoformat() if case.deadline else "-"}
            subject = _("Case %(number)s: resumed") % values
            body = _("Your case %(number)s is being handled again; it is due by %(date)s.") % values
        notify(subject=subject, body=body, case=case, person=case.person)
        audit_record(
            actor=by,
            action="cases.resumed",
            subject=case,
            region_code=case.region.code,
            old={"status": CaseStatus.SUSPENDED},
            new={"status": case.status, "deadline": case.deadline},
        )
    return case


def cases_resume_due(*, today: dt.date | None = None) -> int:
    """Resume every suspended case whose suspension has run out (its `until` date has come)."""
    today = _today(today)
    resumed = 0
    due = Case.objects.filter(status=CaseStatus.SUSPENDED, suspended_until__lte=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        try:
            _resume(case=Case(pk=pk), by=None, today=today)
        except ApplicationError:  # resumed by someone in the meantime
            continue
        resumed += 1
    return resumed


# --- overdue --------------------------------------------------------------------------------------


def cases_mark_overdue(*, today: dt.date | None = None) -> int:
    """Mark open cases past their deadline as overdue (once) and tell the region's section leaders.

    Returns how many cases were newly marked. Running it twice marks and notifies nothing more.
    """
    today = _today(today)
    candidates = list(
        Case.objects.filter(status__in=AT_BACK_OFFICE, overdue=False, deadline__lt=today)
        .select_related("region", "item")
        .order_by("pk")
    )
    leaders: dict[int, list[User]] = {}
    marked = 0
    for case in candidates:
        with transaction.atomic():
            # The filter on `overdue=False` makes a concurrent run mark (and notify) each case once.
            changed = Case.objects.filter(
                pk=case.pk, overdue=False, status__in=AT_BACK_OFFICE, deadline__lt=today
            ).update(overdue=True)
            if not changed:
                continue
            marked += 1
            if case.region_id not in leaders:
                leaders[case.region_id] = list(region_leaders(case.region))
            values = {
                "number": case.number,
                "item": case.item.name_zh,
                "date": case.deadline.isoformat() if case.deadline else "-",
            }
            subject = _("Case %(number)s is overdue") % values
            body = _("Case %(number)s (%(item)s) was due on %(date)s and is not finished.") % values
            for leader in leaders[case.region_id]:
                notify(subject=subject, body=body, case=case, staff=leader)
            audit_record(
                actor=None,
                action="cases.overdue",
                subject=case,
                region_code=case.region.code,
                old={"overdue": False},
                new={"overdue": True, "deadline": case.deadline, "today": today},
                extra={"notified": [u.pk for u in leaders[case.region_id]]},
            )
    return marked
