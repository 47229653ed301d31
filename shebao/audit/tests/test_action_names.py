"""Audit pages name actions and people, never their codes: `cases.accept` reads "受理办件" and the
actor is the staff member's full name (issue 10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from shebao.audit.actions import ACTION_LABELS, action_label
from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_record, audit_seal
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

SHEBAO = Path(__file__).resolve().parents[2]
RECORDED = re.compile(r'action="([a-z_]+\.[a-z_]+)"')


def test_every_recorded_action_has_a_label() -> None:
    """Every `audit_record(action="…")` in the code has its readable name in ACTION_LABELS."""
    found = {
        code
        for path in SHEBAO.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for code in RECORDED.findall(path.read_text(encoding="utf-8"))
    }
    assert "cases.accept" in found
    assert sorted(found - set(ACTION_LABELS)) == []


def test_an_unknown_action_shows_its_code() -> None:
    assert action_label("nobody.knows") == "nobody.knows"


@pytest.mark.django_db
def test_list_and_detail_show_the_label_and_the_full_name(client) -> None:
    regions = make_region_tree()
    teller = make_staff("lxy", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER])
    teller.full_name = "李晓燕"
    teller.save(update_fields=["full_name"])
    with transaction.atomic():
        audit_record(actor=teller, action="cases.accept", subject_type="cases.case", subject_id="1")
    audit_seal()
    client.force_login(make_staff("aud", region=regions["province"], posts=[PostCode.AUDITOR]))
    page = client.get(reverse("audit:events")).content.decode()
    row = page[page.index("<tbody>") :]
    assert "受理办件" in row and "李晓燕" in row
    assert ">cases.accept<" not in row and ">lxy<" not in row
    event = AuditEvent.objects.get(action="cases.accept")
    detail = client.get(reverse("audit:event", args=[event.pk])).content.decode()
    assert "受理办件" in detail and "李晓燕" in detail and ">lxy<" not in detail
