"""History: every change kept with who, when, case and old/new values; a record as it was on a date."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from shebao.core.tests.factories import make_staff
from shebao.registry import selectors, services
from shebao.registry.models import RecordChange
from shebao.registry.tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


def _at(day: datetime.date, hour: int = 10):
    """Run services as if it were `day` at `hour` o'clock (platform time zone)."""
    moment = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_person_as_of_a_past_date_shows_the_old_phone_and_name():
    teller = make_staff("teller1", region=f.region(), posts=["special_teller"])
    with _at(D(2024, 1, 10)):
        person = f.person(name="张伟", phone="13800000001", by=teller)
    with _at(D(2024, 3, 5)):
        services.person_change(person=person, data={"phone": "13900000002"}, by=teller, case_ref="C-2")
    with _at(D(2024, 6, 1)):
        services.person_change_key_data(person=person, data={"name": "张维"}, by=teller, case_ref="K-3")
    with _at(D(2024, 6, 2)):
        services.enrolment_create(
            person=person, insurance_type="resident_medical", start_date=D(2024, 7, 1), by=teller
        )

    assert selectors.person_as_of(person=person, on=D(2024, 1, 9)) is None
    on_registration = selectors.person_as_of(person=person, on=D(2024, 1, 10))
    assert on_registration is not None
    assert (on_registration["name"], on_registration["phone"]) == ("张伟", "13800000001")
    spring = selectors.person_as_of(person=person, on=D(2024, 5, 31))
    assert spring is not None and (spring["name"], spring["phone"]) == ("张伟", "13900000002")
    assert spring["enrolments"] == []
    summer = selectors.person_as_of(person=person, on=D(2024, 6, 2))
    assert summer is not None and summer["name"] == "张维"
    assert [e["insurance_type"] for e in summer["enrolments"]] == ["resident_medical"]

    history = list(selectors.person_history(person=person))
    assert [c.kind for c in history] == ["enrolled", "key_data_changed", "changed", "registered"]
    key_change = history[1]
    assert key_change.changed_by == teller and key_change.case_ref == "K-3"
    assert key_change.changes == {"name": ["张伟", "张维"]}
    assert history[2].changes == {"phone": ["13800000001", "13900000002"]}


def test_end_of_day_is_in_the_platform_time_zone():
    # 23:30 in Shanghai on 1 March is still 1 March (15:30 UTC).
    with _at(D(2024, 3, 1), hour=23):
        person = f.person()
    assert selectors.person_as_of(person=person, on=D(2024, 3, 1)) is not None
    assert selectors.person_as_of(person=person, on=D(2024, 2, 29)) is None


def test_employer_as_of_shows_old_name_and_staff_counts():
    with _at(D(2023, 5, 1)):
        employer = f.employer(name="旧名称有限公司")
    with _at(D(2023, 6, 1)):
        services.staff_increase(employer=employer, person=f.person(), start_date=D(2023, 6, 1), by=None)
    with _at(D(2024, 2, 1)):
        services.employer_change(employer=employer, data={"name": "新名称有限公司"}, by=None)
    assert selectors.employer_as_of(employer=employer, on=D(2023, 4, 30)) is None
    old = selectors.employer_as_of(employer=employer, on=D(2023, 12, 31))
    assert old is not None and old["name"] == "旧名称有限公司"
    assert old["staff"]["employee_pension"] == 1
    new = selectors.employer_as_of(employer=employer, on=D(2024, 2, 1))
    assert new is not None and new["name"] == "新名称有限公司"


def test_system_changes_have_no_user_and_every_write_has_a_change_row():
    person = f.person()
    services.person_change(person=person, data={"address": "别处"}, by=None)
    assert set(RecordChange.objects.filter(person=person).values_list("changed_by", flat=True)) == {None}
    assert RecordChange.objects.filter(person=person).count() == 2
