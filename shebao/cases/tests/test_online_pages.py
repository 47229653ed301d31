"""Staff pages of online pre-review: the queue, one application, its files; region-bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from shebao.cases.models import ActionKind, CaseStatus
from shebao.cases.tests.test_online import (
    ONLINE_GENERAL,
    ONLINE_SPECIAL,
    online_office,
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
def test_queue_shows_the_regions_submitted_cases(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    general = submit(o, ONLINE_GENERAL)
    special = submit(o, ONLINE_SPECIAL)
    page = client_for(o["online_teller"]).get(reverse("cases:online_queue")).content.decode()
    assert general.number in page and special.number not in page  # a general teller: general items only
    page = client_for(o["online_special"]).get(reverse("cases:online_queue")).content.decode()
    assert special.number in page
    far = client_for(o["far_teller"]).get(reverse("cases:online_queue")).content.decode()
    assert general.number not in far and special.number not in far
    assert client_for(o["reviewer"]).get(reverse("cases:online_queue")).status_code == 403


@pytest.mark.django_db
def test_case_page_masks_the_id_and_links_files(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    case = submit(o, ONLINE_GENERAL)
    response = client_for(o["online_teller"]).get(reverse("cases:online_case", args=[case.number]))
    page = response.content.decode()
    assert response.status_code == 200
    assert o["person"].id_number not in page and o["person"].name in page
    assert "13922223333" in page and ">phone<" not in page  # data shown under the form's labels
    upload = case.uploads.first()
    assert reverse("cases:online_upload", args=[case.number, upload.pk]) in page
    far = client_for(o["far_teller"]).get(reverse("cases:online_case", args=[case.number]))
    assert far.status_code == 404


@pytest.mark.django_db
def test_accept_from_the_page_once(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    case = submit(o, ONLINE_GENERAL)
    c = client_for(o["online_teller"])
    url = reverse("cases:online_case", args=[case.number])
    form = {"action": "accept", "version": case.version, "received": ["0", "1"]}
    first = c.post(url, form)
    assert first.status_code == 302
    second = c.post(url, form)
    assert second.status_code == 409
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert case.actions.filter(kind=ActionKind.ACCEPT).count() == 1


@pytest.mark.django_db
def test_return_from_the_page_lists_everything(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    c = client_for(o["online_teller"])
    url = reverse("cases:online_case", args=[case.number])
    refused = c.post(url, {"action": "accept", "version": case.version, "received": ["0"]})
    assert refused.status_code == 400 and "变更证明" in refused.content.decode()
    done = c.post(
        url, {"action": "return", "version": case.version, "missing": ["变更证明"], "comment": "照片不清晰"}
    )
    assert done.status_code == 302, done.content.decode()[-2000:]
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED and case.requested_materials == ["变更证明"]
    assert "变更证明\n照片不清晰" in case.actions.get(kind=ActionKind.RETURN).comment


@pytest.mark.django_db
def test_staff_download_headers_and_region(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png()]})
    url = reverse("cases:online_upload", args=[case.number, case.uploads.get().pk])
    response = client_for(o["reviewer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()  # type: ignore[attr-defined]
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert client_for(o["far_reviewer"]).get(url).status_code == 404


@pytest.mark.django_db
def test_the_case_page_of_a_submitted_case_links_to_pre_review(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    case = submit(o, ONLINE_GENERAL)
    response = client_for(o["reviewer"]).get(reverse("cases:case", args=[case.number]))
    assert response.status_code == 200
    assert reverse("cases:online_case", args=[case.number]) in response.content.decode()


@pytest.mark.django_db
def test_the_staff_desk_links_to_the_queue(upload_root: Path) -> None:  # noqa: F811
    o = online_office()
    page = client_for(o["online_teller"]).get(reverse("core:home")).content.decode()
    assert reverse("cases:online_queue") in page
    assert (
        reverse("cases:online_queue")
        not in client_for(o["reviewer"]).get(reverse("core:home")).content.decode()
    )
