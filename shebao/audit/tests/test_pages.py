"""Audit log pages through the test client: list, filters, region bound, detail, verify."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_record, audit_seal
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def auditor(regions):
    return make_staff("auditor1", region=regions["province"], posts=[PostCode.AUDITOR])


def _write(n: int, region_code: str = "", action: str = "test.event") -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None,
                action=action,
                subject_type="thing",
                subject_id=str(i),
                region_code=region_code,
                old={"名": "张三", "i": i},
                new={"名": "李四", "i": i},
            )
    audit_seal()


def _tamper(sql: str) -> None:
    """As in test_chain: below the ORM, triggers out of the way."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        cur.execute(sql)


def test_refused_to_teller_and_anonymous(client, regions):
    url = reverse("audit:events")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
    assert client.post(reverse("audit:verify")).status_code == 302
    client.force_login(make_staff("t", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER]))
    assert client.get(url).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403


def test_list_is_paginated_newest_first_with_bounded_queries(client, auditor, django_assert_max_num_queries):
    _write(60)
    client.force_login(auditor)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("audit:events")).content.decode()
    pks = list(AuditEvent.objects.order_by("seq").values_list("pk", flat=True))
    assert f'href="{reverse("audit:event", args=[pks[59]])}"' in page
    assert f'href="{reverse("audit:event", args=[pks[9]])}"' not in page
    older = re.search(r'href="\?before=(\d+)"', page)
    assert older is not None and int(older.group(1)) == pks[10]  # keyset: older than the last one shown
    page2 = client.get(reverse("audit:events"), {"before": older.group(1)}).content.decode()
    assert f'href="{reverse("audit:event", args=[pks[9]])}"' in page2
    assert f'href="{reverse("audit:event", args=[pks[10]])}"' not in page2
    assert not re.search(r'href="\?before=', page2)  # the oldest page
    newer = re.search(r'href="\?after=(\d+)"', page2)
    assert newer is not None
    back = client.get(reverse("audit:events"), {"after": newer.group(1)}).content.decode()
    assert (
        f'href="{reverse("audit:event", args=[pks[59]])}"' in back
        and f'href="{reverse("audit:event", args=[pks[9]])}"' not in back
    )


def test_filters(client, auditor):
    _write(3, action="catalogue.item_changed")
    _write(2, action="calendar.year_loaded")
    client.force_login(auditor)
    page = client.get(reverse("audit:events"), {"action": "calendar"}).content.decode()
    assert "calendar.year_loaded" in page and "catalogue.item_changed" not in page
    page = client.get(reverse("audit:events"), {"subject": "thing:1"}).content.decode()
    assert len(re.findall(r'href="/audit/\d+/"', page)) == 2  # the two events on thing 1


def test_region_bound_for_a_county_leader(client, regions):
    _write(1, region_code=regions["county_a1"].code, action="own.county")
    _write(1, region_code=regions["county_b1"].code, action="other.county")
    _write(1, region_code="", action="province.level")
    leader = make_staff("leader", region=regions["county_a1"], posts=[PostCode.SECTION_LEADER])
    client.force_login(leader)
    page = client.get(reverse("audit:events")).content.decode()
    assert "own.county" in page and "other.county" not in page and "province.level" not in page
    other = AuditEvent.objects.get(action="other.county")
    assert client.get(reverse("audit:event", args=[other.pk])).status_code == 404


def test_event_detail_shows_old_and_new(client, auditor):
    _write(1)
    client.force_login(auditor)
    page = client.get(reverse("audit:event", args=[AuditEvent.objects.get().pk])).content.decode()
    assert "张三" in page and "李四" in page


def test_verify_intact_and_broken(client, auditor):
    _write(5)
    client.force_login(auditor)
    page = client.post(reverse("audit:verify")).content.decode()
    assert "完整：已校验 5 个事件" in page
    _tamper('UPDATE audit_auditevent SET payload = \'{"new":{"i":99}}\' WHERE seq = 3')
    page = client.post(reverse("audit:verify")).content.decode()
    assert "第 3 号事件" in page and "写入后被修改过" in page
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.post(reverse("audit:verify")).content.decode()
    assert "broken at event #3" in page and "altered" in page


def test_event_detail_masks_id_numbers_the_log_keeps_exact(client, auditor):
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="registry.person_key_data_changed",
            subject_type="registry.person",
            subject_id="7",
            old={"id_number": "11010519491231002X"},
            new={"id_number": "110105194912310037"},
        )
    assert "11010519491231002X" in event.payload  # the chain keeps the exact values
    client.force_login(auditor)
    page = client.get(reverse("audit:event", args=[event.pk])).content.decode()
    assert "110105********002X" in page and "110105********0037" in page
    assert "11010519491231002X" not in page and "110105194912310037" not in page
