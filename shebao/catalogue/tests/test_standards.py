"""The register of standards (标准体系)."""

from __future__ import annotations

import datetime
import json

import pytest

from shebao.audit.models import AuditEvent
from shebao.catalogue.models import Standard, StandardKind, StandardStatus
from shebao.catalogue.selectors import standard_list, standards_due_for_review
from shebao.catalogue.services import standard_save, standard_set_status
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db

D = datetime.date


def _save(**overrides):
    values = {
        "by": None,
        "code": "SB-W-001",
        "title_zh": "综合柜员工作规范",
        "title_en": "Integrated teller work standard",
        "kind": StandardKind.WORK,
        "version": "1.0",
        "status": StandardStatus.PUBLISHED,
        "issued_on": D(2025, 1, 1),
        "next_review_date": D(2026, 1, 1),
    }
    values.update(overrides)
    return standard_save(**values)


def test_create_and_change_are_audited():
    standard = _save()
    assert Standard.objects.get(pk=standard.pk).title_zh == "综合柜员工作规范"
    assert AuditEvent.objects.filter(action="catalogue.standard_created").count() == 1
    _save(standard=standard, title_zh="综合柜员工作规范（修订）")
    event = AuditEvent.objects.get(action="catalogue.standard_changed")
    assert json.loads(event.payload)["new"] == {"title_zh": "综合柜员工作规范（修订）"}


def test_unique_code_and_version():
    _save()
    with pytest.raises(ApplicationError) as exc:
        _save(title_zh="重复")
    assert exc.value.code == "standard_exists"
    second = _save(version="2.0")
    with pytest.raises(ApplicationError):
        _save(standard=second, version="1.0")
    assert Standard.objects.count() == 2


def test_invalid_values_are_listed():
    with pytest.raises(ApplicationError) as exc:
        _save(code="", kind="poetry", status="lost", next_review_date=D(2024, 1, 1))
    assert exc.value.code == "standard_invalid"
    assert len(exc.value.details) == 4
    assert not Standard.objects.exists()
    standard = _save()
    with pytest.raises(ApplicationError):
        standard_set_status(by=None, standard=standard, status="lost")


def test_set_status():
    standard = _save()
    standard_set_status(by=None, standard=standard, status=StandardStatus.UNDER_REVISION)
    assert Standard.objects.get().status == StandardStatus.UNDER_REVISION
    event = AuditEvent.objects.get(action="catalogue.standard_status_changed")
    assert json.loads(event.payload) == {
        "old": {"status": "published"},
        "new": {"status": "under_revision"},
    }


def test_due_for_review():
    _save(code="A", next_review_date=D(2025, 5, 1))  # overdue
    _save(code="B", next_review_date=D(2025, 8, 30))  # due within 90 days of 2025-06-01
    _save(code="C", next_review_date=D(2025, 9, 1))  # too far
    _save(code="D", next_review_date=D(2025, 7, 1), status=StandardStatus.UNDER_REVISION)
    _save(code="E", next_review_date=D(2025, 7, 1), status=StandardStatus.RETIRED)
    _save(code="F", next_review_date=D(2025, 7, 1), status=StandardStatus.DRAFT)
    _save(code="G", next_review_date=None)
    due = standards_due_for_review(on=D(2025, 6, 1))
    assert [s.code for s in due] == ["A", "D", "B"]
    assert [s.code for s in standards_due_for_review(on=D(2025, 6, 1), within_days=120)] == [
        "A",
        "D",
        "B",
        "C",
    ]


def test_standard_list_filters():
    _save(code="W")
    _save(code="S", kind=StandardKind.SERVICE, status=StandardStatus.DRAFT)
    assert [s.code for s in standard_list()] == ["S", "W"]
    assert [s.code for s in standard_list(kind=StandardKind.WORK)] == ["W"]
    assert [s.code for s in standard_list(status=StandardStatus.DRAFT)] == ["S"]


def test_user_without_post_is_refused():
    regions = make_region_tree()
    leader = make_staff("leader", region=regions["province"], posts=["section_leader"])
    admin = make_staff("admin", region=regions["province"], posts=["admin"])
    with pytest.raises(PermissionDeniedError):
        _save(by=leader)
    standard = _save(by=admin)
    with pytest.raises(PermissionDeniedError):
        standard_set_status(by=leader, standard=standard, status=StandardStatus.RETIRED)
    assert Standard.objects.get().status == StandardStatus.PUBLISHED
    assert AuditEvent.objects.get(action="catalogue.standard_created").actor == admin
