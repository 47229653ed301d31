"""Editions, items and publication through the real services."""

from __future__ import annotations

import datetime
import functools
import json
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import override

from shebao.audit.models import AuditEvent
from shebao.catalogue.models import Edition, EditionStatus, ServiceItem, Standard, StandardStatus
from shebao.catalogue.selectors import (
    edition_by_number,
    edition_diff,
    item_get,
    item_list,
    published_edition,
)
from shebao.catalogue.services import (
    CATALOGUE_STANDARD_CODE,
    edition_create_draft,
    edition_publish,
    item_delete,
    item_save,
)
from shebao.catalogue.snapshot import item_snapshot
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def admin(regions):
    return make_staff("admin1", region=regions["province"], posts=["admin"])


@pytest.fixture
def teller(regions):
    return make_staff("teller1", region=regions["province"], posts=["general_teller", "section_leader"])


def _actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))


def test_first_draft_is_empty_and_numbered_one(admin):
    draft = edition_create_draft(by=admin, title="首版")
    assert draft.number == 1
    assert draft.status == EditionStatus.DRAFT
    assert draft.created_by == admin
    assert draft.based_on is None
    assert not draft.items.exists()
    assert published_edition() is None
    assert "catalogue.edition_created" in _actions()


def test_draft_copies_the_published_edition_exactly(admin):
    first = make_published_edition(by=admin)
    draft = edition_create_draft(by=admin, title="二版")
    assert draft.number == first.number + 1
    assert draft.based_on == first
    assert draft.items.count() == 2
    assert edition_diff(old=first, new=draft).is_empty
    # The copy is independent: changing it leaves the published edition alone.
    item_save(edition=draft, data=item_data(promised_limit_days=0, name_zh="职工参保登记（新）"), by=admin)
    assert item_get(edition=first, code="SB-G-001").name_zh == "职工参保登记"


def test_draft_based_on_a_chosen_edition(admin):
    first = make_published_edition(items=[item_data()], by=admin)
    make_published_edition(items=[item_data(), special_item_data()], by=admin)
    draft = edition_create_draft(by=admin, title="三版", based_on=first)
    assert list(draft.items.values_list("code", flat=True)) == ["SB-G-001"]


def test_only_one_draft_at_a_time(admin):
    edition_create_draft(by=admin, title="草稿甲")
    with override("en"), pytest.raises(ApplicationError) as exc:
        edition_create_draft(by=admin, title="草稿乙")
    assert exc.value.code == "draft_exists"
    assert "草稿甲" in str(exc.value.message)
    assert Edition.objects.count() == 1


def test_item_save_creates_then_audits_only_changed_fields(admin):
    draft = edition_create_draft(by=admin, title="首版")
    item = item_save(edition=draft, data=item_data(), by=admin)
    assert item.code == "SB-G-001"
    item_save(edition=draft, data=item_data(trips=1), by=admin)
    assert ServiceItem.objects.get(pk=item.pk).trips == 1
    event = AuditEvent.objects.filter(action="catalogue.item_changed").get()
    payload = json.loads(event.payload)
    assert payload["old"] == {"trips": 0}
    assert payload["new"] == {"trips": 1}
    assert AuditEvent.objects.filter(action="catalogue.item_created").count() == 1
    # Saving the same data again changes nothing and records nothing.
    item_save(edition=draft, data=item_data(trips=1), by=admin)
    assert AuditEvent.objects.filter(action="catalogue.item_changed").count() == 1


def test_item_delete(admin):
    draft = edition_create_draft(by=admin, title="首版")
    item_save(edition=draft, data=item_data(), by=admin)
    item_delete(edition=draft, code="SB-G-001", by=admin)
    assert not draft.items.exists()
    assert "catalogue.item_deleted" in _actions()
    with pytest.raises(ApplicationError) as exc:
        item_delete(edition=draft, code="SB-G-001", by=admin)
    assert exc.value.status == 404


def test_non_draft_refuses_changes(admin):
    published = make_published_edition(by=admin)
    with pytest.raises(ApplicationError) as exc:
        item_save(edition=published, data=item_data(trips=1), by=admin)
    assert exc.value.code == "edition_not_draft"
    with pytest.raises(ApplicationError) as exc:
        item_delete(edition=published, code="SB-G-001", by=admin)
    assert exc.value.code == "edition_not_draft"
    assert item_get(edition=published, code="SB-G-001").trips == 0


def test_publish_supersedes_and_registers_standards(admin):
    first = make_published_edition(by=admin)
    standard1 = Standard.objects.get(edition=first)
    assert (standard1.code, standard1.version, standard1.status) == (
        CATALOGUE_STANDARD_CODE,
        str(first.number),
        StandardStatus.PUBLISHED,
    )
    today = timezone.localdate()
    assert standard1.issued_on == today
    assert standard1.next_review_date is not None
    assert standard1.next_review_date.year == today.year + 1
    assert first.published_by == admin
    assert first.published_at is not None

    draft = edition_create_draft(by=admin, title="二版")
    second = edition_publish(edition=draft, by=admin)
    first.refresh_from_db()
    standard1.refresh_from_db()
    assert second.status == EditionStatus.PUBLISHED
    assert first.status == EditionStatus.SUPERSEDED
    assert standard1.status == StandardStatus.RETIRED
    standard2 = Standard.objects.get(edition=second)
    assert standard2.version == str(second.number)
    assert standard2.status == StandardStatus.PUBLISHED
    assert published_edition() == second
    assert Edition.objects.filter(status=EditionStatus.PUBLISHED).count() == 1
    assert {"catalogue.edition_published", "catalogue.edition_superseded"} <= set(_actions())


