"""Online applications (网上申报) and pre-review by staff (网上预审), through the same case flow.

A citizen or an employer's agent applies in the portal for a published item whose channels include
`online`: `online_submit` creates a case SUBMITTED with the uploaded materials (a required one may be
missing — the applicant may not have it yet — and the page says which). No clock runs yet. Staff
holding the accepting permission of the item's class, in the applicant's region, then
`online_accept` (exactly a window acceptance: the clock starts from the next working day, a general
item completes at once, a special one goes to its first back-office step, where separation of duties
applies), `online_return` (补正 before acceptance: everything missing at once) or `online_reject`.
`online_supplement` lets the case's own applicant send what was asked for, before or after
acceptance (`flow.case_supplement`). The allowed moves are in `lifecycle.TRANSITIONS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.forms import EffectForm, effect_form_class
from shebao.cases.lifecycle import AWAITING_ACCEPTANCE, Move, can_move, target
from shebao.cases.models import ActionKind, Case, CaseStatus, CaseUpload, Channel, Delivery
from shebao.cases.selectors import EMPLOYER, PERSON, cases_of_account
from shebao.cases.services import intake
from shebao.cases.services.clock import clock_start
from shebao.cases.services.flow import (
    Refusal,
    _action,
    _applicant_name,
    _check_version,
    _lock,
    _save,
    _tell_applicant,
    accept_posts,
    case_complete,
    case_supplement,
    completes_at_once,
    first_step_index,
    record_refusal,
    refuse_unmet_conditions,
    reject_locked,
    requested_materials,
    run_refusable,
    supplement_check,
)
from shebao.cases.uploads import CheckedFile, upload_batch, upload_check, upload_store
from shebao.catalogue import audience
from shebao.catalogue.models import BusinessClass, InsuranceType, ItemMaterial, ServiceItem
from shebao.catalogue.selectors import published_edition
from shebao.core.access import can_see_region, visible_regions
from shebao.core.effects import (
    FieldKind,
    get_effect,
    own_page_effect_codes,
    registers_only_effect_codes,
)
from shebao.core.errors import ApplicationError
from shebao.core.permissions import Perm

ONLINE = Channel.ONLINE.value  # the catalogue `Channel` code of the online channel
SUBMIT = "submit"  # the move named in a refused online submission (`cases.refused`)

# Who applies for what, whether an item registers its applicant (never online: the account already
# has its record) and which items have a page of their own are the effects' declarations
# (`shebao.core.effects`), never a list kept here.


# --- reads ----------------------------------------------------------------------------------------


def _applicant_kind(kind: str) -> str:
    """The applicant (catalogue/audience.py) a portal account of `kind` applies as."""
    return audience.PERSON if kind == PERSON else audience.EMPLOYER


def item_audience(item: ServiceItem) -> frozenset[str]:
    """Which kinds of portal account may apply for the item online (`catalogue/audience.py`)."""
    effect = get_effect(item.effect_code) if item.effect_code else None
    if effect is not None and effect.registers_only:
        return frozenset()  # it registers the record the account already has
    who = audience.item_audience(item)
    return frozenset(kind for kind in (PERSON, EMPLOYER) if _applicant_kind(kind) in who)


def has_online_channel(item: ServiceItem) -> bool:
    return any(c.code == ONLINE for c in item.channels.all())


def online_items(*, kind: str, q: str = "") -> QuerySet[ServiceItem]:
    """Published items a portal account of `kind` may apply for online, by zone; `q` searches names and codes."""
    edition = published_edition()
    if edition is None:
        return ServiceItem.objects.none()
    qs = edition.items.filter(channels__code=ONLINE).exclude(
        effect_code__in=sorted(registers_only_effect_codes() | own_page_effect_codes())
    )
    qs = audience.items_for_applicant(items=qs, kind=_applicant_kind(kind))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
    return qs.order_by("zone", "order", "code").distinct()


def item_materials(item: ServiceItem) -> list[ItemMaterial]:
    """The item's materials in the order the window's checklist counts them (upload indexes)."""
    return sorted(item.materials.all(), key=lambda m: (m.order, m.pk))


def applicant_given(*, person: Any = None, employer: Any = None) -> dict[str, str]:
    """The effect data the account already supplies (never typed again)."""
    if person is not None:
        return {"id_number": person.id_number}
    if employer is not None:
        return {"credit_code": employer.credit_code}
    return {}


def item_insurance_types(item: ServiceItem) -> list[tuple[str, str]]:
    types = list(item.insurance_types.all()) or list(InsuranceType.objects.all())
    return [(t.code, t.name) for t in types]


def online_form_class(item: ServiceItem, *, person: Any = None, employer: Any = None) -> type[EffectForm]:
    """The data form of an item for this applicant: the effect's fields minus what the account supplies."""
    return effect_form_class(
        item.effect_code,
        given=set(applicant_given(person=person, employer=employer)),
        insurance_types=item_insurance_types(item),
    )


