"""Enrolments: the rules of 参保登记, suspension, end, transfer, staff increase and decrease."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from shebao.audit.models import AuditEvent
from shebao.catalogue.models import InsuranceType
from shebao.core.errors import ApplicationError
from shebao.registry import selectors, services
from shebao.registry.models import Enrolment, RecordChange
from shebao.registry.tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


def _refused(call, **kwargs) -> ApplicationError:
    before = f.row_counts()
    with pytest.raises(ApplicationError) as exc:
        call(**kwargs)
    assert f.row_counts() == before
    return exc.value


def _enrol(person, code, start, employer=None, **kwargs):
    return services.enrolment_create(
        person=person, insurance_type=code, start_date=start, employer=employer, by=None, **kwargs
    )


def test_resident_enrolment_without_employer():
    person = f.person()
    e = _enrol(person, "resident_medical", D(2024, 1, 1), case_ref="R1")
    assert (e.status, e.status_date, e.end_date, e.employer, e.case_ref) == (
        "contributing",
        D(2024, 1, 1),
        None,
        None,
        "R1",
    )
    change = RecordChange.objects.filter(person=person).first()
    assert change is not None and change.kind == "enrolled"
    assert change.changes["enrolments.resident_medical"][0] is None
    assert change.snapshot["enrolments"][0]["insurance_type"] == "resident_medical"
    assert AuditEvent.objects.filter(action="registry.enrolment_created").count() == 1


def test_accepts_an_insurance_type_object():
    person = f.person()
    e = _enrol(person, InsuranceType.objects.get(code="employee_pension"), D(2024, 1, 1))
    assert e.insurance_type.code == "employee_pension" and e.employer is None  # flexible worker


def test_enrolling_twice_is_refused():
    person = f.person()
    _enrol(person, "resident_medical", D(2024, 1, 1))
    error = _refused(_enrol, person=person, code="resident_medical", start=D(2025, 1, 1))
    assert error.code == "already_enrolled"
    assert str(error).startswith("险种：此人已参加 城乡居民医疗保险（自 2024-01-01 起）")
    with translation.override("en"):
        error = _refused(_enrol, person=person, code="resident_medical", start=D(2025, 1, 1))
        assert "already enrolled in Urban and rural residents' medical since 2024-01-01" in str(error)


def test_enrolling_a_deceased_person_is_refused():
    person = f.person()
    services.person_set_status(person=person, status="deceased", on=D(2024, 3, 1), by=None)
    error = _refused(_enrol, person=person, code="resident_pension", start=D(2024, 4, 1))
    assert error.code == "person_deceased" and "已登记死亡（2024-03-01）" in str(error)


def test_enrolling_a_moved_out_person_is_refused():
    person = f.person()
    services.person_set_status(person=person, status="moved_out", on=D(2024, 3, 1), by=None)
    error = _refused(_enrol, person=person, code="resident_pension", start=D(2024, 4, 1))
    assert error.code == "person_moved_out"


@pytest.mark.parametrize("status", ["deregistered", "suspended"])
def test_enrolling_with_a_deregistered_or_suspended_employer_is_refused(status):
    person = f.person()
    employer = f.employer()
    services.employer_set_status(employer=employer, status=status, on=D(2024, 1, 1), by=None)
    error = _refused(_enrol, person=person, code="employee_pension", start=D(2024, 4, 1), employer=employer)
    assert error.code == f"employer_{status}" and str(error).startswith("参保单位")


@pytest.mark.parametrize("code", ["work_injury", "unemployment", "maternity"])
def test_employer_only_types_need_an_employer(code):
    person = f.person()
    error = _refused(_enrol, person=person, code=code, start=D(2024, 1, 1))
    assert error.code == "employer_required" and str(error).startswith("参保单位：")
    with translation.override("en"):
        error = _refused(_enrol, person=person, code=code, start=D(2024, 1, 1))
        assert str(error).startswith("Employer: ") and "only through an employer" in str(error)


@pytest.mark.parametrize("code", ["resident_pension", "resident_medical", "land_lost_farmer"])
def test_residents_types_take_no_employer(code):
    person = f.person()
    error = _refused(_enrol, person=person, code=code, start=D(2024, 1, 1), employer=f.employer())
    assert error.code == "employer_not_allowed"


def test_employee_and_residents_pension_not_at_the_same_time():
    person = f.person()
    _enrol(person, "employee_pension", D(2020, 1, 1), employer=f.employer())
    error = _refused(_enrol, person=person, code="resident_pension", start=D(2024, 1, 1))
    assert error.code == "exclusive_type"
    assert "城乡居民养老保险 与 职工养老保险 不能同时参保" in str(error)
    # Medical is another group: residents' medical beside employee pension is fine.
    _enrol(person, "resident_medical", D(2024, 1, 1))


def test_exclusive_types_may_follow_each_other_but_not_overlap_an_ended_period():
    person = f.person()
    e = _enrol(person, "resident_pension", D(2018, 1, 1))
    services.enrolment_end(enrolment=e, end_date=D(2021, 12, 31), by=None)
    error = _refused(
        _enrol, person=person, code="employee_pension", start=D(2021, 6, 1), employer=f.employer()
    )
    assert error.code == "exclusive_type" and "2018-01-01–2021-12-31" in str(error)
    _enrol(person, "employee_pension", D(2022, 1, 1), employer=f.employer())


def test_periods_of_one_type_never_overlap():
    person = f.person()
    e = _enrol(person, "resident_medical", D(2020, 1, 1))
    services.enrolment_end(enrolment=e, end_date=D(2022, 6, 30), by=None)
    for start in (D(2022, 6, 30), D(2021, 1, 1), D(2019, 1, 1)):
        error = _refused(_enrol, person=person, code="resident_medical", start=start)
        assert error.code == "period_overlap" and "2020-01-01–2022-06-30" in str(error)
    _enrol(person, "resident_medical", D(2022, 7, 1))


def test_start_before_birth_and_unknown_type_are_refused():
    person = f.person(id_number=f.make_id_number(birth=D(1990, 5, 5)))
    assert (
        _refused(_enrol, person=person, code="resident_medical", start=D(1990, 5, 4)).code
        == "start_before_birth"
    )
    error = _refused(_enrol, person=person, code="space_travel", start=D(2020, 1, 1))
    assert error.code == "insurance_type_unknown" and "space_travel" in str(error)
    error = _refused(_enrol, person=person, code="resident_medical", start="2020-02-30")
    assert error.code == "date_invalid" and "起始日期" in str(error)


def test_end_before_start_and_ending_twice_are_refused():
    person = f.person()
    e = _enrol(person, "resident_medical", D(2024, 1, 1))
    error = _refused(services.enrolment_end, enrolment=e, end_date=D(2023, 12, 31), by=None)
    assert error.code == "end_before_start"
    assert str(error) == "终止日期：2023-12-31 早于该 城乡居民医疗保险 参保登记的起始日期（2024-01-01）。"
    services.enrolment_end(enrolment=e, end_date=D(2024, 12, 31), by=None)
    assert (e.end_date, e.status) == (D(2024, 12, 31), "ended")
    error = _refused(services.enrolment_end, enrolment=e, end_date=D(2025, 1, 31), by=None)
    assert error.code == "enrolment_ended" and "2024-12-31" in str(error)


def test_suspend_and_resume():
    person = f.person()
    e = _enrol(person, "resident_pension", D(2020, 1, 1))
    assert (
        _refused(services.enrolment_resume, enrolment=e, on=D(2021, 1, 1), by=None).code
        == "enrolment_not_suspended"
    )
    assert (
        _refused(services.enrolment_suspend, enrolment=e, on=D(2019, 1, 1), by=None).code == "date_too_early"
    )
    services.enrolment_suspend(enrolment=e, on=D(2021, 1, 1), by=None)
    assert (e.status, e.status_date) == ("suspended", D(2021, 1, 1))
    assert (
        _refused(services.enrolment_suspend, enrolment=e, on=D(2021, 2, 1), by=None).code
        == "enrolment_suspended"
    )
    # A suspended enrolment is still open: no second one of the type.
    assert (
        _refused(_enrol, person=person, code="resident_pension", start=D(2022, 1, 1)).code
        == "already_enrolled"
    )
    services.enrolment_resume(enrolment=e, on=D(2022, 1, 1), by=None)
    e.refresh_from_db()
    assert (e.status, e.status_date, e.end_date) == ("contributing", D(2022, 1, 1), None)


def test_staff_increase_enrols_the_five_employee_types_in_one_audit_event():
    person = f.person()
    employer = f.employer()
    before = AuditEvent.objects.count()
    created = services.staff_increase(
        employer=employer, person=person, start_date=D(2024, 3, 1), by=None, case_ref="Z9"
    )
    assert [e.insurance_type.code for e in created] == list(services.EMPLOYEE_TYPES)
    assert {(e.employer_id, e.case_ref) for e in created} == {(employer.pk, "Z9")}
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-id").first().action == "registry.staff_increase"
    assert RecordChange.objects.filter(employer=employer, kind="staff_increase").count() == 1
    overview = selectors.employer_overview(employer=employer)
    assert [row.person for row in overview.staff] == [person]
    assert dict((t.code, n) for t, n in overview.counts)["work_injury"] == 1


def test_staff_increase_refuses_a_type_already_open_with_this_employer_and_writes_nothing():
    person = f.person()
    employer = f.employer()
    services.staff_increase(
        employer=employer, person=person, start_date=D(2024, 3, 1), by=None, insurance_types=["work_injury"]
    )
    error = _refused(
        services.staff_increase, employer=employer, person=person, start_date=D(2024, 4, 1), by=None
    )
    assert error.code == "already_staff" and "工伤保险" in str(error)


def test_staff_increase_with_another_employer_names_the_current_one():
    person = f.person()
    services.staff_increase(
        employer=f.employer(name="甲公司"), person=person, start_date=D(2024, 3, 1), by=None
    )
    error = _refused(
        services.staff_increase,
        employer=f.employer(name="乙公司"),
        person=person,
        start_date=D(2024, 4, 1),
        by=None,
    )
    assert error.code == "already_enrolled" and "甲公司" in str(error)


def test_staff_decrease_ends_every_open_enrolment_with_the_employer():
    person = f.person()
    employer = f.employer()
    services.staff_increase(employer=employer, person=person, start_date=D(2024, 3, 1), by=None)
    ended = services.staff_decrease(employer=employer, person=person, end_date=D(2024, 12, 31), by=None)
    assert len(ended) == 5 and {e.end_date for e in ended} == {D(2024, 12, 31)}
    error = _refused(
        services.staff_decrease, employer=employer, person=person, end_date=D(2025, 1, 31), by=None
    )
    assert error.code == "not_staff" and employer.name in str(error)
    error = _refused(
        services.staff_decrease, employer=f.employer(), person=f.person(), end_date=D(2025, 1, 31), by=None
    )
    assert error.code == "not_staff"


def test_staff_decrease_before_the_start_is_refused_whole():
    person = f.person()
    employer = f.employer()
    services.staff_increase(employer=employer, person=person, start_date=D(2024, 3, 1), by=None)
    error = _refused(
        services.staff_decrease, employer=employer, person=person, end_date=D(2024, 2, 1), by=None
    )
    assert error.code == "end_before_start"
    assert Enrolment.objects.filter(person=person, end_date__isnull=True).count() == 5


def test_transfer_ends_the_day_before_and_opens_with_the_new_employer():
    person = f.person()
    old, new = f.employer(name="甲公司"), f.employer(name="乙公司")
    services.staff_increase(employer=old, person=person, start_date=D(2020, 1, 1), by=None)
    created = services.enrolment_transfer(
        person=person, to_employer=new, on=D(2024, 7, 1), by=None, case_ref="T1"
    )
    assert len(created) == 5 and {(e.employer_id, e.start_date) for e in created} == {(new.pk, D(2024, 7, 1))}
    ended = Enrolment.objects.filter(person=person, employer=old)
    assert {(e.end_date, e.status) for e in ended} == {(D(2024, 6, 30), "ended")}
    assert RecordChange.objects.filter(employer=old, kind="transferred").count() == 1
    assert RecordChange.objects.filter(employer=new, kind="transferred").count() == 1
    error = _refused(services.enrolment_transfer, person=person, to_employer=new, on=D(2024, 8, 1), by=None)
    assert error.code == "same_employer"
    error = _refused(
        services.enrolment_transfer, person=f.person(), to_employer=new, on=D(2024, 8, 1), by=None
    )
    assert error.code == "nothing_to_transfer"


def test_person_overview_shows_every_type_in_a_fixed_number_of_queries(django_assert_num_queries):
    person = f.person()
    employer = f.employer()
    services.staff_increase(employer=employer, person=person, start_date=D(2020, 1, 1), by=None)
    services.staff_decrease(employer=employer, person=person, end_date=D(2021, 12, 31), by=None)
    services.staff_increase(employer=employer, person=person, start_date=D(2022, 1, 1), by=None)
    with django_assert_num_queries(4):
        overview = selectors.person_overview(person=person)
    assert len(overview.types) == InsuranceType.objects.count()
    pension = overview.types[0]
    assert pension.insurance_type.code == "employee_pension"
    assert pension.current is not None and pension.current.start_date == D(2022, 1, 1)
    assert [p.start_date for p in pension.periods] == [D(2022, 1, 1), D(2020, 1, 1)]
    assert overview.current_employers == [employer]
    assert overview.recent_changes[0].kind == "staff_increase"
    with django_assert_num_queries(3):
        selectors.employer_overview(employer=employer)
