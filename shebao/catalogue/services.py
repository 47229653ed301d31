"""Writes of the catalogue: editions, items, publication, local bindings, the register of standards.

Every function is keyword-only, runs in one transaction, checks first and raises `ApplicationError`,
and writes its audit event in the same transaction. `by=None` means the system (seeding, commands).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.catalogue import rules
from shebao.catalogue.models import (
    BINDING_OPEN_FIELDS,
    Deviation,
    Edition,
    EditionStatus,
    LocalBinding,
    ServiceItem,
    Standard,
    StandardKind,
    StandardStatus,
)
from shebao.catalogue.selectors import normalise_field, published_cache_clear, same_as_standard
from shebao.catalogue.snapshot import (
    ALL_FIELDS,
    edition_snapshot,
    item_apply_snapshot,
    item_snapshot,
    with_details,
)
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.models import Region, RegionLevel
from shebao.core.permissions import Perm

# The register entry each published edition becomes (标准体系: 服务标准).
CATALOGUE_STANDARD_CODE = "SB-CATALOGUE"
CATALOGUE_STANDARD_TITLE_ZH = "社会保险经办服务事项清单"
CATALOGUE_STANDARD_TITLE_EN = "Catalogue of social insurance service items"

# The elements of an item that the published standard (its service guide) states, and so the only
# fields besides the open ones a region may ask to differ in. `code` identifies the item, `order`
# only arranges the catalogue and `effect_code` is the system's handler: none is an element.
STANDARD_ELEMENTS = tuple(name for name in ALL_FIELDS if name not in ("code", "order", "effect_code"))


def _require(by: Any, perm: str) -> None:
    """`by=None` is the system; a user must hold the permission through one of their posts."""
    if by is None:
        return
    if not by.has_perm_code(perm):
        raise PermissionDeniedError(_("You do not hold a post that may do this."))


def _changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def _one_year_on(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# --- editions and items ---------------------------------------------------------------------------


@transaction.atomic
def edition_create_draft(*, by: Any, title: str, based_on: Edition | None = None) -> Edition:
    """Open the next draft edition, copying every item of `based_on` (default: the published one)."""
    _require(by, Perm.CATALOGUE_EDIT)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("title_required", _("Give the edition a title."))
    # Two people may open a draft at the same moment. Locking the newest edition makes the second
    # wait until the first commits, then find its draft. With no edition to lock yet, both take the
    # same number: the second's insert fails on the unique number and it looks again. A draft the
    # other committed after our first look is caught by the look after the insert.
    Edition.objects.select_for_update().order_by("-number").first()
    _refuse_second_draft()
    source = based_on or Edition.objects.filter(status=EditionStatus.PUBLISHED).first()
    number = (Edition.objects.aggregate(m=Max("number"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                number=number,
                title=title,
                status=EditionStatus.DRAFT,
                based_on=source,
                created_by=by,
            )
    except IntegrityError:
        _refuse_second_draft()
        raise ApplicationError(
            "edition_conflict",
            _("Another edition was opened at the same moment; reload the page and try again."),
            status=409,
        ) from None
    _refuse_second_draft(besides=edition)
    copied = edition_snapshot(source) if source is not None else {}
    for data in copied.values():
        item_apply_snapshot(edition=edition, data=data)
    audit_record(
        actor=by,
        action="catalogue.edition_created",
        subject=edition,
        new={
            "number": number,
            "title": title,
            "based_on": source.number if source is not None else None,
            "items": len(copied),
        },
    )
    return edition


def _refuse_second_draft(*, besides: Edition | None = None) -> None:
    """Raise `draft_exists` if a draft (other than `besides`) is open: only one draft at a time."""
    drafts = Edition.objects.filter(status=EditionStatus.DRAFT)
    if besides is not None:
        drafts = drafts.exclude(pk=besides.pk)
    existing = drafts.order_by("number").first()
    if existing is not None:
        raise ApplicationError(
            "draft_exists",
            _("Edition %(edition)s is already a draft; publish or continue it before opening another.")
            % {"edition": existing},
        )


def _draft_for_change(edition: Edition) -> Edition:
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    if not locked.is_draft:
        raise ApplicationError(
            "edition_not_draft",
            _("Edition %(edition)s is not a draft and cannot be changed.") % {"edition": locked},
        )
    return locked


@transaction.atomic
def item_save(*, edition: Edition, data: dict[str, Any], by: Any) -> ServiceItem:
    """Create or update one item of a draft edition from its snapshot dict (`snapshot.item_snapshot`).

    A new item needs every required field. An existing item (same `code`) is updated by merging:
    each key present in `data` replaces that field whole (a list such as `steps` or `channels` is
    replaced, not extended); each key absent keeps the item's current value. So
    `{"code": ..., "trips": 1}` changes the trips and nothing else.
    """
    _require(by, Perm.CATALOGUE_EDIT)
    edition = _draft_for_change(edition)
    code = str(data.get("code") or "").strip()
    existing = with_details(ServiceItem.objects.filter(edition=edition, code=code)).first() if code else None
    old = item_snapshot(existing) if existing is not None else None
    if old is not None:
        data = {**old, **data, "code": code}
    item = item_apply_snapshot(edition=edition, data=data)
    new = item_snapshot(with_details(ServiceItem.objects.filter(pk=item.pk)).get())
    if old is None:
        audit_record(
            actor=by,
            action="catalogue.item_created",
            subject=item,
            new=new,
            extra={"edition": edition.number},
        )
    else:
        changed_old, changed_new = _changes(old, new)
        if changed_new:
            audit_record(
                actor=by,
                action="catalogue.item_changed",
                subject=item,
                old=changed_old,
                new=changed_new,
                extra={"edition": edition.number},
            )
    return item


@transaction.atomic
def item_delete(*, edition: Edition, code: str, by: Any) -> None:
    """Remove one item from a draft edition."""
    _require(by, Perm.CATALOGUE_EDIT)
    edition = _draft_for_change(edition)
    item = with_details(ServiceItem.objects.filter(edition=edition, code=code)).first()
    if item is None:
        raise ApplicationError(
            "not_found",
            _("Edition %(edition)s has no item %(code)s.") % {"edition": edition, "code": code},
            status=404,
        )
    old = item_snapshot(item)
    subject_id = str(item.pk)
    item.delete()
    audit_record(
        actor=by,
        action="catalogue.item_deleted",
        subject_type="catalogue.serviceitem",
        subject_id=subject_id,
        old=old,
        extra={"edition": edition.number},
    )


@transaction.atomic
def edition_publish(*, edition: Edition, by: Any) -> Edition:
    """Make a valid draft the standard in force; supersede the previous edition and its standard."""
    _require(by, Perm.CATALOGUE_PUBLISH)
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    if not locked.is_draft:
        raise ApplicationError(
            "edition_not_draft",
            _("Edition %(edition)s is not a draft; it cannot be published again.") % {"edition": locked},
        )
    violations = rules.edition_violations(locked)
    if violations:
        raise ApplicationError(
            "edition_invalid",
            _("Edition %(edition)s cannot be published: %(count)s rules are broken.")
            % {"edition": locked, "count": len(violations)},
            details=[str(v) for v in violations],
        )
    today = timezone.localdate()
    previous = list(Edition.objects.select_for_update().filter(status=EditionStatus.PUBLISHED))
    for old_edition in previous:
        old_edition.status = EditionStatus.SUPERSEDED
        old_edition.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="catalogue.edition_superseded",
            subject=old_edition,
            old={"status": EditionStatus.PUBLISHED},
            new={"status": EditionStatus.SUPERSEDED, "by_edition": locked.number},
        )
    for old_standard in Standard.objects.filter(edition__in=previous).exclude(status=StandardStatus.RETIRED):
        standard_old_status = old_standard.status
        old_standard.status = StandardStatus.RETIRED
        old_standard.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="catalogue.standard_status_changed",
            subject=old_standard,
            old={"status": standard_old_status},
            new={"status": StandardStatus.RETIRED},
        )
    locked.status = EditionStatus.PUBLISHED
    locked.published_by = by
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_by", "published_at"])
    standard, _created = Standard.objects.update_or_create(
        code=CATALOGUE_STANDARD_CODE,
        version=str(locked.number),
        defaults={
            "title_zh": CATALOGUE_STANDARD_TITLE_ZH,
            "title_en": CATALOGUE_STANDARD_TITLE_EN,
            "kind": StandardKind.SERVICE,
            "status": StandardStatus.PUBLISHED,
            "issued_on": today,
            "next_review_date": _one_year_on(today),
            "edition": locked,
        },
    )
    audit_record(
        actor=by,
        action="catalogue.edition_published",
        subject=locked,
        old={"status": EditionStatus.DRAFT},
        new={
            "status": EditionStatus.PUBLISHED,
            "superseded": [e.number for e in previous],
            "standard": f"{standard.code} {standard.version}",
        },
    )
    transaction.on_commit(published_cache_clear)  # the items cached per process are the old edition's
    return locked


# --- local bindings (四级四同) ----------------------------------------------------------------------


@dataclass
class BindingResult:
    # Unsaved (no pk) when the region has no binding and the call filled in no open field.
    binding: LocalBinding
    deviations: list[Deviation] = field(default_factory=list)


@transaction.atomic
def binding_save(*, region: Region, item_code: str, values: dict[str, Any], by: Any) -> BindingResult:
    """Fill in what the standard leaves open for one item in one region.

    Open fields (`BINDING_OPEN_FIELDS`) are applied; a binding is only created once one of them is
    filled in, so a call with nothing to fill in leaves the region inheriting its ancestor's binding.
    Any element of the standard (`STANDARD_ELEMENTS`) whose value differs from the published standard,
    compared after `selectors.normalise_field`, is recorded as a `Deviation` and never applied; equal
    values are ignored. Fields that are not elements of the standard (`code`, `order`, ...) are refused.
    """
    _require(by, Perm.CATALOGUE_BIND)
    if region.level == RegionLevel.PROVINCE:
        raise ApplicationError(
            "province_binding",
            _(
                "The province sets the standard itself; local bindings are for cities, counties and townships."
            ),
        )
    if by is not None and not by.is_province_wide():
        own = by.region
        if own is None or not region.is_within(own):
            raise PermissionDeniedError(
                _(
                    "%(region)s is outside your region; you may only fill in bindings of your region and below."
                )
                % {"region": region}
            )
    unknown = sorted(k for k in values if k not in BINDING_OPEN_FIELDS and k not in ALL_FIELDS)
    if unknown:
        raise ApplicationError(
            "unknown_field",
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)},
        )
    not_elements = sorted(k for k in values if k not in BINDING_OPEN_FIELDS and k not in STANDARD_ELEMENTS)
    if not_elements:
        raise ApplicationError(
            "field_not_element",
            _(
                "%(fields)s cannot differ locally: only elements of the published standard can be recorded as deviations."
            )
            % {"fields": ", ".join(not_elements)},
        )
    published = Edition.objects.filter(status=EditionStatus.PUBLISHED).first()
    item = (
        with_details(ServiceItem.objects.filter(edition=published, code=item_code)).first()
        if published is not None
        else None
    )
    if published is None or item is None:
        raise ApplicationError(
            "not_found",
            _("Item %(code)s is not in the published catalogue.") % {"code": item_code},
            status=404,
        )
    open_values: dict[str, str] = {}
    problems: list[str] = []
    for name in BINDING_OPEN_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, list | tuple):
            value = "\n".join(str(v).strip() for v in value if str(v).strip())
        value = "" if value is None else str(value).strip()
        max_length = getattr(LocalBinding._meta.get_field(name), "max_length", None)
        if max_length is not None and len(value) > max_length:
            problems.append(
                _("'%(field)s' may be at most %(max)s characters long.") % {"field": name, "max": max_length}
            )
        open_values[name] = value
    if problems:
        raise ApplicationError("binding_invalid", _("The binding has errors."), details=problems)

    binding = LocalBinding.objects.select_for_update().filter(region=region, item_code=item_code).first()
    created = binding is None
    if binding is None:
        binding = LocalBinding(region=region, item_code=item_code)
    old = {name: getattr(binding, name) for name in BINDING_OPEN_FIELDS}
    for name, value in open_values.items():
        setattr(binding, name, value)
    new = {name: getattr(binding, name) for name in BINDING_OPEN_FIELDS}
    changed_old, changed_new = _changes(old, new)
    # A new binding starts empty, so it is saved only once something is filled in: an empty one
    # would hide the ancestor's binding the region should inherit.
    if changed_new:
        binding.updated_by = by
        binding.save()
        audit_record(
            actor=by,
            action="catalogue.binding_changed",
            subject=binding,
            region_code=region.code,
            old=changed_old if not created else None,
            new=changed_new,
            extra={"item_code": item_code},
        )

    standard = item_snapshot(item)
    deviations: list[Deviation] = []
    for name, value in values.items():
        if name in BINDING_OPEN_FIELDS:
            continue
        local_value = normalise_field(name, value)
        if same_as_standard(name, local_value, standard.get(name)):
            continue
        deviation, _created = Deviation.objects.update_or_create(
            region=region,
            item_code=item_code,
            field=name,
            defaults={
                "standard_value": standard.get(name),
                "local_value": local_value,
                "edition": published,
                "recorded_by": by,
                "recorded_at": timezone.now(),
            },
        )
        deviations.append(deviation)
        audit_record(
            actor=by,
            action="catalogue.deviation_recorded",
            subject=deviation,
            region_code=region.code,
            old={name: standard.get(name)},
            new={name: local_value},
            extra={"item_code": item_code, "edition": published.number, "applied": False},
        )
    return BindingResult(binding=binding, deviations=deviations)


# --- the register of standards (标准体系) ------------------------------------------------------------


def _standard_fields(standard: Standard) -> dict[str, Any]:
    return {
        "code": standard.code,
        "title_zh": standard.title_zh,
        "title_en": standard.title_en,
        "kind": standard.kind,
        "version": standard.version,
        "status": standard.status,
        "issued_on": standard.issued_on.isoformat() if standard.issued_on else None,
        "next_review_date": standard.next_review_date.isoformat() if standard.next_review_date else None,
    }


def _check_status(status: str) -> None:
    if status not in StandardStatus.values:
        raise ApplicationError(
            "standard_invalid",
            _("'%(value)s' is not a valid status (one of %(allowed)s).")
            % {"value": status, "allowed": ", ".join(StandardStatus.values)},
        )


@transaction.atomic
def standard_save(
    *,
    by: Any,
    code: str,
    title_zh: str,
    title_en: str,
    kind: str,
    version: str,
    status: str,
    issued_on: datetime.date | None = None,
    next_review_date: datetime.date | None = None,
    standard: Standard | None = None,
) -> Standard:
    """Create a standard in the register, or change `standard`."""
    _require(by, Perm.STANDARDS_MANAGE)
    code, version = (code or "").strip(), (version or "").strip()
    title_zh, title_en = (title_zh or "").strip(), (title_en or "").strip()
    problems: list[str] = []
    if not code:
        problems.append(_("The code is required."))
    if not title_zh:
        problems.append(_("The Chinese title is required."))
    if not version:
        problems.append(_("The version is required."))
    if kind not in StandardKind.values:
        problems.append(
            _("'%(value)s' is not a valid kind (one of %(allowed)s).")
            % {"value": kind, "allowed": ", ".join(StandardKind.values)}
        )
    if status not in StandardStatus.values:
        problems.append(
            _("'%(value)s' is not a valid status (one of %(allowed)s).")
            % {"value": status, "allowed": ", ".join(StandardStatus.values)}
        )
    if issued_on and next_review_date and next_review_date < issued_on:
        problems.append(_("The next review cannot come before the standard is issued."))
    if problems:
        raise ApplicationError("standard_invalid", _("The standard has errors."), details=problems)
    clash = Standard.objects.filter(code=code, version=version)
    if standard is not None:
        clash = clash.exclude(pk=standard.pk)
    if clash.exists():
        raise ApplicationError(
            "standard_exists",
            _("The register already holds version %(version)s of standard %(code)s.")
            % {"version": version, "code": code},
        )
    created = standard is None
    if standard is None:
        standard = Standard()
        old: dict[str, Any] = {}
    else:
        standard = Standard.objects.select_for_update().get(pk=standard.pk)
        old = _standard_fields(standard)
    standard.code, standard.title_zh, standard.title_en = code, title_zh, title_en
    standard.kind, standard.version, standard.status = kind, version, status
    standard.issued_on, standard.next_review_date = issued_on, next_review_date
    standard.save()
    new = _standard_fields(standard)
    if created:
        audit_record(actor=by, action="catalogue.standard_created", subject=standard, new=new)
    else:
        changed_old, changed_new = _changes(old, new)
        if changed_new:
            audit_record(
                actor=by,
                action="catalogue.standard_changed",
                subject=standard,
                old=changed_old,
                new=changed_new,
            )
    return standard


@transaction.atomic
def standard_set_status(*, by: Any, standard: Standard, status: str) -> Standard:
    """Move a standard to another status (draft, published, under revision, retired)."""
    _require(by, Perm.STANDARDS_MANAGE)
    _check_status(status)
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    if standard.status == status:
        return standard
    old_status = standard.status
    standard.status = status
    standard.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="catalogue.standard_status_changed",
        subject=standard,
        old={"status": old_status},
        new={"status": status},
    )
    return standard
