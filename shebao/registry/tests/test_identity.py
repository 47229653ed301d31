"""Identity numbers: 公民身份号码 and 统一社会信用代码."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from shebao.core.errors import ApplicationError
from shebao.registry.identity import check_credit_code, check_id_number
from shebao.registry.tests.factories import (
    UNKNOWN_PLACE,
    make_credit_code,
    make_id_number,
    with_wrong_check_digit,
)


def _error(value: str, check=check_id_number) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc:
        check(value)
    return exc.value


def test_valid_number_gives_birth_date_and_gender():
    man = check_id_number(make_id_number(birth=datetime.date(1990, 2, 28), gender="M"))
    woman = check_id_number(make_id_number(birth=datetime.date(1975, 12, 1), gender="F"))
    assert (man.birth_date, man.gender, man.birthplace_known, man.warnings) == (
        datetime.date(1990, 2, 28),
        "M",
        True,
        [],
    )
    assert (woman.birth_date, woman.gender) == (datetime.date(1975, 12, 1), "F")


def test_stdnum_example_and_lower_case_x_are_normalised():
    # A known valid number ending in X (GB 11643 example), typed with lower-case x and spaces.
    body = "11010519491231002"
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    assert number.endswith("X")
    check = check_id_number(" " + number.lower()[:6] + " " + number.lower()[6:] + " ")
    assert check.number == number
    assert check.gender == "F"  # 17th digit 2 is even


def test_wrong_check_digit_is_refused():
    error = _error(with_wrong_check_digit(make_id_number()))
    assert error.code == "id_number_invalid"
    assert "公民身份号码" in str(error) and "校验码" in str(error)


def test_wrong_length_is_refused_and_says_the_length():
    error = _error("11010519850307003")
    assert "公民身份号码" in str(error) and "17" in str(error)
    assert "18" in str(error)


def test_letters_in_the_body_are_refused():
    error = _error("11010519850307A035")
    assert "前17位必须是数字" in str(error)


def test_impossible_birth_date_is_refused():
    body = "11010519850230003"  # 30 February
    from stdnum.cn import ric

    error = _error(body + ric.calc_check_digit(body + "0"))
    assert "19850230" in str(error) and "出生日期" in str(error)


def test_birth_date_in_the_future_is_refused():
    future = timezone.localdate() + datetime.timedelta(days=400)
    error = _error(make_id_number(birth=future))
    assert "晚于今天" in str(error)


def test_unknown_birthplace_is_a_warning_not_an_error():
    check = check_id_number(make_id_number(place=UNKNOWN_PLACE))
    assert check.birthplace_known is False
    assert len(check.warnings) == 1
    assert UNKNOWN_PLACE in check.warnings[0] and "地区码" in check.warnings[0]


def test_messages_in_english():
    with translation.override("en"):
        error = _error(with_wrong_check_digit(make_id_number()))
        assert str(error).startswith("ID number: the check digit")
        check = check_id_number(make_id_number(place=UNKNOWN_PLACE))
        assert "region code 990101 is not in the code table" in check.warnings[0]


def test_credit_code_valid_and_normalised():
    code = make_credit_code(7)
    assert check_credit_code(" " + code.lower() + " ") == code
    assert check_credit_code("91110000600037341L") == "91110000600037341L"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9111000060003734", "16"),  # length
        ("91110000600037341I", "I"),  # forbidden letter
        ("91AB0000600037341L", "第3至8位"),  # region code not digits
        ("91110000600037341M", "校验码"),  # check character
        ("", "18位"),
    ],
)
def test_credit_code_refusals_name_the_field_and_reason(value, expected):
    error = _error(value, check_credit_code)
    assert error.code == "credit_code_invalid"
    assert str(error).startswith("统一社会信用代码")
    assert expected in str(error)


def test_credit_code_message_in_english():
    with translation.override("en"):
        assert "check character" in str(_error("91110000600037341M", check_credit_code))
