"""Employer self-service: agent accounts, staff list, staff changes as online cases, the employer's cases.

State is built through the real services (registry, catalogue, online cases); pages through the test
client. Every access test tries another employer's data and expects a 404 or a refusal.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shebao.cases.models import Case, CaseStatus, Notification
from shebao.cases.services.online import online_accept
from shebao.cases.tests import factories as cf
from shebao.catalogue.tests.factories import item_data, make_published_edition
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number
from shebao.core.models import User
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.portal import employer as svc
from shebao.portal.models import AccountKind, PhoneCode, PortalAccount
from shebao.registry import services as registry_services
from shebao.registry.models import Enrolment, Person
from shebao.registry.tests import factories as rf

PASSWORD = "Shebao@2026"  # noqa: S105 - test password
INCREASE_ITEM = "SB-CJ-005"
DECREASE_ITEM = "SB-CJ-006"
BULK_ITEM = "SB-CJ-099"
START = datetime.date(2026, 1, 5)


def idn(seq: int) -> str:
    """A valid ID number of this module's own birth date (1..499: unique, no clash with other factories)."""
    return rf.make_id_number(birth=datetime.date(1991, 6, 15), seq=seq)


def employer_items() -> list[dict[str, Any]]:
    common = {"channels": ["counter", "online"], "province_wide": False}
    return [
        item_data(
            code=INCREASE_ITEM,
            order=5,
            name_zh="职工增员申报",
            effect_code="registry.staff_increase",
            **common,
        ),
        item_data(
            code=DECREASE_ITEM,
            order=6,
            name_zh="职工减员申报",
            effect_code="registry.staff_decrease",
            materials=[
                *item_data()["materials"],
                {"name_zh": "减员申报表", "required": False, "legal_basis": "社会保险经办条例 第十条"},
            ],
            **common,
        ),
        item_data(
            code=BULK_ITEM, order=7, name_zh="职工批量增减员申报", effect_code=svc.BULK_EFFECT, **common
        ),
    ]


@pytest.fixture
def w(settings: Any) -> dict[str, Any]:
    settings.SHEBAO_DEMO_SHOW_CODES = True
    return build_world()


def build_world() -> dict[str, Any]:
    """An office (cf.office) with the employer items published, our employer with three staff, another
    employer with one, and an online teller of the county."""
    o = cf.office()
    make_published_edition([cf.general_item(), cf.special_item(), *employer_items()])
    county = o["county"]
    ours = o["employer"]
    theirs = rf.employer(at=county, name="别家公司")
    staff = [
        rf.person(at=county, name=name, id_number=idn(10 + n))
        for n, name in enumerate(["赵一", "钱二", "孙三"])
    ]
    for p in staff:
        registry_services.staff_increase(employer=ours, person=p, start_date=START, by=None)
    outsider = rf.person(at=county, name="周外", id_number=idn(20))
    registry_services.staff_increase(employer=theirs, person=outsider, start_date=START, by=None)
    o.update(
        ours=ours,
        theirs=theirs,
        staff=staff,
        outsider=outsider,
        online_teller=make_staff("ot", region=county, posts=[PostCode.GENERAL_TELLER]),
    )
    return o


def open_agent(employer: Any, *, name: str = "王经办", seq: int = 30) -> tuple[PortalAccount, str]:
    """An agent account through the real flow (code sent to the employer's phone, then a password)."""
    id_number = idn(seq)
    sent = svc.agent_code_send(credit_code=employer.credit_code, id_number=id_number, name=name)
    account = svc.agent_account_open(
        code_id=sent.phone_code.pk,
        employer_id=employer.pk,
        id_number=id_number,
        name=name,
        code=sent.code,
        password=PASSWORD,
    )
    return account, id_number


def signed_in(account: PortalAccount) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


def accept(case: Case, teller: Any) -> Case:
    return online_accept(case=case, by=teller, version=case.version, received=[0])


