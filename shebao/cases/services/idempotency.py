"""Idempotency keys (幂等键): the same request twice makes one case.

The desk's accept form carries a key generated when the form is rendered; the phone API's
case-creating POSTs take an `Idempotency-Key` header. `idempotent_case` runs the creating service
once per (user, key): the first request inserts the key row, makes the case and stores its result,
all in one transaction; a later request with the same key and the same body gets that result back
(the same case; in the API the same status and body); the same key with another body is refused
(422, audited). Two simultaneous requests with one key: the key row is inserted first, so on
PostgreSQL the second INSERT waits for the first transaction and the unique constraint then sends
the second request to the stored result. A first request that was refused or failed stores nothing
(its key row goes with it), so a retry is judged anew.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.cases.models import Case, IdempotencyKey
from shebao.cases.services.flow import Refusal, record_refusal
from shebao.core.errors import ApplicationError

# Printable ASCII without spaces, as the IETF draft's examples and every client library send.
KEY_PATTERN = r"^[!-~]{1,100}$"
_KEY_RE = re.compile(KEY_PATTERN)

SCOPE_DESK_ACCEPT = "desk.accept"
SCOPE_API_APPLICATION = "api.application"
SCOPE_API_STAFF_CHANGE = "api.staff_change"
SCOPE_API_STAFF_FILE = "api.staff_file"


@dataclass(frozen=True)
class IdempotentResult:
    """What the first request with the key made: the case, and (API) the status and body it answered."""

    case: Case
    status: int | None
    body: Any
    replayed: bool  # True when this request only repeated an earlier one


def idempotency_key_clean(value: Any) -> str:
    key = str(value or "").strip()
    if not _KEY_RE.match(key):
        raise ApplicationError(
            "idempotency_key_invalid",
            _(
                "The idempotency key must be 1 to 100 printable ASCII characters without spaces "
                "(for example a UUID)."
            ),
        )
    return key


def request_fingerprint(*, scope: str, fields: Iterable[tuple[str, Any]]) -> str:
    """SHA-256 over the request's fields (name, value) in a canonical order; an uploaded file counts
    by its name and content."""
    canonical = []
    for name, value in fields:
        if hasattr(value, "read") and hasattr(value, "seek"):
            value.seek(0)
            digest = hashlib.sha256(value.read()).hexdigest()
            value.seek(0)
            value = {"file": str(getattr(value, "name", "")), "sha256": digest}
        canonical.append([str(name), value])
    canonical.sort(key=lambda pair: json.dumps(pair, cls=DjangoJSONEncoder, sort_keys=True))
    text = json.dumps([scope, canonical], cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored(user: Any, key: str) -> IdempotencyKey | None:
    return (
        IdempotencyKey.objects.select_related("case", "case__region")
        .filter(user=user, key=key, case__isnull=False)
        .first()
    )


def _replay(row: IdempotencyKey, *, user: Any, scope: str, fingerprint: str) -> IdempotentResult:
    case = row.case
    assert case is not None  # noqa: S101 - only rows with their case are read (`_stored`)
    if row.scope != scope or row.fingerprint != fingerprint:
        refusal = Refusal(
            "idempotency_key_reused",
            _(
                "This request repeats an earlier one (the same idempotency key) with different content; "
                "the earlier one made case %(number)s. Start a new form (in the API: send a new key)."
            )
            % {"number": case.number},
            "create",
            status=422,
        )
        record_refusal(
            by=user, refusal=refusal, region_code=case.region.code, scope=scope, first_scope=row.scope
        )
        raise refusal.error()
    return IdempotentResult(case=case, status=row.response_status, body=row.response_body, replayed=True)


def _jsonable(body: Any) -> Any:
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False))


def idempotent_case(
    *,
    user: Any,
    key: str,
    scope: str,
    fingerprint: str,
    create: Callable[[], Case],
    respond: Callable[[Case], tuple[int, Any]] | None = None,
) -> IdempotentResult:
    """Run `create` once per (user, key); `respond(case)` gives the API's (status, body) to store.

    The key row, the case and the stored answer commit together. Refusals that `create` audits in a
    transaction of their own are kept (they are savepoints here, and this transaction commits)."""
    key = idempotency_key_clean(key)
    found = _stored(user, key)
    if found is not None:
        return _replay(found, user=user, scope=scope, fingerprint=fingerprint)
    failure: ApplicationError | None = None
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, scope=scope, fingerprint=fingerprint, created_at=timezone.now()
            )
            try:
                case = create()
            except ApplicationError as err:
                failure = err
                row.delete()  # nothing was made: a retry with this key is judged anew
            else:
                status, body = respond(case) if respond is not None else (None, None)
                row.case, row.response_status, row.response_body = case, status, _jsonable(body)
                row.save(update_fields=["case", "response_status", "response_body"])
    except IntegrityError:
        # A simultaneous request with this key committed first: answer with its result.
        found = _stored(user, key)
        if found is None:
            raise
        return _replay(found, user=user, scope=scope, fingerprint=fingerprint)
    if failure is not None:
        raise failure
    return IdempotentResult(case=case, status=row.response_status, body=row.response_body, replayed=False)
