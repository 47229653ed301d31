"""Messages in the account: my notifications only, newest first, unread marked, opening marks read."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from shebao.audit.models import AuditEvent
from shebao.cases.models import Notification
from shebao.cases.notify import notify
from shebao.portal.tests.test_accounts_world import client_for, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict[str, Any]:
    data = world()
    data["old"] = notify(subject="第一条消息", body="旧的内容", person=data["me"])
    data["new"] = notify(subject="第二条消息", body="新的内容", person=data["me"])
    data["theirs"] = notify(subject="别人的消息", body="不该看到", person=data["other"])
    data["sms"] = notify(subject="验证码", body="您的验证码是 123456", person=data["me"], channel="sms")
    return data


def test_my_messages_newest_first_unread_counted_in_the_nav(w: dict[str, Any]) -> None:
    client = client_for(w["account"])
    body = client.get(reverse("portal:messages")).content.decode()
    assert body.index("第二条消息") < body.index("第一条消息")
    assert "别人的消息" not in body and "123456" not in body  # code texts are not inbox messages
    assert body.count('class="unread"') == 2
    assert '<span class="badge" aria-label="2' in body


def test_opening_a_message_marks_it_read(w: dict[str, Any]) -> None:
    client = client_for(w["account"])
    response = client.get(reverse("portal:message", args=[w["new"].pk]))
    assert response.status_code == 200 and "新的内容" in response.content.decode()
    assert Notification.objects.get(pk=w["new"].pk).read_at is not None
    assert Notification.objects.get(pk=w["old"].pk).read_at is None
    assert AuditEvent.objects.filter(action="portal.query", payload__contains='"message"').exists()
    body = client.get(reverse("portal:messages")).content.decode()
    assert body.count('class="unread"') == 1


def test_another_persons_message_is_404_and_stays_unread(w: dict[str, Any]) -> None:
    client = client_for(w["account"])
    assert client.get(reverse("portal:message", args=[w["theirs"].pk])).status_code == 404
    assert client.get(reverse("portal:message", args=[w["sms"].pk])).status_code == 404
    assert Notification.objects.get(pk=w["theirs"].pk).read_at is None
