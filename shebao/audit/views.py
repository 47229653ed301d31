"""Audit log pages: the newest events, one event's old and new values, and verifying the chain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_verify
from shebao.core.access import region_code_filter, require_perm, staff
from shebao.core.masking import mask_id_numbers_in
from shebao.core.models import Region, User
from shebao.core.permissions import Perm

PAGE_SIZE = 50


def _visible_events(user: User) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    bound = region_code_filter(user)
    if bound is not None:
        events = events.filter(bound)
    return events


def _region_names(codes: set[str]) -> dict[str, str]:
    return {r.code: r.name for r in Region.objects.filter(code__in=[c for c in codes if c])}


@dataclass
class KeysetPage:
    """One page of events, newest first, and whether there are newer and older ones."""

    events: list[AuditEvent]
    newer: bool
    older: bool

    @property
    def first_pk(self) -> int | None:
        return self.events[0].pk if self.events else None

    @property
    def last_pk(self) -> int | None:
        return self.events[-1].pk if self.events else None


def _keyset_page(events: QuerySet[AuditEvent], *, before: str | None, after: str | None) -> KeysetPage:
    """The page before (older than) or after (newer than) an event id: one indexed query whatever the
    size of the log, never a COUNT over it (a million events cost what twenty do)."""
    if after and after.isdigit():
        rows = list(events.filter(id__gt=int(after)).order_by("id")[: PAGE_SIZE + 1])
        return KeysetPage(events=rows[:PAGE_SIZE][::-1], newer=len(rows) > PAGE_SIZE, older=True)
    newer = False
    if before and before.isdigit():
        events = events.filter(id__lt=int(before))
        newer = True
    rows = list(events.order_by("-id")[: PAGE_SIZE + 1])
    return KeysetPage(events=rows[:PAGE_SIZE], newer=newer, older=len(rows) > PAGE_SIZE)


def _name_actors(events: list[AuditEvent]) -> None:
    """Give each event `actor_name`: the staff member's full name (one query), else the stored label."""
    ids = {e.actor_id for e in events if e.actor_id}
    names = {pk: name for pk, name in User.objects.filter(pk__in=ids).values_list("pk", "full_name") if name}
    for e in events:
        e.actor_name = names.get(e.actor_id or 0, e.actor_label)  # type: ignore[attr-defined]


@require_perm(Perm.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    """Newest events first, filtered by action, actor and subject."""
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    subject = request.GET.get("subject", "").strip()
    events = _visible_events(staff(request)).order_by("-id")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label__iexact=actor)
    if subject:
        kind, sep, ident = subject.partition(":")
        if sep:
            events = events.filter(subject_type=kind.strip(), subject_id=ident.strip())
        else:
            events = events.filter(subject_id=subject)
    page = _keyset_page(
        events.only(*LIST_FIELDS), before=request.GET.get("before"), after=request.GET.get("after")
    )
    names = _region_names({e.region_code for e in page.events})
    _name_actors(page.events)
    rows = [(e, names.get(e.region_code, e.region_code)) for e in page.events]
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("after", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "rows": rows,
            "action": action,
            "actor": actor,
            "subject": subject,
            "query": query.urlencode(),
            "can_verify": staff(request).has_perm_code(Perm.AUDIT_VERIFY),
        },
    )


LIST_FIELDS = (
    "id",
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "region_code",
)


def _pretty(value: Any) -> str:
    """A stored value for display, with ID numbers masked: the log keeps them exact, the page need not."""
    text = (
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    )
    return mask_id_numbers_in(text)


@require_perm(Perm.AUDIT_VIEW)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event: who, when, what, and each changed value old → new."""
    event = _visible_events(staff(request)).filter(pk=pk).first()
    if event is None:
        raise Http404
    data = event.data
    old = data.get("old") if isinstance(data.get("old"), dict) else None
    new = data.get("new") if isinstance(data.get("new"), dict) else None
    changes = []
    if old is not None or new is not None:
        keys = sorted(set(old or {}) | set(new or {}))
        for key in keys:
            before = (old or {}).get(key)
            after = (new or {}).get(key)
            changes.append(
                {
                    "field": key,
                    "old": _pretty(before) if old is not None and key in old else None,
                    "new": _pretty(after) if new is not None and key in new else None,
                    "changed": before != after,
                }
            )
    _name_actors([event])
    extra = {k: _pretty(v) for k, v in data.items() if k not in ("old", "new")}
    if not isinstance(data.get("old"), dict | None):
        extra["old"] = _pretty(data["old"])
    if not isinstance(data.get("new"), dict | None):
        extra["new"] = _pretty(data["new"])
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "changes": changes,
            "extra": sorted(extra.items()),
            "region_name": _region_names({event.region_code}).get(event.region_code, event.region_code),
        },
    )


@require_perm(Perm.AUDIT_VERIFY)
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain and say, in large type, whether it is intact."""
    # No sealing here: a backlog is chained by the scheduled task (`audit.seal`), never in a request.
    result = audit_verify(seal=False)
    bad = (
        AuditEvent.objects.filter(seq=result.first_bad_seq).values_list("pk", flat=True).first()
        if result.first_bad_seq
        else None
    )
    return render(request, "audit/verify.html", {"result": result, "bad_event_pk": bad})
