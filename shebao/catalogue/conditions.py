"""Acceptance conditions (受理条件) as data: the vocabulary an administrator combines per item.

An item's `conditions` is a list of `{"code": ..., "params": {...}}`, part of its canonical form
(`snapshot.py`). Every code of the vocabulary (`VOCABULARY`) has at most one parameter, a label the
service guide prints ("The applicant must be alive" / 申请人须在世) and a check that reads `Facts`
about the applicant on a day and, when it fails, gives the reason naming the fact ("申请人 张三 已登记
死亡（2025-03-01）…"). The facts come from the registry (`cases/services/conditions.py` builds them),
so this module reads no registry table; the catalogue stays below the registry.

The vocabulary:
- `person` / `employer`: who applies — a person, or an employer (by its credit code).
- `alive`: the person is not recorded as deceased. `deceased`: the person named in the case is
  recorded as deceased (survivors' and funeral items: the person named is the insured who died,
  the claimant proves kinship with the materials). `deceased_or_moved_out`: recorded as deceased or
  as moved away (a personal account paid out on death or on settling abroad).
- `enrolled` (insurance_type): an open enrolment in that type today; `ever_enrolled` (insurance_type):
  an enrolment in that type now or before (a pension or unemployment claim after the job ended, a
  survivor's claim after the death ended every enrolment); `not_enrolled` (insurance_type): no open
  enrolment in that type (registration items).
- `not_employed`: no open enrolment through an employer (失业: the job has ended).
- `age_at_least` / `age_at_most` (years): the person's age in whole years on the day.
- `sex` (sex: `M` or `F`, the registry's gender codes).
- `employer_active`: the employer's status is active (not suspended, not deregistered).

Conditions are checked when a case is created (desk, bank outlet, online and phone) and again before
the last step completes it; a failed one refuses the case with its reason (`cases.refused`, reason
`condition`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from shebao.catalogue.models import InsuranceType

PERSON = "person"
EMPLOYER = "employer"

# Parameter kinds.
INSURANCE_TYPE = "insurance_type"
YEARS = "years"
SEX = "sex"
SEXES = ("M", "F")  # the registry's gender codes (registry.models.Gender)


@dataclass(frozen=True)
class Facts:
    """What the conditions read about an applicant on a day (`cases.services.conditions` builds it).

    `kind` is "person", "employer", or "" when the applicant has no record yet.
    """

    on: datetime.date
    kind: str = ""
    name: str = ""
    # a person's record
    deceased: bool = False
    died_on: datetime.date | None = None
    moved_out: bool = False  # moved out of the province (or settled abroad)
    moved_on: datetime.date | None = None
    birth_date: datetime.date | None = None
    sex: str = ""
    open_types: frozenset[str] = frozenset()  # insurance types with an open enrolment
    ever_types: frozenset[str] = frozenset()  # insurance types with any enrolment, open or ended
    employers: tuple[str, ...] = ()  # names of the employers of open enrolments
    # an employer's record
    employer_active: bool = False
    employer_status: str = ""  # the status's label, in the user's language
    employer_status_date: datetime.date | None = None


@dataclass(frozen=True)
class Result:
    """One condition checked: its label, whether it holds and, if not, why (in the user's language)."""

    code: str
    label: str
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Term:
    """One code of the vocabulary."""

    code: str
    param: str | None  # the parameter's kind (INSURANCE_TYPE, YEARS, SEX) or None
    applies_to: str  # PERSON, EMPLOYER or "" (either)
    label: Callable[[Any, Mapping[str, str]], str]
    check: Callable[[Facts, Any, Mapping[str, str], str], str]  # "" when it holds, else the reason
    needs_enrolments: bool = False


def _type_name(code: Any, names: Mapping[str, str]) -> str:
    return names.get(str(code), str(code))


def _sex_name(code: Any) -> str:
    return _("male") if code == "M" else _("female") if code == "F" else str(code)


def _age(facts: Facts) -> int | None:
    born, on = facts.birth_date, facts.on
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _d(value: datetime.date | None) -> str:
    return value.isoformat() if value is not None else "—"


# --- checks: each returns "" when the condition holds, else the reason naming the fact ------------


def _is_person(facts: Facts, _p: Any, _n: Mapping[str, str], item: str) -> str:
    if facts.kind == PERSON:
        return ""
    return _("%(item)s is applied for by a person, not by an employer (%(name)s).") % {
        "item": item,
        "name": facts.name or "—",
    }


def _is_employer(facts: Facts, _p: Any, _n: Mapping[str, str], item: str) -> str:
    if facts.kind == EMPLOYER:
        return ""
    return _("%(item)s is applied for by an employer, not by a person (%(name)s).") % {
        "item": item,
        "name": facts.name or "—",
    }


def _alive(facts: Facts, _p: Any, _n: Mapping[str, str], item: str) -> str:
    if not facts.deceased:
        return ""
    return _("The applicant %(name)s is recorded as deceased (%(date)s): %(item)s cannot be granted.") % {
        "name": facts.name,
        "date": _d(facts.died_on),
        "item": item,
    }


def _deceased(facts: Facts, _p: Any, _n: Mapping[str, str], item: str) -> str:
    if facts.deceased:
        return ""
    return _(
        "%(name)s is not recorded as deceased: %(item)s is claimed for an insured person who died, "
        "once the death is recorded."
    ) % {"name": facts.name, "item": item}


def _deceased_or_moved_out(facts: Facts, _p: Any, _n: Mapping[str, str], item: str) -> str:
    if facts.deceased or facts.moved_out:
        return ""
    return _(
        "%(name)s is recorded neither as deceased nor as having moved away: %(item)s is claimed once the "
        "death or the move is recorded."
    ) % {"name": facts.name, "item": item}


def _enrolled(facts: Facts, code: Any, names: Mapping[str, str], item: str) -> str:
    if code in facts.open_types:
        return ""
    return _("%(name)s is not currently enrolled in %(type)s: %(item)s needs that enrolment.") % {
        "name": facts.name,
        "type": _type_name(code, names),
        "item": item,
    }


def _ever_enrolled(facts: Facts, code: Any, names: Mapping[str, str], item: str) -> str:
    if code in facts.ever_types:
        return ""
    return _("%(name)s has never been enrolled in %(type)s: %(item)s needs that insurance.") % {
        "name": facts.name,
        "type": _type_name(code, names),
        "item": item,
    }


def _not_enrolled(facts: Facts, code: Any, names: Mapping[str, str], item: str) -> str:
    if code not in facts.open_types:
        return ""
    return _("%(name)s is already enrolled in %(type)s.") % {
        "name": facts.name,
        "type": _type_name(code, names),
    }


def _not_employed(facts: Facts, _p: Any, _n: Mapping[str, str], item: str) -> str:
    if not facts.employers:
        return ""
    return _(
        "%(name)s is still insured through an employer (%(employers)s): %(item)s is for people whose job has ended."
    ) % {
        "name": facts.name,
        "employers": "、".join(facts.employers),
        "item": item,
    }


def _age_at_least(facts: Facts, years: Any, _n: Mapping[str, str], item: str) -> str:
    age = _age(facts)
    if age is not None and age >= int(years):
        return ""
    return _("%(name)s is %(age)s years old on %(date)s: %(item)s needs an age of at least %(years)s.") % {
        "name": facts.name,
        "age": age if age is not None else "—",
        "date": _d(facts.on),
        "item": item,
        "years": years,
    }


def _age_at_most(facts: Facts, years: Any, _n: Mapping[str, str], item: str) -> str:
    age = _age(facts)
    if age is not None and age <= int(years):
        return ""
    return _("%(name)s is %(age)s years old on %(date)s: %(item)s is for people of at most %(years)s.") % {
        "name": facts.name,
        "age": age if age is not None else "—",
        "date": _d(facts.on),
        "item": item,
        "years": years,
    }


def _sex(facts: Facts, sex: Any, _n: Mapping[str, str], item: str) -> str:
    if facts.sex == sex:
        return ""
    return _("%(name)s is recorded as %(sex)s: %(item)s is for %(wanted)s applicants only.") % {
        "name": facts.name,
        "sex": _sex_name(facts.sex),
        "item": item,
        "wanted": _sex_name(sex),
    }


def _employer_active(facts: Facts, _p: Any, _n: Mapping[str, str], item: str) -> str:
    if facts.employer_active:
        return ""
    return _("The employer %(name)s is %(status)s (since %(date)s): %(item)s needs an active employer.") % {
        "name": facts.name,
        "status": facts.employer_status,
        "date": _d(facts.employer_status_date),
        "item": item,
    }


VOCABULARY: dict[str, Term] = {
    t.code: t
    for t in (
        Term("person", None, "", lambda p, n: _("The applicant is a person"), _is_person),
        Term("employer", None, "", lambda p, n: _("The applicant is an employer"), _is_employer),
        Term("alive", None, PERSON, lambda p, n: _("The applicant must be alive"), _alive),
        Term(
            "deceased",
            None,
            PERSON,
            lambda p, n: _("The insured person named must be recorded as deceased"),
            _deceased,
        ),
        Term(
            "deceased_or_moved_out",
            None,
            PERSON,
            lambda p, n: _("The insured person named must be recorded as deceased or as having moved away"),
            _deceased_or_moved_out,
        ),
        Term(
            "enrolled",
            INSURANCE_TYPE,
            PERSON,
            lambda p, n: _("Must be enrolled in %(type)s") % {"type": _type_name(p, n)},
            _enrolled,
            needs_enrolments=True,
        ),
        Term(
            "ever_enrolled",
            INSURANCE_TYPE,
            PERSON,
            lambda p, n: _("Must be or have been enrolled in %(type)s") % {"type": _type_name(p, n)},
            _ever_enrolled,
            needs_enrolments=True,
        ),
        Term(
            "not_enrolled",
            INSURANCE_TYPE,
            PERSON,
            lambda p, n: _("Must not already be enrolled in %(type)s") % {"type": _type_name(p, n)},
            _not_enrolled,
            needs_enrolments=True,
        ),
        Term(
            "not_employed",
            None,
            PERSON,
            lambda p, n: _("Must not be insured through an employer at present"),
            _not_employed,
            needs_enrolments=True,
        ),
        Term(
            "age_at_least",
            YEARS,
            PERSON,
            lambda p, n: _("Aged at least %(years)s") % {"years": p},
            _age_at_least,
        ),
        Term(
            "age_at_most",
            YEARS,
            PERSON,
            lambda p, n: _("Aged at most %(years)s") % {"years": p},
            _age_at_most,
        ),
        Term("sex", SEX, PERSON, lambda p, n: _("Only for %(sex)s applicants") % {"sex": _sex_name(p)}, _sex),
        Term(
            "employer_active",
            None,
            EMPLOYER,
            lambda p, n: _("The employer must be active (not suspended or deregistered)"),
            _employer_active,
        ),
    )
}

# Pairs that can never both hold: publication refuses an item naming both.
CONTRADICTIONS = (("person", "employer"), ("alive", "deceased"), ("alive", "deceased_or_moved_out"))


def param_of(condition: Mapping[str, Any]) -> Any:
    """The condition's one parameter value (None for a code without one)."""
    term = VOCABULARY.get(str(condition.get("code") or ""))
    params = condition.get("params") or {}
    if term is None or term.param is None or not isinstance(params, Mapping):
        return None
    return params.get(term.param)


def insurance_type_names() -> dict[str, str]:
    """Insurance-type names in the user's language, for labels and reasons (one query)."""
    return {t.code: t.name for t in InsuranceType.objects.all()}


def normalise(conditions: Any) -> Any:
    """The canonical form: a list of {"code", "params"} with a number of years as an int. Anything
    that is not a list of dicts is returned as given (the rules then say what is wrong)."""
    if not isinstance(conditions, list | tuple):
        return conditions
    out: list[Any] = []
    for c in conditions:
        if not isinstance(c, Mapping):
            out.append(c)
            continue
        code = str(c.get("code") or "").strip()
        params = (
            dict(c.get("params") or {}) if isinstance(c.get("params") or {}, Mapping) else c.get("params")
        )
        term = VOCABULARY.get(code)
        if term is not None and term.param == YEARS and isinstance(params, dict):
            value = params.get(YEARS)
            if isinstance(value, str) and value.strip().isdigit():
                params[YEARS] = int(value.strip())
        out.append({"code": code, "params": params})
    return out


def problems(conditions: Any, *, type_codes: Iterable[str]) -> list[str]:
    """What is wrong with an item's conditions (unknown codes, bad parameters, contradictions)."""
    if conditions in (None, ""):
        return []
    if not isinstance(conditions, list | tuple):
        return [_("The acceptance conditions must be a list.")]
    known_types = set(type_codes)
    found: list[str] = []
    codes: list[str] = []
    for i, c in enumerate(conditions, start=1):
        if not isinstance(c, Mapping):
            found.append(_("Condition %(n)s is not of the form {code, params}.") % {"n": i})
            continue
        code = str(c.get("code") or "")
        term = VOCABULARY.get(code)
        if term is None:
            found.append(
                _("Condition %(n)s: unknown code '%(code)s' (known: %(known)s).")
                % {"n": i, "code": code, "known": ", ".join(VOCABULARY)}
            )
            continue
        codes.append(code)
        params = c.get("params") or {}
        if not isinstance(params, Mapping):
            found.append(
                _("Condition %(n)s (%(code)s): its parameters must be a mapping.") % {"n": i, "code": code}
            )
            continue
        extra = sorted(set(params) - ({term.param} if term.param else set()))
        if extra:
            found.append(
                _("Condition %(n)s (%(code)s) takes no parameter %(names)s.")
                % {"n": i, "code": code, "names": ", ".join(extra)}
            )
        if term.param is None:
            continue
        value = params.get(term.param)
        if term.param == INSURANCE_TYPE and value not in known_types:
            found.append(
                _("Condition %(n)s (%(code)s): '%(value)s' is not a known insurance type.")
                % {"n": i, "code": code, "value": value if value is not None else ""}
            )
        elif term.param == YEARS and not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 120
        ):
            found.append(
                _("Condition %(n)s (%(code)s): the age must be a whole number of years from 0 to 120.")
                % {"n": i, "code": code}
            )
        elif term.param == SEX and value not in SEXES:
            found.append(_("Condition %(n)s (%(code)s): the sex must be M or F.") % {"n": i, "code": code})
    for a, b in CONTRADICTIONS:
        if a in codes and b in codes:
            found.append(_("The conditions '%(a)s' and '%(b)s' can never both hold.") % {"a": a, "b": b})
    return found


