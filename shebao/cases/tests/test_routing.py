"""无差别受理 across two cities: accepted in county A1 (city A) for a person of county B1 (city B).

A special item that is not province-wide goes to county B1's reviewers, not county A1's; a
province-wide one (全省通办) stays in county A1; general items complete where they were accepted. The
regions, offices and staff are built here (`make_region_tree`: city A with county A1, city B with
county B1), the cases through the real services and the pages through the test client.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.audit.models import AuditEvent
from shebao.cases.models import ActionKind, Case, CaseStatus
from shebao.cases.preview import case_fingerprint
from shebao.cases.selectors import case_for_user, review_queue
from shebao.cases.services import case_accept, case_approve_step
from shebao.cases.services.flow import standing_step
from shebao.cases.services.routing import StepState, case_progress, case_region
from shebao.cases.tests import factories as cf
from shebao.catalogue.tests.factories import item_data, special_item_data
from shebao.core.errors import ApplicationError
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree
from shebao.counter.tests.factories import hall, make_staff
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db

WIDE_SPECIAL = "SB-S-301"  # 技能提升补贴申领: special, province-wide (全省通办)
LOCAL_GENERAL = "SB-G-103"  # a general item that is not province-wide


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_cities() -> dict[str, Any]:
    regions = make_region_tree()
    county_a, county_b = regions["county_a1"], regions["county_b1"]
    assert county_a.parent_id != county_b.parent_id  # two different cities
    cf.edition(
        [
            special_item_data(code=WIDE_SPECIAL, name_zh="技能提升补贴申领", province_wide=True),
            item_data(code=LOCAL_GENERAL, name_zh="参保证明打印（本地）", province_wide=False),
        ]
    )
    outlet = hall(county_a)
    windows = cf.windows(outlet)
    hall(county_b, code="hall-b1")
    return {
        "county_a": county_a,
        "county_b": county_b,
        "outlet": outlet,
        "acceptor": cf.teller_at("st-a", window=windows["8"], posts=[PostCode.SPECIAL_TELLER]),
        "general_teller": cf.teller_at("gt-a", window=windows["4"], posts=[PostCode.GENERAL_TELLER]),
        "reviewer_a": make_staff("rev-a", region=county_a, posts=[PostCode.REVIEWER]),
        "leader_a": make_staff("lead-a", region=county_a, posts=[PostCode.SECTION_LEADER]),
        "reviewer_b": make_staff("rev-b", region=county_b, posts=[PostCode.REVIEWER]),
        "leader_b": make_staff("lead-b", region=county_b, posts=[PostCode.SECTION_LEADER]),
        "person_b": rf.person(at=county_b, name="赵磊", id_number=rf.make_id_number(gender="M")),
    }


def accept_for_b(w: dict[str, Any], code: str = cf.SPECIAL, **data: Any) -> Case:
    return case_accept(
        teller=w["acceptor"],
        item=cf.item(code),
        person=w["person_b"],
        data=data or {"phone": "13911112222"},
        received=[0, 1],
    )


def test_a_special_item_accepted_in_city_a_is_routed_to_the_persons_county_in_city_b(two_cities):
    w = two_cities
    case = accept_for_b(w)
    # Accepted the same way as for a local applicant: numbered, clock running, at the first review step.
    assert case.status == CaseStatus.ACCEPTED and case.deadline is not None
    assert case.outlet == w["outlet"] and case.accepted_by == w["acceptor"]
    assert case.region == w["county_b"]
    assert case in review_queue(user=w["reviewer_b"])
    assert case not in review_queue(user=w["reviewer_a"])
    # The acceptance says where the review steps went; the audit event records where it was accepted.
    accept = case.actions.get(kind=ActionKind.ACCEPT)
    assert "乙一县" in accept.comment and "甲一县" in accept.comment
    event = AuditEvent.objects.filter(action="cases.accept").latest("id")
    assert event.region_code == w["county_b"].code and w["county_a"].code in event.payload


def test_only_city_b_reviews_and_approves_city_a_is_refused_and_audited(two_cities):
    w = two_cities
    case = accept_for_b(w)
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=w["reviewer_a"], version=case.version)
    assert err.value.code == "other_region"
    refusal = cf.refusals()[-1]
    assert refusal["reason"] == "other_region" and refusal["actor_id"] == w["reviewer_a"].pk
    case.refresh_from_db()
    assert case.step_index == 1 and not case.actions.filter(kind=ActionKind.APPROVE_STEP).exists()

    reviewed = case_approve_step(case=case, by=w["reviewer_b"], version=case.version)
    assert reviewed.status == CaseStatus.IN_REVIEW
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=reviewed, by=w["leader_a"], version=reviewed.version)
    assert err.value.code == "other_region"
    done = case_approve_step(case=reviewed, by=w["leader_b"], version=reviewed.version)
    assert done.status == CaseStatus.COMPLETED
    w["person_b"].refresh_from_db()
    assert w["person_b"].phone == "13911112222"  # the effect ran on the person's record in county B1


def test_through_the_pages_city_b_sees_and_approves_city_a_gets_not_found(two_cities):
    w = two_cities
    case = accept_for_b(w)
    act = reverse("cases:act", args=[case.number])

    far = client_for(w["reviewer_a"])
    assert case.number not in far.get(reverse("cases:review")).content.decode()
    assert far.get(reverse("cases:case", args=[case.number])).status_code == 404
    assert far.post(act, {"action": "approve", "version": case.version}).status_code == 404

    home = client_for(w["reviewer_b"])
    assert case.number in home.get(reverse("cases:review")).content.decode()
    shown = case_fingerprint(case)  # what the case page shows the reviewer
    assert f'value="{shown}"' in home.get(reverse("cases:case", args=[case.number])).content.decode()
    assert home.post(act, {"action": "approve", "version": case.version, "shown": shown}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.step_index == 2


def test_the_acceptor_in_city_a_still_reads_the_routed_case(two_cities):
    w = two_cities
    case = accept_for_b(w)
    assert case_for_user(user=w["acceptor"], number=case.number) == case
    client = client_for(w["acceptor"])
    page = client.get(reverse("cases:case", args=[case.number]))
    assert page.status_code == 200
    assert "乙一县社保中心" in page.content.decode()  # the acceptance says who handles the review steps
    receipt = client.get(reverse("cases:receipt", args=[case.number])).content.decode()
    assert case.number in receipt
    # Window staff of the accepting hall read it too (result pickup, supplements); its reviewers do not.
    assert case_for_user(user=w["general_teller"], number=case.number) == case
    with pytest.raises(ApplicationError):
        case_for_user(user=w["reviewer_a"], number=case.number)


def test_a_supplement_for_a_routed_case_is_taken_at_the_hall_that_accepted_it(two_cities):
    """County B1 returns the case for correction; the applicant brings the material back to the hall in
    county A1, where another window records it; the case goes back to county B1's review step."""
    from shebao.cases.services import case_return

    w = two_cities
    case = accept_for_b(w)
    case = case_return(
        case=case, by=w["reviewer_b"], version=case.version, missing=[1], comment="复印件不清晰"
    )
    assert case.status == CaseStatus.RETURNED
    colleague = client_for(w["general_teller"])
    page = colleague.get(reverse("cases:case", args=[case.number]))
    assert page.status_code == 200 and 'value="supplement"' in page.content.decode()
    response = colleague.post(
        reverse("cases:act", args=[case.number]),
        {"action": "supplement", "received": ["1"], "s-comment": "补交"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    case.refresh_from_db()
    assert case.status in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW) and case.deadline is not None
    supplement = case.actions.get(kind=ActionKind.SUPPLEMENT)
    assert supplement.by == w["general_teller"]
    assert case in review_queue(user=w["reviewer_b"]) and case not in review_queue(user=w["reviewer_a"])
    # The accepting county's reviewer still cannot open it.
    assert client_for(w["reviewer_a"]).get(reverse("cases:case", args=[case.number])).status_code == 404


def test_progress_names_the_office_of_each_step(two_cities):
    w = two_cities
    case = accept_for_b(w)
    steps = case_progress(case)
    assert [s.kind for s in steps] == ["accept", "review", "approve", "complete"]
    accept, review, approve, complete = steps
    assert accept.state == StepState.DONE and accept.region == w["county_a"]
    assert accept.done_at == case.accepted_at
    assert review.state == StepState.CURRENT and review.region == w["county_b"]
    assert review.office_name == "乙一县社保中心"
    assert approve.state == StepState.WAITING and complete.state == StepState.WAITING
    assert standing_step(case).name == review.name  # the same current step the portal's list shows

    case = case_approve_step(case=case, by=w["reviewer_b"], version=case.version)
    steps = case_progress(Case.objects.get(pk=case.pk))
    assert [s.state for s in steps] == ["done", "done", "current", "waiting"]
    assert steps[1].done_at is not None


def test_a_province_wide_special_item_is_handled_where_it_was_accepted(two_cities):
    w = two_cities
    case = case_accept(
        teller=w["acceptor"], item=cf.item(WIDE_SPECIAL), person=w["person_b"], data={}, received=[0, 1]
    )
    assert case.region == w["county_a"]
    assert case in review_queue(user=w["reviewer_a"])
    assert case not in review_queue(user=w["reviewer_b"])
    assert case.actions.get(kind=ActionKind.ACCEPT).comment == ""  # nothing routed
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=w["reviewer_b"], version=case.version)
    assert err.value.code == "other_region"
    case = case_approve_step(case=case, by=w["reviewer_a"], version=case.version)
    case = case_approve_step(case=case, by=w["leader_a"], version=case.version)
    assert case.status == CaseStatus.COMPLETED
    assert all(s.state == StepState.DONE for s in case_progress(case))


