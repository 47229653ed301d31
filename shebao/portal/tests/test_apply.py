"""Portal pages of online applications: items, the form with uploads, the confirmation, the supplement, files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shebao.cases.models import Case, CaseStatus
from shebao.cases.services.online import online_return
from shebao.cases.tests import factories as cf
from shebao.cases.tests.test_online import (
    ONLINE_EMPLOYER,
    ONLINE_GENERAL,
    online_office,
    pdf,
    png,
    png_bytes,
    submit,
    upload_root,  # noqa: F401 - fixture
)


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


@pytest.mark.django_db
def test_apply_list_by_account_kind(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    page = client_for(o["account"].user).get(reverse("portal:apply_list")).content.decode()
    assert reverse("portal:apply", args=[ONLINE_GENERAL]) in page
    assert reverse("portal:apply", args=[ONLINE_EMPLOYER]) not in page
    assert reverse("portal:apply", args=[cf.SPECIAL]) not in page  # no online channel
    agent = client_for(o["agent"].user).get(reverse("portal:apply_list")).content.decode()
    assert reverse("portal:apply", args=[ONLINE_EMPLOYER]) in agent
    found = client_for(o["account"].user).get(reverse("portal:apply_list"), {"q": "网办"}).content.decode()
    assert reverse("portal:apply", args=[ONLINE_GENERAL]) in found
    none = (
        client_for(o["account"].user)
        .get(reverse("portal:apply_list"), {"q": "不存在的事项"})
        .content.decode()
    )
    assert reverse("portal:apply", args=[ONLINE_GENERAL]) not in none


@pytest.mark.django_db
def test_staff_and_anonymous_cannot_apply(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    assert client_for(o["online_teller"]).get(reverse("portal:apply_list")).status_code == 403
    assert Client().get(reverse("portal:apply_list")).status_code == 302


@pytest.mark.django_db
def test_item_without_online_channel_is_not_found(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    assert client_for(o["account"].user).get(reverse("portal:apply", args=[cf.SPECIAL])).status_code == 404


@pytest.mark.django_db
def test_apply_with_a_material_missing_then_confirmation(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    c = client_for(o["account"].user)
    url = reverse("portal:apply", args=[ONLINE_GENERAL])
    form = c.get(url).content.decode()
    assert 'type="file"' in form and 'name="m1"' in form and "d-phone" in form
    assert o["person"].id_number not in form  # the account supplies it; never shown or typed
    response = c.post(url, {"d-phone": "13955556666", "m0": png()})
    assert response.status_code == 302
    case = Case.objects.get(person=o["person"], item_code=ONLINE_GENERAL)
    assert response["Location"] == reverse("portal:apply_done", args=[case.number])
    assert case.status == CaseStatus.SUBMITTED and case.data["phone"] == "13955556666"
    done = c.get(response["Location"]).content.decode()
    assert case.number in done and "变更证明" in done  # the warning names the missing material


@pytest.mark.django_db
def test_apply_with_a_fake_pdf_is_refused(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    fake = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for(o["account"].user).post(
        reverse("portal:apply", args=[ONLINE_GENERAL]), {"d-phone": "13955556666", "m1": fake}
    )
    assert response.status_code == 400
    assert "proof.pdf" in response.content.decode()
    assert not Case.objects.filter(person=o["person"]).exists()


@pytest.mark.django_db
def test_employer_agent_applies(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    response = client_for(o["agent"].user).post(
        reverse("portal:apply", args=[ONLINE_EMPLOYER]),
        {"d-id_number": o["person"].id_number, "d-start_date": cf.STAFF_DATA_START, "m0": png()},
    )
    assert response.status_code == 302
    case = Case.objects.get(employer=o["employer"])
    assert case.data["credit_code"] == o["employer"].credit_code and case.person is None


@pytest.mark.django_db
def test_supplement_page_own_applicant_only(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    case = online_return(case=case, by=o["online_teller"], version=case.version, missing=["变更证明"])
    url = reverse("portal:case_supplement", args=[case.number])
    assert client_for(o["stranger"].user).get(url).status_code == 404
    assert client_for(o["stranger"].user).post(url, {"m1": pdf()}).status_code == 404
    assert client_for(o["agent"].user).get(url).status_code == 404
    c = client_for(o["account"].user)
    page = c.get(url).content.decode()
    assert "变更证明" in page
    assert c.post(url, {"m1": pdf(), "comment": "补上了"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.uploads.count() == 2
    again = c.post(url, {"m1": pdf()})
    assert again.status_code == 409


@pytest.mark.django_db
def test_own_download_only(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    url = reverse("portal:case_upload", args=[case.number, case.uploads.get().pk])
    response = client_for(o["account"].user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"] == "sandbox"
    )
    assert client_for(o["stranger"].user).get(url).status_code == 404
    assert client_for(o["agent"].user).get(url).status_code == 404
