"""Two requests enrolling the same person at the same moment leave exactly one enrolment."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from shebao.core.errors import ApplicationError
from shebao.registry import services
from shebao.registry.models import Enrolment
from shebao.registry.tests import factories as f

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
START = datetime.date(2024, 1, 1)


def _race(work: Callable[[], Any]) -> list[Any]:
    """Run `work` in two threads released together; return each outcome (result or exception)."""
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            result: Any = work()
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test checks
            result = exc
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def _one_enrolment_and_one_friendly_error(outcomes: list[Any], person: Any) -> None:
    enrolments = [o for o in outcomes if isinstance(o, Enrolment)]
    errors = [o for o in outcomes if not isinstance(o, Enrolment)]
    assert len(enrolments) == 1, outcomes
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError), outcomes
    assert errors[0].code == "already_enrolled"
    assert "此人已参加" in str(errors[0])
    assert Enrolment.objects.filter(person=person).count() == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite serialises writers; see the sequential test below")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_enrolments_leave_one():
    person = f.person()

    def enrol() -> Enrolment:
        return services.enrolment_create(
            person=person, insurance_type="resident_medical", start_date=START, by=None
        )

    _one_enrolment_and_one_friendly_error(_race(enrol), person)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_constraint_is_the_backstop(monkeypatch):
    """Without the row lock both requests pass the checks; the unique constraint stops the second,
    and it still gets the friendly message (not a database error)."""
    person = f.person()
    monkeypatch.setattr(
        services, "_lock_person", lambda p: services.Person.objects.select_related("region").get(pk=p.pk)
    )
    record = services._record

    def slow_record(**kwargs: Any) -> Any:
        time.sleep(0.5)  # hold the first transaction open after its insert
        return record(**kwargs)

    monkeypatch.setattr(services, "_record", slow_record)

    def enrol() -> Enrolment:
        return services.enrolment_create(
            person=person, insurance_type="resident_medical", start_date=START, by=None
        )

    _one_enrolment_and_one_friendly_error(_race(enrol), person)


@pytest.mark.django_db
def test_second_enrolment_after_the_first_gets_the_friendly_error():
    person = f.person()
    services.enrolment_create(person=person, insurance_type="resident_medical", start_date=START, by=None)
    with pytest.raises(ApplicationError) as exc:
        services.enrolment_create(person=person, insurance_type="resident_medical", start_date=START, by=None)
    assert exc.value.code == "already_enrolled"
    assert Enrolment.objects.filter(person=person).count() == 1
