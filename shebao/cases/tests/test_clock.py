"""The case clock: deadlines in working days, returns, suspensions, extensions."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.cases.models import Case, CaseStatus, ClockPeriod, Delivery, Extension, Notification
from shebao.cases.services.clock import (
    case_extend,
    case_resume,
    case_suspend,
    cases_resume_due,
    clock_start,
    clock_stop,
    deadline_compute,
)
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.models import Region, User
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.core.workdays import add_working_days, is_workday
from shebao.registry.tests import factories as registry

pytestmark = pytest.mark.django_db

ACCEPTED_ON = dt.date(2026, 2, 13)  # a Friday; Saturday 14 February is a 调休 workday
_numbers = itertools.count(1)


def make_edition() -> Any:
    return make_published_edition([item_data(), special_item_data(promised_limit_days=10)])


def make_case(
    *,
    region: Region,
    acceptor: User,
    accepted_on: dt.date = ACCEPTED_ON,
    code: str = "SB-S-001",
    number: str | None = None,
    status: str = CaseStatus.ACCEPTED,
    delivery: str = Delivery.PICKUP,
    start_clock: bool = True,
    **fields: Any,
) -> Case:
    """A case row made directly (the intake service is tested elsewhere), its clock started."""
    from shebao.catalogue.models import EditionStatus, ServiceItem

    item = ServiceItem.objects.filter(code=code, edition__status=EditionStatus.PUBLISHED).first()
    if item is None:
        make_edition()
        item = ServiceItem.objects.get(code=code, edition__status=EditionStatus.PUBLISHED)
    if "person" not in fields:
        fields["person"] = registry.person(at=region)
    case = Case.objects.create(
        number=number or f"T{next(_numbers):08d}",
        item=item,
        item_code=item.code,
        channel="counter",
        region=region,
        accepted_by=acceptor,
        accepted_at=timezone.make_aware(dt.datetime.combine(accepted_on, dt.time(10, 0))),
        status=status,
        step_index=1,
        delivery=delivery,
        **fields,
    )
    if start_clock:
        clock_start(case=case, on=accepted_on)
    return case


@pytest.fixture
def world() -> dict[str, Any]:
    regions = make_region_tree()
    county = regions["county_a1"]
    return {
        **regions,
        "teller": make_staff("teller", region=county, posts=["special_teller"]),
        "reviewer": make_staff("reviewer", region=county, posts=["reviewer"]),
        "leader": make_staff("leader", region=county, posts=["section_leader"]),
        "other_leader": make_staff("other_leader", region=regions["county_b1"], posts=["section_leader"]),
    }


def stopped_workdays(first: dt.date, last: dt.date) -> int:
    days = (last - first).days + 1
    return sum(is_workday(first + dt.timedelta(days=i)) for i in range(days))


def test_clock_starts_the_next_working_day_and_the_deadline_counts_from_it(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    period = ClockPeriod.objects.get(case=case)
    assert period.start == dt.date(2026, 2, 14)  # 调休 Saturday
    assert period.end is None
    assert add_working_days(ACCEPTED_ON, 10).date == dt.date(2026, 3, 5)
    result = deadline_compute(case)
    assert result is not None and result.date == dt.date(2026, 3, 5) and not result.provisional
    case.refresh_from_db()
    assert case.deadline == dt.date(2026, 3, 5)
    assert case.deadline_provisional is False


def test_clock_start_twice_keeps_one_running_period(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    clock_start(case=case, on=dt.date(2026, 2, 20))
    assert ClockPeriod.objects.filter(case=case).count() == 1


def test_return_and_supplement_move_the_deadline_by_the_stopped_working_days(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    original = case.deadline
    assert original == dt.date(2026, 3, 5)
    day3 = dt.date(2026, 2, 25)  # 14 Feb, 24 Feb, 25 Feb
    assert stopped_workdays(dt.date(2026, 2, 14), day3) == 3
    clock_stop(case=case, on=day3)
    assert deadline_compute(case) is None
    case.refresh_from_db()
    assert case.deadline is None

    supplement = day3 + dt.timedelta(days=5)  # Monday 2 March
    clock_start(case=case, on=supplement)
    stopped = stopped_workdays(day3 + dt.timedelta(days=1), supplement)
    assert stopped == 4  # 26, 27, 28 (调休 Saturday) February and 2 March
    case.refresh_from_db()
    assert case.deadline == add_working_days(original, stopped).date == dt.date(2026, 3, 11)
    assert ClockPeriod.objects.get(case=case, end__isnull=True).start == dt.date(2026, 3, 3)


def test_stop_before_the_first_counted_day_counts_nothing(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    assert clock_stop(case=case, on=ACCEPTED_ON) is None  # returned on the day of acceptance
    assert not ClockPeriod.objects.filter(case=case).exists()  # no period ending before it starts
    clock_start(case=case, on=dt.date(2026, 2, 24))
    case.refresh_from_db()
    assert case.deadline == add_working_days(dt.date(2026, 2, 24), 10).date
    assert [(p.start, p.end) for p in ClockPeriod.objects.filter(case=case)] == [(dt.date(2026, 2, 25), None)]


def _case_page(world: dict[str, Any], case: Case) -> str:
    from django.test import Client

    client = Client()
    client.force_login(world["reviewer"])
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="clock-h"') : html.index("</section>", html.index('id="clock-h"'))]


def test_case_page_clock_never_shows_an_end_before_its_start(world: dict[str, Any]) -> None:
    # Stopped the day it started: one day counted, shown as that day.
    one_day = make_case(region=world["county_a1"], acceptor=world["teller"])
    clock_stop(case=one_day, on=dt.date(2026, 2, 14))
    assert "计时日：2026-02-14" in _case_page(world, one_day)
    # Returned and supplemented on the day of acceptance: the clock starts the next working day.
    today = timezone.localdate()
    same_day = make_case(region=world["county_a1"], acceptor=world["teller"], accepted_on=today)
    clock_stop(case=same_day, on=today)
    clock_start(case=same_day, on=today)
    start = ClockPeriod.objects.get(case=same_day).start
    assert start > today
    clock = _case_page(world, same_day)
    assert f"{start:%Y-%m-%d} 起计时（下一个工作日）" in clock and clock.count("<li>") == 1
    # A row left by older code (end before start) is not shown.
    ClockPeriod.objects.filter(case=one_day).update(end=dt.date(2026, 2, 13))
    assert "2026-02-13" not in _case_page(world, one_day)


def test_instant_item_is_due_on_the_day_of_acceptance(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"], code="SB-G-001")
    case.refresh_from_db()
    assert case.deadline == ACCEPTED_ON


def test_deadline_in_an_unknown_year_is_provisional(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"], accepted_on=dt.date(2026, 12, 24))
    case.refresh_from_db()
    assert case.deadline is not None and case.deadline.year == 2027
    assert case.deadline_provisional is True
    later = make_case(region=world["county_a1"], acceptor=world["teller"], accepted_on=dt.date(2031, 5, 5))
    later.refresh_from_db()
    assert later.deadline == add_working_days(dt.date(2031, 5, 5), 10).date
    assert later.deadline_provisional is True


# --- extensions -----------------------------------------------------------------------------------


def test_leader_extends_before_the_deadline_and_the_applicant_is_told(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    old = case.deadline
    assert old is not None
    extension = case_extend(
        case=case, by=world["leader"], days=3, reason="需向外省核实缴费记录", today=dt.date(2026, 3, 5)
    )
    case.refresh_from_db()
    assert extension.old_deadline == old
    assert extension.new_deadline == case.deadline == add_working_days(old, 3).date == dt.date(2026, 3, 10)
    assert case.extension_days == 3
    note = Notification.objects.get(case=case, person=case.person)
    assert "需向外省核实缴费记录" in note.body
    assert "2026-03-10" in note.body
    event = AuditEvent.objects.get(action="cases.extended", subject_id=str(case.pk))
    assert json.loads(event.payload)["new"]["deadline"] == "2026-03-10"
    assert case.actions.filter(kind="extend").count() == 1


@pytest.mark.parametrize(
    ("who", "today", "days", "reason", "error"),
    [
        ("teller", dt.date(2026, 3, 1), 3, "理由", PermissionDeniedError),
        ("reviewer", dt.date(2026, 3, 1), 3, "理由", PermissionDeniedError),
        ("other_leader", dt.date(2026, 3, 1), 3, "理由", PermissionDeniedError),
        ("leader", dt.date(2026, 3, 6), 3, "理由", ApplicationError),  # the deadline has passed
        ("leader", dt.date(2026, 3, 1), 3, "  ", ApplicationError),
        ("leader", dt.date(2026, 3, 1), 0, "理由", ApplicationError),
        ("leader", dt.date(2026, 3, 1), 11, "理由", ApplicationError),  # more than the promised 10 days
    ],
)
def test_extension_refused(
    world: dict[str, Any], who: str, today: dt.date, days: int, reason: str, error: type[Exception]
) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    with pytest.raises(error):
        case_extend(case=case, by=world[who], days=days, reason=reason, today=today)
    case.refresh_from_db()
    assert case.deadline == dt.date(2026, 3, 5)
    assert case.extension_days == 0
    assert not Extension.objects.exists()
    assert not Notification.objects.exists()


def test_refused_extension_is_audited(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    with pytest.raises(PermissionDeniedError):
        case_extend(case=case, by=world["teller"], days=1, reason="理由", today=dt.date(2026, 3, 1))
    assert AuditEvent.objects.filter(action="cases.refused", subject_id=str(case.pk)).count() == 1


def test_extensions_add_up_to_at_most_the_promised_limit(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    case_extend(case=case, by=world["leader"], days=6, reason="一", today=dt.date(2026, 3, 1))
    with pytest.raises(ApplicationError):
        case_extend(case=case, by=world["leader"], days=5, reason="二", today=dt.date(2026, 3, 1))
    case_extend(case=case, by=world["leader"], days=4, reason="二", today=dt.date(2026, 3, 1))
    case.refresh_from_db()
    assert case.extension_days == 10
    assert case.deadline == add_working_days(ACCEPTED_ON, 20).date


# --- suspension -----------------------------------------------------------------------------------


def test_suspend_and_resume(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"], status=CaseStatus.IN_REVIEW)
    on = dt.date(2026, 2, 25)
    case = case_suspend(
        case=case, by=world["reviewer"], reason="等待法院判决", until=dt.date(2026, 3, 9), today=on
    )
    assert case.status == CaseStatus.SUSPENDED
    assert case.deadline is None
    note = Notification.objects.get(case=case)
    assert "等待法院判决" in note.body and "2026-03-09" in note.body
    with pytest.raises(ApplicationError):
        case_suspend(case=case, by=world["reviewer"], reason="再次", until=dt.date(2026, 3, 20), today=on)

    resumed_on = dt.date(2026, 3, 9)
    case = case_resume(case=case, by=world["reviewer"], today=resumed_on)
    assert case.status == CaseStatus.IN_REVIEW
    stopped = stopped_workdays(on + dt.timedelta(days=1), resumed_on)
    case.refresh_from_db()
    assert case.deadline == add_working_days(dt.date(2026, 3, 5), stopped).date
    assert [a.kind for a in case.actions.all()] == ["suspend", "resume"]
    assert AuditEvent.objects.filter(action__in=["cases.suspended", "cases.resumed"]).count() == 2
    assert Notification.objects.filter(case=case).count() == 2


def test_suspension_runs_out_and_the_case_resumes_by_itself(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"], status=CaseStatus.IN_REVIEW)
    on = dt.date(2026, 2, 25)
    case_suspend(case=case, by=world["reviewer"], reason="等待鉴定结论", until=dt.date(2026, 3, 9), today=on)
    case.refresh_from_db()
    assert case.status_before_suspension == CaseStatus.IN_REVIEW and case.suspended_until == dt.date(
        2026, 3, 9
    )
    assert cases_resume_due(today=dt.date(2026, 3, 6)) == 0  # not yet
    assert cases_resume_due(today=dt.date(2026, 3, 9)) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.suspended_until is None
    assert case.deadline is not None
    resumed = AuditEvent.objects.get(action="cases.resumed")
    assert resumed.actor_label == "system"
    assert Notification.objects.filter(case=case, subject__contains=case.number).count() == 2
    assert cases_resume_due(today=dt.date(2026, 3, 10)) == 0  # once only


def test_suspend_refused_to_a_teller_and_to_another_region(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    for who in ("teller", "other_leader"):
        with pytest.raises(PermissionDeniedError):
            case_suspend(
                case=case, by=world[who], reason="理由", until=dt.date(2026, 3, 9), today=dt.date(2026, 2, 25)
            )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.deadline == dt.date(2026, 3, 5)
    with pytest.raises(ApplicationError):
        case_resume(case=case, by=world["leader"])
