"""A retried API call makes one case: the `Idempotency-Key` header of the case-creating POSTs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shebao.api.tests.test_portal_api_world import ONLINE_GENERAL, auth, token_for, world
from shebao.cases.models import Case, IdempotencyKey
from shebao.cases.tests import factories as cf

pytestmark = pytest.mark.django_db

STAFF_CHANGES = "/api/v1/employer/staff-changes/"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def w() -> dict[str, Any]:
    return world()


def _change(w: dict[str, Any], **over: Any) -> dict[str, Any]:
    other = w["other_person"]
    return {
        "action": "increase",
        "id_number": other.id_number,
        "name": other.name,
        "date": "2026-11-01",
        **over,
    }


def test_retried_staff_change_answers_with_the_first_result(w: dict[str, Any], client: Client) -> None:
    key = token_for(client, w["agent_id_number"], credit_code=w["employer"].credit_code)
    headers = {**auth(key), "Idempotency-Key": "3f1c2a9e-retry"}
    first = client.post(STAFF_CHANGES, _change(w), content_type="application/json", headers=headers)
    again = client.post(STAFF_CHANGES, _change(w), content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Case.objects.filter(employer=w["employer"], channel="online").count() == 1
    stored = IdempotencyKey.objects.get()
    assert stored.case is not None and stored.case.number == first.json()["number"]
    assert stored.user == w["agent"].user

    reused = client.post(
        STAFF_CHANGES, _change(w, date="2026-11-02"), content_type="application/json", headers=headers
    )
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert first.json()["number"] in reused.json()["error"]["message"]
    assert [r["reason"] for r in cf.refusals()] == ["idempotency_key_reused"]
    # Without a key every call is a new request (the service decides, as before).
    plain = client.post(STAFF_CHANGES, _change(w), content_type="application/json", headers=auth(key))
    assert plain.status_code in (201, 409)


def test_keys_are_per_account_and_checked(w: dict[str, Any], client: Client) -> None:
    key = token_for(client, w["agent_id_number"], credit_code=w["employer"].credit_code)
    bad = client.post(
        STAFF_CHANGES,
        _change(w),
        content_type="application/json",
        headers={**auth(key), "Idempotency-Key": "a key with spaces"},
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "idempotency_key_invalid"
    assert not Case.objects.filter(employer=w["employer"], channel="online").exists()


@pytest.fixture
def upload_root(settings: Any, tmp_path: Any) -> Any:
    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.SHEBAO_UPLOAD_ROOT


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_retried_online_application_with_its_file_makes_one_case(
    w: dict[str, Any], client: Client, upload_root: Any
) -> None:
    headers = {**auth(token_for(client, w["person"].id_number)), "Idempotency-Key": "apply-1"}

    def body() -> dict[str, Any]:
        return {
            "item_code": ONLINE_GENERAL,
            "data": '{"phone": "13922223333"}',
            "files": [SimpleUploadedFile("id.png", _png(), content_type="image/png")],
            "materials": ["0"],
        }

    first = client.post("/api/v1/applications/", body(), headers=headers)
    again = client.post("/api/v1/applications/", body(), headers=headers)
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    assert w["person"].cases.filter(channel="online").count() == 1


def test_schema_declares_the_idempotency_header(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/applications/", STAFF_CHANGES, "/api/v1/employer/staff-changes/file/"):
        operation = schema["paths"][path]["post"]
        names = {(p["name"], p["in"]) for p in operation["parameters"]}
        assert ("Idempotency-Key", "header") in names, path
        assert "422" in operation["responses"], path
