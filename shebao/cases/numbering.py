"""Case and notice numbers: prefix + a per-prefix sequence, e.g. SB2026112300042.

The counter row (`NumberCounter`) is bumped with one upsert. On PostgreSQL that upsert runs on a
separate autocommit connection of the same thread, so the row lock lasts one statement instead of
the whole acceptance transaction: concurrent acceptances never wait for each other here and never
collide. The price is a gap when an acceptance rolls back after taking its number (the number is
simply never used) — numbers are unique and increasing, not gap-free. On SQLite writers are
serialised anyway, so the counter is bumped inside the caller's transaction and there are no gaps.
"""

from __future__ import annotations

import threading

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from shebao.cases.models import NumberCounter

_UPSERT = (
    'INSERT INTO cases_numbercounter (prefix, "last") VALUES (%s, 1) '
    'ON CONFLICT (prefix) DO UPDATE SET "last" = cases_numbercounter."last" + 1 RETURNING "last"'
)
assert NumberCounter._meta.db_table == "cases_numbercounter"  # noqa: S101 - the SQL above names it

_local = threading.local()


def _side_connection() -> BaseDatabaseWrapper:
    side: BaseDatabaseWrapper | None = getattr(_local, "side", None)
    if side is None or side.settings_dict is not connection.settings_dict:
        side = connections.create_connection("default")
        side.settings_dict = connection.settings_dict  # the same database (the test one under pytest)
        _local.side = side
    return side


def _bump(conn: BaseDatabaseWrapper, prefix: str) -> int:
    with conn.cursor() as cursor:
        cursor.execute(_UPSERT, [prefix])
        return int(cursor.fetchone()[0])


def next_number(prefix: str, *, width: int = 5) -> str:
    """The next number under `prefix`; never the same twice, whatever the concurrency."""
    if connection.vendor != "postgresql":
        return f"{prefix}{_bump(connection, prefix):0{width}d}"
    side = _side_connection()
    try:
        value = _bump(side, prefix)
    except Exception:  # a connection dropped since the last call: one fresh try
        side.close()
        _local.side = None
        value = _bump(_side_connection(), prefix)
    return f"{prefix}{value:0{width}d}"


def close_side_connection() -> None:
    """Close this thread's numbering connection (tests, worker shutdown)."""
    side = getattr(_local, "side", None)
    if side is not None:
        side.close()
        _local.side = None
