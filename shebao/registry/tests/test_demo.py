"""Registry demo data: made through the services, valid numbers, every rule kept, seeded once.

The seed (200 persons, 10 employers) runs once per module inside a transaction rolled back after
the module's tests.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count
from stdnum.cn import ric, uscc

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_verify
from shebao.demo.province import demo_province_create
from shebao.registry import demo
from shebao.registry.identity import check_credit_code
from shebao.registry.models import (
    Employer,
    EmployerType,
    Enrolment,
    Person,
    PersonStatus,
    PossibleDuplicate,
    RecordChange,
)

pytestmark = pytest.mark.django_db

PERSONS, EMPLOYERS = 200, 10


@dataclass
class Seeded:
    first: dict[str, Any]
    second: dict[str, Any]
    after_first: dict[str, int]
    after_second: dict[str, int]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Person, Employer, Enrolment, RecordChange, AuditEvent)}


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Seeded]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_province_create(by=None)
        first = demo.seed_registry(persons=PERSONS, employers=EMPLOYERS)
        after_first = _counts()
        second = demo.seed_registry(persons=PERSONS, employers=EMPLOYERS)
        yield Seeded(first, second, after_first, _counts())
        transaction.set_rollback(True)


def test_seeded_once(seeded: Seeded) -> None:
    assert not seeded.first["skipped"] and seeded.second == {"skipped": True}
    assert seeded.after_first == seeded.after_second
    assert seeded.first["persons"] == PERSONS + demo.DUPLICATES
    assert seeded.after_first["Person"] == PERSONS + demo.DUPLICATES
    assert seeded.after_first["Employer"] == EMPLOYERS
    assert AuditEvent.objects.filter(action=demo.MARKER_ACTION).count() == 1


def test_id_numbers_are_valid_and_agree_with_the_record(seeded: Seeded) -> None:
    for id_number, gender, birth in Person.objects.values_list("id_number", "gender", "birth_date"):
        assert ric.is_valid(id_number), id_number
        assert ric.get_birth_place(id_number)["county"]
        assert ric.get_birth_date(id_number) == birth
        assert datetime.date(1950, 1, 1) <= birth <= datetime.date(2006, 12, 31)
        assert (int(id_number[16]) % 2 == 1) == (gender == "M")
    assert not Person.objects.filter(birthplace_known=False).exists()


def test_names_look_chinese(seeded: Seeded) -> None:
    names = list(Person.objects.values_list("name", flat=True))
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in names)
    assert len(set(names)) > len(names) * 0.8
    genders = Counter(Person.objects.values_list("gender", flat=True))
    assert genders["M"] > PERSONS // 4 and genders["F"] > PERSONS // 4


def test_credit_codes_are_valid_and_match_the_employer_type(seeded: Seeded) -> None:
    prefixes = {
        EmployerType.ENTERPRISE: "91",
        EmployerType.PUBLIC_INSTITUTION: "12",
        EmployerType.SOCIAL_ORGANISATION: "52",
        EmployerType.INDIVIDUAL_BUSINESS: "92",
    }
    words = demo.demo_words()
    risk_by_industry = {
        spec["industry"]: spec["risk"]
        for key in ("industries", "institutions", "social_orgs", "individual_businesses")
        for spec in words[key]
    }
    for employer in Employer.objects.select_related("region"):
        assert uscc.is_valid(employer.credit_code), employer.credit_code
        assert check_credit_code(employer.credit_code) == employer.credit_code
        assert employer.credit_code[:2] == prefixes[EmployerType(employer.employer_type)]
        assert employer.credit_code[2:8] == employer.region.code
        assert employer.name.startswith(("示范省", employer.region.name_zh))
        assert employer.injury_risk_class == risk_by_industry[employer.industry]


def test_every_rule_holds(seeded: Seeded) -> None:
    enrolments = list(Enrolment.objects.select_related("insurance_type", "person"))
    assert len(enrolments) > PERSONS * 2
    by_person: dict[int, list[Enrolment]] = {}
    for e in enrolments:
        by_person.setdefault(e.person_id, []).append(e)
        assert e.end_date is None or e.end_date >= e.start_date
        assert e.start_date >= e.person.birth_date
        if e.insurance_type.employer_required:
            assert e.employer_id is not None
        if e.insurance_type.code.startswith("resident") or e.insurance_type.code == "land_lost_farmer":
            assert e.employer_id is None
        if e.person.status == PersonStatus.DECEASED:
            died = e.person.status_date
            assert died is not None and e.end_date is not None and e.end_date <= died
    for mine in by_person.values():
        for a in mine:
            for b in mine:
                if a.pk >= b.pk:
                    continue
                same = a.insurance_type_id == b.insurance_type_id
                group = a.insurance_type.exclusive_group
                exclusive = bool(group) and group == b.insurance_type.exclusive_group
                if same or exclusive:
                    a_end = a.end_date or datetime.date.max
                    b_end = b.end_date or datetime.date.max
                    assert a_end < b.start_date or b_end < a.start_date, (a, b)


def test_the_variety_a_demo_needs(seeded: Seeded) -> None:
    counts = seeded.first
    for key in ("employed", "residents", "land_lost", "deceased", "retired"):
        assert counts[key] > 0, key
    assert counts["moved"] + counts["transferred"] > 0
    kinds = set(RecordChange.objects.values_list("kind", flat=True))
    assert {"registered", "staff_increase", "staff_decrease", "enrolled", "status_changed"} <= kinds
    assert Person.objects.filter(status=PersonStatus.DECEASED).count() == counts["deceased"]
    assert Enrolment.objects.filter(insurance_type__code="land_lost_farmer").count() == counts["land_lost"]
    # Employers spread over the demo counties, most persons in the teller's county.
    assert Employer.objects.values("region").distinct().count() >= 3
    teller_county = Person.objects.filter(region__code__startswith=demo.TELLER_COUNTY).count()
    assert teller_county > PERSONS // 5
    staff = Employer.objects.annotate(n=Count("enrolments")).filter(n__gt=0).count()
    assert staff >= EMPLOYERS // 2


def test_the_deliberate_duplicates_are_flagged(seeded: Seeded) -> None:
    pairs = list(PossibleDuplicate.objects.select_related("person", "other"))
    assert len(pairs) >= demo.DUPLICATES
    for pair in pairs:
        assert pair.person.name == pair.other.name
        assert pair.person.birth_date == pair.other.birth_date
        assert pair.person.id_number != pair.other.id_number
        assert not pair.resolved


def test_one_employer_owes_contributions_and_it_is_audited(seeded: Seeded) -> None:
    debtor = Employer.objects.get(arrears__gt=0)
    assert debtor.arrears == demo.ARREARS
    event = AuditEvent.objects.get(action=demo.ARREARS_ACTION)
    assert event.subject_id == str(debtor.pk)


def test_persons_to_try(seeded: Seeded) -> None:
    found = demo.demo_persons_to_try()
    assert len(found) == 4
    for id_number, name, _why in found[:3]:
        person = Person.objects.get(id_number=id_number)
        assert person.name == name and person.region.code.startswith(demo.TELLER_COUNTY)
    dead = Person.objects.get(id_number=found[3][0])
    assert dead.status == PersonStatus.DECEASED and dead.name == found[3][1]


def test_the_audit_chain_verifies(seeded: Seeded) -> None:
    result = audit_verify()
    assert result.ok, result
    assert result.checked == seeded.after_second["AuditEvent"]
