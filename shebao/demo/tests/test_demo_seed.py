"""`manage.py demo_seed`: runs twice without change, gives a login for every post, audits everything.

The seed (Argon2 passwords, 108 items) runs once per module, twice in a row, inside a transaction
rolled back after the module's tests.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_verify
from shebao.cases.models import Case, CaseStatus, CaseUpload, Channel
from shebao.catalogue.demo import (
    DEVIATING_COUNTY_CODE,
    EXTRA_MATERIAL,
    EXTRA_MATERIAL_ITEM,
    LONGER_LIMIT_ITEM,
    demo_catalogue_document,
)
from shebao.catalogue.models import (
    Deviation,
    Edition,
    EditionStatus,
    LocalBinding,
    ServiceItem,
    Standard,
    StandardKind,
)
from shebao.catalogue.snapshot import item_snapshot, with_details
from shebao.core.models import Office, Post, Region, RegionLevel, User
from shebao.counter.models import Outlet, OutletKind
from shebao.counter.offers import item_outlets
from shebao.demo.province import DEMO_PASSWORD, DEMO_STAFF

# The marker also makes pytest-django create the test database when this module runs alone.
pytestmark = pytest.mark.django_db

MODELS = (
    Region,
    Office,
    Post,
    User,
    Edition,
    ServiceItem,
    LocalBinding,
    Deviation,
    Standard,
    AuditEvent,
    Case,
    CaseUpload,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@dataclass
class Seeded:
    first_output: str
    second_output: str
    after_first: dict[str, int]
    after_second: dict[str, int]


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Seeded]:
    uploads = override_settings(SHEBAO_UPLOAD_ROOT=tmp_path_factory.mktemp("uploads"))
    with uploads, django_db_blocker.unblock(), transaction.atomic():
        first, second = StringIO(), StringIO()
        call_command("demo_seed", persons=150, employers=8, stdout=first)
        after_first = _counts()
        call_command("demo_seed", persons=150, employers=8, stdout=second)
        yield Seeded(first.getvalue(), second.getvalue(), after_first, _counts())
        transaction.set_rollback(True)


def test_second_run_creates_nothing(seeded: Seeded) -> None:
    assert seeded.after_first == seeded.after_second
    assert seeded.after_first["ServiceItem"] == len(demo_catalogue_document()["items"])
    assert "Nothing to add" in seeded.second_output


def test_both_runs_print_every_login_and_the_url(seeded: Seeded) -> None:
    for output in (seeded.first_output, seeded.second_output):
        assert "http://127.0.0.1:8000/" in output
        assert DEMO_PASSWORD in output
        for spec in DEMO_STAFF:
            assert spec.username in output


def test_a_login_for_every_post(seeded: Seeded) -> None:
    for post in Post.objects.all():
        holders = list(post.holders.all())
        assert holders, f"nobody holds {post.code}"
        assert all(u.is_active and u.has_usable_password() for u in holders)
    # Argon2 is slow on purpose: check the one shared demo password once.
    assert User.objects.get(username="teller").check_password(DEMO_PASSWORD)
    usernames = set(User.objects.values_list("username", flat=True))
    assert {
        "admin",
        "teller",
        "special",
        "reviewer",
        "leader",
        "auditor",
        "bank",
        "county_admin",
        "teller2",
    } <= usernames
    teller, teller2 = User.objects.get(username="teller"), User.objects.get(username="teller2")
    assert teller.region != teller2.region
    admin_region = User.objects.get(username="admin").region
    assert admin_region is not None and admin_region.level == RegionLevel.PROVINCE
    assert not User.objects.get(username="county_admin").has_perm_code("catalogue.publish")


def test_the_fictional_province(seeded: Seeded) -> None:
    levels = {level: Region.objects.filter(level=level).count() for level in RegionLevel.values}
    assert levels[RegionLevel.PROVINCE] == 1
    assert levels[RegionLevel.CITY] >= 2
    assert levels[RegionLevel.COUNTY] >= 5
    assert levels[RegionLevel.TOWNSHIP] >= 10
    assert not Region.objects.filter(code_is_real=True).exists()
    assert not Region.objects.filter(offices=None).exists()


def test_the_deviating_county_changed_nothing(seeded: Seeded) -> None:
    county = Region.objects.get(code=DEVIATING_COUNTY_CODE)
    fields = set(Deviation.objects.filter(region=county).values_list("item_code", "field"))
    assert {(EXTRA_MATERIAL_ITEM, "materials"), (LONGER_LIMIT_ITEM, "promised_limit_days")} <= fields
    assert not Deviation.objects.exclude(region=county).exists()
    published = Edition.objects.get(status=EditionStatus.PUBLISHED)
    items = {i["code"]: i for i in demo_catalogue_document()["items"]}
    for code in (EXTRA_MATERIAL_ITEM, LONGER_LIMIT_ITEM):
        stored = item_snapshot(with_details(published.items.filter(code=code)).get())
        assert stored["materials"] == items[code]["materials"]
        assert stored["promised_limit_days"] == items[code]["promised_limit_days"]
    assert EXTRA_MATERIAL["name_zh"] not in {m["name_zh"] for m in items[EXTRA_MATERIAL_ITEM]["materials"]}
    binding = LocalBinding.objects.get(region=county, item_code=EXTRA_MATERIAL_ITEM)
    # The binding gives the consultation phone only: where and when come from the outlet records.
    assert binding.phone and not binding.address and not binding.opening_hours and not binding.outlets


def test_bindings_for_every_city_and_county(seeded: Seeded) -> None:
    for region in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]):
        assert LocalBinding.objects.filter(region=region).count() >= 3, region.code


def test_every_county_guide_names_its_own_hall_once(seeded: Seeded) -> None:
    """Where and when come from the outlet records: every demo county has a hall, and each county's
    guide of a window item names that hall's address and hours, once, instead of only 12333."""
    published = Edition.objects.get(status=EditionStatus.PUBLISHED)
    at_windows = list(published.items.filter(channels__code="counter").prefetch_related("channels"))
    assert len(at_windows) > 100
    client = Client()
    for county in Region.objects.filter(level=RegionLevel.COUNTY):
        hall = Outlet.objects.get(region=county, kind=OutletKind.COUNTY_HALL)
        for item in at_windows:
            assert hall in item_outlets(item=item, region=county), (county.code, item.code)
        page = client.get(f"/items/{at_windows[0].code}/", {"region": county.code}).content.decode()
        assert page.count(hall.address) == 1, county.code  # one address per outlet, hours beside it
        assert f"{hall.address}</span> · {hall.opening_hours}" in page, county.code
        assert "请拨打12333服务热线查询" not in page