def label(condition: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The condition in words, in the user's language (an unknown code is shown as it is)."""
    term = VOCABULARY.get(str(condition.get("code") or ""))
    if term is None:
        return str(condition.get("code") or "")
    return term.label(param_of(condition), names)


def labels(conditions: Iterable[Mapping[str, Any]], names: Mapping[str, str] | None = None) -> list[str]:
    """Every condition of an item in words (the service guide's list)."""
    conditions = list(conditions or [])
    if names is None:
        needs_names = any(
            (t := VOCABULARY.get(str(c.get("code") or ""))) is not None and t.param == INSURANCE_TYPE
            for c in conditions
        )
        names = insurance_type_names() if needs_names else {}
    return [label(c, names) for c in conditions]


def needs_enrolments(conditions: Iterable[Mapping[str, Any]]) -> bool:
    """Whether checking these conditions reads the applicant's enrolments (one more query)."""
    return any(
        (term := VOCABULARY.get(str(c.get("code") or ""))) is not None and term.needs_enrolments
        for c in conditions or []
    )


def evaluate(
    conditions: Iterable[Mapping[str, Any]],
    facts: Facts,
    *,
    item_name: str,
    names: Mapping[str, str] | None = None,
) -> list[Result]:
    """Check every condition against the facts; each result says whether it holds and why not.

    An applicant without a record fails every condition that reads one; a person's condition fails for
    an employer (and the other way round) with the reason that the item is for the other kind.
    """
    conditions = list(conditions or [])
    if not conditions:
        return []
    if names is None:
        names = insurance_type_names()
    results: list[Result] = []
    for c in conditions:
        code = str(c.get("code") or "")
        term = VOCABULARY.get(code)
        if term is None:  # publication refuses unknown codes; never let one through unchecked
            results.append(
                Result(code, code, False, _("Unknown acceptance condition '%(code)s'.") % {"code": code})
            )
            continue
        text = term.label(param_of(c), names)
        if not facts.kind and code not in ("person", "employer"):
            reason = _("The applicant has no record yet: %(item)s needs one.") % {"item": item_name}
        elif term.applies_to == PERSON and facts.kind != PERSON:
            reason = _is_person(facts, None, names, item_name)
        elif term.applies_to == EMPLOYER and facts.kind != EMPLOYER:
            reason = _is_employer(facts, None, names, item_name)
        else:
            reason = term.check(facts, param_of(c), names, item_name)
        results.append(Result(code, text, not reason, reason))
    return results


def failures(results: Iterable[Result]) -> list[str]:
    """The reasons of the failed conditions, each once, in order."""
    seen: list[str] = []
    for r in results:
        if not r.ok and r.reason not in seen:
            seen.append(r.reason)
    return seen


# --- text form (the .xlsx column and the item editor): "alive; enrolled:employee_pension" ---------


def to_text(conditions: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for c in conditions or []:
        value = param_of(c)
        parts.append(f"{c.get('code')}:{value}" if value is not None else str(c.get("code") or ""))
    return "; ".join(parts)


def from_text(text: Any) -> list[dict[str, Any]]:
    """Parse "code; code:value; …" (separators ; ； or new lines). Unknown codes are kept for the
    rules to name; a value for a code without a parameter is kept under "value" so they refuse it."""
    out: list[dict[str, Any]] = []
    raw = str(text or "").replace("；", ";").replace("\n", ";")
    for part in raw.split(";"):
        part = part.strip()
        if not part:
            continue
        code, _sep, value = (s.strip() for s in part.replace("：", ":").partition(":"))
        term = VOCABULARY.get(code)
        params: dict[str, Any] = {}
        if value:
            key = term.param if term is not None and term.param else "value"
            params[key] = int(value) if key == YEARS and value.isdigit() else value
        out.append({"code": code, "params": params})
    return out
