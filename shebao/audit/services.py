"""Writing and verifying the audit log."""

from __future__ import annotations

import json
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from shebao.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from shebao.core.batch import insert

# The refusal events (`*.refused`) written while the current request runs; `RefusalAuditMiddleware`
# sets a list here per request, so a 403 that a service already audited is not audited twice.
request_refusals: ContextVar[list[str] | None] = ContextVar("shebao_request_refusals", default=None)


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    region_code: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records.

    The event is inserted now (inside `shebao.core.batch.insert_batch`: with the block's other rows,
    one INSERT, when the block ends), unsealed, so it commits or rolls back with the change; it is chained right after the
    transaction commits (`_SealOwn`: this transaction's events only). Nothing here locks a shared
    row, so writers in different transactions do not wait for each other.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change it records")
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or str(subject.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    payload: dict[str, Any] = {}
    if old is not None:
        payload["old"] = old
    if new is not None:
        payload["new"] = new
    if extra:
        payload.update(extra)
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "system",
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        region_code=region_code,
        payload=_canonical(payload),
    )
    insert(event)  # now, or with the others of an `insert_batch` block (one INSERT)
    if action.endswith(".refused") and (seen := request_refusals.get()) is not None:
        seen.append(action)
    # One sealing per transaction, of its own events: re-registered if a rolled-back savepoint
    # discarded the callback (the events recorded inside it are gone too).
    sealer = next((func for _sids, func, _robust in conn.run_on_commit if isinstance(func, _SealOwn)), None)
    if sealer is None:
        sealer = _SealOwn()
        transaction.on_commit(sealer, robust=True)
    sealer.events.append(event)
    return event


class _SealOwn:
    """After COMMIT: chain the events this transaction wrote (never anyone else's backlog)."""

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def __call__(self) -> None:
        written = [e for e in self.events if e.pk is not None and e.seq is None]
        audit_seal_events(written[:SEAL_OWN_LIMIT])


SEAL_BATCH = 2000
SEAL_STATEMENT = 200  # events per UPDATE (SQLite allows 500 terms in a compound SELECT)
# At most this many of a transaction's own events are chained right after its COMMIT; the rest (and
# anything a crash left unsealed) wait for `audit_seal`, run every minute by Celery beat.
SEAL_OWN_LIMIT = 500


def _chain(pending: list[AuditEvent], head: AuditHead) -> None:
    """Give `pending` (in this order) the next places in the chain and move the head; inside the
    transaction that locked the head."""
    seq, prev = head.last_seq, head.last_hash
    for event in pending:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = event.compute_hash()
        prev = event.hash
    for start in range(0, len(pending), SEAL_STATEMENT):
        chunk = pending[start : start + SEAL_STATEMENT]
        if AuditEvent.objects.all()._seal(chunk) != len(chunk):
            raise _NotAllSealed
    AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)


class _NotAllSealed(Exception):
    """Some events were not there to seal (rolled back inside a savepoint): nothing is kept."""


def audit_seal_events(events: list[AuditEvent]) -> int:
    """Chain these committed events (one transaction's own), in insertion order; returns how many.

    Three statements whatever their number (lock the head, one UPDATE per 200 events, move the
    head): the events' rows are not read back, their values are in hand. If one of them is not in
    the database unsealed (its savepoint rolled back), the rows are read back and only those there
    are sealed.
    """
    if not events:
        return 0
    events = sorted(events, key=lambda e: e.pk)
    try:
        with transaction.atomic():
            head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
            _chain(events, head)
            return len(events)
    except _NotAllSealed:
        for event in events:
            event.seq = None
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        pending = list(
            AuditEvent.objects.filter(pk__in=[e.pk for e in events], seq__isnull=True).order_by("id")
        )
        if pending:
            _chain(pending, head)
        return len(pending)


def audit_seal(*, limit: int | None = None) -> int:
    """Chain every committed, unsealed event in insertion order, `SEAL_BATCH` events per transaction;
    returns how many were sealed.

    The backlog sweep: run every minute by Celery beat (`audit.seal`), by `manage.py audit_seal` and
    before a verification from the command line, to chain events whose after-commit seal did not run
    (a crash between commit and seal, or more than `SEAL_OWN_LIMIT` events in one transaction). Never
    run inside a user's request. The head row is locked only for each batch's short transaction.
    """
    sealed = 0
    while limit is None or sealed < limit:
        batch = SEAL_BATCH if limit is None else min(SEAL_BATCH, limit - sealed)
        with transaction.atomic():
            head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
            pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not pending:
                return sealed
            try:
                _chain(pending, head)
            except _NotAllSealed:  # the head lock makes this impossible
                raise RuntimeError(
                    "Audit events were sealed by someone else while the head was locked."
                ) from None
            sealed += len(pending)
        if len(pending) < batch:
            break
    return sealed


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    unsealed: int = 0  # events of transactions still open (or committed after the seal just run)


def audit_verify(*, seal: bool = True) -> VerifyResult:
    """Seal what is pending, then walk the whole chain; name the first event that was edited,
    deleted or inserted out of turn."""
    if seal:
        audit_seal()
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    result = _walk()
    return VerifyResult(result.ok, result.checked, result.first_bad_seq, result.reason, unsealed)


def _walk() -> VerifyResult:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "missing")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "broken_link")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, event.seq, "altered")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return VerifyResult(False, checked, checked + 1, "missing")
    return VerifyResult(True, checked)
