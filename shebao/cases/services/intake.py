"""Intake at the window (受理): the materials check, the one-time notice (一次性告知) and acceptance.

`case_accept` checks first (the published item, the teller's post for the item's class and the channel,
the window's zones and kind, the teller's qualification, the applicant, complete materials), records
and raises every refusal of the teller, then numbers the case, starts its clock and — for a general
item — completes it at once in the same transaction (the effect runs; if it fails nothing is kept).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.lifecycle import Move, target
from shebao.cases.models import (
    ActionKind,
    Case,
    CaseAction,
    Channel,
    Delivery,
    OneTimeNotice,
)
from shebao.cases.numbering import next_number
from shebao.cases.services.clock import clock_first_period
from shebao.cases.services.flow import (
    Refusal,
    _material_names,
    accept_posts,
    case_complete,
    completes_at_once,
    first_step_index,
    record_refusal,
    refuse_unmet_conditions,
)
from shebao.cases.services.routing import accepting_region, case_region, routing_note
from shebao.catalogue.models import BusinessClass, EditionStatus, RiskLevel, ServiceItem
from shebao.catalogue.selectors import published_item
from shebao.core.batch import insert, insert_batch
from shebao.core.effects import get_effect
from shebao.core.errors import ApplicationError
from shebao.core.models import Region
from shebao.core.permissions import Perm
from shebao.counter.models import WindowKind
from shebao.counter.selectors import teller_qualified, window_of

DEFAULT_DELIVERY = {
    Channel.COUNTER: Delivery.PICKUP,
    Channel.ONLINE: Delivery.MESSAGE,
    Channel.MOBILE: Delivery.MESSAGE,
    Channel.TERMINAL: Delivery.PICKUP,
    Channel.BANK: Delivery.PICKUP,
}

ACCEPT = "accept"


def _materials(item: ServiceItem) -> list[Any]:
    return sorted(item.materials.all(), key=lambda m: (m.order, m.pk))


def materials_check(*, item: ServiceItem, received: list[int]) -> list[str]:
    """Names of the required materials not received (`received`: indexes into the item's materials)."""
    got = {int(i) for i in received}
    return [m.name_zh for index, m in enumerate(_materials(item)) if m.required and index not in got]


def _published_item(item: ServiceItem) -> ServiceItem:
    """The item's row in the published edition (a case is always accepted under the standard in force)."""
    cache = getattr(item, "_prefetched_objects_cache", {})
    if {"materials", "steps", "channels"} <= set(cache) and item.edition.status == EditionStatus.PUBLISHED:
        return item  # the caller already read it from the published edition, with what intake needs
    found = published_item(item.code)  # the per-process cache of the published edition: one query
    if found is None:
        raise ApplicationError(
            "not_published",
            _("Item %(code)s is not in the published catalogue.") % {"code": item.code},
            status=404,
        )
    return found


def _create_numbered(prefix: str, model: type[Any], **fields: Any) -> Any:
    """Create a row numbered prefix + 5-digit sequence (`cases.numbering`: no waits, no collisions)."""
    return model.objects.create(number=next_number(prefix), **fields)


def _applicant_region(
    *, person: Any, employer: Any, window: Any, teller: Any, item: ServiceItem | None = None
) -> Region:
    """The region whose staff handle the case (无差别受理): `routing.case_region` decides."""
    if item is None:
        raise ApplicationError("no_item", _("Choose the item first."))
    return case_region(item=item, person=person, employer=employer, window=window, teller=teller)


def _check_accept(
    *,
    teller: Any,
    item: ServiceItem,
    person: Any,
    employer: Any,
    data: dict[str, Any],
    channel: str,
    window: Any,
) -> tuple[Any, str]:
    """Check the teller may accept the item here; returns (window, post). Raises `Refusal` or ApplicationError."""
    if channel not in Channel.values:
        raise ApplicationError("bad_channel", _("Unknown channel %(channel)s.") % {"channel": channel})
    if not getattr(teller, "is_active", False):
        raise Refusal("inactive", _("Your account is not active."), ACCEPT)
    if channel == Channel.BANK:
        if not teller.has_perm_code(Perm.CASE_ACCEPT_BANK):
            raise Refusal("post", _("Your posts do not allow accepting items at a bank outlet."), ACCEPT)
        if not any(c.code == Channel.BANK for c in item.channels.all()):
            raise Refusal(
                "channel",
                _(
                    "Item %(code)s %(name)s is not handled at bank outlets: send the applicant to a "
                    "social insurance service hall or let them apply online."
                )
                % {"code": item.code, "name": item.name},
                ACCEPT,
            )
        if item.business_class != BusinessClass.GENERAL or item.risk_level != RiskLevel.LOW:
            # Bank outlets take low-risk general items only, whatever the catalogue's channels say.
            raise Refusal(
                "bank_risk",
                _(
                    "Item %(code)s %(name)s is not a low-risk general item: bank outlets may not accept "
                    "it. Send the applicant to a social insurance service hall."
                )
                % {"code": item.code, "name": item.name},
                ACCEPT,
            )
        effect = get_effect(item.effect_code) if item.effect_code else None
        if effect is not None and effect.sensitive:
            # Key or fund data (a name, a payout account) never change at a bank outlet, whatever the
            # catalogue says: a bank agent must not redirect a pensioner's payouts.
            raise Refusal(
                "bank_sensitive",
                _(
                    "Item %(code)s %(name)s changes key or fund data: bank outlets may not accept it. "
                    "Send the applicant to a special window of a social insurance service hall."
                )
                % {"code": item.code, "name": item.name},
                ACCEPT,
            )
        perm = Perm.CASE_ACCEPT_BANK
    elif item.business_class == BusinessClass.SPECIAL:
        perm = Perm.CASE_ACCEPT_SPECIAL
        if not teller.has_perm_code(perm):
            raise Refusal(
                "post",
                _("Item %(code)s %(name)s is a special item: your posts do not allow accepting it.")
                % {"code": item.code, "name": item.name},
                ACCEPT,
            )
    else:
        perm = Perm.CASE_ACCEPT_GENERAL
        if not teller.has_perm_code(perm):
            if teller.has_perm_code(Perm.CASE_ACCEPT_BANK):
                raise Refusal("post", _("Your post accepts items only at a window of a bank outlet."), ACCEPT)
            raise Refusal("post", _("Your posts do not allow accepting items."), ACCEPT)
    if channel in (Channel.COUNTER, Channel.BANK) and window is None:
        window = window_of(teller)
    if channel == Channel.BANK:
        if window is None or window.kind != WindowKind.BANK:
            raise Refusal(
                "no_bank_window",
                _("Sign in to a window of a bank outlet before accepting bank-outlet items."),
                ACCEPT,
            )
    if channel == Channel.COUNTER and window is not None and window.kind == WindowKind.BANK:
        raise Refusal(
            "bank_window",
            _("Window %(window)s is a bank counter: it accepts bank-outlet items only.")
            % {"window": window.number},
            ACCEPT,
        )
    if channel in (Channel.COUNTER, Channel.BANK):
        if window is None:
            raise Refusal("no_window", _("Sign in to a window before accepting a case."), ACCEPT)
        if item.zone not in (window.zones or []):
            raise Refusal(
                "zone",
                _("Window %(window)s does not serve the zone of item %(code)s (%(zone)s).")
                % {"window": window.number, "code": item.code, "zone": item.get_zone_display()},
                ACCEPT,
            )
    if channel == Channel.COUNTER and window is not None:
        if item.business_class == BusinessClass.SPECIAL and window.kind != WindowKind.SPECIAL:
            raise Refusal(
                "general_window",
                _("Item %(code)s %(name)s is a special item: it is accepted only at a special window.")
                % {"code": item.code, "name": item.name},
                ACCEPT,
            )
    if channel in (Channel.COUNTER, Channel.BANK) and not teller_qualified(teller=teller, item=item):
        raise Refusal(
            "not_qualified",
            _(
                "You are not qualified for item %(code)s %(name)s; ask an administrator to record the qualification."
            )
            % {"code": item.code, "name": item.name},
            ACCEPT,
        )
    if person is None and employer is None:
        # Only an item whose effect registers the applicant may be accepted for someone not yet registered.
        registering = get_effect(item.effect_code) if item.effect_code else None
        if (
            registering is None
            or not registering.registers_applicant
            or not str(data.get(registering.applicant_key) or "").strip()
        ):
            raise ApplicationError(
                "no_applicant", _("Identify the applicant by ID number or credit code first.")
            )
    refuse_unmet_conditions(item=item, person=person, employer=employer, move=ACCEPT)
    posts = teller.post_codes()
    named = sorted(posts & accept_posts(item))
    if named:
        return window, named[0]
    holding = sorted(p.code for p in teller.posts.all() if perm in p.permissions)
    return window, holding[0] if holding else ""


def case_accept(
    *,
    teller: Any,
    item: ServiceItem,
    person: Any = None,
    employer: Any = None,
    data: dict[str, Any],
    received: list[int],
    channel: str = Channel.COUNTER,
    window: Any = None,
    ticket: Any = None,
    delivery: str | None = None,
) -> Case:
    """受理: accept an application with complete materials; a general item completes at once."""
    item = _published_item(item)
    data = dict(data or {})
    try:
        window, post = _check_accept(
            teller=teller,
            item=item,
            person=person,
            employer=employer,
            data=data,
            channel=channel,
            window=window,
        )
    except Refusal as refusal:
        record_refusal(
            by=teller,
            refusal=refusal,
            item=item,
            region_code=(teller.region.code if teller.region else ""),
            channel=channel,
            window=str(window) if window is not None else "",
        )
        raise refusal.error() from None
    missing = materials_check(item=item, received=received)
    if missing:
        raise ApplicationError(
            "materials_missing",
            _("Materials are missing: %(missing)s. Issue a one-time notice listing them.")
            % {"missing": "、".join(missing)},
            details=missing,
        )
    if person is not None:
        data.setdefault("id_number", person.id_number)
    if employer is not None:
        data.setdefault("credit_code", employer.credit_code)
    region = _applicant_region(person=person, employer=employer, window=window, teller=teller, item=item)
    # One INSERT for the acceptance's actions, one for its audit events (`core.batch`).
    with transaction.atomic(), insert_batch():
        return _accept(
            teller=teller,
            item=item,
            person=person,
            employer=employer,
            data=data,
            received=received,
            channel=channel,
            window=window,
            ticket=ticket,
            delivery=delivery or DEFAULT_DELIVERY[Channel(channel)],
            region=region,
            post=post,
        )


def _accept(
    *,
    teller: Any,
    item: ServiceItem,
    person: Any,
    employer: Any,
    data: dict[str, Any],
    received: list[int],
    channel: str,
    window: Any,
    ticket: Any,
    delivery: str,
    region: Region,
    post: str,
) -> Case:
    now = timezone.now()
    today = timezone.localdate()
    materials = _materials(item)
    got = sorted({int(i) for i in received if 0 <= int(i) < len(materials)})
    general = completes_at_once(item)
    first = None if general else first_step_index(item)
    # The clock starts with the case: its first period and deadline go into the INSERTs.
    period, deadline = clock_first_period(item=item, on=today)
    case = _create_numbered(
        f"SB{today:%Y%m%d}",
        Case,
        item=item,
        item_code=item.code,
        person=person,
        employer=employer,
        channel=channel,
        outlet=window.outlet if window is not None else None,
        window=window,
        ticket=ticket,
        region=region,
        accepted_by=teller,
        accepted_at=now,
        status=target(Move.ACCEPT),
        step_index=first if first is not None else 0,
        data=_jsonable(data),
        materials=[
            {
                "name_zh": materials[i].name_zh,
                "original": materials[i].original_checked,
                "copies": materials[i].copies,
            }
            for i in got
        ],
        delivery=delivery,
        deadline=deadline.date if deadline is not None else None,
        deadline_provisional=bool(deadline and deadline.provisional),
    )
    accepted_in = accepting_region(person=person, employer=employer, window=window, teller=teller)
    insert(
        CaseAction(
            case=case,
            kind=ActionKind.ACCEPT,
            step_index=0,
            by=teller,
            post_code=post,
            at=now,
            comment=routing_note(case=case, accepted_in=accepted_in),
        )
    )
    period.case = case
    case._clock_periods = [insert(period)]  # type: ignore[attr-defined] # the clock this request holds
    notice_filter = {"person": person} if person is not None else {"employer": employer}
    if person is not None or employer is not None:
        OneTimeNotice.objects.filter(item_code=item.code, case__isnull=True, **notice_filter).update(
            case=case
        )
    audit_record(
        actor=teller,
        action="cases.accept",
        subject=case,
        region_code=region.code,
        new={
            "number": case.number,
            "item_code": item.code,
            "channel": channel,
            "window": str(window) if window is not None else "",
            "post": post,
            "materials": [m["name_zh"] for m in case.materials],
            "accepted_in": accepted_in.code if accepted_in is not None else "",
        },
    )
    if general or first is None:
        case = case_complete(case=case, by=teller)
    return case


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def notice_issue(
    *,
    teller: Any,
    item: ServiceItem,
    person: Any = None,
    employer: Any = None,
    applicant_name: str,
    received: list[int],
    outlet: Any = None,
) -> OneTimeNotice:
    """一次性告知书: everything missing, at once. A second notice for the same applicant and item is refused."""
    item = _published_item(item)
    missing = materials_check(item=item, received=received)
    if not missing:
        raise ApplicationError(
            "nothing_missing", _("Nothing required is missing: accept the case instead of issuing a notice.")
        )
    applicant_name = (applicant_name or "").strip() or (
        person.name if person else employer.name if employer else ""
    )
    if not applicant_name:
        raise ApplicationError("applicant_required", _("Give the applicant's name."))
    with transaction.atomic():
        earlier = None
        if person is not None:
            earlier = OneTimeNotice.objects.filter(person=person, item_code=item.code).first()
        elif employer is not None:
            earlier = OneTimeNotice.objects.filter(employer=employer, item_code=item.code).first()
        if earlier is not None:
            raise ApplicationError(
                "notice_already_issued",
                _(
                    "%(name)s already received one-time notice %(number)s for this item on %(date)s: do not "
                    "turn them away twice. Accept with what they brought or ask the section leader."
                )
                % {
                    "name": applicant_name,
                    "number": earlier.number,
                    "date": timezone.localtime(earlier.issued_at).date().isoformat(),
                },
                status=409,
            )
        if outlet is None:
            window = window_of(teller)
            outlet = window.outlet if window is not None else None
        notice = _create_numbered(
            f"GZ{timezone.localdate():%Y%m%d}",
            OneTimeNotice,
            item=item,
            item_code=item.code,
            person=person,
            employer=employer,
            applicant_name=applicant_name,
            missing=missing,
            outlet=outlet,
            issued_by=teller,
            issued_at=timezone.now(),
        )
        region = (
            person.region
            if person is not None
            else employer.region
            if employer is not None
            else teller.region
        )
        audit_record(
            actor=teller,
            action="cases.notice_issue",
            subject=notice,
            region_code=region.code if region is not None else "",
            new={
                "number": notice.number,
                "item_code": item.code,
                "applicant": applicant_name,
                "missing": missing,
            },
        )
        return notice


def received_names(*, item: ServiceItem, received: Iterable[Any]) -> list[str]:
    """Names of the received materials (indexes or names), as the receipt lists them."""
    return _material_names(item, received)
