"""Core staff pages through the test client: desk, sign-in lockout, holiday calendar, calculator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from shebao.core.models import CalendarYear
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db

GOOD_FILE = """# 国务院办公厅关于2031年部分节假日安排的通知
year: 2031
source: 测试通知
holiday: 2031-01-01 元旦
holiday: 2031-01-22..2031-01-28 春节
workday: 2031-01-19 春节调休
"""

BAD_FILE = """year: 2031
holiday: 2031-13-01 元旦
holiday: 2030-05-01 劳动节
nonsense
"""


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def admin(regions):
    return make_staff("admin1", region=regions["province"], posts=[PostCode.ADMIN])


@pytest.fixture
def teller(regions):
    return make_staff("teller1", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER])


def test_desk_shows_who_and_links_the_posts_allow(client, admin, teller):
    client.force_login(admin)
    page = client.get(reverse("core:home")).content.decode()
    assert "admin1" in page and "测试省" in page and "系统管理员" in page
    assert reverse("core:calendar") in page and reverse("audit:events") in page
    client.force_login(teller)
    page = client.get(reverse("core:home")).content.decode()
    assert "综合柜员" in page
    assert reverse("core:calendar") not in page and reverse("audit:events") not in page


def test_desk_in_english(client, admin):
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("core:home")).content.decode()
    assert "My desk" in page and "Holiday calendar" in page and "Administrator" in page


def test_anonymous_user_goes_to_sign_in(client):
    for name in ("core:home", "core:calendar", "core:workdays"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))


def test_teller_is_refused_the_calendar(client, teller):
    client.force_login(teller)
    response = client.get(reverse("core:calendar"))
    assert response.status_code == 403
    assert "您的岗位无权访问此页面" in response.content.decode()
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        assert "Your posts do not allow this page" in client.get(reverse("core:calendar")).content.decode()


def test_calendar_lists_builtin_years(client, admin):
    client.force_login(admin)
    page = client.get(reverse("core:calendar")).content.decode()
    assert "2004" in page and "2026" in page


def test_calendar_upload_good_file(client, admin):
    client.force_login(admin)
    upload = SimpleUploadedFile("2031.txt", GOOD_FILE.encode("utf-8"), content_type="text/plain")
    response = client.post(reverse("core:calendar"), {"file": upload}, follow=True)
    assert response.status_code == 200
    year = CalendarYear.objects.get(year=2031)
    assert year.days.filter(is_workday=False).count() == 8
    page = response.content.decode()
    assert "2031" in page and "测试通知" in page and "2031-01-19" in page and "调休上班" in page


def test_calendar_paste_bad_file_lists_every_line(client, admin):
    client.force_login(admin)
    response = client.post(reverse("core:calendar"), {"text": BAD_FILE})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第2行" in page and "第3行" in page and "第4行" in page
    assert not CalendarYear.objects.exists()


def test_calendar_empty_post_is_refused(client, admin):
    client.force_login(admin)
    response = client.post(reverse("core:calendar"), {"text": "  "})
    assert response.status_code == 400
    assert not CalendarYear.objects.exists()


def test_workday_calculator_known_and_provisional(client, admin):
    client.force_login(admin)
    url = reverse("core:workdays")
    # 2026-09-30 + 1 working day skips the National Day holiday (10/1–7) → 2026-10-08.
    page = client.get(url, {"start": "2026-09-30", "days": 1}).content.decode()
    assert "2026-10-08" in page and "provisional" not in page
    # December 2026 + 20 working days runs into 2027, which nobody loaded: provisional.
    response = client.get(url, {"start": "2026-12-20", "days": 20}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page  # htmx gets the fragment only
    assert "provisional" in page and "2027" in page


def test_workday_calculator_uses_a_loaded_year(client, admin):
    client.force_login(admin)
    client.post(reverse("core:calendar"), {"text": GOOD_FILE})
    page = client.get(reverse("core:workdays"), {"start": "2030-12-31", "days": 1}).content.decode()
    # 2031-01-01 is a loaded holiday, so the next working day is 2031-01-02; the year is known.
    assert "2031-01-02" in page and "provisional" not in page
    assert dt.date(2031, 1, 2).weekday() < 5


def test_login_locks_after_five_failures(client, teller):
    url = reverse("core:login")
    for _ in range(5):
        response = client.post(url, {"username": "teller1", "password": "wrong-password"})
    response = client.post(url, {"username": "teller1", "password": "demo-pass-123"})
    assert response.status_code in (403, 429)
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works(client, teller):
    response = client.post(reverse("core:login"), {"username": "teller1", "password": "demo-pass-123"})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_county_admin_desk_leaves_out_province_pages(client, regions):
    county_admin = make_staff("county_admin", region=regions["county_a1"], posts=[PostCode.ADMIN])
    client.force_login(county_admin)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("catalogue:manage_bindings") in page and reverse("audit:events") in page
    assert reverse("core:calendar") not in page and reverse("catalogue:manage_editions") not in page
    response = client.get(reverse("core:calendar"))
    assert response.status_code == 403 and "仅供省级" in response.content.decode()