@pytest.mark.parametrize("code", [cf.GENERAL, LOCAL_GENERAL])
def test_general_items_complete_at_once_wherever_accepted(two_cities, code):
    w = two_cities
    data = {"credit_code": rf.employer(at=w["county_b"]).credit_code, "start_date": cf.STAFF_DATA_START}
    case = case_accept(
        teller=w["general_teller"],
        item=cf.item(code),
        person=w["person_b"],
        data=data if code == cf.GENERAL else {},
        received=[0, 1] if code == cf.GENERAL else [0],
    )
    assert case.status == CaseStatus.COMPLETED and case.region == w["county_a"]


def test_case_region_without_an_outlet_follows_the_applicant(two_cities):
    w = two_cities
    wide, local = cf.item(WIDE_SPECIAL), cf.item(cf.SPECIAL)
    # Online: no outlet, so even a province-wide item is handled in the applicant's record region.
    assert case_region(item=wide, person=w["person_b"]) == w["county_b"]
    assert case_region(item=local, person=w["person_b"]) == w["county_b"]
    employer = rf.employer(at=w["county_b"])
    assert case_region(item=local, employer=employer, outlet=w["outlet"]) == w["county_b"]
    # Not yet registered: the outlet's region, else the region the caller names.
    assert case_region(item=local, outlet=w["outlet"]) == w["county_a"]
    assert case_region(item=local, fallback=w["county_b"]) == w["county_b"]
    with pytest.raises(ApplicationError) as err:
        case_region(item=local)
    assert err.value.code == "no_region"


def test_a_rejected_case_shows_where_it_stopped(two_cities):
    from shebao.cases.services import case_reject

    w = two_cities
    case = accept_for_b(w)
    case = case_reject(case=case, by=w["reviewer_b"], version=case.version, reason="材料不符")
    assert [s.state for s in case_progress(case)] == ["done", "done", "stopped", "stopped"]
    assert standing_step(case) is None


def test_progress_of_a_case_sent_online_and_not_yet_accepted(two_cities):
    w = two_cities
    case = accept_for_b(w)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.SUBMITTED, accepted_at=None, accepted_by=None, outlet=None, window=None
    )
    case.actions.all().delete()
    steps = case_progress(Case.objects.get(pk=case.pk))
    assert [s.state for s in steps] == ["current", "waiting", "waiting", "waiting"]
    assert {s.region for s in steps} == {w["county_b"]}  # online: taken and handled in the applicant's region
