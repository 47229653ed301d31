"""Loading a holiday year recomputes the deadlines of the open cases it affects and clears their
provisional flag (core calls the hook the cases app registered, in the loading transaction)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.cases.models import Case, ClockPeriod
from shebao.cases.services.clock import case_refresh_deadline
from shebao.cases.tests import factories as cf
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.core.workdays import year_is_known

pytestmark = pytest.mark.django_db


def first_unknown_year() -> int:
    year = timezone.localdate().year
    while year_is_known(year):
        year += 1
    return year


def holiday_file(year: int) -> str:
    # Ten days of holiday at the start of the year: any deadline counted into early January moves.
    return f"year: {year}\nsource: 国办发明电〔{year - 1}〕1号\nholiday: {year}-01-01..{year}-01-10 元旦\n"


def provisional_case(o: dict[str, Any], year: int) -> Case:
    """An open special case (5 working days) whose clock, through the real acceptance, is moved to run
    from 30 December: its deadline falls in `year`, whose holidays nobody loaded yet."""
    case = cf.accept_special(o)
    ClockPeriod.objects.filter(case=case).update(start=dt.date(year - 1, 12, 30))
    case = Case.objects.get(pk=case.pk)  # as a later request reads it (the accepting one keeps its periods)
    case_refresh_deadline(case)
    case.refresh_from_db()
    assert case.deadline is not None and case.deadline.year == year and case.deadline_provisional
    return case


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_loading_the_year_on_the_calendar_page_moves_the_deadline_and_clears_provisional() -> None:
    o = cf.office()
    year = first_unknown_year()
    case = provisional_case(o, year)
    before = case.deadline
    assert before is not None
    done = cf.accept_general(o)  # completed at once: no running clock, left alone
    admin = make_staff("admin1", region=o["regions"]["province"], posts=[PostCode.ADMIN])

    response = client_for(admin).post(reverse("core:calendar"), {"text": holiday_file(year)}, follow=True)
    assert response.status_code == 200
    assert "重新计算 1 件在办办件" in response.content.decode()

    case.refresh_from_db()
    moved = case.deadline
    assert moved is not None and moved > dt.date(year, 1, 10) > before
    assert case.deadline_provisional is False
    [event] = AuditEvent.objects.filter(action="cases.deadline_recomputed")
    payload = json.loads(event.payload)
    assert event.subject_id == str(case.pk) and event.actor_id == admin.pk
    assert payload["old"] == {"deadline": before.isoformat(), "provisional": True}
    assert payload["new"] == {"deadline": moved.isoformat(), "provisional": False}
    assert Case.objects.get(pk=done.pk).deadline == done.deadline

    teller = client_for(o["special_teller"])
    new_date = moved.isoformat()
    receipt = teller.get(reverse("cases:receipt", args=[case.number])).content.decode()
    page = teller.get(reverse("cases:case", args=[case.number])).content.decode()
    for shown in (receipt, page):
        assert new_date in shown and before.isoformat() not in shown
    assert "暂定" not in receipt and "暂定" not in page


def test_calendar_load_command_recomputes_too(tmp_path: Any) -> None:
    o = cf.office()
    year = first_unknown_year()
    case = provisional_case(o, year)
    path = tmp_path / "holidays.txt"
    path.write_text(holiday_file(year), encoding="utf-8")
    call_command("calendar_load", str(path))
    case.refresh_from_db()
    assert case.deadline is not None and case.deadline > dt.date(year, 1, 10)
    assert case.deadline_provisional is False
    assert AuditEvent.objects.filter(action="cases.deadline_recomputed", actor__isnull=True).count() == 1