def online_missing(case: Case) -> list[str]:
    """Names of the required materials of which nothing was uploaded."""
    got = {u.material_index for u in case.uploads.all()}
    return intake.materials_check(item=case.item, received=sorted(got))


def case_for_account(*, account: Any, number: str) -> Case:
    """The account's own case (the person's, or the agent's employer's); otherwise not found."""
    case = (
        cases_of_account(account=account)
        .select_related("item", "region", "person", "employer")
        .filter(number=(number or "").strip())
        .first()
    )
    if case is None:
        raise _not_found(number)
    return case


def online_queue(*, user: Any) -> QuerySet[Case]:
    """Cases sent online awaiting pre-review in the user's regions, of the classes the user may accept."""
    classes = []
    if user.has_perm_code(Perm.CASE_ACCEPT_GENERAL):
        classes.append(BusinessClass.GENERAL)
    if user.has_perm_code(Perm.CASE_ACCEPT_SPECIAL):
        classes.append(BusinessClass.SPECIAL)
    return (
        Case.objects.select_related("item", "region", "person", "employer")
        .filter(
            status=CaseStatus.SUBMITTED,
            region__in=visible_regions(user),
            item__business_class__in=classes,
        )
        .annotate(upload_count=Count("uploads"))
        .order_by("submitted_at", "id")
    )


def online_waiting(*, user: Any) -> QuerySet[Case]:
    """Online cases returned before acceptance, waiting for the applicant's supplement."""
    return (
        Case.objects.select_related("item", "region")
        .filter(
            status=CaseStatus.RETURNED,
            channel=Channel.ONLINE,
            accepted_by__isnull=True,
            region__in=visible_regions(user),
        )
        .order_by("submitted_at", "id")
    )


def last_return(case: Case) -> str:
    """What the latest return for correction asked for (the text told to the applicant)."""
    action = case.actions.filter(kind=ActionKind.RETURN).order_by("-at", "-id").first()
    return action.comment if action is not None else ""


