"""Other departments reading the registry (一次采集、多方共享): their clients, keys, scopes and access log.

A department client (税务局, 医保局, 民政局 …) holds one API key and a scope: which fields of which
record types it may read. Only a SHA-256 hash of the key is stored; the key is shown once, when it
is issued. Every read through the API — allowed or refused — writes exactly one `DepartmentAccess`
row with the client, the record's database id (never its ID number), the purpose given and the
fields returned.

Services (`department_client_issue`, `…_revoke`, `…_set_scope`) check, then act, and are audited.
`department_authenticate` finds the client for a key; `department_read_person` /
`department_read_employer` do one read, log it and either return the data or raise
`DepartmentReadRefused` (the log row is already written when it is raised).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shebao.audit.services import audit_record
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.masking import mask_id_number
from shebao.core.permissions import Perm
from shebao.registry.identity import EMPLOYER, PERSON, check_identifier
from shebao.registry.models import (
    DepartmentAccess,
    DepartmentClient,
    Employer,
    Enrolment,
    Person,
)
from shebao.registry.selectors import employer_by_credit_code, person_by_id_number

# --- what a scope may name ---------------------------------------------------------------------------


class RecordType:
    PERSON = "person"
    EMPLOYER = "employer"
    ENROLMENT = "enrolment"


RECORD_TYPE_LABELS: dict[str, Any] = {
    RecordType.PERSON: gettext_lazy("Insured person"),
    RecordType.EMPLOYER: gettext_lazy("Employer"),
    RecordType.ENROLMENT: gettext_lazy("Enrolment"),
}

# The fields a scope may name, per record type, in display order. Each must be named explicitly:
# there is no "all fields" wildcard, so a bank account is read only by a client whose scope lists it.
SCOPE_FIELDS: dict[str, tuple[str, ...]] = {
    RecordType.PERSON: (
        "id_number",
        "name",
        "gender",
        "birth_date",
        "status",
        "status_date",
        "household_type",
        "region",
        "phone",
        "address",
        "bank_name",
        "bank_account",
    ),
    RecordType.EMPLOYER: (
        "name",
        "employer_type",
        "industry",
        "injury_risk_class",
        "status",
        "status_date",
        "region",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "address",
        "bank_name",
        "bank_account",
    ),
    RecordType.ENROLMENT: ("insurance_type", "employer", "status", "status_date", "start_date", "end_date"),
}

_MODELS: dict[str, type[models.Model]] = {
    RecordType.PERSON: Person,
    RecordType.EMPLOYER: Employer,
    RecordType.ENROLMENT: Enrolment,
}

# Well-known departments (suggested in the form; any short code is accepted).
DEPARTMENTS: dict[str, Any] = {
    "tax": gettext_lazy("Tax bureau (税务)"),
    "medical_security": gettext_lazy("Medical security bureau (医保)"),
    "civil_affairs": gettext_lazy("Civil affairs (民政)"),
}

PURPOSE_MIN, PURPOSE_MAX = 4, 200
KEY_PREFIX_LENGTH = 8


# Labels for scope fields whose model field has no verbose name of its own.
_FIELD_LABELS: dict[tuple[str, str], Any] = {
    (RecordType.ENROLMENT, "insurance_type"): gettext_lazy("Insurance type"),
    (RecordType.ENROLMENT, "employer"): gettext_lazy("Employer"),
}


def field_label(record_type: str, name: str) -> str:
    """The model's verbose name of a scope field, in the active language."""
    if (record_type, name) in _FIELD_LABELS:
        return str(_FIELD_LABELS[(record_type, name)])
    model_field = _MODELS[record_type]._meta.get_field(name)
    return str(getattr(model_field, "verbose_name", name))


