"""rating_submit: finished cases only, once per case, teller/window/outlet from the case, audited;
a bad rating notifies the section leaders of the case's region."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from shebao.audit.models import AuditEvent
from shebao.cases.models import CaseStatus, Notification
from shebao.core.errors import ApplicationError
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.evaluation.models import Rating, RatingLevel
from shebao.evaluation.services import rating_submit
from shebao.evaluation.tests.factories import finished_case, make_window


@pytest.fixture
def world(db):
    regions = make_region_tree()
    teller = make_staff("teller", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER])
    leader = make_staff("leader", region=regions["county_a1"], posts=[PostCode.SECTION_LEADER])
    window = make_window(region=regions["county_a1"])
    return {"regions": regions, "teller": teller, "leader": leader, "window": window}


def test_levels_are_seeded_as_data(db):
    levels = list(RatingLevel.objects.values_list("value", "name_zh", "is_bad"))
    assert levels == [
        (5, "非常满意", False),
        (4, "满意", False),
        (3, "基本满意", False),
        (2, "不满意", True),
        (1, "非常不满意", True),
    ]


def test_rating_takes_teller_window_outlet_channel_from_the_case_and_is_audited(world):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=world["window"])
    rating = rating_submit(case=case, level_value=5, comment="  很快，谢谢  ")
    rating.refresh_from_db()
    assert rating.level.value == 5
    assert rating.comment == "很快，谢谢"
    assert rating.teller == world["teller"]
    assert rating.window == world["window"]
    assert rating.outlet == world["window"].outlet
    assert rating.channel == "counter"
    event = AuditEvent.objects.get(action="evaluation.rated")
    assert event.subject_id == str(rating.pk) and event.region_code == "990101"
    assert event.actor is None  # the person served, not a staff member
    assert not Notification.objects.exists()  # a good rating tells nobody


def test_rejected_case_can_be_rated(world):
    case = finished_case(
        teller=world["teller"],
        region=world["regions"]["county_a1"],
        window=world["window"],
        status="rejected",
    )
    assert rating_submit(case=case, level_value=3).level.value == 3


@pytest.mark.parametrize("status", [CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW, CaseStatus.RETURNED])
def test_unfinished_case_is_refused(world, status):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], status=status)
    with pytest.raises(ApplicationError) as exc:
        rating_submit(case=case, level_value=5)
    assert exc.value.code == "case_not_finished"
    assert not Rating.objects.exists()


def test_second_rating_is_refused(world):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=world["window"])
    rating_submit(case=case, level_value=4)
    with pytest.raises(ApplicationError) as exc:
        rating_submit(case=case, level_value=1)
    assert exc.value.code == "already_rated" and exc.value.status == 409
    assert Rating.objects.get().level.value == 4


@pytest.mark.parametrize("value", [0, 6, "x", None, ""])
def test_unknown_level_is_refused(world, value):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"])
    with pytest.raises(ApplicationError) as exc:
        rating_submit(case=case, level_value=value)
    assert exc.value.code == "level_unknown"


def test_comment_limit(world):
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"])
    with pytest.raises(ApplicationError) as exc:
        rating_submit(case=case, level_value=5, comment="好" * 501)
    assert exc.value.code == "comment_too_long" and "500" in str(exc.value)
    assert rating_submit(case=case, level_value=5, comment="好" * 500).comment == "好" * 500


def test_bad_rating_notifies_the_section_leaders_of_the_case_region(
    world, django_capture_on_commit_callbacks
):
    other = make_staff("other-leader", region=world["regions"]["county_a2"], posts=[PostCode.SECTION_LEADER])
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a1"], window=world["window"])
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(case=case, level_value=1, comment="等了很久")
    notes = list(Notification.objects.all())
    assert [n.staff for n in notes] == [world["leader"]]
    assert other not in [n.staff for n in notes]
    assert case.number in notes[0].subject and "等了很久" in notes[0].body
    event = AuditEvent.objects.get(action="evaluation.rated")
    assert '"leaders_notified":["leader"]' in event.payload


def test_bad_rating_goes_to_the_nearest_region_above_when_the_county_has_no_leader(world):
    city_leader = make_staff(
        "city-leader", region=world["regions"]["city_a"], posts=[PostCode.SECTION_LEADER]
    )
    case = finished_case(teller=world["teller"], region=world["regions"]["county_a2"])
    rating_submit(case=case, level_value=2)
    assert [n.staff for n in Notification.objects.all()] == [city_leader]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_double_click_makes_exactly_one_rating():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL")
    regions = make_region_tree()
    teller = make_staff("teller", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER])
    case = finished_case(
        teller=teller, region=regions["county_a1"], window=make_window(region=regions["county_a1"])
    )
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def click() -> None:
        try:
            barrier.wait()
            rating_submit(case=case, level_value=5)
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_rated"] * 3 + ["ok"]
    assert Rating.objects.filter(case=case).count() == 1
