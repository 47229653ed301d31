"""Overdue cases: marked once, the region's section leaders told once (the dashboard: `test_pages`)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from shebao.audit.models import AuditEvent
from shebao.cases.models import CaseStatus, Notification
from shebao.cases.services.clock import cases_mark_overdue
from shebao.cases.tasks import mark_overdue, mark_overdue_task
from shebao.cases.tests.test_clock import make_case
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 3, 5)  # the deadline of a 10-day case accepted on 13 February 2026


@pytest.fixture
def world() -> dict[str, Any]:
    regions = make_region_tree()
    county = regions["county_a1"]
    return {
        **regions,
        "teller": make_staff("teller", region=county, posts=["special_teller"]),
        "reviewer": make_staff("reviewer", region=county, posts=["reviewer"]),
        "leader": make_staff("leader", region=county, posts=["section_leader"]),
        "leader2": make_staff("leader2", region=county, posts=["section_leader"]),
        "other_leader": make_staff("other_leader", region=regions["county_b1"], posts=["section_leader"]),
    }


def test_marks_overdue_once_and_notifies_the_region_leaders_once(world: dict[str, Any]) -> None:
    late = make_case(region=world["county_a1"], acceptor=world["teller"])
    in_review = make_case(region=world["county_a1"], acceptor=world["teller"], status=CaseStatus.IN_REVIEW)
    done = make_case(region=world["county_a1"], acceptor=world["teller"], status=CaseStatus.COMPLETED)
    assert late.deadline == DUE

    assert cases_mark_overdue(today=DUE) == 0  # due today is not overdue
    assert cases_mark_overdue(today=DUE + dt.timedelta(days=1)) == 2
    for case in (late, in_review, done):
        case.refresh_from_db()
    assert late.overdue and in_review.overdue and not done.overdue
    notes = Notification.objects.filter(staff__isnull=False)
    assert sorted(n.staff.username for n in notes.filter(case=late) if n.staff) == ["leader", "leader2"]
    assert not notes.filter(staff__username__in=["other_leader", "reviewer", "teller"]).exists()
    assert AuditEvent.objects.filter(action="cases.overdue").count() == 2

    assert cases_mark_overdue(today=DUE + dt.timedelta(days=2)) == 0
    assert notes.count() == 4
    assert AuditEvent.objects.filter(action="cases.overdue").count() == 2


def test_a_stopped_clock_is_not_overdue(world: dict[str, Any]) -> None:
    case = make_case(region=world["county_a1"], acceptor=world["teller"])
    from shebao.cases.services.clock import clock_stop

    clock_stop(case=case, on=dt.date(2026, 2, 25))
    case.status = CaseStatus.RETURNED
    case.save(update_fields=["status"])
    assert cases_mark_overdue(today=dt.date(2026, 6, 1)) == 0


def test_command_and_task(world: dict[str, Any]) -> None:
    make_case(region=world["county_a1"], acceptor=world["teller"])
    make_case(region=world["county_a1"], acceptor=world["teller"], accepted_on=dt.date(2026, 3, 2))
    out = io.StringIO()
    call_command("cases_mark_overdue", "--today", "2026-03-06", stdout=out)
    assert "1 case(s) marked overdue." in out.getvalue().splitlines()
    assert mark_overdue("2026-03-06") == 0
    assert mark_overdue_task.apply(args=["2026-04-01"]).get() == 1
    assert mark_overdue_task.name == "cases.mark_overdue"