def test_demo_portal_accounts_are_named_by_their_holder(seeded: Seeded) -> None:
    from shebao.portal.models import PortalAccount

    accounts = list(PortalAccount.objects.select_related("user", "person", "employer"))
    assert accounts
    for account in accounts:  # staff pages show this name, never the generated user name
        assert account.user.full_name and not account.user.full_name.startswith("p-"), account.pk
        if account.person is not None and account.kind == "person":
            assert account.user.full_name == account.person.name


def test_register_of_standards(seeded: Seeded) -> None:
    assert set(Standard.objects.values_list("kind", flat=True)) == set(StandardKind.values)
    for kind in StandardKind.values:
        assert Standard.objects.filter(kind=kind).count() >= 2, kind
    soon = timezone.localdate() + datetime.timedelta(days=90)
    assert Standard.objects.filter(next_review_date__lte=soon).exists()


def test_every_audit_event_verifies(seeded: Seeded) -> None:
    result = audit_verify()
    assert result.ok, result
    assert result.checked == seeded.after_second["AuditEvent"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"core.region_created", "core.staff_created", "catalogue.edition_published"} <= actions
    assert "catalogue.deviation_recorded" in actions


def test_an_online_application_waits_for_the_special_teller(seeded: Seeded) -> None:
    """The first demo account has sent one application online, with a file for every material; the
    special-window teller of 青河县 finds it in the pre-review queue (once: the second run adds none)."""
    from shebao.core.masking import mask_id_number
    from shebao.portal.demo import DEMO_ONLINE_ITEMS
    from shebao.portal.models import PortalAccount

    case = Case.objects.get(channel=Channel.ONLINE)
    person = case.person
    assert person is not None
    account = PortalAccount.objects.filter(person=person).get()
    assert case.status == CaseStatus.SUBMITTED and case.accepted_by is None
    assert case.item_code == DEMO_ONLINE_ITEMS[person.gender]
    assert case.uploads.count() == case.item.materials.count() > 0
    assert case.number in seeded.first_output and case.number in seeded.second_output
    line = next(x for x in seeded.first_output.splitlines() if case.number in x)
    assert mask_id_number(person.id_number) in line and "/cases/online/" in line
    special = Client()
    special.force_login(User.objects.get(username="special"))
    queue = special.get("/cases/online/").content.decode()
    assert case.number in queue
    mine = Client()
    mine.force_login(account.user)
    assert case.number in mine.get("/my/").content.decode()
