"""The same request twice makes one case: the desk's accept form carries an idempotency key.

Through the desk page as a teller double-clicks, and (PostgreSQL) two simultaneous acceptances with
one key on real threads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from shebao.cases.models import Case, IdempotencyKey
from shebao.cases.numbering import close_side_connection
from shebao.cases.services.idempotency import SCOPE_DESK_ACCEPT, idempotent_case, request_fingerprint
from shebao.cases.tests import factories as cf
from shebao.core.errors import ApplicationError

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def accept_form(o: dict[str, Any], client: Client) -> dict[str, Any]:
    """The desk's accept form as rendered (with its key), filled in as the teller would."""
    page = client.post(
        reverse("cases:desk"), {"employer": o["employer"].pk, "action": "choose", "item": cf.GENERAL}
    )
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page.content.decode())
    assert key is not None, "the accept form carries an idempotency key"
    return {
        "employer": o["employer"].pk,  # 职工增员 is the employer's item
        "item": cf.GENERAL,
        "idempotency_key": key.group(1),
        "action": "accept",
        "received": ["0", "1"],
        "d-id_number": o["person"].id_number,
        "d-start_date": cf.STAFF_DATA_START,
        "delivery": "pickup",
    }


@pytest.mark.django_db
def test_double_click_on_accept_makes_one_case_and_both_answers_show_its_receipt() -> None:
    o = cf.office()
    client = client_for(o["general_teller"])
    form = accept_form(o, client)
    first = client.post(reverse("cases:desk"), form)
    second = client.post(reverse("cases:desk"), form)
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("cases:receipt", args=[case.number])
    assert IdempotencyKey.objects.get().case == case
    # A form rendered again gets a new key: the next applicant's accept makes a new case.
    assert accept_form(o, client)["idempotency_key"] != form["idempotency_key"]


@pytest.mark.django_db
def test_key_resent_with_other_data_is_refused_and_audited() -> None:
    o = cf.office()
    client = client_for(o["general_teller"])
    form = accept_form(o, client)
    assert client.post(reverse("cases:desk"), form).status_code == 302
    changed = client.post(reverse("cases:desk"), {**form, "d-start_date": "2024-04-01"})
    assert changed.status_code == 400
    assert "内容不同" in changed.content.decode()
    assert Case.objects.count() == 1
    refused = cf.refusals()
    assert [r["reason"] for r in refused] == ["idempotency_key_reused"]
    assert refused[0]["actor_id"] == o["general_teller"].pk


@pytest.mark.django_db
def test_refused_accept_keeps_no_key_so_the_corrected_form_goes_through() -> None:
    o = cf.office()
    client = client_for(o["general_teller"])
    form = accept_form(o, client)
    missing = client.post(reverse("cases:desk"), {**form, "received": ["0"]})
    assert missing.status_code == 400 and not Case.objects.exists()
    assert not IdempotencyKey.objects.exists()
    assert client.post(reverse("cases:desk"), form).status_code == 302
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_post_is_still_audited_under_a_key() -> None:
    o = cf.office()
    key_user = o["reviewer"]  # holds no accepting post: refused, and the refusal stays audited
    with pytest.raises(ApplicationError) as refused:
        idempotent_case(
            user=key_user,
            key="k-1",
            scope=SCOPE_DESK_ACCEPT,
            fingerprint=request_fingerprint(scope=SCOPE_DESK_ACCEPT, fields=[("a", 1)]),
            create=lambda: cf.accept_general(o, teller=key_user),
        )
    assert refused.value.status == 403
    assert [r["reason"] for r in cf.refusals()] == ["post"]
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_bad_key_is_refused() -> None:
    def never() -> Case:
        raise AssertionError("a bad key never reaches the service")

    with pytest.raises(ApplicationError) as bad:
        idempotent_case(user=None, key="has space", scope="x", fingerprint="f", create=never)
    assert bad.value.code == "idempotency_key_invalid"


def _race(works: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(works))
    outcomes: list[Any] = []
    lock = threading.Lock()

    def run(work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            result: Any = work()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            result = exc
        finally:
            close_side_connection()  # the case numbering's own connection
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite serialises writers (IMMEDIATE); runs on PostgreSQL in CI")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_accepts_with_one_key_make_one_case() -> None:
    o = cf.office()
    teller = o["general_teller"]
    fingerprint = request_fingerprint(scope=SCOPE_DESK_ACCEPT, fields=[("item", cf.GENERAL)])

    def accept() -> Any:
        return idempotent_case(
            user=teller,
            key="double-click",
            scope=SCOPE_DESK_ACCEPT,
            fingerprint=fingerprint,
            create=lambda: cf.accept_general(o),
        )

    outcomes = _race([accept, accept, accept])
    assert not [x for x in outcomes if isinstance(x, Exception)], outcomes
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert {x.case.pk for x in outcomes} == {case.pk}
    assert sorted(x.replayed for x in outcomes) == [False, True, True]
    assert IdempotencyKey.objects.get().case_id == case.pk
