"""Checking identity numbers: the 公民身份号码 (GB 11643) and the 统一社会信用代码 (GB 32100).

Both raise `ApplicationError` with a message that names the field and the reason. An ID number whose
region code is missing from python-stdnum's bundled table is *not* refused: new region codes appear
every year and a counter must still serve the person, so it is accepted with a warning and
`birthplace_known=False` (see `domain/facts.md`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from shebao.core.errors import ApplicationError

# Birth years before this are typing errors, not people (the oldest living people were born ~1908).
EARLIEST_BIRTH_YEAR = 1890

# GB 32100: every character but I, O, S, V and Z; the region code (characters 3–8) is digits.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class IdCheck:
    """A checked 公民身份号码 and what it says about its holder."""

    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F": the 17th digit, odd for men
    birthplace_known: bool = True
    warnings: list[str] = field(default_factory=list)


def _id_error(message: str) -> ApplicationError:
    return ApplicationError("id_number_invalid", message)


def check_id_number(value: str) -> IdCheck:
    """Check an 18-character ID number; return it normalised with its birth date and gender."""
    raw = "" if value is None else str(value)
    number = ric.compact("".join(raw.split()).replace("-", ""))
    if not number:
        raise _id_error(_("ID number: enter the 18-character number from the identity card."))
    if len(number) != 18:
        raise _id_error(
            _("ID number: it must have 18 characters, this one has %(length)s.") % {"length": len(number)}
        )
    if not number[:17].isdigit() or not number[:17].isascii():
        raise _id_error(_("ID number: the first 17 characters must be digits."))
    if not (number[17].isdigit() and number[17].isascii()) and number[17] != "X":
        raise _id_error(_("ID number: the last character must be a digit or X."))
    if number[17] != ric.calc_check_digit(number):
        raise _id_error(
            _(
                "ID number: the check digit (the last character) does not match the other 17; "
                "look for a typing error."
            )
        )
    try:
        birth_date = ric.get_birth_date(number)
    except ValidationError:
        raise _id_error(
            _("ID number: characters 7–14 (%(digits)s) are not a real birth date.") % {"digits": number[6:14]}
        ) from None
    if birth_date > timezone.localdate():
        raise _id_error(
            _("ID number: the birth date in it (%(date)s) is in the future.")
            % {"date": birth_date.isoformat()}
        )
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise _id_error(
            _("ID number: the birth date in it (%(date)s) is not plausible.")
            % {"date": birth_date.isoformat()}
        )
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    check = IdCheck(number=number, birth_date=birth_date, gender=gender)
    try:
        ric.get_birth_place(number)
    except ValidationError:
        check.birthplace_known = False
        check.warnings.append(
            _(
                "ID number: the region code %(code)s is not in the code table (it may be new); "
                "check it against the identity card."
            )
            % {"code": number[:6]}
        )
    return check


def check_credit_code(value: str) -> str:
    """Check an 18-character 统一社会信用代码; return it normalised (upper case, no spaces)."""
    raw = "" if value is None else str(value)
    code = uscc.compact(raw)
    if not code:
        raise ApplicationError("credit_code_invalid", _("Credit code: enter the 18-character code."))
    if len(code) != 18:
        raise ApplicationError(
            "credit_code_invalid",
            _("Credit code: it must have 18 characters, this one has %(length)s.") % {"length": len(code)},
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ApplicationError(
            "credit_code_invalid",
            _(
                "Credit code: the characters %(chars)s are not allowed (only digits and letters except I, O, S, V, Z)."
            )
            % {"chars": " ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ApplicationError(
            "credit_code_invalid",
            _("Credit code: characters 3–8 are the region code and must be digits."),
        )
    if code[17] != uscc.calc_check_digit(code):
        raise ApplicationError(
            "credit_code_invalid",
            _(
                "Credit code: the check character (the last one) does not match the other 17; "
                "look for a typing error."
            ),
        )
    return code


PERSON = "person"
EMPLOYER = "employer"


@dataclass
class Identifier:
    """A checked identity number: a person's 公民身份号码 or an employer's 统一社会信用代码."""

    kind: str  # PERSON or EMPLOYER
    number: str
    id_check: IdCheck | None = None  # for a person


def looks_like_number(value: str) -> bool:
    """True when `value` is meant as an ID number or credit code rather than a name: Latin letters and
    digits only (spaces and dashes aside), with at least six digits."""
    text = "".join(str(value or "").split()).replace("-", "")
    return bool(text) and text.isascii() and text.isalnum() and sum(c.isdigit() for c in text) >= 6


def _meant_as_credit_code(number: str) -> bool:
    # An ID number is digits with at most a final X; a letter anywhere else makes it a credit code.
    body = number[:-1] if number.endswith("X") else number
    return not body.isdigit()


def check_identifier(value: str, *, kind: str = "") -> Identifier:
    """The one check every channel uses (the desk, the registry search, the department API): an ID
    number (`kind=PERSON`), a credit code (`kind=EMPLOYER`), or either (`kind=""`: valid as one or
    the other, else refused with the reason for what it looks like — a credit code when it holds
    letters other than a final X). Raises `ApplicationError` with the specific reason (length,
    characters, date, check digit)."""
    number = "".join(str(value or "").split()).replace("-", "").upper()
    if kind == PERSON:
        checked = check_id_number(number)
        return Identifier(kind=PERSON, number=checked.number, id_check=checked)
    if kind == EMPLOYER:
        return Identifier(kind=EMPLOYER, number=check_credit_code(number))
    try:
        checked = check_id_number(number)
    except ApplicationError as id_error:
        try:
            return Identifier(kind=EMPLOYER, number=check_credit_code(number))
        except ApplicationError as code_error:
            raise (code_error if _meant_as_credit_code(number) else id_error) from None
    return Identifier(kind=PERSON, number=checked.number, id_check=checked)
