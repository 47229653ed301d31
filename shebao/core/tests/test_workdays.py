import datetime as dt

import pytest
from django.utils import translation

from shebao.core.calendar_file import parse_holiday_file
from shebao.core.errors import ApplicationError
from shebao.core.services import calendar_load_year
from shebao.core.workdays import add_working_days, is_workday, year_is_known

pytestmark = pytest.mark.django_db

HOLIDAYS_2027 = """
# A test notice for 2027 (not the real State Council notice)
year: 2027
source: test notice
holiday: 2027-01-01..2027-01-03 元旦
holiday: 2027-01-04 test holiday on a Monday
workday: 2027-01-09 调休 on a Saturday
"""


def test_ten_working_days_after_spring_festival_eve():
    # 2026-02-14 is a 调休 workday, 2/15–2/23 is the Spring Festival holiday, 2/28 a 调休 workday.
    result = add_working_days(dt.date(2026, 2, 13), 10)
    assert result.date == dt.date(2026, 3, 5)
    assert result.provisional is False


def test_zero_days_is_the_same_day():
    assert add_working_days(dt.date(2026, 5, 6), 0).date == dt.date(2026, 5, 6)


def test_into_an_unknown_year_is_provisional_and_never_crashes():
    result = add_working_days(dt.date(2026, 12, 21), 20)
    assert result.provisional is True
    assert result.unknown_years == (2027,)
    # Weekdays only in 2027: 12/22–12/31 gives 8 working days, then 12 weekdays of January 2027.
    assert result.date == dt.date(2027, 1, 18)


def test_loading_the_year_makes_the_date_exact(admin_user):
    assert not year_is_known(2027)
    calendar_load_year(text=HOLIDAYS_2027, by=admin_user)
    result = add_working_days(dt.date(2026, 12, 21), 20)
    assert result.provisional is False
    # 1/1 (Fri) and 1/4 (Mon) are holidays, 1/9 (Sat) is a workday: 8 days in 2026, then
    # 1/5,6,7,8,9,11,12,13,14,15,18,19 are the remaining 12.
    assert result.date == dt.date(2027, 1, 19)
    assert year_is_known(2027)
    assert is_workday(dt.date(2027, 1, 9)) is True
    assert is_workday(dt.date(2027, 1, 4)) is False


def test_loaded_year_overrides_chinese_calendar(admin_user):
    calendar_load_year(text="year: 2026\nholiday: 2026-03-02 local test holiday\n", by=admin_user)
    assert is_workday(dt.date(2026, 3, 2)) is False
    # Days not listed fall back to Monday–Friday within a loaded year.
    assert is_workday(dt.date(2026, 3, 3)) is True


BAD_FILE = "year: 2027\nholiday: 2027-13-01 bad\nworkday: 2028-01-01 wrong year\nfoo: bar\n"


def test_bad_holiday_file_lists_every_error():
    with translation.override("en"), pytest.raises(ApplicationError) as exc:
        parse_holiday_file(BAD_FILE)
    details = " ".join(exc.value.details)
    assert "Line 2" in details and "Line 3" in details and "Line 4" in details


def test_bad_holiday_file_errors_read_in_chinese_by_default():
    with pytest.raises(ApplicationError) as exc:
        parse_holiday_file(BAD_FILE)
    assert "第2行" in " ".join(exc.value.details)
    assert str(exc.value.message) == "节假日文件有错误。"


def test_reloading_a_year_replaces_it(admin_user):
    calendar_load_year(text=HOLIDAYS_2027, by=admin_user)
    calendar_load_year(text="year: 2027\nholiday: 2027-01-01 元旦\n", by=admin_user)
    assert is_workday(dt.date(2027, 1, 4)) is True
