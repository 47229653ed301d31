"""Effect handlers: each registry effect code is registered and runs exactly one service."""

from __future__ import annotations

import datetime

import pytest

from shebao.audit.models import AuditEvent
from shebao.core.effects import effect_codes, get_effect
from shebao.core.errors import ApplicationError
from shebao.registry.models import Enrolment, Person, RecordChange
from shebao.registry.tests import factories as f

pytestmark = pytest.mark.django_db

CODES = [
    "registry.person_register",
    "registry.person_change",
    "registry.person_change_key",
    "registry.person_status",
    "registry.employer_register",
    "registry.employer_change",
    "registry.employer_status",
    "registry.enrolment_create",
    "registry.enrolment_suspend",
    "registry.enrolment_resume",
    "registry.enrolment_end",
    "registry.enrolment_transfer",
    "registry.staff_increase",
    "registry.staff_decrease",
]


def _run(code: str, data: dict, **kwargs):
    effect = get_effect(code)
    assert effect is not None
    return effect.handler(data=data, by=None, case_ref=kwargs.pop("case_ref", "CASE-1"), **kwargs)


@pytest.mark.django_db(databases=[])
def test_every_code_is_registered_with_labels():
    assert set(CODES) <= effect_codes()
    for code in CODES:
        effect = get_effect(code)
        assert effect is not None and effect.label_zh and effect.label_en


def test_staff_increase_runs_exactly_that_service():
    person = f.person()
    employer = f.employer()
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    created = _run(
        "registry.staff_increase",
        {"credit_code": employer.credit_code, "id_number": person.id_number, "start_date": "2024-03-01"},
    )
    assert len(created) == 5
    assert Enrolment.objects.filter(person=person, employer=employer, case_ref="CASE-1").count() == 5
    assert list(AuditEvent.objects.filter(id__gt=before).values_list("action", flat=True)) == [
        "registry.staff_increase"
    ]


def test_person_register_and_change_through_handlers():
    number = f.make_id_number()
    person = _run("registry.person_register", f.person_data(id_number=number), region=f.region())
    assert isinstance(person, Person) and person.id_number == number
    _run("registry.person_change", {"id_number": number, "phone": "13911112222"})
    person.refresh_from_db()
    assert person.phone == "13911112222"
    new_number = f.make_id_number(birth=datetime.date(1985, 3, 7))
    _run("registry.person_change_key", {"id_number": number, "new_id_number": new_number, "name": "张卫"})
    person.refresh_from_db()
    assert (person.id_number, person.name) == (new_number, "张卫")
    assert RecordChange.objects.filter(person=person, case_ref="CASE-1").count() == 3


def test_region_is_required_to_register():
    with pytest.raises(ApplicationError) as exc:
        _run("registry.person_register", f.person_data())
    assert exc.value.code == "region_required"


def test_enrolment_handlers_find_the_open_enrolment():
    person = f.person()
    enrolment = _run(
        "registry.enrolment_create",
        {"id_number": person.id_number, "insurance_type": "resident_pension", "start_date": "2020-01-01"},
    )
    base = {"id_number": person.id_number, "insurance_type": "resident_pension"}
    _run("registry.enrolment_suspend", {**base, "on": "2021-01-01"})
    _run("registry.enrolment_resume", {**base, "on": "2022-01-01"})
    _run("registry.enrolment_end", {**base, "end_date": "2023-12-31"})
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == ("ended", datetime.date(2023, 12, 31))
    with pytest.raises(ApplicationError) as exc:
        _run("registry.enrolment_end", {**base, "end_date": "2024-12-31"})
    assert exc.value.code == "enrolment_not_found"


def test_employer_handlers_and_transfer_and_decrease():
    employer = _run("registry.employer_register", f.employer_data(), region=f.region())
    other = f.employer()
    person = f.person()
    _run("registry.employer_change", {"credit_code": employer.credit_code, "industry": "零售业"})
    _run(
        "registry.staff_increase",
        {
            "credit_code": employer.credit_code,
            "id_number": person.id_number,
            "start_date": "2024-01-01",
            "insurance_types": ["employee_pension"],
        },
    )
    moved = _run(
        "registry.enrolment_transfer",
        {"credit_code": other.credit_code, "id_number": person.id_number, "on": "2024-06-01"},
    )
    assert [e.employer_id for e in moved] == [other.pk]
    _run(
        "registry.staff_decrease",
        {"credit_code": other.credit_code, "id_number": person.id_number, "end_date": "2024-12-31"},
    )
    _run(
        "registry.employer_status",
        {"credit_code": employer.credit_code, "status": "deregistered", "on": "2025-01-01"},
    )
    employer.refresh_from_db()
    assert employer.status == "deregistered"
    _run("registry.person_status", {"id_number": person.id_number, "status": "deceased", "on": "2025-02-01"})
    person.refresh_from_db()
    assert person.status == "deceased"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"credit_code": "", "id_number": "", "start_date": "2024-01-01"}, "credit_code_required"),
        (
            {"credit_code": "91110000600037341L", "id_number": "x", "start_date": "2024-01-01"},
            "employer_not_found",
        ),
    ],
)
def test_missing_person_or_employer_is_a_clear_error(data, code):
    with pytest.raises(ApplicationError) as exc:
        _run("registry.staff_increase", data)
    assert exc.value.code == code


def test_missing_person_names_the_number():
    employer = f.employer()
    number = f.make_id_number()
    with pytest.raises(ApplicationError) as exc:
        _run(
            "registry.staff_increase",
            {"credit_code": employer.credit_code, "id_number": number, "start_date": "2024-01-01"},
        )
    assert exc.value.code == "person_not_found" and number in str(exc.value)
