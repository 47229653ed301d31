"""Opening an account, signing in and out, resetting the password; staff and portal users kept apart."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.cases.models import Notification
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.portal import services
from shebao.portal.models import CodePurpose, PhoneCode, PortalAccount
from shebao.portal.realname import demo_card_number
from shebao.portal.tests.test_accounts_world import FAST_HASHERS, PASSWORD, make_account, world
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qinghe-river-2026"


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.SHEBAO_DEMO_SHOW_CODES = False
    settings.DEBUG = False


@pytest.fixture
def w() -> dict[str, Any]:
    data = world()
    data["new"] = rf.person(
        at=data["county"], name="陈静", id_number=rf.make_id_number(gender="F"), phone="13700001111"
    )
    return data


def _sent_code(person: Any) -> str:
    sms = Notification.objects.filter(person=person, channel="sms").order_by("-id").first()
    assert sms is not None
    found = re.search(r"\d{6}", sms.body)
    assert found is not None
    return found.group(0)


def _start(client: Client, person: Any, *, name: str | None = None, url: str = "portal:register") -> Any:
    return client.post(reverse(url), {"id_number": person.id_number, "name": name or person.name})


def _finish(
    client: Client,
    person: Any,
    *,
    code: str | None = None,
    card: str | None = None,
    password: str = NEW_PASSWORD,
) -> Any:
    return client.post(
        reverse("portal:register_code"),
        {
            "code": code or _sent_code(person),
            "ev_card_number": card or demo_card_number(person),
            "password1": password,
            "password2": password,
        },
    )


def test_a_new_user_opens_an_account_with_the_code_sent_to_the_phone_on_record(w: dict[str, Any]) -> None:
    client = Client()
    response = _start(client, w["new"])
    assert response.status_code == 302 and response["Location"] == reverse("portal:register_code")
    sms = Notification.objects.get(person=w["new"], channel="sms")
    assert re.search(r"\d{6}", sms.body)
    row = PhoneCode.objects.get(person=w["new"])
    assert row.phone == "13700001111" and sms.body.find(row.code_hash) == -1  # only a hash is kept
    page = client.get(reverse("portal:register_code"))
    assert "137****1111" in page.content.decode() and "13700001111" not in page.content.decode()
    assert "demo-code" not in page.content.decode()  # not shown unless DEBUG or SHEBAO_DEMO_SHOW_CODES

    response = _finish(client, w["new"])
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    account = PortalAccount.objects.get(person=w["new"])
    assert account.user.username.startswith("p-") and w["new"].id_number not in account.user.username
    # Staff pages name the account by its holder, never the generated user name (issue 10).
    assert account.user.full_name == w["new"].name and str(account.user) == w["new"].name
    assert "p-" not in str(account) and str(account.user_id) not in str(account)
    assert account.user.office_id is None and not account.user.posts.exists() and not account.user.is_staff
    assert account.realname_method == "demo_card" and account.realname_verified_at is not None
    assert account.phone == "13700001111"
    assert AuditEvent.objects.filter(action="portal.account_opened", subject_id=str(account.pk)).exists()
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200 and "陈静" in home.content.decode()


def test_the_demo_phone_box_shows_the_code_only_in_demo_mode(w: dict[str, Any], settings: Any) -> None:
    settings.SHEBAO_DEMO_SHOW_CODES = True
    client = Client()
    _start(client, w["new"])
    body = client.get(reverse("portal:register_code")).content.decode()
    assert f'class="demo-code mono">{_sent_code(w["new"])}<' in body
    assert demo_card_number(w["new"]) in body


@pytest.mark.parametrize("case", ["wrong_name", "unknown_id"])
def test_a_wrong_name_and_an_unknown_id_get_the_same_refusal_and_no_code(
    w: dict[str, Any], case: str
) -> None:
    client = Client()
    if case == "wrong_name":
        response = _start(client, w["new"], name="陈晶")
    else:
        response = client.post(reverse("portal:register"), {"id_number": rf.make_id_number(), "name": "陈静"})
    assert response.status_code == 400
    assert "本省没有与该公民身份号码和姓名相符的参保人" in response.content.decode()
    assert not PhoneCode.objects.exists() and not Notification.objects.filter(channel="sms").exists()


def test_refusal_messages_for_unknown_id_and_wrong_name_are_identical(w: dict[str, Any]) -> None:
    a = Client().post(reverse("portal:register"), {"id_number": w["new"].id_number, "name": "陈晶"})
    b = Client().post(reverse("portal:register"), {"id_number": rf.make_id_number(), "name": "陈静"})
    alert = re.compile(r'<div class="portal-alert" role="alert">(.*?)</div>', re.S)
    assert alert.search(a.content.decode()).group(1) == alert.search(b.content.decode()).group(1)  # type: ignore[union-attr]


def test_a_malformed_id_number_gets_a_clear_message(w: dict[str, Any]) -> None:
    bad = rf.with_wrong_check_digit(w["new"].id_number)
    response = Client().post(reverse("portal:register"), {"id_number": bad, "name": "陈静"})
    assert response.status_code == 400
    assert "校验码" in response.content.decode()
    short = Client().post(reverse("portal:register"), {"id_number": "12345", "name": "陈静"})
    assert short.status_code == 400 and not PhoneCode.objects.exists()


def test_a_wrong_code_counts_a_try_and_the_account_is_not_opened(w: dict[str, Any]) -> None:
    client = Client()
    _start(client, w["new"])
    right = _sent_code(w["new"])
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = _finish(client, w["new"], code=wrong)
    assert response.status_code == 400
    assert PhoneCode.objects.get(person=w["new"]).attempts == 1
    assert not PortalAccount.objects.filter(person=w["new"]).exists()
    assert AuditEvent.objects.filter(action="portal.code_failed").count() == 1
    assert _finish(client, w["new"], code=right).status_code == 302  # the right code still works


def test_an_expired_code_is_refused(w: dict[str, Any]) -> None:
    client = Client()
    _start(client, w["new"])
    PhoneCode.objects.filter(person=w["new"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _finish(client, w["new"])
    assert response.status_code == 400 and not PortalAccount.objects.filter(person=w["new"]).exists()


def test_after_five_wrong_tries_even_the_right_code_is_refused(w: dict[str, Any]) -> None:
    client = Client()
    _start(client, w["new"])
    right = _sent_code(w["new"])
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(5):
        _finish(client, w["new"], code=wrong)
    assert PhoneCode.objects.get(person=w["new"]).attempts == 5
    response = _finish(client, w["new"], code=right)
    assert response.status_code == 429 and not PortalAccount.objects.filter(person=w["new"]).exists()


def test_wrong_real_name_evidence_is_refused_and_counted(w: dict[str, Any]) -> None:
    client = Client()
    _start(client, w["new"])
    response = _finish(client, w["new"], card="DE0000000000")
    assert response.status_code == 400 and not PortalAccount.objects.filter(person=w["new"]).exists()
    assert PhoneCode.objects.get(person=w["new"]).attempts == 1


def test_a_weak_password_is_refused_with_the_validators_reasons(w: dict[str, Any]) -> None:
    client = Client()
    _start(client, w["new"])
    response = _finish(client, w["new"], password="password")
    assert response.status_code == 400 and not PortalAccount.objects.filter(person=w["new"]).exists()


def test_a_second_account_for_the_same_person_is_refused(w: dict[str, Any]) -> None:
    response = _start(Client(), w["me"])  # already has an account (world)
    assert response.status_code == 409
    assert reverse("portal:reset") in response.content.decode()
    assert not PhoneCode.objects.filter(person=w["me"]).exists()
    with pytest.raises(Exception):  # noqa: B017 - the database refuses too
        make_account(w["me"])


def test_resending_is_throttled_and_only_the_newest_code_works(w: dict[str, Any]) -> None:
    client = Client()
    _start(client, w["new"])
    first = PhoneCode.objects.get(person=w["new"])
    again = client.post(reverse("portal:register_code"), {"do": "resend"})
    assert again.status_code == 429 and PhoneCode.objects.filter(person=w["new"]).count() == 1
    PhoneCode.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(seconds=61))
    old_code = _sent_code(w["new"])
    assert client.post(reverse("portal:register_code"), {"do": "resend"}).status_code == 302
    assert PhoneCode.objects.filter(person=w["new"]).count() == 2
    if old_code != _sent_code(w["new"]):
        assert _finish(client, w["new"], code=old_code).status_code == 400
    assert _finish(client, w["new"]).status_code == 302


def test_a_person_without_a_phone_on_record_is_told_to_visit_a_hall(w: dict[str, Any]) -> None:
    nophone = rf.person(at=w["county"], name="孙丽", id_number=rf.make_id_number(gender="F"), phone="")
    response = _start(Client(), nophone)
    assert response.status_code == 400 and not PhoneCode.objects.exists()


def test_password_reset_by_the_same_code_flow(w: dict[str, Any]) -> None:
    client = Client()
    response = _start(client, w["me"], url="portal:reset")
    assert response.status_code == 302
    response = client.post(
        reverse("portal:reset_code"),
        {"code": _sent_code(w["me"]), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    w["account"].user.refresh_from_db()
    assert w["account"].user.check_password(NEW_PASSWORD)
    refused = _start(Client(), w["new"], url="portal:reset")  # no account yet
    assert refused.status_code == 404


def _login(client: Client, id_number: str, password: str) -> Any:
    return client.post(reverse("portal:login"), {"id_number": id_number, "password": password})


def test_sign_in_with_id_number_and_password_and_sign_out(w: dict[str, Any]) -> None:
    client = Client()
    response = _login(client, w["me"].id_number, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.post(reverse("portal:logout")).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302


def test_unknown_id_and_wrong_password_get_the_same_message(w: dict[str, Any]) -> None:
    a = _login(Client(), w["me"].id_number, "wrong-password")
    b = _login(Client(), w["new"].id_number, PASSWORD)  # no account
    assert a.status_code == b.status_code == 400
    alert = re.compile(r'<div class="portal-alert" role="alert">(.*?)</div>', re.S)
    assert alert.search(a.content.decode()).group(1) == alert.search(b.content.decode()).group(1)  # type: ignore[union-attr]


def test_sign_in_is_locked_after_five_failures_and_a_reset_unlocks_it(w: dict[str, Any]) -> None:
    client = Client()
    for _ in range(5):
        _login(client, w["me"].id_number, "wrong-password")
    locked = _login(client, w["me"].id_number, PASSWORD)
    assert locked.status_code in (403, 429)
    assert "locked" in locked.content.decode() or "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    stored = " ".join(a.post_data for a in AccessAttempt.objects.all())
    assert w["me"].id_number not in stored  # the failed attempts keep only the masked ID number
    # Another person is not affected (locked by account, not by address).
    other = Client()
    assert _login(other, w["other"].id_number, PASSWORD).status_code == 302
    # Resetting the password by text message unlocks sign-in.
    services.code_send(purpose=CodePurpose.RESET, id_number=w["me"].id_number, name=w["me"].name)
    row = PhoneCode.objects.get(person=w["me"])
    services.password_reset(code_id=row.pk, code=_sent_code(w["me"]), password=NEW_PASSWORD)
    assert _login(Client(), w["me"].id_number, NEW_PASSWORD).status_code == 302


def test_staff_cannot_sign_in_or_use_portal_pages(w: dict[str, Any]) -> None:
    teller = make_staff("teller-x", region=w["county"], posts=[PostCode.GENERAL_TELLER], password=PASSWORD)
    response = Client().post(reverse("portal:login"), {"id_number": "teller-x", "password": PASSWORD})
    assert response.status_code == 400
    client = Client()
    client.force_login(teller)
    for name in ("portal:home", "portal:appointments", "portal:messages"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("portal:case", args=["SB0000"])).status_code == 403


def test_portal_users_cannot_sign_in_on_the_staff_page_or_use_staff_pages(w: dict[str, Any]) -> None:
    response = Client().post(reverse("core:login"), {"username": w["me"].id_number, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
    client = Client()
    client.force_login(w["account"].user)
    for name in ("registry:search", "cases:review", "counter:console", "core:calendar", "audit:events"):
        assert client.get(reverse(name)).status_code == 403, name
