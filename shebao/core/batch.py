"""One INSERT per table for the rows a service writes in one go (an acceptance's actions and audit events).

Inside `insert_batch()`, `insert(obj)` holds the row instead of saving it; when the block ends (still
inside the caller's transaction) the held rows are written with one `bulk_create` per model, in the
order they were given. A row given inside a savepoint that rolled back is dropped, as its INSERT would
have been: each held row carries a no-op after-commit callback, and Django discards the callbacks of a
rolled-back savepoint. Outside a block, or on another connection, `insert` saves at once. Blocks
nest: an inner block joins the outermost one.

Only for rows nobody reads back before the block ends: a held row has no primary key until then.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)

_local = threading.local()


class _Marker:
    """A no-op after-commit callback: still queued when the block ends iff its row was not rolled back."""

    def __call__(self) -> None:
        return None


class _Batch:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.held: list[tuple[models.Model, _Marker]] = []

    def hold(self, obj: models.Model) -> None:
        marker = _Marker()
        transaction.on_commit(marker)
        self.held.append((obj, marker))

    def flush(self) -> None:
        queued = {id(func) for _sids, func, _robust in self.conn.run_on_commit}
        per_model: dict[type[models.Model], list[models.Model]] = {}
        for obj, marker in self.held:
            if id(marker) in queued:
                per_model.setdefault(type(obj), []).append(obj)
        for model, objs in per_model.items():
            model._default_manager.bulk_create(objs)


def insert(obj: M) -> M:
    """Save `obj` now, or with its table's other rows when the surrounding `insert_batch` ends."""
    batch: _Batch | None = getattr(_local, "batch", None)
    if batch is not None and batch.conn is transaction.get_connection() and batch.conn.in_atomic_block:
        batch.hold(obj)
    else:
        obj.save()
    return obj


def discard(obj: models.Model) -> None:
    """Take back a row given to `insert` and not written yet (held by the current block), or delete it."""
    batch: _Batch | None = getattr(_local, "batch", None)
    if obj.pk is None and batch is not None:
        batch.held = [(held, marker) for held, marker in batch.held if held is not obj]
    elif obj.pk is not None:
        obj.delete()


@contextmanager
def insert_batch() -> Iterator[None]:
    """Hold the rows given to `insert` inside the block; write them, one INSERT per table, at its end."""
    if getattr(_local, "batch", None) is not None:
        yield
        return
    batch = _Batch(transaction.get_connection())
    _local.batch = batch
    try:
        yield
    finally:
        _local.batch = None
    batch.flush()  # not reached when the block raised: its transaction rolls back anyway
