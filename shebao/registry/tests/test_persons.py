"""Registering and changing insured persons: key and other data, status, possible duplicates."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone, translation

from shebao.audit.models import AuditEvent
from shebao.core.errors import ApplicationError
from shebao.registry import selectors, services
from shebao.registry.models import Enrolment, Person, PossibleDuplicate, RecordChange
from shebao.registry.tests import factories as f

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1985, 3, 7)


def _refused(call, **kwargs) -> ApplicationError:
    """Run a service that must refuse; assert nothing was written."""
    before = f.row_counts()
    with pytest.raises(ApplicationError) as exc:
        call(**kwargs)
    assert f.row_counts() == before
    return exc.value


def test_register_derives_birth_date_and_gender_and_records_history():
    number = f.make_id_number(birth=BIRTH, gender="F")
    person = f.person(id_number=number.lower())
    assert person.id_number == number
    assert (person.birth_date, person.gender, person.birthplace_known) == (BIRTH, "F", True)
    change = RecordChange.objects.get(person=person)
    assert change.kind == "registered"
    assert change.changes["name"] == [None, "张伟"]
    assert change.snapshot["id_number"] == number and change.snapshot["enrolments"] == []
    event = AuditEvent.objects.get(action="registry.person_registered")
    assert event.subject_id == str(person.pk) and event.region_code == person.region.code


def test_register_accepts_agreeing_birth_date_and_gender():
    person = f.person(
        id_number=f.make_id_number(birth=BIRTH, gender="M"), birth_date="1985-03-07", gender="M"
    )
    assert person.gender == "M"


def test_register_refuses_disagreeing_birth_date():
    data = f.person_data(id_number=f.make_id_number(birth=BIRTH), birth_date=datetime.date(1985, 3, 8))
    error = _refused(services.person_register, data=data, region=f.region(), by=None)
    assert error.code == "birth_date_mismatch"
    assert str(error).startswith("出生日期") and "1985-03-07" in str(error)


def test_register_refuses_disagreeing_gender():
    data = f.person_data(id_number=f.make_id_number(gender="M"), gender="F")
    error = _refused(services.person_register, data=data, region=f.region(), by=None)
    assert error.code == "gender_mismatch"
    assert str(error).startswith("性别") and "男" in str(error)
    with translation.override("en"):
        error = _refused(services.person_register, data=data, region=f.region(), by=None)
        assert str(error) == "Gender: Female does not agree with the ID number, which says Male."


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        (f.with_wrong_check_digit(f.make_id_number(seq=500)), "校验码"),
        ("1101051985030700", "16 位"),
    ],
)
def test_register_refuses_bad_id_numbers(number, fragment):
    error = _refused(
        services.person_register, data=f.person_data(id_number=number), region=f.region(), by=None
    )
    assert error.code == "id_number_invalid" and fragment in str(error)


def test_register_refuses_an_id_already_registered():
    number = f.make_id_number()
    f.person(id_number=number)
    error = _refused(
        services.person_register,
        data=f.person_data(id_number=number, name="李娜"),
        region=f.region(),
        by=None,
    )
    assert error.code == "person_exists"
    assert number in str(error) and "已登记" in str(error)


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"name": "  "}, "名称：此项必填"),
        ({"household_type": ""}, "户籍类型：此项必填"),
        ({"household_type": "city"}, "户籍类型：city 不在可选值之中"),
        ({"phone": "call me"}, "电话：call me 不是有效的电话号码"),
        ({"bank_account": "12ab"}, "待遇发放账号"),
        ({"nickname": "伟哥"}, "nickname"),
        ({"address": "路" * 201}, "最多 200 个字符"),
    ],
)
def test_register_refuses_bad_fields_naming_them(override, fragment):
    error = _refused(services.person_register, data=f.person_data(**override), region=f.region(), by=None)
    assert fragment in str(error)


def test_unknown_birthplace_registers_with_a_warning():
    person = f.person(id_number=f.make_id_number(place=f.UNKNOWN_PLACE))
    assert person.birthplace_known is False
    assert person.registration_warnings and f.UNKNOWN_PLACE in person.registration_warnings[0]
    event = AuditEvent.objects.get(action="registry.person_registered")
    assert json.loads(event.payload)["warnings"] == [str(w) for w in person.registration_warnings]


def test_possible_duplicate_is_flagged_not_merged():
    first = f.person(name="王芳", id_number=f.make_id_number(birth=BIRTH, gender="F"))
    second = f.person(name="王芳", id_number=f.make_id_number(birth=BIRTH, gender="F"))
    f.person(name="王芳", id_number=f.make_id_number(birth=datetime.date(1990, 1, 1), gender="F"))
    assert Person.objects.filter(name="王芳").count() == 3
    pair = PossibleDuplicate.objects.get()
    assert (pair.person, pair.other, pair.resolved) == (second, first, False)
    assert second.possible_duplicates == [first]
    payload = json.loads(
        AuditEvent.objects.filter(action="registry.person_registered").order_by("id")[1].payload
    )
    assert payload["possible_duplicates"] == [first.id_number]
    overview = selectors.person_overview(person=first)
    assert [d.pk for d in overview.possible_duplicates] == [pair.pk]


def test_change_other_data_records_old_and_new():
    person = f.person(phone="13800000001")
    services.person_change(
        person=person, data={"phone": "13900000002", "address": "新地址"}, by=None, case_ref="C1"
    )
    person.refresh_from_db()
    assert person.phone == "13900000002"
    change = RecordChange.objects.filter(person=person).first()
    assert change is not None
    assert change.kind == "changed" and change.case_ref == "C1"
    assert change.changes == {
        "phone": ["13800000001", "13900000002"],
        "address": ["测试县人民路1号", "新地址"],
    }
    assert change.snapshot["phone"] == "13900000002"


def test_change_refuses_key_data():
    person = f.person()
    error = _refused(services.person_change, person=person, data={"name": "张三"}, by=None)
    assert error.code == "key_data"
    assert "名称属于关键信息" in str(error) and "参保人员关键信息变更" in str(error)
    with translation.override("en"):
        error = _refused(services.person_change, person=person, data={"name": "张三"}, by=None)
        assert str(error).startswith("name is key data")


def test_change_with_nothing_new_is_refused():
    person = f.person(phone="13800000001")
    error = _refused(services.person_change, person=person, data={"phone": "13800000001"}, by=None)
    assert error.code == "no_change"


def test_key_data_change_needs_a_case():
    person = f.person()
    error = _refused(
        services.person_change_key_data, person=person, data={"name": "张三"}, by=None, case_ref=""
    )
    assert error.code == "case_required" and "办件编号" in str(error)


def test_key_data_change_refuses_other_fields():
    person = f.person()
    error = _refused(
        services.person_change_key_data, person=person, data={"phone": "13900000000"}, by=None, case_ref="K1"
    )
    assert error.code == "not_key_data" and "phone" in str(error)


def test_key_data_change_new_id_derives_birth_date_and_gender():
    person = f.person(id_number=f.make_id_number(birth=BIRTH, gender="M"))
    new_number = f.make_id_number(birth=datetime.date(1986, 4, 8), gender="F")
    services.person_change_key_data(person=person, data={"id_number": new_number}, by=None, case_ref="K1")
    person.refresh_from_db()
    assert (person.id_number, person.birth_date, person.gender) == (
        new_number,
        datetime.date(1986, 4, 8),
        "F",
    )
    change = RecordChange.objects.filter(person=person).first()
    assert change is not None and change.kind == "key_data_changed" and change.case_ref == "K1"
    assert change.changes["birth_date"] == ["1985-03-07", "1986-04-08"]
    assert selectors.person_by_id_number(new_number) == person


def test_key_data_change_refuses_a_used_id_and_a_disagreeing_birth_date():
    person = f.person()
    other = f.person(name="李娜")
    error = _refused(
        services.person_change_key_data,
        person=person,
        data={"id_number": other.id_number},
        by=None,
        case_ref="K1",
    )
    assert error.code == "person_exists" and "李娜" in str(error)
    error = _refused(
        services.person_change_key_data,
        person=person,
        data={"birth_date": "1970-01-01"},
        by=None,
        case_ref="K1",
    )
    assert error.code == "birth_date_mismatch"
    error = _refused(
        services.person_change_key_data,
        person=person,
        data={"id_number": f.make_id_number(gender="M"), "gender": "F"},
        by=None,
        case_ref="K1",
    )
    assert error.code == "gender_mismatch"


def test_key_data_name_change_flags_duplicates():
    f.person(name="王芳", id_number=f.make_id_number(birth=BIRTH, gender="F"))
    person = f.person(name="王小芳", id_number=f.make_id_number(birth=BIRTH, gender="F"))
    assert not PossibleDuplicate.objects.exists()
    services.person_change_key_data(person=person, data={"name": "王芳"}, by=None, case_ref="K2")
    assert PossibleDuplicate.objects.filter(person=person).count() == 1


def test_death_ends_every_open_enrolment_on_that_date():
    person = f.person()
    employer = f.employer()
    services.staff_increase(employer=employer, person=person, start_date=datetime.date(2020, 1, 1), by=None)
    died = datetime.date(2024, 5, 6)
    services.person_set_status(person=person, status="deceased", on=died, by=None, case_ref="D1")
    person.refresh_from_db()
    assert (person.status, person.status_date) == ("deceased", died)
    assert set(Enrolment.objects.filter(person=person).values_list("end_date", "status")) == {(died, "ended")}
    change = RecordChange.objects.filter(person=person).first()
    assert change is not None and change.changes["status"] == ["active", "deceased"]
    assert "enrolments.employee_pension" in change.changes
    assert selectors.employer_overview(employer=employer).staff == []


def test_status_refusals():
    person = f.person()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    error = _refused(services.person_set_status, person=person, status="deceased", on=tomorrow, by=None)
    assert error.code == "date_in_future" and "状态日期" in str(error)
    error = _refused(
        services.person_set_status, person=person, status="gone", on=datetime.date(2020, 1, 1), by=None
    )
    assert error.code == "choice_invalid"
    error = _refused(
        services.person_set_status, person=person, status="active", on=datetime.date(2020, 1, 1), by=None
    )
    assert error.code == "status_unchanged"


def test_moved_out_person_can_return():
    person = f.person()
    services.person_set_status(person=person, status="moved_out", on=datetime.date(2023, 1, 1), by=None)
    services.person_set_status(person=person, status="active", on=datetime.date(2024, 1, 1), by=None)
    person.refresh_from_db()
    assert (person.status, person.status_date) == ("active", None)


def test_search_by_id_number_or_name_within_the_users_regions():
    from shebao.core.models import Post
    from shebao.core.tests.factories import make_region_tree, make_staff

    regions = make_region_tree()
    here = f.person(name="陈静", at=regions["town_a1"])
    there = f.person(name="陈静怡", at=regions["county_b1"])
    teller = make_staff("a1", region=regions["county_a1"], posts=["special_teller"])
    assert list(selectors.person_search(user=teller, q="陈静")) == [here]
    assert list(selectors.person_search(user=teller, q=here.id_number.lower())) == [here]
    assert list(selectors.person_search(user=teller, q=there.id_number)) == []
    assert list(selectors.person_search(user=teller, q="  ")) == []
    province = make_staff("p1", region=regions["city_b"], posts=[])
    Post.objects.create(code="inspector", name_zh="督查", name_en="Inspector", province_wide=True)
    province.posts.add(Post.objects.get(code="inspector"))
    assert set(selectors.person_search(user=province, q="陈静")) == {here, there}
    assert selectors.person_by_id_number(" " + there.id_number.lower()) == there
    assert selectors.person_by_id_number("") is None
