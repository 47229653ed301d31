"""Online applications through the case flow: submit, pre-review (accept, return, reject), supplement, result."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.cases.models import ActionKind, CaseStatus, ClockPeriod, Notification
from shebao.cases.services import case_approve_step, case_return
from shebao.cases.services.online import (
    online_accept,
    online_items,
    online_reject,
    online_return,
    online_submit,
    online_supplement,
)
from shebao.cases.tests import factories as cf
from shebao.catalogue.tests.factories import item_data, special_item_data
from shebao.core.errors import ApplicationError
from shebao.core.models import User
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.portal.models import AccountKind, PortalAccount

ONLINE_GENERAL = "SB-G-301"  # phone change, general: completes on acceptance
ONLINE_SPECIAL = "SB-S-401"  # phone change, special: accept → review → approve (leader) → complete
ONLINE_EMPLOYER = "SB-G-302"  # staff increase by an employer's agent

PROOF = {
    "name_zh": "变更证明",
    "name_en": "Proof of the change",
    "required": True,
    "legal_basis": "社会保险经办条例 第十条",
    "copies": 0,
}


def online_general_item() -> dict[str, Any]:
    return item_data(
        code=ONLINE_GENERAL,
        order=31,
        name_zh="参保人员联系电话变更（网办）",
        name_en="Phone change (online)",
        effect_code="registry.person_change",
        channels=["counter", "online"],
        materials=[{**item_data()["materials"][0]}, PROOF],
    )


def online_special_item() -> dict[str, Any]:
    return special_item_data(
        code=ONLINE_SPECIAL,
        order=41,
        name_zh="参保人员信息变更（网办复核）",
        name_en="Person data change (online, reviewed)",
        zone="enrolment",
        effect_code="registry.person_change",
        channels=["counter", "online"],
    )


def online_employer_item() -> dict[str, Any]:
    return item_data(
        code=ONLINE_EMPLOYER,
        order=32,
        name_zh="职工增员（网办）",
        name_en="Staff increase (online)",
        effect_code="registry.staff_increase",
        channels=["online"],
    )


def online_office() -> dict[str, Any]:
    """`factories.office()` plus online items, a person's and an employer agent's portal account."""
    from shebao.catalogue.tests.factories import make_published_edition

    o = cf.office()
    make_published_edition(
        [
            cf.general_item(),
            cf.special_item(),
            online_general_item(),
            online_special_item(),
            online_employer_item(),
        ]
    )
    o["account"] = portal_account("citizen", person=o["person"])
    o["agent"] = portal_account("agent", employer=o["employer"])
    o["stranger"] = portal_account(
        "stranger", person=cf.rf.person(at=o["county"], name="李四", id_number=cf.rf.make_id_number(seq=7))
    )
    o["online_teller"] = make_staff("ot", region=o["county"], posts=[PostCode.GENERAL_TELLER])
    o["online_special"] = make_staff("os", region=o["county"], posts=[PostCode.SPECIAL_TELLER])
    o["far_teller"] = make_staff(
        "ot-b1", region=o["regions"]["county_b1"], posts=[PostCode.GENERAL_TELLER, PostCode.SPECIAL_TELLER]
    )
    return o


def portal_account(username: str, *, person: Any = None, employer: Any = None) -> PortalAccount:
    user = User.objects.create_user(username=username, password="Shebao@2026", full_name=username)
    return PortalAccount.objects.create(
        user=user,
        kind=AccountKind.PERSON if person is not None else AccountKind.EMPLOYER_AGENT,
        person=person,
        employer=employer,
        phone="13800138000",
    )


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 10)).save(buf, "JPEG")
    return buf.getvalue()


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name: str = "身份证.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def upload_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    settings.SHEBAO_UPLOAD_ROOT = root
    return root


def submit(
    o: dict[str, Any], code: str, *, uploads: dict[int, list[Any]] | None = None, **kwargs: Any
) -> Any:
    account = kwargs.pop("account", o["account"])
    return online_submit(
        user=account.user,
        item=cf.item(code),
        data=kwargs.pop("data", {"phone": "13922223333"}),
        uploads=uploads if uploads is not None else {0: [png()], 1: [pdf()]},
        person=account.person if account.kind == AccountKind.PERSON else None,
        employer=account.employer if account.kind == AccountKind.EMPLOYER_AGENT else None,
    )


def messages_to(person: Any) -> list[Notification]:
    return list(Notification.objects.filter(person=person).order_by("id"))


@pytest.mark.django_db
def test_submit_creates_a_submitted_case_without_clock(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_GENERAL)
    assert case.status == CaseStatus.SUBMITTED
    assert case.channel == "online"
    assert case.accepted_by is None
    assert case.submitted_by == o["account"].user
    assert case.delivery == "message"
    assert case.region == o["person"].region
    assert case.data["id_number"] == o["person"].id_number and case.data["phone"] == "13922223333"
    assert case.number.startswith(f"SB{timezone.localdate():%Y%m%d}")
    assert not ClockPeriod.objects.filter(case=case).exists() and case.deadline is None
    assert [a.kind for a in case.actions.all()] == [ActionKind.SUBMIT]
    assert sorted(u.material_index for u in case.uploads.all()) == [0, 1]
    assert AuditEvent.objects.filter(action="cases.submit", subject_id=str(case.pk)).exists()
    note = messages_to(o["person"])[-1]
    assert case.number in note.subject and note.case == case


@pytest.mark.django_db
def test_submit_refused_for_item_without_online_channel(upload_root: Path) -> None:
    o = online_office()
    with pytest.raises(ApplicationError) as err:
        submit(o, cf.SPECIAL)  # counter and bank only
    assert err.value.code == "not_online"
    assert not list(upload_root.rglob("*.*"))


@pytest.mark.django_db
def test_submit_refused_for_the_wrong_kind_of_account(upload_root: Path) -> None:
    o = online_office()
    with pytest.raises(ApplicationError) as err:
        submit(o, ONLINE_EMPLOYER, data={"id_number": o["person"].id_number, "start_date": "2024-03-01"})
    assert err.value.code == "not_for_account"
    codes = set(online_items(kind="person").values_list("code", flat=True))
    assert ONLINE_GENERAL in codes and ONLINE_EMPLOYER not in codes and cf.SPECIAL not in codes
    agent_codes = set(online_items(kind="employer_agent").values_list("code", flat=True))
    assert ONLINE_EMPLOYER in agent_codes and ONLINE_GENERAL not in agent_codes


@pytest.mark.django_db
def test_missing_material_allowed_and_twice_refused(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    assert case.status == CaseStatus.SUBMITTED
    assert "变更证明" in messages_to(o["person"])[-1].body
    with pytest.raises(ApplicationError) as err:
        submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    assert err.value.code == "already_submitted" and case.number in str(err.value)
    other = submit(o, ONLINE_GENERAL, data={"phone": "13900001111"})  # different data: another application
    assert other.number != case.number


@pytest.mark.django_db
def test_a_refused_upload_leaves_no_case_and_no_file(upload_root: Path) -> None:
    o = online_office()
    fake = SimpleUploadedFile(
        "证明.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    with pytest.raises(ApplicationError) as err:
        submit(o, ONLINE_GENERAL, uploads={0: [png()], 1: [fake]})
    assert err.value.code == "upload_type"
    assert not o["person"].cases.exists()
    assert not list(upload_root.rglob("*.*"))


@pytest.mark.django_db
def test_a_failing_transaction_deletes_the_written_files(upload_root: Path, monkeypatch: Any) -> None:
    o = online_office()
    import shebao.cases.services.online as online

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(online, "audit_record", boom)
    with pytest.raises(RuntimeError):
        submit(o, ONLINE_GENERAL)
    assert not o["person"].cases.exists()
    assert not [p for p in upload_root.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_general_online_item_completes_on_acceptance(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_GENERAL)
    done = online_accept(case=case, by=o["online_teller"], version=case.version, received=[0, 1])
    assert done.status == CaseStatus.COMPLETED
    assert done.accepted_by == o["online_teller"] and done.accepted_at is not None
    o["person"].refresh_from_db()
    assert o["person"].phone == "13922223333"  # the effect ran
    # completed before the clock's first counted day (the next working day): no period ending before it starts
    assert not ClockPeriod.objects.filter(case=done).exists()
    result = messages_to(o["person"])[-1]
    assert result.channel == "message" and f"{done.number}" in result.subject


@pytest.mark.django_db
def test_accept_refused_while_required_material_missing(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    with pytest.raises(ApplicationError) as err:
        online_accept(case=case, by=o["online_teller"], version=case.version, received=[0])
    assert err.value.code == "materials_missing" and err.value.details == ["变更证明"]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.accepted_by is None


@pytest.mark.django_db
def test_double_accept_changes_once(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_SPECIAL)
    version = case.version
    online_accept(case=case, by=o["online_special"], version=version, received=[0, 1])
    with pytest.raises(ApplicationError) as err:
        online_accept(case=case, by=o["online_special"], version=version, received=[0, 1])
    assert err.value.code == "stale"
    case.refresh_from_db()
    assert case.actions.filter(kind=ActionKind.ACCEPT).count() == 1
    assert ClockPeriod.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_pre_review_refusals_are_audited(upload_root: Path) -> None:
    o = online_office()
    special = submit(o, ONLINE_SPECIAL)
    with pytest.raises(ApplicationError) as err:  # a general teller may not accept a special item
        online_accept(case=special, by=o["online_teller"], version=special.version, received=[0, 1])
    assert err.value.code == "post"
    with pytest.raises(ApplicationError) as err:  # staff of another county
        online_accept(case=special, by=o["far_teller"], version=special.version, received=[0, 1])
    assert err.value.code == "other_region"
    assert [r["reason"] for r in cf.refusals()] == ["post", "other_region"]
    special.refresh_from_db()
    assert special.status == CaseStatus.SUBMITTED


@pytest.mark.django_db
def test_full_story_special_item(upload_root: Path) -> None:
    """Submit with a material missing → returned → supplemented → accepted → reviewed → signed off → completed."""
    o = online_office()
    person = o["person"]
    case = submit(o, ONLINE_SPECIAL, uploads={0: [png()]})

    case = online_return(
        case=case,
        by=o["online_special"],
        version=case.version,
        missing=["解除劳动合同证明"],
        comment="请上传盖章件",
    )
    assert case.status == CaseStatus.RETURNED
    assert "解除劳动合同证明" in messages_to(person)[-1].body
    assert not ClockPeriod.objects.filter(case=case).exists()

    case = online_supplement(case=case, account=o["account"], uploads={1: [pdf()]}, comment="已补")
    assert case.status == CaseStatus.SUBMITTED
    assert case.uploads.count() == 2
    assert not ClockPeriod.objects.filter(case=case).exists()

    case = online_accept(case=case, by=o["online_special"], version=case.version, received=[0, 1])
    assert case.status == CaseStatus.ACCEPTED and case.deadline is not None
    assert "受理" in messages_to(person)[-1].subject or case.number in messages_to(person)[-1].subject

    with pytest.raises(ApplicationError) as err:  # separation of duties: the acceptor may not review
        case_approve_step(case=case, by=o["online_special"], version=case.version)
    assert err.value.code == "acceptor"

    case = case_approve_step(case=case, by=o["reviewer"], version=case.version)
    assert case.status == CaseStatus.IN_REVIEW
    case = case_approve_step(case=case, by=o["leader"], version=case.version)
    assert case.status == CaseStatus.COMPLETED
    person.refresh_from_db()
    assert person.phone == "13922223333"
    result = messages_to(person)[-1]
    assert result.channel == "message" and case.number in result.subject


@pytest.mark.django_db
def test_return_after_acceptance_is_supplemented_online(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_SPECIAL)
    case = online_accept(case=case, by=o["online_special"], version=case.version, received=[0, 1])
    case = case_return(
        case=case, by=o["reviewer"], version=case.version, missing=["解除劳动合同证明"], comment="不清晰"
    )
    assert case.status == CaseStatus.RETURNED
    periods = ClockPeriod.objects.filter(case=case).count()
    case = online_supplement(case=case, account=o["account"], uploads={1: [pdf()]})
    assert case.status == CaseStatus.IN_REVIEW
    assert ClockPeriod.objects.filter(case=case).count() == periods + 1  # the clock restarts
    assert case.actions.filter(kind=ActionKind.SUPPLEMENT, by=o["account"].user).exists()


@pytest.mark.django_db
def test_supplement_only_by_the_own_applicant(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    case = online_return(case=case, by=o["online_teller"], version=case.version, missing=["变更证明"])
    with pytest.raises(ApplicationError) as err:
        online_supplement(case=case, account=o["stranger"], uploads={1: [pdf()]})
    assert err.value.status == 404
    with pytest.raises(ApplicationError) as err:
        online_supplement(case=case, account=o["agent"], uploads={1: [pdf()]})
    assert err.value.status == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED


@pytest.mark.django_db
def test_reject_before_acceptance(upload_root: Path) -> None:
    o = online_office()
    case = submit(o, ONLINE_GENERAL)
    case = online_reject(case=case, by=o["online_teller"], version=case.version, reason="不属于本事项")
    assert case.status == CaseStatus.REJECTED and case.result == "不属于本事项"
    assert "不属于本事项" in messages_to(o["person"])[-1].body


@pytest.mark.django_db
def test_employer_agent_applies_for_staff_increase(upload_root: Path) -> None:
    o = online_office()
    case = submit(
        o,
        ONLINE_EMPLOYER,
        account=o["agent"],
        data={"id_number": o["person"].id_number, "start_date": cf.STAFF_DATA_START},
        uploads={0: [png()]},
    )
    assert case.employer == o["employer"] and case.person is None
    assert case.data["credit_code"] == o["employer"].credit_code
    case = online_accept(case=case, by=o["online_teller"], version=case.version, received=[0])
    assert case.status == CaseStatus.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "联系电话: 请填写由数字组成的电话号码"), ("en", "Phone: Enter a phone number of digits")],
)
def test_online_data_is_checked_by_the_effects_declaration_in_the_users_language(
    upload_root: Path, language: str, expected: str
) -> None:
    from django.utils.translation import override

    o = online_office()
    with override(language), pytest.raises(ApplicationError) as err:
        submit(o, ONLINE_GENERAL, data={"phone": "call me"})
    assert err.value.code == "invalid_data"
    assert any(str(d).startswith(expected) for d in err.value.details), err.value.details
    # The payout account is not part of this item's data: it is ignored, never written.
    case = submit(o, ONLINE_GENERAL, data={"phone": "13922223333", "bank_account": "6228480000000000001"})
    assert "bank_account" not in case.data
