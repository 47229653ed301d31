"""Database-level guard after deferred sealing: an audit row may change exactly once, from unsealed to
sealed, and then only its `seq`, `prev_hash` and `hash`; any other update is refused (both vendors),
any delete too (PostgreSQL; see 0003 for why SQLite keeps no DELETE trigger).

On SQLite, 0004's column changes rebuilt the table and dropped 0003's trigger; it is created again here.
"""

from django.db import migrations

SAME_COLUMNS = ["id", "created_at", "actor_id", "actor_label", "action", "subject_type", "subject_id",
                "region_code", "payload"]

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
     AND (%s) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
""" % " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in SAME_COLUMNS)

PG_BACKWARD = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL AND %s)
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END"""
    % " AND ".join(f"NEW.{c} IS OLD.{c}" for c in SAME_COLUMNS),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    else:
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    else:
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_deferred_sealing")]
    operations = [migrations.RunPython(forward, backward)]
