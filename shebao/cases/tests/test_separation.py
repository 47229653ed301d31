"""受理审核分离: the acceptor, a post the step does not name, another county — each refused and audited;
two reviewers at the same moment change the case once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from shebao.cases.models import Case, CaseStatus
from shebao.cases.services import case_approve_step, case_reject, case_return
from shebao.cases.tests import factories as f
from shebao.core.errors import ApplicationError
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff


@pytest.fixture
def o(db):
    return f.office()


def _refused(case, by, code):
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=by, version=case.version)
    assert err.value.status == 403 and err.value.code == code
    event = f.refusals()[-1]
    assert event["actor_id"] == by.pk and event["reason"] == code and event["subject_id"] == str(case.pk)
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.step_index, fresh.version) == (case.status, case.step_index, case.version)
    return err.value


def test_the_acceptor_cannot_review(o):
    teller = o["special_teller"]
    teller.posts.add(*o["reviewer"].posts.all())  # even holding the reviewer's post
    case = f.accept_special(o)
    error = _refused(case, teller, "acceptor")
    assert case.number in str(error.message)
    for move in (
        lambda: case_return(case=case, by=teller, version=case.version, missing=[0], comment=""),
        lambda: case_reject(case=case, by=teller, version=case.version, reason="x"),
    ):
        with pytest.raises(ApplicationError):
            move()
    assert len(f.refusals()) == 3


def test_a_post_the_step_does_not_name(o):
    case = f.accept_special(o)
    _refused(case, o["leader"], "wrong_post")  # the leader's step comes later
    clerk = make_staff("clerk", region=o["county"], posts=[PostCode.GENERAL_TELLER])
    _refused(case, clerk, "wrong_post")


def test_a_reviewer_of_another_county(o):
    case = f.accept_special(o)
    _refused(case, o["far_reviewer"], "other_region")


def test_the_reviewer_cannot_also_sign_off(o):
    case = f.accept_special(o)
    o["reviewer"].posts.add(*o["leader"].posts.all())
    case = case_approve_step(case=case, by=o["reviewer"], version=case.version)
    _refused(case, o["reviewer"], "earlier_step")


def test_double_click_changes_once(o):
    case = f.accept_special(o)
    version = case.version
    case_approve_step(case=case, by=o["reviewer"], version=version)
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=o["reviewer"], version=version)
    assert err.value.code == "stale"
    assert Case.objects.get(pk=case.pk).version == version + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_at_the_same_moment_change_the_case_once():
    o = f.office()
    case = f.accept_special(o)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(user):
        try:
            barrier.wait()
            case_approve_step(case=case, by=user, version=case.version)
            outcomes.append("ok")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=review, args=(u,)) for u in (o["reviewer"], o["reviewer2"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "stale"]
    fresh = Case.objects.get(pk=case.pk)
    assert (
        fresh.status == CaseStatus.IN_REVIEW and fresh.step_index == 2 and fresh.version == case.version + 1
    )
    assert fresh.actions.filter(kind="approve_step").count() == 1
