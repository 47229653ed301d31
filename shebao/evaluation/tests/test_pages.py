"""The rating tablet (public, CSRF-protected, no personal data) and the ratings overview (leaders, region-bounded)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from shebao.cases.models import CaseStatus
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.evaluation.models import Rating
from shebao.evaluation.services import rating_submit
from shebao.evaluation.tests.factories import finished_case, make_window
from shebao.registry.tests import factories as reg


@pytest.fixture
def world(db):
    regions = make_region_tree()
    teller = make_staff("teller", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER])
    window = make_window(region=regions["county_a1"])
    return {"regions": regions, "teller": teller, "window": window}


def tablet_url(window) -> str:
    return reverse("evaluation:tablet", args=[window.pk])


def panel_url(window, showing: str = "") -> str:
    return reverse("evaluation:tablet_panel", args=[window.pk]) + f"?showing={showing}"


def test_tablet_waits_when_nothing_to_rate(world, client):
    response = client.get(tablet_url(world["window"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "业务办理完毕后，请在此评价我们的服务" in html
    assert 'name="level"' not in html
    assert 'hx-trigger="every 3s"' in html


def test_tablet_shows_only_case_tail_and_item_no_personal_data(world, client):
    person = reg.person(at=world["regions"]["county_a1"], name="王秀英")
    case = finished_case(
        teller=world["teller"],
        region=world["regions"]["county_a1"],
        window=world["window"],
        person=person,
        number="SB20261123000123",
    )
    html = client.get(tablet_url(world["window"])).content.decode()
    assert "0123" in html and "SB20261123000123" not in html
    assert case.item.name_zh in html
    assert "王秀英" not in html and person.id_number not in html
    for name in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert f">{name}</button>" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_tablet_skips_old_rated_and_other_windows_cases(world, client):
    other_window = make_window(region=world["regions"]["county_a1"], number="02")
    finished_case(
        teller=world["teller"],
        region=world["regions"]["county_a1"],
        window=world["window"],
        finished_ago=dt.timedelta(minutes=31),
        number="SB-OLD-9991",
    )
    rated = finished_case(
        teller=world["teller"],
        region=world["regions"]["county_a1"],
        window=world["window"],
        number="SB-RATED-9992",
    )
    rating_submit(case=rated, level_value=5)
    finished_case(
        teller=world["teller"], region=world["regions"]["county_a1"], window=other_window, number="SB-9993"
    )
    finished_case(
        teller=world["teller"],
        region=world["regions"]["county_a1"],
        window=world["window"],
        status=CaseStatus.IN_REVIEW,
        number="SB-9994",
    )
    html = client.get(tablet_url(world["window"])).content.decode()
    assert 'name="level"' not in html
    assert all(tail not in html for tail in ("9991", "9992", "9993", "9994"))


def test_submit_thanks_and_returns_to_waiting(world, client):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=world["window"])
    response = client.post(tablet_url(world["window"]), {"case": case.pk, "level": "5", "comment": "好"})
    assert response.status_code == 302 and response["Location"].endswith("?thanks=1")
    rating = Rating.objects.get(case=case)
    assert rating.level.value == 5 and rating.comment == "好"
    thanks = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in thanks and 'hx-trigger="load delay:5s"' in thanks
    # The thank-you screen's poll brings back the waiting screen.
    waiting = client.get(panel_url(world["window"], "thanks"), HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200 and 'name="level"' not in waiting.content.decode()


def test_double_submit_counts_once_and_still_thanks(world, client):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=world["window"])
    client.post(tablet_url(world["window"]), {"case": case.pk, "level": "5"})
    second = client.post(tablet_url(world["window"]), {"case": case.pk, "level": "1"})
    assert second.status_code == 409 and "感谢您的评价" in second.content.decode()
    assert Rating.objects.get().level.value == 5


def test_post_for_a_case_of_another_window_is_refused(world, client):
    other_window = make_window(region=world["regions"]["county_a1"], number="02")
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=other_window)
    response = client.post(tablet_url(world["window"]), {"case": case.pk, "level": "5"})
    assert response.status_code == 404 and "无法在此评价" in response.content.decode()
    assert not Rating.objects.exists()


def test_bad_input_is_shown_on_the_tablet(world, client):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=world["window"])
    response = client.post(tablet_url(world["window"]), {"case": case.pk, "level": "4", "comment": "x" * 501})
    assert response.status_code == 400
    html = response.content.decode()
    assert "500" in html and 'role="alert"' in html and 'name="level"' in html
    assert not Rating.objects.exists()


def test_post_without_csrf_token_is_refused(world):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=world["window"])
    client = Client(enforce_csrf_checks=True)
    response = client.post(tablet_url(world["window"]), {"case": case.pk, "level": "5"})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_panel_poll_answers_204_while_unchanged_and_the_form_when_a_case_finishes(world, client):
    window = world["window"]
    assert client.get(panel_url(window)).status_code == 204
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=window)
    changed = client.get(panel_url(window))
    assert changed.status_code == 200 and f'value="{case.pk}"' in changed.content.decode()
    assert client.get(panel_url(window, str(case.pk))).status_code == 204


def test_unknown_window_is_404(db, client):
    assert client.get(reverse("evaluation:tablet", args=[9999])).status_code == 404


# --- the overview --------------------------------------------------------------------------------


@pytest.fixture
def rated(world):
    r = world["regions"]
    teller_b = make_staff("teller-b", region=r["county_b1"], posts=[PostCode.GENERAL_TELLER])
    window_b = make_window(region=r["county_b1"], code="hall-b")
    for level in (5, 4, 1):
        case = finished_case(teller=world["teller"], region=r["county_a1"], window=world["window"])
        rating_submit(case=case, level_value=level, comment="态度差" if level == 1 else "")
    case = finished_case(teller=teller_b, region=r["county_b1"], window=window_b)
    rating_submit(case=case, level_value=2, comment="乙县差评")
    return world


def test_overview_needs_the_monitor_permission(rated, client):
    assert client.get(reverse("evaluation:overview")).status_code == 302  # sign in first
    client.force_login(rated["teller"])
    assert client.get(reverse("evaluation:overview")).status_code == 403


def test_overview_counts_averages_and_lists_bad_ratings_within_the_region(
    rated, client, django_assert_max_num_queries
):
    leader = make_staff("leader-a1", region=rated["regions"]["county_a1"], posts=[PostCode.SECTION_LEADER])
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("evaluation:overview"))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.total.count == 3 and data.total.bad == 1
    assert data.total.average == pytest.approx(3.33)
    assert data.total.satisfied_share == pytest.approx(66.7)
    assert [(row.label, row.count) for row in data.per_teller] == [("teller", 3)]
    assert [row.count for row in data.per_window] == [3]
    assert [row.count for row in data.per_outlet] == [3]
    html = response.content.decode()
    assert "态度差" in html and "乙县差评" not in html


def test_province_leader_sees_every_region(rated, client):
    leader = make_staff("leader-p", region=rated["regions"]["province"], posts=[PostCode.SECTION_LEADER])
    client.force_login(leader)
    data = client.get(reverse("evaluation:overview")).context["data"]
    assert data.total.count == 4 and data.total.bad == 2
    assert len(data.per_teller) == 2 and len(data.per_outlet) == 2


def test_overview_queries_do_not_grow_with_ratings(rated, client, django_assert_max_num_queries):
    leader = make_staff("leader-p", region=rated["regions"]["province"], posts=[PostCode.SECTION_LEADER])
    client.force_login(leader)
    for i in range(10):
        case = finished_case(
            teller=rated["teller"], region=rated["regions"]["county_a1"], window=rated["window"]
        )
        rating_submit(case=case, level_value=1 + i % 5)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("evaluation:overview") + "?days=7")
    assert response.status_code == 200 and response.context["days"] == 7


def test_desk_links_to_the_overview_for_leaders(rated, client):
    leader = make_staff("leader-p", region=rated["regions"]["province"], posts=[PostCode.SECTION_LEADER])
    client.force_login(leader)
    assert reverse("evaluation:overview") in client.get(reverse("core:home")).content.decode()
