"""The append-only, hash-chained audit log (审计日志)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("The audit log is append-only.")

    def _seal(self, events: list[AuditEvent]) -> int:
        """Give unsealed events their places in the chain, in one UPDATE (`audit.services.audit_seal`
        only: each event carries its new `seq`, `prev_hash` and `hash`). Plain SQL: the ORM's
        CASE … WHEN form of this costs more than one UPDATE per event."""
        if not events:
            return 0
        table = self.model._meta.db_table
        # UPDATE … FROM a derived table: PostgreSQL and SQLite ≥ 3.33 both take it (and SQLite's
        # driver reports the row count only for statements that begin with UPDATE).
        first = "SELECT %s AS id, %s AS seq, %s AS prev_hash, %s AS hash"
        rows = " UNION ALL ".join([first] + ["SELECT %s, %s, %s, %s"] * (len(events) - 1))
        params: list[Any] = []
        for e in events:
            params += [e.pk, e.seq, e.prev_hash, e.hash]
        # Only the model's own table name is formatted in; every value is a parameter.
        target = f'"{table}"'
        sets = "seq = sealed.seq, prev_hash = sealed.prev_hash, hash = sealed.hash"
        where = f"{target}.id = sealed.id AND {target}.seq IS NULL"
        sql = f"UPDATE {target} SET {sets} FROM ({rows}) AS sealed WHERE {where}"  # noqa: S608
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """审计事件: one recorded write — who did what to which record, with old and new values.

    An event is inserted in the transaction of the change it records (so a change is never without
    its event) and *sealed* right after that transaction commits: `audit_seal` gives it the next
    `seq` and `hash`, chained to the previous event's hash. `payload` is the exact canonical JSON
    that is hashed, so editing or deleting any sealed row breaks the chain from there on (see
    `audit.services.audit_verify`). Rows are never updated or deleted: the model refuses, and a
    database trigger refuses too — except the one move from unsealed to sealed, which may set only
    `seq`, `prev_hash` and `hash`.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=60, blank=True)
    subject_id = models.CharField(_("subject"), max_length=64, blank=True)
    region_code = models.CharField(_("region"), max_length=12, blank=True, db_index=True)
    payload = models.TextField(_("details"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The audit log is append-only.")

    @property
    def sealed(self) -> bool:
        return self.seq is not None

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.payload)

    def compute_hash(self) -> str:
        header = "|".join(
            [
                str(self.seq),
                self.created_at.isoformat(),
                self.actor_label,
                self.action,
                self.subject_type,
                self.subject_id,
                self.region_code,
                self.prev_hash,
            ]
        )
        return hashlib.sha256((header + "\n" + self.payload).encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """The chain's head: one row, locked while events are sealed so the chain never forks."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