def test_publishing_twice_refuses_the_second(admin):
    draft = edition_create_draft(by=admin, title="首版")
    item_save(edition=draft, data=item_data(), by=admin)
    stale = Edition.objects.get(pk=draft.pk)  # a second click holds the old, still-draft object
    edition_publish(edition=draft, by=admin)
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as exc:
        edition_publish(edition=stale, by=admin)
    assert exc.value.code == "edition_not_draft"
    assert Standard.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_invalid_edition_writes_nothing(admin):
    first = make_published_edition(by=admin)
    draft = edition_create_draft(by=admin, title="二版")
    item_save(edition=draft, data=item_data(code="SB-G-002", trips=3), by=admin)
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as exc:
        edition_publish(edition=draft, by=admin)
    assert exc.value.code == "edition_invalid"
    assert any("SB-G-002" in d for d in exc.value.details)
    draft.refresh_from_db()
    first.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT
    assert first.status == EditionStatus.PUBLISHED
    assert Standard.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_edition_by_number_and_item_get_not_found(admin):
    edition = make_published_edition(by=admin)
    assert edition_by_number(edition.number) == edition
    with pytest.raises(ApplicationError) as exc:
        edition_by_number(99)
    assert (exc.value.code, exc.value.status) == ("not_found", 404)
    with pytest.raises(ApplicationError) as exc:
        item_get(edition=edition, code="NOPE")
    assert (exc.value.code, exc.value.status) == ("not_found", 404)


def test_item_list_filters_and_order(admin, django_assert_max_num_queries):
    edition = make_published_edition(
        items=[
            special_item_data(),  # pension zone
            item_data(),  # enrolment zone
            special_item_data(
                code="SB-S-002",
                order=0,
                zone="medical",
                name_zh="生育津贴申领",
                name_en="Maternity allowance",
                insurance_types=["maternity"],
            ),
        ],
        by=admin,
    )
    with django_assert_max_num_queries(5):
        items = list(item_list(edition=edition))
        codes = [i.code for i in items]
        materials = [len(i.materials.all()) for i in items]
        types = [sorted(t.code for t in i.insurance_types.all()) for i in items]
    assert codes == ["SB-G-001", "SB-S-002", "SB-S-001"]
    assert materials == [1, 2, 2]
    assert types[1] == ["maternity"]
    assert [i.code for i in item_list(edition=edition, q="maternity")] == ["SB-S-002"]
    assert [i.code for i in item_list(edition=edition, q="sb-g")] == ["SB-G-001"]
    assert [i.code for i in item_list(edition=edition, q="失业")] == ["SB-S-001"]
    assert [i.code for i in item_list(edition=edition, insurance_type="employee_pension")] == ["SB-G-001"]
    assert [i.code for i in item_list(edition=edition, channel="online")] == ["SB-G-001"]
    assert [i.code for i in item_list(edition=edition, channel="counter")] == [
        "SB-G-001",
        "SB-S-002",
        "SB-S-001",
    ]
    assert [i.code for i in item_list(edition=edition, business_class="special", zone="medical")] == [
        "SB-S-002"
    ]