def scope_choices() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(record type, label, [(field, label)]) for the scope check boxes."""
    return [
        (rt, str(RECORD_TYPE_LABELS[rt]), [(f, field_label(rt, f)) for f in fields])
        for rt, fields in SCOPE_FIELDS.items()
    ]


def scope_clean(scope: Any) -> dict[str, list[str]]:
    """The scope in canonical form (known record types and fields, display order), or a refusal
    naming every unknown record type and field."""
    if not isinstance(scope, Mapping):
        raise ApplicationError("invalid_scope", _("The scope must map record types to lists of fields."))
    problems: list[str] = []
    clean: dict[str, list[str]] = {}
    for record_type, fields in scope.items():
        allowed = SCOPE_FIELDS.get(str(record_type))
        if allowed is None:
            problems.append(
                _("'%(type)s' is not a record type (one of %(allowed)s).")
                % {"type": record_type, "allowed": ", ".join(SCOPE_FIELDS)}
            )
            continue
        if isinstance(fields, str) or not isinstance(fields, Iterable):
            problems.append(_("The fields of '%(type)s' must be a list.") % {"type": record_type})
            continue
        names = [str(f).strip() for f in fields if str(f).strip()]
        for name in names:
            if name not in allowed:
                problems.append(
                    _("'%(field)s' is not a field of %(type)s that may be shared (one of %(allowed)s).")
                    % {"field": name, "type": record_type, "allowed": ", ".join(allowed)}
                )
        chosen = [f for f in allowed if f in names]
        if chosen:
            clean[str(record_type)] = chosen
    if problems:
        raise ApplicationError(
            "invalid_scope", _("The scope names fields that cannot be shared."), details=problems
        )
    if not clean:
        raise ApplicationError("invalid_scope", _("Choose at least one field the client may read."))
    return clean


def scope_parse(items: Iterable[str]) -> dict[str, list[str]]:
    """`["person:name,status", "employer:name"]` (the command's form) → a scope dict (not yet cleaned)."""
    scope: dict[str, list[str]] = {}
    for item in items:
        record_type, sep, fields = item.partition(":")
        if not sep:
            raise ApplicationError(
                "invalid_scope",
                _("'%(item)s' should read record_type:field,field (e.g. person:name,status).")
                % {"item": item},
            )
        scope.setdefault(record_type.strip(), []).extend(f.strip() for f in fields.split(",") if f.strip())
    return scope


# --- keys --------------------------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_key() -> str:
    while True:
        key = secrets.token_urlsafe(32)
        if not DepartmentClient.objects.filter(key_prefix=key[:KEY_PREFIX_LENGTH]).exists():
            return key


def _check_by(by: Any) -> None:
    if by is not None and not by.has_perm_code(Perm.DEPARTMENT_CLIENTS):
        raise PermissionDeniedError(_("Your posts do not allow managing other departments' API access."))


def _client_state(client: DepartmentClient) -> dict[str, Any]:
    return {
        "name": client.name,
        "department": client.department,
        "key_prefix": client.key_prefix,
        "scope": client.scope,
        "active": client.active,
    }


@transaction.atomic
def department_client_issue(
    *, by: Any, name: str, department: str, scope: dict[str, Any], key: str | None = None
) -> tuple[DepartmentClient, str]:
    """Create a client and return it with its key — the only time the key is ever available.

    `key` is for the demo seed only (deterministic demo keys); otherwise a random one is made.
    """
    _check_by(by)
    name = (name or "").strip()
    department = (department or "").strip()
    problems = []
    if not name:
        problems.append(_("name: a client needs a name."))
    elif len(name) > 80:
        problems.append(_("name: at most 80 characters."))
    if not department:
        problems.append(_("department: say which department the client belongs to."))
    elif len(department) > 40:
        problems.append(_("department: at most 40 characters."))
    if problems:
        raise ApplicationError("invalid", _("The client cannot be issued."), details=problems)
    clean = scope_clean(scope)
    if DepartmentClient.objects.filter(name=name).exists():
        raise ApplicationError(
            "duplicate_client", _("There is already a client named %(name)s.") % {"name": name}
        )
    key = key or _new_key()
    try:
        with transaction.atomic():
            client = DepartmentClient.objects.create(
                name=name,
                department=department,
                key_prefix=key[:KEY_PREFIX_LENGTH],
                key_hash=_hash(key),
                scope=clean,
                active=True,
            )
    except IntegrityError:  # the same name issued at the same moment by someone else
        raise ApplicationError(
            "duplicate_client", _("There is already a client named %(name)s.") % {"name": name}
        ) from None
    audit_record(
        actor=by, action="registry.department_client_issued", subject=client, new=_client_state(client)
    )
    return client, key


@transaction.atomic
def department_client_revoke(*, by: Any, client: DepartmentClient) -> DepartmentClient:
    """Switch the client off: its key no longer opens anything. The access log is kept."""
    _check_by(by)
    client = DepartmentClient.objects.select_for_update().get(pk=client.pk)
    if not client.active:
        raise ApplicationError(
            "already_revoked", _("The key of %(name)s is already revoked.") % {"name": client.name}
        )
    client.active = False
    client.save(update_fields=["active"])
    audit_record(
        actor=by,
        action="registry.department_client_revoked",
        subject=client,
        old={"active": True},
        new={"active": False},
    )
    return client


@transaction.atomic
def department_client_set_scope(
    *, by: Any, client: DepartmentClient, scope: dict[str, Any]
) -> DepartmentClient:
    """Change which fields the client may read; the old and new scope are audited."""
    _check_by(by)
    clean = scope_clean(scope)
    client = DepartmentClient.objects.select_for_update().get(pk=client.pk)
    old = client.scope
    if old == clean:
        return client
    client.scope = clean
    client.save(update_fields=["scope"])
    audit_record(
        actor=by,
        action="registry.department_client_scope_changed",
        subject=client,
        old={"scope": old},
        new={"scope": clean},
    )
    return client


class DepartmentAuthError(ApplicationError):
    """An unknown, wrong or revoked key: one message, with no hint which."""

    def __init__(self) -> None:
        super().__init__(
            "not_authenticated",
            gettext_lazy("A valid department API key is required (Authorization: Bearer <key>)."),
            status=401,
        )


_DUMMY_HASH = _hash("no such key")


def department_authenticate(key: str) -> DepartmentClient:
    """The active client holding `key`; `DepartmentAuthError` for anything else."""
    key = (key or "").strip()
    client = (
        DepartmentClient.objects.filter(key_prefix=key[:KEY_PREFIX_LENGTH]).first()
        if len(key) > KEY_PREFIX_LENGTH
        else None
    )
    # Compare even when there is no client, so the answer takes as long either way.
    matches = hmac.compare_digest(client.key_hash if client else _DUMMY_HASH, _hash(key))
    if client is None or not matches or not client.active:
        raise DepartmentAuthError()
    return client


# --- reading -----------------------------------------------------------------------------------------


def purpose_clean(value: str | None) -> str:
    purpose = " ".join((value or "").split())
    if not PURPOSE_MIN <= len(purpose) <= PURPOSE_MAX:
        raise ApplicationError(
            "purpose_required",
            _(
                "Say why the record is read: a purpose of %(min)s to %(max)s characters "
                "(header X-Purpose or query parameter purpose)."
            )
            % {"min": PURPOSE_MIN, "max": PURPOSE_MAX},
        )
    return purpose


class DepartmentReadRefused(ApplicationError):
    """A read that was refused (and already logged)."""


@dataclass
class _Access:
    client: DepartmentClient
    record_type: str
    purpose: str
    record_key: str = ""
    fields: list[str] = field(default_factory=list)

    def log(self, *, allowed: bool, reason: str = "") -> DepartmentAccess:
        return DepartmentAccess.objects.create(
            client=self.client,
            record_type=self.record_type,
            record_key=self.record_key,
            purpose=self.purpose[:PURPOSE_MAX],
            fields=self.fields if allowed else [],
            allowed=allowed,
            reason=reason[:200],
        )

    def refuse(self, code: str, reason: str, message: Any, status: int) -> DepartmentReadRefused:
        self.log(allowed=False, reason=reason)
        return DepartmentReadRefused(code, message, status=status)


def _value(obj: models.Model, name: str) -> Any:
    if name == "region":
        return obj.region.code  # type: ignore[attr-defined]
    if name == "insurance_type":
        return obj.insurance_type.code  # type: ignore[attr-defined]
    if name == "employer":
        employer = obj.employer  # type: ignore[attr-defined]
        return employer.credit_code if employer is not None else None
    value = getattr(obj, name)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _start(client: DepartmentClient, record_type: str, purpose: str | None) -> _Access:
    """Check purpose and scope for the record type; every refusal is logged."""
    access = _Access(client=client, record_type=record_type, purpose=" ".join((purpose or "").split()))
    try:
        access.purpose = purpose_clean(purpose)
    except ApplicationError as exc:
        access.log(allowed=False, reason="purpose_missing")
        raise DepartmentReadRefused(exc.code, exc.message, status=400) from None
    if not client.scope.get(record_type):
        raise access.refuse(
            "out_of_scope",
            f"no_scope:{record_type}",
            _("Your client may not read %(type)s records.") % {"type": RECORD_TYPE_LABELS[record_type]},
            403,
        )
    return access


def _checked(access: _Access, value: str, kind: str) -> str:
    """The number checked as the desk checks it; a malformed one is refused (400, logged) with the reason."""
    try:
        return check_identifier(value, kind=kind).number
    except ApplicationError as exc:
        raise access.refuse(exc.code, "invalid_number", exc.message, 400) from None


def department_read_person(
    *, client: DepartmentClient, id_number: str, purpose: str | None, include: Iterable[str] = ()
) -> dict[str, Any]:
    """One person as `client` may see them: the fields of its `person` scope, the ID number masked
    unless the scope lists it, and (with `include=["enrolments"]`) the enrolments its `enrolment`
    scope allows. Logged once; a refusal raises `DepartmentReadRefused` after logging."""
    access = _start(client, RecordType.PERSON, purpose)
    includes = {i.strip() for i in include if i.strip()}
    unknown = includes - {"enrolments"}
    if unknown:
        raise access.refuse(
            "invalid_parameter",
            "invalid_include",
            _("'%(value)s' cannot be included (only enrolments).") % {"value": ", ".join(sorted(unknown))},
            400,
        )
    number = _checked(access, id_number, PERSON)
    person = person_by_id_number(number)
    if person is None:
        raise access.refuse(
            "not_found", "not_found", _("There is no insured person with this ID number."), 404
        )
    access.record_key = str(person.pk)
    if includes and not client.scope.get(RecordType.ENROLMENT):
        raise access.refuse(
            "out_of_scope",
            f"no_scope:{RecordType.ENROLMENT}",
            _("Your client may not read %(type)s records.")
            % {"type": RECORD_TYPE_LABELS[RecordType.ENROLMENT]},
            403,
        )
    fields = client.scope[RecordType.PERSON]
    data: dict[str, Any] = {}
    if "id_number" in fields:
        data["id_number"] = person.id_number
        access.fields.append("id_number")
    else:
        data["id_number"] = mask_id_number(person.id_number)
        access.fields.append("id_number:masked")
    for name in fields:
        if name != "id_number":
            data[name] = _value(person, name)
            access.fields.append(name)
    if includes:
        enrolment_fields = client.scope[RecordType.ENROLMENT]
        enrolments = Enrolment.objects.filter(person=person).select_related("insurance_type", "employer")
        data["enrolments"] = [{f: _value(e, f) for f in enrolment_fields} for e in enrolments]
        access.fields.extend(f"enrolment.{f}" for f in enrolment_fields)
    access.log(allowed=True)
    return data


def department_read_employer(
    *, client: DepartmentClient, credit_code: str, purpose: str | None
) -> dict[str, Any]:
    """One employer as `client` may see it: its credit code and the fields of the `employer` scope."""
    access = _start(client, RecordType.EMPLOYER, purpose)
    employer = employer_by_credit_code(_checked(access, credit_code, EMPLOYER))
    if employer is None:
        raise access.refuse("not_found", "not_found", _("There is no employer with this credit code."), 404)
    access.record_key = str(employer.pk)
    fields = client.scope[RecordType.EMPLOYER]
    data: dict[str, Any] = {"credit_code": employer.credit_code}
    access.fields.append("credit_code")
    for name in fields:
        data[name] = _value(employer, name)
        access.fields.append(name)
    access.log(allowed=True)
    return data


def access_reason_label(reason: str) -> str:
    """A refusal reason of the access log (a stable code) in the active language."""
    kind, _sep, record_type = reason.partition(":")
    if kind == "no_scope":
        label = RECORD_TYPE_LABELS.get(record_type, record_type)
        return _("No scope for %(type)s records") % {"type": label}
    labels = {
        "purpose_missing": _("No purpose given"),
        "not_found": _("No such record"),
        "invalid_include": _("Bad include parameter"),
        "invalid_number": _("Malformed ID number or credit code"),
    }
    return labels.get(kind, reason)


# --- selectors for the pages --------------------------------------------------------------------------


def department_client_list() -> QuerySet[DepartmentClient]:
    return DepartmentClient.objects.order_by("-active", "name")


def department_access_list(
    *,
    client: DepartmentClient | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    allowed: bool | None = None,
) -> QuerySet[DepartmentAccess]:
    """The access log, newest first, narrowed by client, day range and outcome."""
    rows = DepartmentAccess.objects.select_related("client").order_by("-at", "-id")
    if client is not None:
        rows = rows.filter(client=client)
    if date_from is not None:
        rows = rows.filter(at__date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(at__date__lte=date_to)
    if allowed is not None:
        rows = rows.filter(allowed=allowed)
    return rows


# --- demo ----------------------------------------------------------------------------------------------

# Demo keys are derived from this published secret, so the README can show a working curl example.
# They are for the demo only: a real deployment issues keys with `department_client issue` or the
# page, which makes random ones.
DEMO_SECRET = b"shebao-demo-department-keys-not-for-production"

DEMO_CLIENTS: dict[str, tuple[str, dict[str, list[str]]]] = {
    "tax": (
        "税务局",
        {
            "person": ["name", "status", "household_type"],
            "employer": ["name", "status", "industry", "employer_type"],
        },
    ),
    "medical_security": (
        "医保局",
        {
            "person": ["name", "gender", "birth_date", "status"],
            "enrolment": ["insurance_type", "status", "start_date", "end_date"],
        },
    ),
    "civil_affairs": ("民政局", {"person": ["name", "status", "status_date"]}),
}


def demo_key(department: str) -> str:
    """The fixed demo key of a demo department: HMAC-SHA256(DEMO_SECRET, department), URL-safe base64."""
    digest = hmac.new(DEMO_SECRET, department.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@transaction.atomic
def seed_department_clients(*, by: Any = None) -> dict[str, str]:
    """Create (or reset) the three demo clients 税务局, 医保局 and 民政局; returns {department: key}.

    Idempotent: a demo client that exists gets its demo scope, demo key and active state back.
    """
    keys: dict[str, str] = {}
    for department, (name, scope) in DEMO_CLIENTS.items():
        key = demo_key(department)
        client = DepartmentClient.objects.filter(name=name).first()
        if client is None:
            department_client_issue(by=by, name=name, department=department, scope=scope, key=key)
        elif (client.key_hash, client.scope, client.active, client.department) != (
            _hash(key),
            scope_clean(scope),
            True,
            department,
        ):
            old = _client_state(client)
            client.key_prefix, client.key_hash = key[:KEY_PREFIX_LENGTH], _hash(key)
            client.scope, client.active, client.department = scope_clean(scope), True, department
            client.save()
            audit_record(
                actor=by,
                action="registry.department_client_demo_reset",
                subject=client,
                old=old,
                new=_client_state(client),
            )
        keys[department] = key
    return keys
