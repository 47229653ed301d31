"""The lifecycle in one place (`cases/lifecycle.py`): the table, its guard, the services and pages that
read it, one refusal payload, and no second list of statuses anywhere in the code."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shebao.cases import lifecycle
from shebao.cases.lifecycle import NEW, TRANSITIONS, CaseStatus, Move, allowed_moves, can_move
from shebao.cases.models import ActionKind, Case
from shebao.cases.services import clock
from shebao.cases.services.flow import TRANSITIONS as FLOW_TRANSITIONS
from shebao.cases.tests import factories as cf
from shebao.core.errors import ApplicationError, PermissionDeniedError

SOURCE = Path(__file__).resolve().parents[2]  # the `shebao` package


def test_every_move_starts_and_ends_at_a_status() -> None:
    statuses = set(CaseStatus.values)
    for move, transition in TRANSITIONS.items():
        assert transition.sources and transition.sources <= statuses | {NEW}, move
        assert transition.target is None or transition.target in statuses, move
    assert lifecycle.OPEN | lifecycle.FINISHED == statuses and not lifecycle.OPEN & lifecycle.FINISHED
    assert lifecycle.AT_STEP <= lifecycle.OPEN and lifecycle.AT_BACK_OFFICE <= lifecycle.AT_STEP
    # Nothing moves out of a finished case.
    assert not any(t.sources & lifecycle.FINISHED for t in TRANSITIONS.values())
    assert FLOW_TRANSITIONS is TRANSITIONS  # flow's callers read the same table


def test_the_guard_tells_a_return_before_acceptance_from_one_after() -> None:
    before = Case(status=CaseStatus.RETURNED)  # sent online, returned by pre-review: no acceptor
    after = Case(status=CaseStatus.RETURNED, accepted_by_id=1)
    assert allowed_moves(before) == {Move.SUPPLEMENT_ONLINE, Move.REJECT_ONLINE}
    assert allowed_moves(after) == {Move.SUPPLEMENT, Move.REJECT}
    assert allowed_moves(Case(status=CaseStatus.SUBMITTED)) == {
        Move.ACCEPT_ONLINE,
        Move.RETURN_ONLINE,
        Move.REJECT_ONLINE,
    }
    assert allowed_moves(Case(status=CaseStatus.COMPLETED, accepted_by_id=1)) == frozenset()


@pytest.mark.django_db
def test_services_move_only_as_the_table_allows() -> None:
    o = cf.office()
    case = cf.accept_special(o)
    assert case.status == CaseStatus.ACCEPTED
    assert allowed_moves(case) == {
        Move.APPROVE_STEP,
        Move.RETURN,
        Move.REJECT,
        Move.COMPLETE,
        Move.SUSPEND,
        Move.EXTEND,
    }
    today = timezone.localdate()
    case = clock.case_suspend(
        case=case, by=o["leader"], reason="等待外部核查", until=today + dt.timedelta(days=9)
    )
    assert case.status == CaseStatus.SUSPENDED and allowed_moves(case) == {Move.RESUME}
    with pytest.raises(ApplicationError) as err:  # suspended: not again, and no extension
        clock.case_suspend(case=case, by=o["leader"], reason="再次", until=today + dt.timedelta(days=9))
    assert err.value.code == "case_not_open"
    with pytest.raises(ApplicationError) as err:
        clock.case_extend(case=case, by=o["leader"], days=1, reason="延期")
    assert err.value.code == "extend_not_running"
    case = clock.case_resume(case=case, by=o["leader"])
    assert case.status == CaseStatus.ACCEPTED  # back to what the suspension interrupted
    assert can_move(case, Move.APPROVE_STEP)


@pytest.mark.django_db
def test_a_refusal_of_the_clock_is_recorded_as_every_other_refusal() -> None:
    o = cf.office()
    case = cf.accept_special(o)
    with pytest.raises(PermissionDeniedError):
        clock.case_extend(case=case, by=o["reviewer"], days=1, reason="延期")
    with pytest.raises(ApplicationError):  # the acceptor at the review step (flow)
        from shebao.cases.services import case_approve_step

        case_approve_step(case=case, by=o["special_teller"], version=case.version)
    clock_refusal, flow_refusal = cf.refusals()[-2:]
    assert clock_refusal["reason"] == "extend_not_leader" and clock_refusal["move"] == Move.EXTEND
    assert flow_refusal["reason"] == "acceptor" and flow_refusal["move"] == Move.APPROVE_STEP
    assert set(clock_refusal) == set(flow_refusal)  # one payload
    assert case.actions.filter(kind=ActionKind.REFUSED).count() == 2


@pytest.mark.django_db
def test_the_case_page_shows_the_buttons_the_table_allows(client: Client) -> None:
    o = cf.office()
    case = cf.accept_special(o)
    client.force_login(o["leader"])
    page = client.get(reverse("cases:case", args=[case.number]))
    assert page.context["may_suspend"] and page.context["may_extend"] and not page.context["may_resume"]
    clock.case_suspend(
        case=case, by=o["leader"], reason="等待", until=timezone.localdate() + dt.timedelta(days=9)
    )
    page = client.get(reverse("cases:case", args=[case.number]))
    assert page.context["may_resume"] and not page.context["may_suspend"] and not page.context["may_extend"]


def _status_lists(path: Path) -> list[int]:
    """Lines where a tuple, list or set names two or more `CaseStatus` members: a list of statuses."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            members = [
                e
                for e in node.elts
                if isinstance(e, ast.Attribute)
                and isinstance(e.value, ast.Name)
                and e.value.id == "CaseStatus"
            ]
            if len(members) >= 2:
                found.append(node.lineno)
    return found


def test_no_other_module_keeps_a_list_of_statuses() -> None:
    found: dict[str, Any] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).parts
        if "tests" in parts or "migrations" in parts or path.name == "lifecycle.py":
            continue
        lines = _status_lists(path)
        if lines:
            found[str(path.relative_to(SOURCE))] = lines
    assert found == {}, "use the groups of shebao/cases/lifecycle.py"
