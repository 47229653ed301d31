"""Property-based run of the OpenAPI schema (schemathesis): no server error, no response off the schema.

The schema is loaded from the app itself (`/api/v1/schema/`); every `/api/v1/` operation gets a
bounded number of generated requests, authenticated with a token of a person account built through
the services, and each response is checked: not a 5xx, a documented status code, a documented
content type, and a body matching the documented schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shebao.api.tests.test_portal_api_world import ONLINE_GENERAL, token_for, world
from shebao.cases.models import Notification
from shebao.portal import services as portal_services

MAX_EXAMPLES = 12  # per operation: the whole run stays well under two minutes on two cores
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Revoking the token would sign the rest of the run out; its own test covers it.
SKIPPED = {("DELETE", "/api/v1/auth/token/")}


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The WSGI app, called directly inside the test's transaction (see `_keep_test_connection`)."""
    from shebao.wsgi import application

    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _keep_test_connection() -> None:
    """Stop requests from closing the test's database connection, as Django's test client does.

    `close_old_connections` closes a connection that is not in autocommit mode, which the test's
    transaction never is (PostgreSQL really closes it; SQLite's in-memory database ignores it). Call
    it after the last use of the test client, which reconnects the signal when its request ends.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def _known_values(w: dict[str, Any]) -> dict[str, list[Any]]:
    """Real values of the seeded world, planted into some generated requests so that the run also
    reaches the success paths (a random case number or slot id only ever finds a 404)."""
    person = w["person"]
    appointment = portal_services.my_appointment_book(account=w["account"], slot=w["slots"][1])
    messages = list(Notification.objects.filter(person=person).values_list("pk", flat=True)[:3])
    return {
        "number": [w["done_case"].number, w["review_case"].number, w["other_case"].number],
        "id": [appointment.pk, *messages],
        "outlet": [w["outlet"].code],
        "zone": ["enrolment", "medical"],
        "slot": [slot.pk for slot in w["slots"][:4]],
        "item_code": [ONLINE_GENERAL],
        "id_number": [person.id_number],
        "credit_code": [w["employer"].credit_code],
    }


def _plant(case: Any, data: Any, known: dict[str, list[Any]]) -> None:
    for container in (case.path_parameters, case.query, case.body if isinstance(case.body, dict) else None):
        if not container:
            continue
        for name in list(container):
            if name in known and data.draw(st.booleans()):
                container[name] = data.draw(st.sampled_from(known[name]))


def _runner(operation: Any, headers: dict[str, str], known: dict[str, list[Any]]) -> Any:
    """A Hypothesis test of one operation: generated requests, some with real values planted."""

    cases = operation.as_strategy()

    @given(case=cases, data=st.data())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, data: Any) -> None:
        _plant(case, data, known)
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


@pytest.mark.django_db
def test_api_schema_holds_under_generated_requests(wsgi_app: Any) -> None:
    cache.clear()
    w = world()
    person_headers = {"Authorization": f"Token {token_for(Client(), w['person'].id_number)}"}
    agent_token = token_for(Client(), w["agent_id_number"], credit_code=w["employer"].credit_code)
    agent_headers = {"Authorization": f"Token {agent_token}"}
    known = _known_values(w)
    cache.clear()  # the sign-in throttle starts afresh for the generated sign-ins
    _keep_test_connection()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 25
    tested: list[str] = []
    failures: list[str] = []
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        headers = agent_headers if operation.path.startswith("/api/v1/employer/") else person_headers

        run = _runner(operation, headers, known)
        label = f"{operation.method.upper()} {operation.path}"
        try:
            run()
        except BaseException as exc:  # schemathesis raises a group; collect every operation's, then report
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{label}: {exc!r}"[:4000])
        tested.append(label)
    assert not failures, "\n\n".join(failures)
    assert "GET /api/v1/me/cases/{number}/" in tested and "POST /api/v1/applications/" in tested
