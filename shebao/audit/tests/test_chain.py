import pytest
from django.core.management import call_command
from django.db import connection, transaction

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_record, audit_verify

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
