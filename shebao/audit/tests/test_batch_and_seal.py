"""One INSERT for a request's events (`core.batch`), and the after-commit seal of only its own events."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_record, audit_seal, audit_verify
from shebao.core.batch import insert_batch

pytestmark = pytest.mark.django_db


def _inserts(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditevent"')]


def test_events_of_a_batch_are_written_with_one_insert_in_order():
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        with insert_batch():
            events = [audit_record(actor=None, action="test.batch", new={"i": i}) for i in range(3)]
            assert all(e.pk is None for e in events)  # held until the block ends
            assert not AuditEvent.objects.filter(action="test.batch").exists()
    assert len(_inserts(ctx)) == 1
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    assert audit_seal() == 3 and audit_verify().ok


def test_an_event_of_a_rolled_back_savepoint_is_dropped():
    with transaction.atomic(), insert_batch():
        audit_record(actor=None, action="test.kept")
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.gone")
                raise ValueError
        except ValueError:
            pass
        audit_record(actor=None, action="test.kept")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.kept", "test.kept"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_seal_after_commit_chains_only_the_transactions_own_events():
    with transaction.atomic():
        backlog = audit_record(actor=None, action="test.backlog")
        # As if this transaction's own seal had not run (a crash between commit and seal).
        connection.run_on_commit.clear()
    with transaction.atomic(), insert_batch():
        mine = [audit_record(actor=None, action="test.mine") for _ in range(2)]
    backlog.refresh_from_db()
    for event in mine:
        event.refresh_from_db()
    assert backlog.seq is None  # the backlog is left to the scheduled sweep, never sealed in a request
    assert [e.seq for e in mine] == [1, 2] and mine[1].prev_hash == mine[0].hash
    assert audit_seal() == 1
    backlog.refresh_from_db()
    assert backlog.seq == 3
    result = audit_verify()
    assert result.ok and result.checked == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_rolled_back_inside_a_committed_transaction_does_not_break_the_seal():
    with transaction.atomic():
        kept = audit_record(actor=None, action="test.kept")
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.gone")  # saved at once, then rolled back
                raise ValueError
        except ValueError:
            pass
    kept.refresh_from_db()
    assert kept.seq == 1
    assert audit_verify().ok and not AuditEvent.objects.filter(action="test.gone").exists()
