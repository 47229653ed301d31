"""The statements the hot paths and the main lists run, pinned (DESIGN.md principle 9).

Each count is measured through the test client, as a teller's browser sends the request, with the
after-commit audit seal included. A change that adds a statement to accept, identify, call next,
review or sign-off fails here: look at the new statement before raising the pin. The lists must cost
the same whatever the number of rows (`test_lists_stay_flat`).

`SHEBAO_SHOW_SQL=1 pytest ...` prints every statement of each measured request.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shebao.catalogue.tests.factories import item_data
from shebao.cases.models import Case, CaseStatus
from shebao.cases.tests import factories as cf
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.counter.services import ticket_issue

pytestmark = pytest.mark.django_db

CHANGE = "SB-G-102"  # a general item changing the applicant's phone, as the counter benchmark accepts

# The pins: statements per request (the audit seal after COMMIT included).
PINS = {
    "call_next": 19,
    "identify": 7,
    "accept": 48,
    "review": 28,
    "sign_off": 48,
}


def change_item() -> dict[str, Any]:
    return item_data(
        code=CHANGE,
        name_zh="参保人员非关键信息变更",
        name_en="Change of contact details",
        effect_code="registry.person_change",
        channels=["counter"],
    )


def _measure(name: str, fn: Callable[[], Any]) -> tuple[int, Any]:
    # The test's transaction never commits: run this request's after-commit callbacks (the audit seal)
    # as its COMMIT would; those of earlier requests would otherwise stay queued and hide this one's.
    connection.run_on_commit.clear()
    with CaptureQueriesContext(connection) as ctx, TestCase.captureOnCommitCallbacks(execute=True):
        result = fn()
    if os.environ.get("SHEBAO_SHOW_SQL"):
        print(f"\n--- {name}: {len(ctx.captured_queries)} statements")
        for q in ctx.captured_queries:
            print("   ", q["sql"][:300])
    # On PostgreSQL the case number is bumped on a connection of its own (`cases/numbering.py`).
    return len([q for q in ctx.captured_queries if "cases_numbercounter" not in q["sql"]]), result


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office() -> dict[str, Any]:
    o = cf.office()
    cf.edition([change_item()])
    return o


def _cycle(client: Client, o: dict[str, Any], phone: str) -> dict[str, int]:
    """call next → identify → accept at the general window, as `bench/counter` drives it."""
    counts = {}
    counts["call_next"], r = _measure("call_next", lambda: client.post(reverse("counter:console_action", args=["next"])))
    assert r.status_code == 302
    counts["identify"], r = _measure(
        "identify", lambda: client.post(reverse("cases:desk"), {"action": "identify", "q": o["person"].id_number})
    )
    assert r.status_code == 200 and f'value="{o["person"].pk}"' in r.content.decode()
    counts["accept"], r = _measure(
        "accept",
        lambda: client.post(
            reverse("cases:desk"),
            {
                "action": "accept",
                "person": o["person"].pk,
                "item": CHANGE,
                "received": ["0"],
                "d-phone": phone,
                "delivery": "pickup",
            },
        ),
    )
    assert r.status_code == 302 and "/receipt/" in r["Location"], r.content.decode()[:2000]
    return counts


def test_the_counter_cycle(office: dict[str, Any]) -> None:
    o = office
    for _ in range(3):
        ticket_issue(outlet=o["outlet"], zone="enrolment")
    client = client_for(o["general_teller"])
    _cycle(client, o, "13800000001")  # warm: the first request of a process reads what later ones cache
    counts = _cycle(client, o, "13800000002")
    o["person"].refresh_from_db()
    assert o["person"].phone == "13800000002"
    assert Case.objects.filter(status=CaseStatus.COMPLETED).count() == 2
    print(counts)
    assert counts == {k: PINS[k] for k in counts}


def test_review_and_sign_off(office: dict[str, Any]) -> None:
    o = office
    teller = client_for(o["special_teller"])
    r = teller.post(
        reverse("cases:desk"),
        {
            "person": o["person"].pk,
            "action": "accept",
            "item": cf.SPECIAL,
            "received": ["0", "1"],
            "d-phone": "13911112222",
            "delivery": "pickup",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get()
    reviewer, leader = client_for(o["reviewer"]), client_for(o["leader"])
    act = reverse("cases:act", args=[case.number])
    review, r = _measure("review", lambda: reviewer.post(act, {"action": "approve", "version": case.version}))
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    sign_off, r = _measure("sign_off", lambda: leader.post(act, {"action": "approve", "version": case.version}))
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    print({"review": review, "sign_off": sign_off})
    assert (review, sign_off) == (PINS["review"], PINS["sign_off"])
