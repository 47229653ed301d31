"""The registry of effect handlers, keyed by effect code, and the contract each declares once.

What a catalogue item *does* when its case completes (creates an enrolment, changes key data, …)
is a small function registered here under an effect code; the item names the code in
`ServiceItem.effect_code`. Publishing an edition refuses an item whose effect code has no handler.
Apps register their handlers in `AppConfig.ready()`, each with its declaration:

- `applicant`: whose record the case is about (`person` or `employer`); its key (`id_number`,
  `credit_code`) comes from the applicant identified at the desk or signed in online, never typed;
- `fields`: the data the handler takes (`EffectField`: name, kind, labels in both languages,
  required, limits, the registry field it writes, asked only for a new applicant). The desk form, the
  online form, the API's item schema and the review page are all built from them;
- `registers_applicant`: the case may create the applicant's record (个人参保登记, 单位参保登记): the
  desk offers it for an ID number or credit code not yet registered; `registers_only`: it does
  nothing else, so it is never offered for a registered applicant (nor online, where the account
  already has its record);
- `writes`: the registry fields it changes (`"person.name"`, …), so a publication rule can tell key
  data (`KEY_DATA`) and fund data (`FUND_DATA`) and keep them to special items with review and
  sign-off, never offered at a bank outlet;
- `preview(data) -> Preview`: what completing will change, value now and value after, read from the
  registry before completion; `outcome(effect_result) -> Outcome`: what it did, with links.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, override

EffectHandler = Callable[..., Any]

PERSON = "person"
EMPLOYER = "employer"
# The data key that names the applicant's record, per kind of applicant.
APPLICANT_KEYS = {PERSON: "id_number", EMPLOYER: "credit_code"}

# 关键信息 and 基金相关信息 of a person (DESIGN.md principle 3): only special items with review and
# sign-off may write them, and no bank outlet may offer such an item.
KEY_DATA = frozenset({"person.name", "person.id_number", "person.birth_date", "person.gender"})
FUND_DATA = frozenset({"person.bank_name", "person.bank_account"})


class FieldKind:
    """How a field is typed, shown and checked (the forms and the API schema map these)."""

    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    INSURANCE_TYPE = "insurance_type"  # one of the item's insurance types
    INSURANCE_TYPES = "insurance_types"  # a list of them
    ID_NUMBER = "id_number"  # 公民身份号码, check digit verified, masked when shown
    CREDIT_CODE = "credit_code"  # 统一社会信用代码, check digit verified
    PHONE = "phone"
    ACCOUNT = "account"  # a bank account number, masked when shown
    INTEGER = "integer"

    ALL = (
        TEXT,
        DATE,
        CHOICE,
        INSURANCE_TYPE,
        INSURANCE_TYPES,
        ID_NUMBER,
        CREDIT_CODE,
        PHONE,
        ACCOUNT,
        INTEGER,
    )


def _pick(zh: str, en: str) -> str:
    lang = get_language() or "zh-hans"
    return (en or zh) if lang.startswith("en") else (zh or en)


@dataclass(frozen=True)
class Choice:
    """One allowed value; `text` is a lazily translated label (English source, Chinese translation),
    usually a model's `TextChoices` label, so a choice is named once."""

    value: str
    text: Any

    @property
    def label(self) -> str:
        return str(self.text)

    @property
    def label_zh(self) -> str:
        with override("zh-hans"):
            return str(self.text)

    @property
    def label_en(self) -> str:
        with override("en"):
            return str(self.text)


def choices_of(text_choices: Any, *, only: Iterable[str] = ()) -> tuple[Choice, ...]:
    """`Choice`s from a Django `TextChoices` class (optionally only some values)."""
    keep = set(only)
    return tuple(Choice(str(m.value), m.label) for m in text_choices if not keep or m.value in keep)


@dataclass(frozen=True)
class EffectField:
    """One datum an effect takes, declared once for every form, schema and preview."""

    name: str
    kind: str
    label_zh: str
    label_en: str
    required: bool = False
    choices: tuple[Choice, ...] = ()
    max_length: int = 120
    min_value: int | None = None
    max_value: int | None = None
    # The field of the applicant's existing record it changes ("person.phone"), shown as "now → after";
    # empty for data that only fill a new record (registration) or name something else (a date).
    writes: str = ""
    new_applicant: bool = False  # asked only when the case registers the applicant

    def __post_init__(self) -> None:
        if self.kind not in FieldKind.ALL:
            raise ValueError(f"unknown field kind {self.kind!r}")

    @property
    def label(self) -> str:
        return _pick(self.label_zh, self.label_en)

    def choice_label(self, value: Any) -> str:
        for c in self.choices:
            if c.value == str(value):
                return c.label
        return str(value)


