import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_record, audit_seal, audit_verify

pytestmark = pytest.mark.django_db


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None,
                action="test.event",
                subject_type="thing",
                subject_id=str(i),
                new={"i": i, "名": "张三"},
            )
    audit_seal()  # what the after-commit hook does once the test's outer transaction would commit


def _raw(sql: str, params: list) -> None:
    """Tamper below the ORM, as an attacker with database access would (triggers dropped first)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        cur.execute(sql, params)


def test_intact_chain_verifies():
    _write(5)
    result = audit_verify()
    assert result.ok and result.checked == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_audit_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x")


def test_rows_cannot_be_changed_through_the_orm():
    _write(1)
    event = AuditEvent.objects.get()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        AuditEvent.objects.update(action="y")
    with pytest.raises(RuntimeError):
        AuditEvent.objects.all().delete()


def test_database_refuses_an_update():
    _write(1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET action = 'x'")


def test_edited_row_is_named():
    _write(5)
    _raw("UPDATE audit_auditevent SET payload = %s WHERE seq = 3", ['{"new":{"i":99}}'])
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 3 and result.reason == "altered"


def test_deleted_row_is_named():
    _write(5)
    _raw("DELETE FROM audit_auditevent WHERE seq = 2", [])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 2 and result.reason == "missing"


def test_deleted_last_row_is_found():
    _write(3)
    _raw("DELETE FROM audit_auditevent WHERE seq = 3", [])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 3


def test_command_exits_non_zero_and_names_the_event():
    _write(3)
    _raw("UPDATE audit_auditevent SET actor_label = 'mallory' WHERE seq = 2", [])
    with pytest.raises(SystemExit) as exc:
        call_command("audit_verify")
    assert exc.value.code == 1


def test_events_are_inserted_unsealed_and_sealed_in_order():
    with transaction.atomic():
        first = audit_record(actor=None, action="test.a")
        second = audit_record(actor=None, action="test.b")
    assert first.seq is None and second.seq is None  # nothing shared was locked while writing
    assert audit_seal() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash and first.compute_hash() == first.hash
    assert audit_seal() == 0
    assert audit_verify().ok


def test_many_pending_events_are_sealed_in_several_statements_and_in_order():
    from shebao.audit.services import SEAL_STATEMENT

    with transaction.atomic():
        events = [
            audit_record(actor=None, action="test.many", new={"i": i}) for i in range(SEAL_STATEMENT * 2 + 7)
        ]
    assert audit_seal(limit=SEAL_STATEMENT + 3) == SEAL_STATEMENT + 3  # a limit stops part-way
    assert audit_seal() == SEAL_STATEMENT + 4
    sealed = list(AuditEvent.objects.order_by("id").values_list("id", "seq", "payload"))
    assert [seq for _id, seq, _p in sealed] == list(range(1, len(events) + 1))
    assert [json.loads(p)["new"]["i"] for _id, _s, p in sealed] == list(range(len(events)))
    result = audit_verify()
    assert result.ok and result.checked == len(events) and result.unsealed == 0


def test_database_refuses_to_change_an_unsealed_event():
    with transaction.atomic():
        audit_record(actor=None, action="test.a", new={"x": 1})
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET payload = '{}'")


def test_database_refuses_to_reseal_a_sealed_event():
    _write(2)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET seq = seq + 10, hash = upper(hash)")


def test_verify_seals_what_is_pending_and_counts_it():
    with transaction.atomic():
        audit_record(actor=None, action="test.a")
    result = audit_verify()
    assert result.ok and result.checked == 1 and result.unsealed == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_event_is_sealed_right_after_its_transaction_commits():
    with transaction.atomic():
        event = audit_record(actor=None, action="test.commit")
    event.refresh_from_db()
    assert event.seq is not None and event.hash


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_leaves_no_event():
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action="test.rollback")
        raise ValueError
    assert not AuditEvent.objects.filter(action="test.rollback").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_do_not_wait_for_each_other():
    """Four transactions each write events and stay open together: none waits on the chain's head."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: concurrent write transactions cannot exist there")
    together = threading.Barrier(4, timeout=20)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with transaction.atomic():
                for i in range(3):
                    audit_record(actor=None, action="test.concurrent", subject_id=f"{n}-{i}")
                together.wait()  # all four hold uncommitted events at the same moment
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    result = audit_verify()
    assert result.ok and AuditEvent.objects.filter(action="test.concurrent", seq__isnull=False).count() == 12