# --- agent accounts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_register_sends_code_to_employer_phone_and_opens_account(w: dict[str, Any]) -> None:
    client = Client()
    id_number = idn(31)
    url = reverse("portal:employer_register")
    response = client.post(
        url, {"step": "start", "credit_code": w["ours"].credit_code, "name": "王经办", "id_number": id_number}
    )
    assert response.status_code == 302
    code_row = PhoneCode.objects.get(employer=w["ours"])
    assert code_row.phone == w["ours"].contact_phone  # the phone on record, not one typed in
    sms = Notification.objects.get(channel="sms")
    code = re.search(r"(?<!\d)\d{6}(?!\d)", sms.body).group(0)  # type: ignore[union-attr]
    assert code_row.code_hash != code and code not in code_row.code_hash  # only a hash is kept
    page = client.get(url)
    assert code in page.content.decode()  # the demo phone box
    # A wrong code counts a try; the right one opens the account and signs in.
    wrong = client.post(
        url,
        {
            "step": "finish",
            "code": "000000" if code != "000000" else "111111",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert wrong.status_code == 400
    code_row.refresh_from_db()
    assert code_row.attempts == 1
    done = client.post(url, {"step": "finish", "code": code, "password": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("portal:employer_home")
    account = PortalAccount.objects.get(kind=AccountKind.EMPLOYER_AGENT, employer=w["ours"])
    assert account.user.username.startswith("ea_") and id_number not in account.user.username
    assert account.user.office_id is None and not account.user.posts.exists()
    assert client.get(reverse("portal:employer_home")).status_code == 200


@pytest.mark.django_db
def test_code_hidden_without_demo_setting(w: dict[str, Any], settings: Any) -> None:
    settings.SHEBAO_DEMO_SHOW_CODES = False
    settings.DEBUG = False
    client = Client()
    url = reverse("portal:employer_register")
    client.post(
        url,
        {
            "step": "start",
            "credit_code": w["ours"].credit_code,
            "name": "王经办",
            "id_number": idn(32),
        },
    )
    assert "data-demo-code" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_code_dies_after_five_wrong_tries(w: dict[str, Any]) -> None:
    id_number = idn(33)
    sent = svc.agent_code_send(credit_code=w["ours"].credit_code, id_number=id_number, name="王经办")
    wrong = "000000" if sent.code != "000000" else "111111"
    for _ in range(svc.CODE_TRIES):
        with pytest.raises(ApplicationError) as exc:
            svc.agent_account_open(
                code_id=sent.phone_code.pk,
                employer_id=w["ours"].pk,
                id_number=id_number,
                name="王经办",
                code=wrong,
                password=PASSWORD,
            )
        assert exc.value.code == "code_wrong"
    with pytest.raises(ApplicationError) as exc:
        svc.agent_account_open(
            code_id=sent.phone_code.pk,
            employer_id=w["ours"].pk,
            id_number=id_number,
            name="王经办",
            code=sent.code,
            password=PASSWORD,
        )
    assert exc.value.code == "code_expired"
    assert not PortalAccount.objects.filter(employer=w["ours"]).exists()


@pytest.mark.django_db
def test_register_refuses_bad_credit_code_and_second_code_within_a_minute(w: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError) as exc:
        svc.agent_code_send(
            credit_code=w["ours"].credit_code[:17] + ("1" if w["ours"].credit_code[17] != "1" else "2"),
            id_number=idn(34),
            name="王",
        )
    assert exc.value.code in {"credit_code_invalid"}
    svc.agent_code_send(credit_code=w["ours"].credit_code, id_number=idn(34), name="王")
    with pytest.raises(ApplicationError) as exc:
        svc.agent_code_send(credit_code=w["ours"].credit_code, id_number=idn(35), name="李")
    assert exc.value.code == "code_too_soon"


@pytest.mark.django_db
def test_several_agents_per_employer_and_person_linked(w: dict[str, Any]) -> None:
    first, _ = open_agent(w["ours"], seq=36)
    staff = w["staff"][0]
    # The first agent's code was sent a minute ago or more.
    PhoneCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    sent = svc.agent_code_send(credit_code=w["ours"].credit_code, id_number=staff.id_number, name=staff.name)
    second = svc.agent_account_open(
        code_id=sent.phone_code.pk,
        employer_id=w["ours"].pk,
        id_number=staff.id_number,
        name=staff.name,
        code=sent.code,
        password=PASSWORD,
    )
    assert first.pk != second.pk and second.person == staff and first.person is None


@pytest.mark.django_db
def test_login_same_message_for_every_failure(w: dict[str, Any]) -> None:
    account, id_number = open_agent(w["ours"])
    url = reverse("portal:employer_login")
    good = Client().post(
        url, {"credit_code": w["ours"].credit_code, "id_number": id_number, "password": PASSWORD}
    )
    assert good.status_code == 302 and good["Location"] == reverse("portal:employer_home")
    failures = [
        {"credit_code": w["ours"].credit_code, "id_number": id_number, "password": "wrong-Password1"},
        {"credit_code": w["theirs"].credit_code, "id_number": id_number, "password": PASSWORD},
        {"credit_code": w["ours"].credit_code, "id_number": idn(99), "password": PASSWORD},
        {"credit_code": "not-a-code", "id_number": id_number, "password": PASSWORD},
    ]
    bodies = set()
    for data in failures:
        response = Client().post(url, data)
        assert response.status_code == 400
        text = response.content.decode()
        start = text.index('role="alert"')
        bodies.add(text[start : text.index("</p>", start)])
    assert len(bodies) == 1


@pytest.mark.django_db
def test_login_throttled_and_id_number_not_kept_by_axes(w: dict[str, Any]) -> None:
    from axes.models import AccessAttempt

    account, id_number = open_agent(w["ours"])
    url = reverse("portal:employer_login")
    data = {"credit_code": w["ours"].credit_code, "id_number": id_number, "password": "wrong-Password1"}
    for _ in range(5):
        Client().post(url, data)
    attempts = list(AccessAttempt.objects.all())
    assert attempts and all(id_number not in (a.post_data or "") for a in attempts)
    locked = Client().post(url, {**data, "password": PASSWORD})
    assert locked.status_code != 302  # the right password no longer gets in while locked


# --- pages bounded by the employer ------------------------------------------------------------------


@pytest.mark.django_db
def test_home_and_staff_list_masked_and_searchable(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    client = signed_in(account)
    home = client.get(reverse("portal:employer_home")).content.decode()
    assert w["ours"].name in home and w["ours"].credit_code in home
    page = client.get(reverse("portal:employer_staff")).content.decode()
    for p in w["staff"]:
        assert p.name in page and p.id_number not in page
    assert w["outsider"].name not in page
    found = client.get(reverse("portal:employer_staff"), {"q": "钱"}).content.decode()
    assert "钱二" in found and "赵一" not in found


@pytest.mark.django_db
def test_staff_list_query_count_does_not_grow(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    client = signed_in(account)
    url = reverse("portal:employer_staff")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        p = rf.person(at=w["county"], name=f"新员{n}", id_number=idn(40 + n))
        registry_services.staff_increase(employer=w["ours"], person=p, start_date=START, by=None)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.django_db
def test_pages_refuse_others(w: dict[str, Any]) -> None:
    assert (
        Client().get(reverse("portal:employer_home"))["Location"].startswith(reverse("portal:employer_login"))
    )
    person_user = PortalAccount.objects.create(
        user=User.objects.create_user(username="citizen", password=PASSWORD),
        kind=AccountKind.PERSON,
        person=w["staff"][0],
        phone="13800138000",
    )
    assert signed_in(person_user).get(reverse("portal:employer_home")).status_code == 403
    staff_client = Client()
    staff_client.force_login(w["online_teller"])
    assert staff_client.get(reverse("portal:employer_staff")).status_code == 403


# --- staff changes as online cases -------------------------------------------------------------------


@pytest.mark.django_db
def test_single_increase_is_a_case_of_the_catalogue_item(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    newcomer = rf.person(at=w["county"], name="吴新", id_number=idn(50))
    response = signed_in(account).post(
        reverse("portal:employer_staff_increase"),
        {
            "id_number": newcomer.id_number,
            "name": "吴新",
            "on": "2026-02-01",
            "insurance_types": ["employee_pension"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(employer=w["ours"], item_code=INCREASE_ITEM)
    assert case.status == CaseStatus.SUBMITTED and case.channel == "online"
    assert case.submitted_by == account.user
    assert case.data["id_number"] == newcomer.id_number and case.data["credit_code"] == w["ours"].credit_code
    assert not Enrolment.objects.filter(person=newcomer).exists()  # nothing before staff accept
    done = accept(case, w["online_teller"])
    assert done.status == CaseStatus.COMPLETED
    enrolment = Enrolment.objects.get(person=newcomer, employer=w["ours"])
    assert enrolment.insurance_type.code == "employee_pension" and enrolment.case_ref == case.number
    page = signed_in(account).get(reverse("portal:employer_case", args=[case.number])).content.decode()
    assert case.number in page and newcomer.id_number not in page
    assert "吴新" in page and mask_id_number(newcomer.id_number) in page


@pytest.mark.django_db
def test_single_increase_refused_by_registry_rules(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    with pytest.raises(ApplicationError) as exc:  # already staff here
        svc.staff_change_submit(
            account=account,
            action=svc.INCREASE,
            id_number=w["staff"][0].id_number,
            name=w["staff"][0].name,
            on=START,
        )
    assert exc.value.code == "staff_change_invalid" and exc.value.details
    assert not str(exc.value.details[0]).startswith(("第", "row"))  # no row numbers for one change
    with pytest.raises(ApplicationError) as exc:  # name does not match
        svc.staff_change_submit(
            account=account, action=svc.INCREASE, id_number=w["outsider"].id_number, name="别人", on=START
        )
    assert any("name" in str(d) or "姓名" in str(d) for d in exc.value.details) or exc.value.details
    assert not Case.objects.filter(employer=w["ours"]).exists()


@pytest.mark.django_db
def test_decrease_from_staff_list_and_other_employers_person_refused(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    client = signed_in(account)
    url = reverse("portal:employer_staff_decrease")
    leaver = w["staff"][1]
    assert client.get(url, {"person": w["outsider"].pk}).status_code == 404
    assert (
        client.post(
            url, {"person": w["outsider"].pk, "name": "周外", "on": "2026-03-31", "reason": "离职"}
        ).status_code
        == 404
    )
    # By ID number: another employer's employee is refused by the registry's rules, no case.
    refused = client.post(
        url, {"id_number": w["outsider"].id_number, "name": "周外", "on": "2026-03-31", "reason": "离职"}
    )
    assert refused.status_code == 400 and not Case.objects.filter(employer=w["ours"]).exists()
    response = client.post(
        url, {"person": leaver.pk, "name": leaver.name, "on": "2026-03-31", "reason": "合同到期"}
    )
    assert response.status_code == 302
    case = Case.objects.get(employer=w["ours"], item_code=DECREASE_ITEM)
    assert case.data["end_date"] == "2026-03-31" and case.data["reason"] == "合同到期"
    again = client.post(url, {"person": leaver.pk, "name": leaver.name, "on": "2026-03-30", "reason": "再次"})
    assert again.status_code == 400 and Case.objects.filter(item_code=DECREASE_ITEM).count() == 1
    accept(case, w["online_teller"])
    assert not Enrolment.objects.filter(person=leaver, employer=w["ours"], end_date__isnull=True).exists()


@pytest.mark.django_db
def test_cases_bounded_by_employer(w: dict[str, Any]) -> None:
    ours, _ = open_agent(w["ours"], seq=37)
    theirs, _ = open_agent(w["theirs"], name="李经办", seq=38)
    case = svc.staff_change_submit(
        account=theirs, action=svc.DECREASE, id_number=w["outsider"].id_number, name="周外", on=START
    )
    client = signed_in(ours)
    assert client.get(reverse("portal:employer_case", args=[case.number])).status_code == 404
    assert case.number not in client.get(reverse("portal:employer_cases")).content.decode()
    assert case.number in signed_in(theirs).get(reverse("portal:employer_cases")).content.decode()


# --- bulk file -----------------------------------------------------------------------------------


def test_bulk_item_offered_to_agents_online() -> None:
    from shebao.cases.services.online import EMPLOYER
    from shebao.core.effects import EMPLOYER as EFFECT_EMPLOYER
    from shebao.core.effects import get_effect

    effect = get_effect(svc.BULK_EFFECT)
    assert effect is not None and effect.applicant == EFFECT_EMPLOYER and effect.own_page
    assert EMPLOYER == AccountKind.EMPLOYER_AGENT


def csv_file(rows: list[str], name: str = "staff.csv") -> SimpleUploadedFile:
    text = (
        "action,id_number,name,date,insurance_types,phone,household_type,address\n" + "\n".join(rows) + "\n"
    )
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.django_db
def test_bulk_file_is_one_case_applied_all_or_nothing(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    new_id = idn(60)
    leaver = w["staff"][2]
    upload = csv_file(
        [
            f"增员,{new_id},郑新,2026-02-01,,13900000000,城镇,测试县人民路2号",
            f"减员,{leaver.id_number},{leaver.name},2026-02-28,,,,",
        ]
    )
    response = signed_in(account).post(reverse("portal:employer_staff_file"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[-2500:]
    case = Case.objects.get(employer=w["ours"], item_code=BULK_ITEM)
    assert case.status == CaseStatus.SUBMITTED and len(case.data["rows"]) == 2
    assert not Person.objects.filter(id_number=new_id).exists()
    accept(case, w["online_teller"])
    newcomer = Person.objects.get(id_number=new_id)
    assert Enrolment.objects.filter(person=newcomer, employer=w["ours"], end_date__isnull=True).count() == 5
    assert not Enrolment.objects.filter(person=leaver, employer=w["ours"], end_date__isnull=True).exists()


@pytest.mark.django_db
def test_bulk_file_with_bad_rows_lists_every_row_and_sends_nothing(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    upload = csv_file(
        [
            f"增员,{w['staff'][0].id_number},{w['staff'][0].name},2026-02-01,,,,",  # already staff
            f"减员,{w['outsider'].id_number},周外,2026-02-28,,,,",  # another employer's employee
            f"跳槽,{idn(61)},某人,2026-02-28,,,,",  # not an action
        ]
    )
    response = signed_in(account).post(reverse("portal:employer_staff_file"), {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    for row in (2, 3, 4):
        assert f"第 {row} 行" in text or f"第{row}行" in text or f"row {row}:" in text
    assert not Case.objects.filter(employer=w["ours"]).exists()


@pytest.mark.django_db
def test_bulk_effect_refuses_whole_file_when_registry_changed(w: dict[str, Any]) -> None:
    account, _ = open_agent(w["ours"])
    new_id = idn(62)
    leaver = w["staff"][2]
    case = svc.staff_file_submit(
        account=account,
        file=csv_file(
            [
                f"增员,{new_id},郑新,2026-02-01,,13900000000,城镇,测试县人民路2号",
                f"减员,{leaver.id_number},{leaver.name},2026-02-28,,,,",
            ]
        ),
        filename="staff.csv",
    )
    # Meanwhile the leaver is decreased at the counter: the file's second row no longer fits.
    registry_services.staff_decrease(
        employer=w["ours"], person=leaver, end_date=datetime.date(2026, 2, 1), by=None
    )
    with pytest.raises(ApplicationError) as exc:
        accept(case, w["online_teller"])
    assert exc.value.code == "bulk_invalid"
    assert any(str(d).find("3") >= 0 for d in exc.value.details)
    assert not Person.objects.filter(id_number=new_id).exists()  # the valid row was not kept either
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


@pytest.mark.django_db
def test_bulk_upload_limited_in_size_and_type(w: dict[str, Any], settings: Any) -> None:
    account, _ = open_agent(w["ours"])
    settings.SHEBAO_UPLOAD_MAX_BYTES = 200
    big = csv_file([f"增员,{idn(70 + n)},某人,2026-02-01,,,城镇," for n in range(10)])
    with pytest.raises(ApplicationError) as exc:
        svc.staff_file_submit(account=account, file=big, filename="staff.csv")
    assert exc.value.code == "bulk_too_large"
    script = SimpleUploadedFile("staff.py", b"import os\n", content_type="text/x-python")
    response = signed_in(account).post(reverse("portal:employer_staff_file"), {"file": script})
    assert response.status_code == 400 and not Case.objects.exists()


# --- demo ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_agent_idempotent_and_signs_in() -> None:
    from shebao.portal.demo_employer import seed_employer_agent

    county = rf.region(code="990121", name="青河县")
    employer = rf.employer(at=county)
    person = rf.person(at=county, name="陈员工", id_number=idn(80))
    registry_services.staff_increase(employer=employer, person=person, start_date=START, by=None)
    first = seed_employer_agent()
    second = seed_employer_agent()
    assert first is not None and second is not None and first.created and not second.created
    assert PortalAccount.objects.filter(kind=AccountKind.EMPLOYER_AGENT).count() == 1
    response = Client().post(
        reverse("portal:employer_login"),
        {"credit_code": first.credit_code, "id_number": first.id_number, "password": "Shebao@2026"},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_returned_case_shows_what_is_missing_and_the_supplement_link(w: dict[str, Any]) -> None:
    from shebao.cases.services.online import online_return

    account, _ = open_agent(w["ours"])
    leaver = w["staff"][0]
    case = svc.staff_change_submit(
        account=account, action=svc.DECREASE, id_number=leaver.id_number, name=leaver.name, on=START
    )
    online_return(
        case=case, by=w["online_teller"], version=case.version, missing=["减员申报表"], comment="请上传"
    )
    page = signed_in(account).get(reverse("portal:employer_case", args=[case.number])).content.decode()
    assert "减员申报表" in page and reverse("portal:case_supplement", args=[case.number]) in page


@pytest.mark.django_db
def test_bulk_xlsx_in_the_registry_format(w: dict[str, Any]) -> None:
    import io

    from openpyxl import Workbook

    account, _ = open_agent(w["ours"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["增减员", "公民身份号码", "姓名", "日期", "险种", "户籍类型", "联系电话", "地址"])
    sheet.append(
        [
            "增员",
            idn(63),
            "冯新",
            "2026-02-01",
            "employee_pension;employee_medical",
            "农村",
            "13900000001",
            "某村",
        ]
    )
    sheet.append(
        ["=1+1", idn(64), "formula", "2026-02-01", "", "城镇", "", ""]
    )  # a formula is read as its stored value (none), never run
    buf = io.BytesIO()
    book.save(buf)
    upload = SimpleUploadedFile("staff.xlsx", buf.getvalue())
    with pytest.raises(ApplicationError) as exc:
        svc.staff_file_submit(account=account, file=upload, filename="staff.xlsx")
    assert (
        exc.value.code == "bulk_invalid"
        and len(exc.value.details) == 1
        and ("第 3 行" in str(exc.value.details[0]) or "row 3" in str(exc.value.details[0]))
    )
    book.active.delete_rows(3)  # type: ignore[union-attr]
    buf = io.BytesIO()
    book.save(buf)
    case = svc.staff_file_submit(
        account=account, file=SimpleUploadedFile("staff.xlsx", buf.getvalue()), filename="staff.xlsx"
    )
    assert case.data["rows"][0]["insurance_types"] == ["employee_pension", "employee_medical"]
    accept(case, w["online_teller"])
    assert Enrolment.objects.filter(person__id_number=idn(63), employer=w["ours"]).count() == 2


@pytest.mark.django_db
def test_the_file_item_is_refused_without_its_file_and_staff_see_its_rows_masked(w: dict[str, Any]) -> None:
    from shebao.cases.services.online import masked_data, online_submit
    from shebao.catalogue.selectors import published_edition
    from shebao.core.errors import ApplicationError

    account, _ = open_agent(w["ours"])
    item = published_edition().items.get(code=BULK_ITEM)  # type: ignore[union-attr]
    with pytest.raises(ApplicationError) as refused:  # e.g. straight to the API's applications/
        online_submit(user=account.user, item=item, data={}, employer=w["ours"])
    assert refused.value.code == "rows_required"
    leaver = w["staff"][2]
    upload = csv_file([f"减员,{leaver.id_number},{leaver.name},2026-02-28,,,,"])
    assert signed_in(account).post(reverse("portal:employer_staff_file"), {"file": upload}).status_code == 302
    case = Case.objects.get(employer=w["ours"], item_code=BULK_ITEM)
    shown = str(masked_data(case))
    assert leaver.id_number not in shown and leaver.id_number[:6] in shown
    # The pre-review page shows the file as a readable table of what completing will change.
    staff_page = Client()
    staff_page.force_login(w["online_teller"])
    page = staff_page.get(reverse("cases:online_case", args=[case.number])).content.decode()
    row = re.search(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", page)
    assert row is not None, page
    assert row.group(2) == "减员" and row.group(3) == leaver.name
    assert row.group(4) == mask_id_number(leaver.id_number)
    assert leaver.id_number not in page and "&#x27;action&#x27;" not in page  # no raw data


@pytest.mark.django_db
def test_agent_reads_the_messages_of_the_employers_cases_only(w: dict[str, Any]) -> None:
    from shebao.audit.models import AuditEvent
    from shebao.cases.models import Notification
    from shebao.cases.services.online import online_return

    account, _ = open_agent(w["ours"])
    leaver = w["staff"][0]
    case = svc.staff_change_submit(
        account=account, action=svc.DECREASE, id_number=leaver.id_number, name=leaver.name, on=START
    )
    online_return(case=case, by=w["online_teller"], version=case.version, missing=["减员申报表"], comment="")
    message = Notification.objects.filter(case=case, person__isnull=True).latest("id")  # the return
    client = signed_in(account)
    inbox = client.get(reverse("portal:messages")).content.decode()
    assert case.number in inbox and 'class="badge"' in inbox  # unread, counted in the menu
    page = client.get(reverse("portal:message", args=[message.pk])).content.decode()
    assert "减员申报表" in page and reverse("portal:employer_case", args=[case.number]) in page
    message.refresh_from_db()
    assert message.read_at is not None
    read = AuditEvent.objects.filter(action="portal.query", actor=account.user).order_by("-id").first()
    assert read is not None and read.subject_id == str(w["ours"].pk) and '"message"' in read.payload
    other, _ = open_agent(w["theirs"], name="别家经办", seq=33)
    assert case.number not in signed_in(other).get(reverse("portal:messages")).content.decode()
    assert signed_in(other).get(reverse("portal:message", args=[message.pk])).status_code == 404