@dataclass(frozen=True)
class ChangeRow:
    """One line of a preview: the field, its value now and its value after completion."""

    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class Preview:
    """What completing a case will change: rows (label, now, after) and, for a file, a table."""

    rows: list[ChangeRow] = field(default_factory=list)
    table_head: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fingerprint(self, data: dict[str, Any]) -> str:
        """A short hash of the case data and of everything shown: a reviewer approves only this."""
        payload = {
            "data": data,
            "rows": [[r.label, r.before, r.after] for r in self.rows],
            "table": self.table,
            "notes": self.notes,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Outcome:
    """What a completed case did: a sentence and links to the records it wrote."""

    text: str
    links: list[Link] = field(default_factory=list)


PreviewFn = Callable[["Effect", dict[str, Any]], Preview]
OutcomeFn = Callable[["Effect", dict[str, Any]], Outcome]


@dataclass(frozen=True)
class Effect:
    code: str
    handler: EffectHandler
    label_zh: str
    label_en: str
    applicant: str = PERSON
    fields: tuple[EffectField, ...] = ()
    registers_applicant: bool = False
    registers_only: bool = False
    writes: frozenset[str] = frozenset()
    preview_fn: PreviewFn | None = None
    outcome_fn: OutcomeFn | None = None
    own_page: bool = (
        False  # sent online from a page of its own (the employer's staff file), not the item form
    )

    @property
    def label(self) -> str:
        return _pick(self.label_zh, self.label_en)

    @property
    def applicant_key(self) -> str:
        return APPLICANT_KEYS.get(self.applicant, "")

    @property
    def all_writes(self) -> frozenset[str]:
        return self.writes | {f.writes for f in self.fields if f.writes}

    @property
    def writes_key_data(self) -> bool:
        return bool(self.all_writes & KEY_DATA)

    @property
    def writes_fund_data(self) -> bool:
        return bool(self.all_writes & FUND_DATA)

    @property
    def sensitive(self) -> bool:
        """Writes key or fund data: special items with review and sign-off only, never at a bank."""
        return self.writes_key_data or self.writes_fund_data

    def form_fields(self, *, given: Iterable[str] = (), new_applicant: bool = False) -> list[EffectField]:
        """The fields a form asks for: not those the identified applicant supplies (`given`: an ID
        number, a credit code); the registration fields only for an applicant not yet registered."""
        skip = set(given)
        return [f for f in self.fields if f.name not in skip and (new_applicant or not f.new_applicant)]

    def preview(self, data: dict[str, Any]) -> Preview:
        if self.preview_fn is not None:
            return self.preview_fn(self, dict(data))
        return Preview(
            rows=[ChangeRow(f.label, "", str(data[f.name])) for f in self.fields if data.get(f.name)]
        )

    def outcome(self, effect_result: dict[str, Any]) -> Outcome:
        if self.outcome_fn is not None:
            return self.outcome_fn(self, dict(effect_result or {}))
        return Outcome(text=str((effect_result or {}).get("text") or ""))


_EFFECTS: dict[str, Effect] = {}


def register_effect(
    code: str,
    *,
    label_zh: str,
    label_en: str,
    applicant: str = PERSON,
    fields: Iterable[EffectField] = (),
    registers_applicant: bool = False,
    registers_only: bool = False,
    writes: Iterable[str] = (),
    preview: PreviewFn | None = None,
    outcome: OutcomeFn | None = None,
    own_page: bool = False,
) -> Callable[[EffectHandler], EffectHandler]:
    """Decorator: `@register_effect("registry.person_register", label_zh=..., label_en=..., fields=...)`."""
    if applicant not in APPLICANT_KEYS:
        raise ValueError(f"effect {code!r}: unknown applicant kind {applicant!r}")

    def decorator(handler: EffectHandler) -> EffectHandler:
        if code in _EFFECTS and _EFFECTS[code].handler is not handler:
            raise RuntimeError(f"effect {code!r} registered twice")
        _EFFECTS[code] = Effect(
            code=code,
            handler=handler,
            label_zh=label_zh,
            label_en=label_en,
            applicant=applicant,
            fields=tuple(fields),
            registers_applicant=registers_applicant or registers_only,
            registers_only=registers_only,
            writes=frozenset(writes),
            preview_fn=preview,
            outcome_fn=outcome,
            own_page=own_page,
        )
        return handler

    return decorator


def get_effect(code: str) -> Effect | None:
    return _EFFECTS.get(code)


def effect_codes() -> set[str]:
    return set(_EFFECTS)


def registering_effect_codes(applicant: str) -> set[str]:
    """Codes of the effects that may register a new applicant of this kind (person or employer)."""
    return {e.code for e in _EFFECTS.values() if e.registers_applicant and e.applicant == applicant}


def effect_codes_for(applicant: str) -> set[str]:
    """Codes of the effects whose case is about an applicant of this kind."""
    return {e.code for e in _EFFECTS.values() if e.applicant == applicant}


def sensitive_effect_codes() -> set[str]:
    """Codes of the effects that write key or fund data."""
    return {e.code for e in _EFFECTS.values() if e.sensitive}


def registers_only_effect_codes() -> set[str]:
    """Codes of the effects that only register a new applicant (never for one already registered)."""
    return {e.code for e in _EFFECTS.values() if e.registers_only}


def own_page_effect_codes() -> set[str]:
    """Codes of the effects applied for online on a page of their own, not on the item's form."""
    return {e.code for e in _EFFECTS.values() if e.own_page}
