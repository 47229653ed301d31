"""Writing and verifying the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from shebao.audit.models import GENESIS_HASH, AuditEvent, AuditHead


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
    """Append one event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
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
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "system",
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        region_code=region_code,
        payload=_canonical(payload),
        prev_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def audit_verify() -> VerifyResult:
    """Walk the whole chain; name the first event that was edited, deleted or inserted out of turn."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
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
