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
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shebao.cases.models import Case, CaseStatus
from shebao.cases.preview import case_fingerprint
from shebao.cases.tests import factories as cf
from shebao.catalogue.tests.factories import item_data
from shebao.counter.services import ticket_issue

pytestmark = pytest.mark.django_db

CHANGE = "SB-G-102"  # a general item changing the applicant's phone, as the counter benchmark accepts

# The pins: statements per request (the audit seal after COMMIT included).
PINS = {
    "call_next": 15,
    "identify": 5,
    "accept": 29,
    "review": 25,  # + the preview's registry read and the fingerprint check (what the reviewer saw)
    "sign_off": 33,  # + the same, and the acceptance conditions checked again before completing
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
    counts["call_next"], r = _measure(
        "call_next", lambda: client.post(reverse("counter:console_action", args=["next"]))
    )
    assert r.status_code == 302
    counts["identify"], r = _measure(
        "identify",
        lambda: client.post(reverse("cases:desk"), {"action": "identify", "q": o["person"].id_number}),
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


def shown(case: Case) -> str:
    """The fingerprint the case page puts in its approve form (what the reviewer was shown)."""
    return case_fingerprint(case)


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
    review, r = _measure(
        "review",
        lambda: reviewer.post(act, {"action": "approve", "version": case.version, "shown": shown(case)}),
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    sign_off, r = _measure(
        "sign_off",
        lambda: leader.post(act, {"action": "approve", "version": case.version, "shown": shown(case)}),
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    print({"review": review, "sign_off": sign_off})
    assert (review, sign_off) == (PINS["review"], PINS["sign_off"])


# --- lists: the same statements at 20 rows as at 200 ------------------------------------------------

LIST_PINS = {
    "review_queue": 3,
    "deadlines": 6,
    "audit_list": 5,  # + the actors' full names
    "window_console": 8,  # + the held tickets
}


def _copies(case: Case, n: int, *, overdue: bool) -> None:
    """`n` more open cases like `case` (the rows the queue and the dashboard read), with an audit event
    each: cloned rows, since accepting hundreds through the desk would make the test slow."""
    from shebao.audit.models import AuditEvent
    from shebao.audit.services import audit_seal

    start = Case.objects.count()
    assert case.accepted_at is not None
    rows = []
    for i in range(n):
        clone = Case.objects.get(pk=case.pk)
        clone.pk = None
        clone.number = f"{case.number}-{start + i}"
        clone.overdue = overdue
        rows.append(clone)
    Case.objects.bulk_create(rows)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            created_at=case.accepted_at,
            actor=case.accepted_by,
            actor_label="st",
            action="cases.accept",
            subject_type="cases.case",
            subject_id=str(i),
            region_code=case.region.code,
            payload="{}",
        )
        for i in range(n)
    )
    audit_seal()


def _waiting_tickets(outlet: Any, n: int) -> None:
    from shebao.counter.models import QueueTicket

    first = QueueTicket.objects.filter(outlet=outlet).first()
    assert first is not None
    start = QueueTicket.objects.count()
    QueueTicket.objects.bulk_create(
        QueueTicket(
            outlet=outlet,
            day=first.day,
            number=f"A{start + i:04d}",
            seq=start + i,
            zone="enrolment",
            issued_at=first.issued_at,
        )
        for i in range(n)
    )


def _list_counts(o: dict[str, Any]) -> dict[str, int]:
    reviewer, leader = client_for(o["reviewer"]), client_for(o["leader"])
    teller = client_for(o["general_teller"])
    pages = {
        "review_queue": (reviewer, reverse("cases:review")),
        "deadlines": (leader, reverse("cases:deadlines")),
        "audit_list": (leader, reverse("audit:events")),
        "window_console": (teller, reverse("counter:console")),
    }
    counts = {}
    for name, (client, url) in pages.items():
        client.get(url)  # warm: the posts of a user are read once per process
        counts[name], response = _measure(name, partial(client.get, url))
        assert response.status_code == 200
    return counts


def test_lists_stay_flat(office: dict[str, Any]) -> None:
    """The review queue, the deadlines page, the audit list and the window console cost the same
    statements with ten times the open cases, audit events and waiting tickets."""
    o = office
    ticket_issue(outlet=o["outlet"], zone="enrolment")
    case = cf.accept_special(o)
    _copies(case, 19, overdue=True)
    _waiting_tickets(o["outlet"], 19)
    small = _list_counts(o)
    page = client_for(o["reviewer"]).get(reverse("cases:review")).content.decode()
    assert case.number in page  # the queue does list them
    _copies(case, 180, overdue=True)
    _waiting_tickets(o["outlet"], 180)
    large = _list_counts(o)
    print({"small": small, "large": large})
    assert large == small == LIST_PINS


def test_review_queue_filters_the_step_in_the_database(office: dict[str, Any]) -> None:
    """Only cases at a step of the user's posts: a reviewer sees the case, the leader only after the review."""
    from shebao.cases.selectors import review_queue
    from shebao.cases.services.flow import case_approve_step

    o = office
    case = cf.accept_special(o)
    assert case.waiting_posts == "|reviewer|"
    assert review_queue(user=o["reviewer"]) == [case] and review_queue(user=o["leader"]) == []
    case = case_approve_step(case=case, by=o["reviewer"], version=case.version)
    case.refresh_from_db()
    assert case.waiting_posts == "|section_leader|"
    assert review_queue(user=o["leader"]) == [case] and review_queue(user=o["reviewer2"]) == []
    case = case_approve_step(case=case, by=o["leader"], version=case.version)
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and case.waiting_posts == ""
    assert review_queue(user=o["leader"]) == []
