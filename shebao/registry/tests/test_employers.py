"""Registering, changing, suspending and deregistering employers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from shebao.audit.models import AuditEvent
from shebao.core.errors import ApplicationError
from shebao.registry import services
from shebao.registry.models import Employer, RecordChange
from shebao.registry.tests import factories as f

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 30)


def _refused(call, **kwargs) -> ApplicationError:
    before = f.row_counts()
    with pytest.raises(ApplicationError) as exc:
        call(**kwargs)
    assert f.row_counts() == before
    return exc.value


def test_register_normalises_the_code_and_records_history():
    code = f.make_credit_code()
    employer = f.employer(credit_code=code.lower(), injury_risk_class="5")
    assert employer.credit_code == code and employer.injury_risk_class == 5
    change = RecordChange.objects.get(employer=employer)
    assert change.kind == "registered" and change.snapshot["credit_code"] == code
    assert (
        AuditEvent.objects.filter(action="registry.employer_registered", subject_id=str(employer.pk)).count()
        == 1
    )


def test_register_refuses_a_code_already_registered():
    code = f.make_credit_code()
    f.employer(credit_code=code)
    error = _refused(
        services.employer_register, data=f.employer_data(credit_code=code), region=f.region(), by=None
    )
    assert error.code == "employer_exists" and code in str(error)


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"credit_code": "91110000600037341M"}, "统一社会信用代码：校验码"),
        ({"injury_risk_class": 9}, "工伤保险行业风险类别（1–8）：9 不是1至8类中的一类"),
        ({"injury_risk_class": 0}, "不是1至8类"),
        ({"injury_risk_class": ""}, "工伤保险行业风险类别（1–8）：此项必填"),
        ({"legal_representative": ""}, "法定代表人：此项必填"),
        ({"employer_type": "company"}, "单位类型：company"),
        ({"contact_phone": "x"}, "联系电话"),
    ],
)
def test_register_refuses_bad_fields_naming_them(override, fragment):
    error = _refused(services.employer_register, data=f.employer_data(**override), region=f.region(), by=None)
    assert fragment in str(error)


def test_change_records_old_and_new_and_keeps_the_code():
    employer = f.employer(injury_risk_class=3)
    services.employer_change(employer=employer, data={"injury_risk_class": 4, "name": "新名称"}, by=None)
    employer.refresh_from_db()
    assert (employer.injury_risk_class, employer.name) == (4, "新名称")
    change = RecordChange.objects.filter(employer=employer).first()
    assert change is not None and change.changes["injury_risk_class"] == [3, 4]
    error = _refused(
        services.employer_change, employer=employer, data={"credit_code": f.make_credit_code()}, by=None
    )
    assert error.code == "credit_code_fixed" and error.message.startswith("统一社会信用代码")
    # Sending the current code back (a full form) is not a change of it.
    services.employer_change(
        employer=employer, data={"credit_code": employer.credit_code, "industry": "批发业"}, by=None
    )


def test_deregistration_refused_while_contributions_are_owed():
    employer = f.employer()
    Employer.objects.filter(pk=employer.pk).update(arrears=Decimal("12345.60"))
    error = _refused(services.employer_set_status, employer=employer, status="deregistered", on=ON, by=None)
    assert error.code == "arrears_owed"
    assert "12,345.60" in str(error) and "欠缴" in str(error)
    with translation.override("en"):
        error = _refused(
            services.employer_set_status, employer=employer, status="deregistered", on=ON, by=None
        )
        assert "still owes 12,345.60 yuan" in str(error)


def test_deregistration_refused_while_staff_are_enrolled():
    employer = f.employer()
    person = f.person()
    services.staff_increase(employer=employer, person=person, start_date=datetime.date(2024, 1, 1), by=None)
    error = _refused(services.employer_set_status, employer=employer, status="deregistered", on=ON, by=None)
    assert error.code == "staff_enrolled" and "1 名职工" in str(error) and "减员" in str(error)
    services.staff_decrease(employer=employer, person=person, end_date=ON, by=None)
    services.employer_set_status(employer=employer, status="deregistered", on=ON, by=None, case_ref="Z1")
    employer.refresh_from_db()
    assert (employer.status, employer.status_date) == ("deregistered", ON)
    change = RecordChange.objects.filter(employer=employer).first()
    assert change is not None and change.changes["status"] == ["active", "deregistered"]


def test_status_unchanged_is_refused():
    employer = f.employer()
    error = _refused(services.employer_set_status, employer=employer, status="active", on=ON, by=None)
    assert error.code == "status_unchanged"


def test_search_by_credit_code_or_name_within_the_users_regions():
    from shebao.core.tests.factories import make_region_tree, make_staff
    from shebao.registry import selectors

    regions = make_region_tree()
    here = f.employer(name="甲县机械厂", at=regions["county_a1"])
    there = f.employer(name="乙县机械厂", at=regions["county_b1"])
    city_a = make_staff("city-a", region=regions["city_a"], posts=["reviewer"])
    assert list(selectors.employer_search(user=city_a, q="机械厂")) == [here]
    assert list(selectors.employer_search(user=city_a, q=here.credit_code.lower())) == [here]
    assert list(selectors.employer_search(user=city_a, q=there.credit_code)) == []
    assert selectors.employer_by_credit_code(there.credit_code.lower()) == there
    assert selectors.employer_by_credit_code("") is None
