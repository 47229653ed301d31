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
    "registry.person_change_payout",
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


# --- declarations: the data each effect takes, what it writes, how its change is shown ----------------


@pytest.mark.django_db(databases=[])
def test_every_effect_declares_its_fields_in_both_languages():
    from shebao.core.effects import FieldKind

    for code in CODES:
        effect = get_effect(code)
        assert effect is not None and effect.fields, code
        for field in effect.fields:
            assert field.kind in FieldKind.ALL and field.label_zh and field.label_en, (code, field.name)
            for choice in field.choices:
                assert choice.label_zh and choice.label_en, (code, field.name, choice.value)


@pytest.mark.django_db(databases=[])
def test_key_and_fund_data_are_written_only_by_their_own_effects():
    from shebao.core.effects import sensitive_effect_codes

    key = get_effect("registry.person_change_key")
    payout = get_effect("registry.person_change_payout")
    ordinary = get_effect("registry.person_change")
    assert key is not None and key.writes_key_data and not key.writes_fund_data
    assert payout is not None and payout.writes_fund_data and not payout.writes_key_data
    assert ordinary is not None and not ordinary.sensitive
    assert {f.name for f in ordinary.fields} == {"phone", "address", "household_type"}
    # Registering a new person or enrolling one is not a change of key data.
    assert sensitive_effect_codes() & set(CODES) == {
        "registry.person_change_key",
        "registry.person_change_payout",
    }


@pytest.mark.django_db(databases=[])
def test_registering_effects_are_declared_with_their_applicant():
    from shebao.core.effects import registering_effect_codes

    assert {"registry.person_register", "registry.enrolment_create"} <= registering_effect_codes("person")
    assert "registry.employer_register" in registering_effect_codes("employer")
    enrol = get_effect("registry.enrolment_create")
    assert enrol is not None and not enrol.registers_only
    # The person's name and household type are asked only when the person is not registered yet.
    assert "name" not in {f.name for f in enrol.form_fields(given={"id_number"})}
    assert {"name", "household_type"} <= {f.name for f in enrol.form_fields(new_applicant=True)}
    employer = get_effect("registry.employer_register")
    assert employer is not None and employer.registers_only
    required = {f.name for f in employer.fields if f.required}
    assert {"industry", "injury_risk_class"} <= required  # what the service requires, the form asks


def test_key_data_preview_shows_the_name_now_and_after():
    person = f.person(name="赵霭倩")
    effect = get_effect("registry.person_change_key")
    preview = effect.preview({"id_number": person.id_number, "name": "赵霭芊"})
    assert [(r.before, r.after) for r in preview.rows] == [("赵霭倩", "赵霭芊")]
    assert preview.rows[0].changed


def test_payout_preview_masks_the_account_now_and_the_new_one_is_shown():
    person = f.person(bank_name="中国工商银行", bank_account="6222020200112233445")
    effect = get_effect("registry.person_change_payout")
    preview = effect.preview(
        {"id_number": person.id_number, "bank_name": "中国农业银行", "bank_account": "6228480000000000001"}
    )
    rows = {r.after: r.before for r in preview.rows}
    assert rows["中国农业银行"] == "中国工商银行"
    assert rows["6228480000000000001"].endswith("3445") and "622202" not in rows["6228480000000000001"]


def test_a_changed_record_changes_the_fingerprint():
    person = f.person(phone="13800000001")
    effect = get_effect("registry.person_change")
    data = {"id_number": person.id_number, "phone": "13911112222"}
    before = effect.preview(data).fingerprint(data)
    assert effect.preview(data).fingerprint(data) == before
    person.phone = "13700000000"
    person.save(update_fields=["phone"])
    assert effect.preview(data).fingerprint(data) != before


def test_person_change_no_longer_writes_the_payout_account():
    person = f.person()
    with pytest.raises(ApplicationError) as exc:
        _run("registry.person_change", {"id_number": person.id_number, "bank_account": "6228480000000000001"})
    assert exc.value.code == "fund_data"
    changed = _run(
        "registry.person_change_payout",
        {"id_number": person.id_number, "bank_name": "中国农业银行", "bank_account": "6228480000000000001"},
    )
    assert changed.bank_account == "6228480000000000001"
    change = RecordChange.objects.filter(person=person, kind="payout_changed").get()
    assert change.case_ref == "CASE-1" and change.changes["bank_account"][1] == "6228480000000000001"
    assert AuditEvent.objects.filter(action="registry.person_payout_changed").count() == 1


def test_payout_change_needs_a_case():
    person = f.person()
    with pytest.raises(ApplicationError) as exc:
        _run(
            "registry.person_change_payout",
            {"id_number": person.id_number, "bank_name": "农行", "bank_account": "622848000001"},
            case_ref="",
        )
    assert exc.value.code == "case_required"


def test_enrolment_outcome_counts_the_enrolments_and_links_the_person():
    from django.utils.translation import override

    from shebao.cases.services.flow import _effect_summary

    person = f.person()
    employer = f.employer()
    created = _run(
        "registry.staff_increase",
        {"credit_code": employer.credit_code, "id_number": person.id_number, "start_date": "2024-03-01"},
    )
    effect = get_effect("registry.staff_increase")
    with override("zh-hans"):
        outcome = effect.outcome(_effect_summary(created))
    assert outcome.text == "5 条参保登记"
    assert [(link.label, link.url) for link in outcome.links] == [
        (person.name, f"/registry/persons/{person.pk}/")
    ]


def test_enrolment_create_registers_a_person_not_yet_registered():
    number = f.make_id_number()
    enrolment = _run(
        "registry.enrolment_create",
        {
            "id_number": number,
            "insurance_type": "resident_pension",
            "start_date": "2024-01-01",
            "name": "钱多多",
            "household_type": "rural",
        },
        region=f.region(),
    )
    assert enrolment.person.id_number == number and enrolment.person.name == "钱多多"
    assert RecordChange.objects.filter(person=enrolment.person, kind="registered", case_ref="CASE-1").exists()