def test_user_without_post_is_refused(teller):
    with pytest.raises(PermissionDeniedError):
        edition_create_draft(by=teller, title="首版")
    draft = edition_create_draft(by=None, title="首版")
    with pytest.raises(PermissionDeniedError):
        item_save(edition=draft, data=item_data(), by=teller)
    item_save(edition=draft, data=item_data(), by=None)
    with pytest.raises(PermissionDeniedError):
        item_delete(edition=draft, code="SB-G-001", by=teller)
    with pytest.raises(PermissionDeniedError):
        edition_publish(edition=draft, by=teller)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def test_leap_day_review_date():
    from shebao.catalogue.services import _one_year_on

    assert _one_year_on(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    assert _one_year_on(datetime.date(2025, 3, 1)) == datetime.date(2026, 3, 1)


# --- two drafts opened at the same moment ---------------------------------------------------------


def test_draft_inserted_by_another_at_the_same_moment_gives_draft_exists(admin, monkeypatch):
    """The other's draft appears between our check and our insert, with the number we took."""
    make_published_edition(by=admin)
    real_aggregate = Edition.objects.aggregate

    def racing_aggregate(*args, **kwargs):
        result = real_aggregate(*args, **kwargs)
        Edition(number=result["m"] + 1, title="同时打开的草稿", status=EditionStatus.DRAFT).save()
        return result

    monkeypatch.setattr(Edition.objects, "aggregate", racing_aggregate)
    with override("en"), pytest.raises(ApplicationError) as exc:
        edition_create_draft(by=admin, title="草稿乙")
    assert exc.value.code == "draft_exists"
    assert "同时打开的草稿" in str(exc.value.message)


def test_draft_committed_by_another_before_our_number_gives_draft_exists(admin, monkeypatch):
    """The other's draft appears after our check but before we take the next number."""
    real_aggregate = Edition.objects.aggregate

    def racing_aggregate(*args, **kwargs):
        Edition(number=1, title="同时打开的草稿", status=EditionStatus.DRAFT).save()
        monkeypatch.setattr(Edition.objects, "aggregate", real_aggregate)
        return real_aggregate(*args, **kwargs)

    monkeypatch.setattr(Edition.objects, "aggregate", racing_aggregate)
    with pytest.raises(ApplicationError) as exc:
        edition_create_draft(by=admin, title="草稿乙")
    assert exc.value.code == "draft_exists"
    assert not Edition.objects.filter(title="草稿乙").exists()


def _in_own_connection(work):
    """Run `work()` in a thread, so in its own database connection and committed transactions."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # the outcome, error or not, is what the test checks
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _delete_committed_editions() -> None:
    with transaction.atomic():
        Standard.objects.all().delete()
        for edition in Edition.objects.order_by("-number"):  # a later edition is based on an earlier
            edition.delete()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs concurrent transactions (PostgreSQL)",
)
@pytest.mark.parametrize("published_first", [False, True], ids=["no_edition_yet", "after_a_published"])
def test_two_threads_opening_a_draft_at_once(monkeypatch, published_first):
    """On PostgreSQL, two real transactions race; one opens the draft, the other is told it exists.

    The threads commit for real (the test's own transaction cannot hold their work), so the test
    deletes what they made afterwards rather than empty every table as a transactional test would.
    """
    from shebao.catalogue import services

    # Hold each transaction open a while after its insert, so the other arrives meanwhile. (No audit
    # rows are written: they are append-only and could not be cleared away afterwards.)
    monkeypatch.setattr(services, "audit_record", lambda **kwargs: time.sleep(0.5))
    try:
        if published_first:
            thread, outcome = _in_own_connection(lambda: make_published_edition())
            thread.join(timeout=30)
            assert isinstance(outcome[0], Edition), outcome
        start = threading.Barrier(2)

        def open_draft(title: str) -> Edition:
            start.wait()
            return edition_create_draft(by=None, title=title)

        runs = [_in_own_connection(functools.partial(open_draft, t)) for t in ("草稿甲", "草稿乙")]
        for thread, _outcome in runs:
            thread.join(timeout=30)
        outcomes = [o for _thread, outcome in runs for o in outcome]
        drafts = [o for o in outcomes if isinstance(o, Edition)]
        errors = [o for o in outcomes if not isinstance(o, Edition)]
        assert len(drafts) == 1, outcomes
        assert len(errors) == 1 and isinstance(errors[0], ApplicationError), outcomes
        assert errors[0].code == "draft_exists"
        assert Edition.objects.filter(status=EditionStatus.DRAFT).count() == 1
    finally:
        thread, outcome = _in_own_connection(_delete_committed_editions)
        thread.join(timeout=30)
        assert outcome == [None], outcome


# --- item_save merges a partial dict --------------------------------------------------------------


def test_item_save_with_some_fields_keeps_the_rest(admin):
    draft = edition_create_draft(by=admin, title="首版")
    item_save(edition=draft, data=special_item_data(), by=admin)
    before = item_snapshot(item_get(edition=draft, code="SB-S-001"))

    item_save(edition=draft, data={"code": "SB-S-001", "promised_limit_days": 3}, by=admin)

    after = item_snapshot(item_get(edition=draft, code="SB-S-001"))
    assert after == {**before, "promised_limit_days": 3}
    assert len(after["steps"]) == 4 and len(after["materials"]) == 2
    assert after["insurance_types"] == ["unemployment"] and after["channels"] == ["counter"]
    payload = json.loads(AuditEvent.objects.get(action="catalogue.item_changed").payload)
    assert (payload["old"], payload["new"]) == ({"promised_limit_days": 5}, {"promised_limit_days": 3})


def test_item_save_replaces_a_list_that_is_given(admin):
    draft = edition_create_draft(by=admin, title="首版")
    item_save(edition=draft, data=item_data(), by=admin)
    item_save(edition=draft, data={"code": "SB-G-001", "channels": ["counter"], "materials": []}, by=admin)
    after = item_snapshot(item_get(edition=draft, code="SB-G-001"))
    assert after["channels"] == ["counter"]
    assert after["materials"] == []
    assert after["steps"] == item_data()["steps"]
    assert after["insurance_types"] == item_data()["insurance_types"]


def test_item_save_of_a_new_item_still_needs_the_required_fields(admin):
    draft = edition_create_draft(by=admin, title="首版")
    with pytest.raises(ApplicationError) as exc:
        item_save(edition=draft, data={"code": "SB-G-009", "trips": 1}, by=admin)
    assert exc.value.code == "item_invalid"
    assert any("name_zh" in str(d) for d in exc.value.details)
    assert not draft.items.exists()
