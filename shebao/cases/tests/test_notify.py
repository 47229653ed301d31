"""Notifications: database and console backends, sent only when the change commits; result delivery."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from shebao.audit.models import AuditEvent
from shebao.cases.models import CaseStatus, Delivery, Notification
from shebao.cases.notify import notify, result_deliver
from shebao.cases.tests.test_clock import make_case
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.counter.models import Outlet, Window

pytestmark = pytest.mark.django_db

CONSOLE = "shebao.cases.notify.ConsoleBackend"


@pytest.fixture
def world() -> dict[str, Any]:
    regions = make_region_tree()
    return {**regions, "teller": make_staff("teller", region=regions["county_a1"], posts=["general_teller"])}


def test_database_backend_stores_and_marks_sent_on_commit(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = notify(subject="主题", body="正文", staff=world["teller"])
        assert Notification.objects.get(pk=note.pk).sent_at is None
    assert len(callbacks) == 1
    note.refresh_from_db()
    assert note.sent_at is not None and note.channel == "message"


@override_settings(SHEBAO_NOTIFICATION_BACKEND=CONSOLE)
def test_console_backend_prints_with_id_numbers_masked(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    id_number = "110105194912310021"
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(subject="身份核验", body=f"身份证号{id_number}已核验", staff=world["teller"])
    out = capsys.readouterr().out
    assert "身份核验" in out
    assert id_number not in out
    assert "110105********0021" in out
    note.refresh_from_db()
    assert note.sent_at is not None
    assert id_number in note.body  # the stored message is the applicant's own, unmasked


@override_settings(SHEBAO_NOTIFICATION_BACKEND=CONSOLE)
def test_a_rolled_back_change_sends_nothing(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(subject="不应发出", body="正文", staff=world["teller"])
            raise RuntimeError("the change fails")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert "不应发出" not in capsys.readouterr().out


def completed(world: dict[str, Any], delivery: str, **fields: Any) -> Any:
    return make_case(
        region=world["county_a1"],
        acceptor=world["teller"],
        code="SB-G-001",
        status=CaseStatus.COMPLETED,
        delivery=delivery,
        **fields,
    )


def test_result_for_pickup_names_the_outlet_and_window(world: dict[str, Any]) -> None:
    outlet = Outlet.objects.create(
        code="a1-hall",
        name_zh="甲一县社保服务大厅",
        kind="county_hall",
        region=world["county_a1"],
        address="人民路1号",
        opening_hours="8:30-17:30",
    )
    window = Window.objects.create(outlet=outlet, number="3", kind="general", zones=["enrolment"])
    case = completed(world, Delivery.PICKUP, outlet=outlet, window=window)
    note = result_deliver(case=case)
    assert note.person == case.person and note.channel == "window"
    assert "甲一县社保服务大厅 3号窗口" in note.body
    assert case.number in note.subject
    assert case.actions.filter(kind="deliver").count() == 1
    assert AuditEvent.objects.filter(action="cases.result_delivered", subject_id=str(case.pk)).exists()


def test_result_by_message_carries_the_result_text(world: dict[str, Any]) -> None:
    case = completed(world, Delivery.MESSAGE, result="参保登记已完成，参保日期2026-02-13。")
    note = result_deliver(case=case)
    assert note.channel == "message"
    assert note.body == "参保登记已完成，参保日期2026-02-13。"


def test_result_by_post_in_chinese_whatever_the_page_language(world: dict[str, Any]) -> None:
    from django.utils import translation

    case = completed(world, Delivery.POST)
    with translation.override("en"):
        note = result_deliver(case=case)
    assert note.channel == "post"
    assert "邮寄" in note.body and "职工参保登记" in note.body