def masked_data(case: Case) -> dict[str, Any]:
    """The case's data for staff pages: ID numbers masked at every depth (a file's rows included)."""
    from shebao.core.masking import mask_id_number, mask_id_numbers_in

    effect = get_effect(case.item.effect_code) if case.item.effect_code else None
    id_keys = {"id_number"} | {
        f.name for f in (effect.fields if effect else ()) if f.kind == FieldKind.ID_NUMBER
    }

    def masked(key: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: masked(str(k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [masked(key, v) for v in value]
        if key in id_keys:
            return mask_id_number(str(value))
        return mask_id_numbers_in(value) if isinstance(value, str) else value

    return {k: masked(k, v) for k, v in (case.data or {}).items()}


# --- helpers --------------------------------------------------------------------------------------


def _not_found(number: str) -> ApplicationError:
    return ApplicationError("not_found", _("There is no case %(number)s.") % {"number": number}, status=404)


def _check_uploads(
    item: ServiceItem, uploads: Mapping[int, Iterable[Any]] | None
) -> list[tuple[int, str, CheckedFile]]:
    """Check every file before anything is written: (material index, material name, checked file)."""
    materials = item_materials(item)
    out: list[tuple[int, str, CheckedFile]] = []
    for raw_index, files in (uploads or {}).items():
        index = int(raw_index)
        if not 0 <= index < len(materials):
            raise ApplicationError(
                "bad_material", _("The upload names a material the item does not ask for.")
            )
        for file in files:
            if file is None:
                continue
            out.append((index, materials[index].name_zh, upload_check(file)))
    return out


def _store(case: Case, checked: list[tuple[int, str, CheckedFile]], by: Any) -> list[CaseUpload]:
    return [
        upload_store(case=case, material_index=index, material_name=name, checked=file, by=by)
        for index, name, file in checked
    ]


def _uploads_summary(stored: list[CaseUpload]) -> list[dict[str, Any]]:
    return [
        {"material": u.material_name, "sha256": u.sha256, "size": u.size, "type": u.content_type}
        for u in stored
    ]


def _lock_applicant(person: Any, employer: Any) -> None:
    """Serialise submissions of one applicant (a double click sends one application, not two)."""
    model = type(person) if person is not None else type(employer)
    model.objects.select_for_update().filter(pk=(person or employer).pk).first()


# --- writes ---------------------------------------------------------------------------------------


def online_submit(
    *,
    user: Any,
    item: ServiceItem,
    data: Mapping[str, Any] | None,
    uploads: Mapping[int, Iterable[Any]] | None = None,
    person: Any = None,
    employer: Any = None,
    own_page: bool = False,
) -> Case:
    """网上申报: create a SUBMITTED case for staff to pre-review; no clock runs before acceptance.

    Items applied for on a page of their own (`Effect.own_page`: the employer's staff changes file)
    are refused unless that page sends them (`own_page=True`, which then adds the rows to the data).

    `person` for a citizen's account, `employer` for an agent's; `uploads` maps material indexes to
    files. Missing required materials are allowed (the page warns); the case lists what was uploaded.
    """
    item = intake._published_item(item)
    if not has_online_channel(item):
        raise ApplicationError(
            "not_online",
            _(
                "Item %(code)s %(name)s cannot be applied for online. See its service guide for where to "
                "apply, or book a visit to a service hall."
            )
            % {"code": item.code, "name": item.name},
        )
    if (person is None) == (employer is None):
        raise ApplicationError(
            "no_applicant", _("Sign in with a personal or an employer's account to apply.")
        )
    kind = PERSON if person is not None else EMPLOYER
    if kind not in item_audience(item):
        raise ApplicationError(
            "not_for_account",
            _("Item %(code)s %(name)s is not applied for with your kind of account.")
            % {"code": item.code, "name": item.name},
        )
    try:
        refuse_unmet_conditions(item=item, person=person, employer=employer, move=SUBMIT)
    except Refusal as refusal:  # 受理条件: refused before anything is written, and audited
        record_refusal(
            by=user,
            refusal=refusal,
            item=item,
            region_code=(person or employer).region.code,
            channel=Channel.ONLINE,
        )
        raise refusal.error() from None
    given = applicant_given(person=person, employer=employer)
    form = online_form_class(item, person=person, employer=employer)(data=dict(data or {}))
    if not form.is_valid():
        details = [
            f"{form.fields[k].label}: {' '.join(str(e) for e in v)}"
            for k, v in form.errors.items()
            if k in form.fields
        ]
        raise ApplicationError(
            "invalid_data", _("Some answers need correcting; see the form."), details=details
        )
    case_data = {**form.data_for_case(), **given}
    effect = get_effect(item.effect_code) if item.effect_code else None
    if effect is not None and effect.own_page and not own_page:
        # Sent without its file (e.g. straight to the API): nothing for staff to accept.
        raise ApplicationError(
            "rows_required",
            _(
                "Send the staff changes file on the employer's staff changes page; this application has no rows."
            ),
        )
    checked = _check_uploads(item, uploads)
    region = person.region if person is not None else employer.region
    now = timezone.now()
    with upload_batch(), transaction.atomic():
        _lock_applicant(person, employer)
        # The same application again while the first waits (a double click, a reload): refused. Different
        # data (an employer's second staff increase) is a different application.
        waiting = next(
            (
                c
                for c in Case.objects.filter(
                    item_code=item.code,
                    channel=Channel.ONLINE,
                    accepted_by__isnull=True,
                    status__in=AWAITING_ACCEPTANCE,
                    **({"person": person} if person is not None else {"employer": employer}),
                ).only("number", "data")
                if c.data == case_data
            ),
            None,
        )
        if waiting is not None:
            raise ApplicationError(
                "already_submitted",
                _(
                    "The same application was already sent as %(number)s and waits for acceptance; "
                    "follow it on its case page instead of applying again."
                )
                % {"number": waiting.number},
                status=409,
            )
        case = intake._create_numbered(
            f"SB{timezone.localdate():%Y%m%d}",
            Case,
            item=item,
            item_code=item.code,
            person=person,
            employer=employer,
            channel=Channel.ONLINE,
            region=region,
            accepted_by=None,
            submitted_by=user,
            submitted_at=now,
            status=target(Move.SUBMIT),
            step_index=0,
            data=case_data,
            materials=[],
            delivery=Delivery.MESSAGE,
        )
        _action(case, ActionKind.SUBMIT, user, step_index=0)
        stored = _store(case, checked, user)
        missing = intake.materials_check(item=item, received=sorted({i for i, _n, _f in checked}))
        audit_record(
            actor=user,
            action="cases.submit",
            subject=case,
            region_code=region.code,
            new={
                "number": case.number,
                "item_code": item.code,
                "channel": Channel.ONLINE,
                "uploads": _uploads_summary(stored),
                "missing": missing,
            },
        )
        _tell_applicant(
            case,
            subject=lambda: _("Application %(number)s received") % {"number": case.number},
            body=lambda: (
                _(
                    "Dear %(name)s, your application %(number)s (%(item)s) was received and waits for "
                    "acceptance by staff, who will accept it or tell you at once everything that is "
                    "missing. The time limit counts from the working day after acceptance."
                )
                % {"name": _applicant_name(case), "number": case.number, "item": item.name_zh}
                + (
                    " " + _("Not yet uploaded: %(missing)s.") % {"missing": "、".join(missing)}
                    if missing
                    else ""
                )
            ),
        )
    return case


def _accept_post(case: Case, user: Any, move: str) -> str:
    """The post with which `user` may pre-review the case; raises `Refusal` otherwise."""
    if not getattr(user, "is_active", False) or not hasattr(user, "has_perm_code"):
        raise Refusal("inactive", _("Your account is not active."), move)
    special = case.item.business_class == BusinessClass.SPECIAL
    perm = Perm.CASE_ACCEPT_SPECIAL if special else Perm.CASE_ACCEPT_GENERAL
    if not user.has_perm_code(perm):
        raise Refusal(
            "post",
            _("Item %(code)s %(name)s is a special item: your posts do not allow accepting it.")
            % {"code": case.item.code, "name": case.item.name}
            if special
            else _("Your posts do not allow accepting items."),
            move,
        )
    if not can_see_region(user, case.region):
        raise Refusal(
            "other_region",
            _("Case %(number)s belongs to %(region)s, outside your region.")
            % {"number": case.number, "region": case.region.name},
            move,
        )
    named = sorted(user.post_codes() & accept_posts(case.item))
    if named:
        return named[0]
    holding = sorted(p.code for p in user.posts.all() if perm in p.permissions)
    return holding[0] if holding else ""


def online_accept(*, case: Case, by: Any, version: int, received: Iterable[Any]) -> Case:
    """受理 an online application: `received` are the indexes of the materials present and valid.

    Refused while a required material is missing (return it instead). Then exactly a window
    acceptance: the clock starts, a general item completes at once (its effect runs), a special item
    goes to its first back-office step, where the acceptor may not review it.
    """
    got = sorted({int(i) for i in received if str(i).strip().lstrip("-").isdigit()})

    def move() -> Case:
        locked = _lock(case)
        _check_version(locked, version, Move.ACCEPT_ONLINE)
        post = _accept_post(locked, by, Move.ACCEPT_ONLINE)
        item = locked.item
        refuse_unmet_conditions(
            item=item, person=locked.person, employer=locked.employer, move=Move.ACCEPT_ONLINE
        )
        missing = intake.materials_check(item=item, received=got)
        if missing:
            raise ApplicationError(
                "materials_missing",
                _(
                    "Required materials are missing or not valid: %(missing)s. Return the application "
                    "for correction, naming all of them."
                )
                % {"missing": "、".join(missing)},
                details=missing,
            )
        materials = item_materials(item)
        general = completes_at_once(item)
        first = None if general else first_step_index(item)
        now, today = timezone.now(), timezone.localdate()
        locked.accepted_by = by
        locked.accepted_at = now
        locked.status = target(Move.ACCEPT_ONLINE)
        locked.step_index = first if first is not None else 0
        locked.materials = [
            {
                "name_zh": materials[i].name_zh,
                "original": False,
                "copies": materials[i].copies,
                "online": True,
            }
            for i in got
            if 0 <= i < len(materials)
        ]
        _action(locked, ActionKind.ACCEPT, by, post_code=post, step_index=0)
        _save(locked, "accepted_by", "accepted_at", "status", "step_index", "materials")
        clock_start(case=locked, on=today)
        audit_record(
            actor=by,
            action="cases.accept",
            subject=locked,
            region_code=locked.region.code,
            new={
                "number": locked.number,
                "item_code": item.code,
                "channel": locked.channel,
                "post": post,
                "materials": [m["name_zh"] for m in locked.materials],
            },
        )
        if general or first is None:
            return case_complete(case=locked, by=by)
        _tell_applicant(
            locked,
            subject=lambda: _("Application %(number)s accepted") % {"number": locked.number},
            body=lambda: (
                _("Dear %(name)s, your application %(number)s (%(item)s) was accepted. Due by %(deadline)s.")
                % {
                    "name": _applicant_name(locked),
                    "number": locked.number,
                    "item": item.name_zh,
                    "deadline": locked.deadline.isoformat() if locked.deadline else "—",
                }
            ),
        )
        return locked

    return run_refusable(move, by=by, case=case)


def online_return(*, case: Case, by: Any, version: int, missing: Iterable[Any], comment: str = "") -> Case:
    """补正 before acceptance: tell the applicant everything missing at once; the case waits for them.

    `missing` names the item's materials (indexes or names), stored on the case: the applicant's
    supplement must upload every one (`flow.case_supplement`)."""
    comment = (comment or "").strip()
    requested = requested_materials(case.item, missing)

    def move() -> Case:
        locked = _lock(case)
        _check_version(locked, version, Move.RETURN_ONLINE)
        post = _accept_post(locked, by, Move.RETURN_ONLINE)
        text = "；".join(requested)
        locked.status = target(Move.RETURN_ONLINE)
        locked.requested_materials = requested
        _action(locked, ActionKind.RETURN, by, post_code=post, comment=f"{text}\n{comment}".strip())
        _save(locked, "status", "requested_materials")
        audit_record(
            actor=by,
            action="cases.return",
            subject=locked,
            region_code=locked.region.code,
            extra={
                "number": locked.number,
                "missing": requested,
                "comment": comment,
                "before_acceptance": True,
            },
        )
        _tell_applicant(
            locked,
            subject=lambda: (
                _("Application %(number)s: please supply what is missing") % {"number": locked.number}
            ),
            body=lambda: (
                _(
                    "Dear %(name)s, before application %(number)s (%(item)s) can be accepted we need: "
                    "%(missing)s. %(comment)s Upload them on the case page; the time limit starts after "
                    "acceptance."
                )
                % {
                    "name": _applicant_name(locked),
                    "number": locked.number,
                    "item": locked.item.name_zh,
                    "missing": text,
                    "comment": comment,
                }
            ),
        )
        return locked

    return run_refusable(move, by=by, case=case)


def online_reject(*, case: Case, by: Any, version: int, reason: str) -> Case:
    """不予受理 an online application (before acceptance), with the reason told to the applicant."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", _("Give the reason for the rejection."))

    def move() -> Case:
        locked = _lock(case)
        if locked.accepted_by_id is not None and not can_move(locked, Move.REJECT_ONLINE):
            raise ApplicationError(
                "not_allowed",
                _("Case %(number)s was already accepted: reject it at its review step.")
                % {"number": locked.number},
                status=409,
            )
        _check_version(locked, version, Move.REJECT_ONLINE)
        post = _accept_post(locked, by, Move.REJECT_ONLINE)
        return reject_locked(
            locked,
            by=by,
            post=post,
            reason=reason,
            status=target(Move.REJECT_ONLINE),
            extra={"before_acceptance": True},
        )

    return run_refusable(move, by=by, case=case)


def online_supplement(
    *,
    case: Case,
    account: Any,
    uploads: Mapping[int, Iterable[Any]] | None = None,
    comment: str = "",
) -> Case:
    """The applicant's own supplement online: before acceptance back to pre-review, after it back to its
    step with the clock restarting the working day after (`flow.case_supplement`)."""
    own = case_for_account(account=account, number=case.number)
    comment = (comment or "").strip()
    checked = _check_uploads(own.item, uploads)
    if not checked and not comment:
        raise ApplicationError("nothing_sent", _("Upload the missing materials or write a note, then send."))
    user = account.user
    # What the return asked for is checked before anything is stored, so the refusal's record stays.
    run_refusable(lambda: supplement_check(own, [i for i, _n, _f in checked]), by=user, case=own)
    with upload_batch(), transaction.atomic():
        locked = case_supplement(
            case=own, by=user, received=sorted({i for i, _n, _f in checked}), comment=comment
        )
        stored = _store(locked, checked, user)
        audit_record(
            actor=user,
            action="cases.upload",
            subject=locked,
            region_code=locked.region.code,
            new={"number": locked.number, "uploads": _uploads_summary(stored)},
        )
        return locked
