"""Per-process caches of the hot path: a staff member's posts, the published items. A change made
in this process applies at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shebao.catalogue.selectors import published_item
from shebao.catalogue.tests.factories import item_data, make_published_edition
from shebao.core.models import Post, User
from shebao.core.permissions import Perm, PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # as each request loads the user anew


def test_posts_are_read_once_per_process_and_a_grant_applies_at_once():
    regions = make_region_tree()
    user = make_staff("t1", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER])
    first = _fresh(user)
    assert first.has_perm_code(Perm.CASE_ACCEPT_GENERAL) and first.region == regions["county_a1"]
    again = _fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        assert again.has_perm_code(Perm.CASE_ACCEPT_GENERAL)
        assert again.region == regions["county_a1"]
    assert len(ctx.captured_queries) == 0
    user.posts.set(Post.objects.filter(code=PostCode.REVIEWER))  # withdrawn and granted: applies now
    fresh = _fresh(user)
    assert not fresh.has_perm_code(Perm.CASE_ACCEPT_GENERAL) and fresh.has_perm_code(Perm.CASE_REVIEW)


def test_published_items_are_read_once_per_edition_and_a_publication_is_seen():
    make_published_edition([item_data(code="SB-G-001", name_zh="甲")])
    assert published_item("SB-G-001").name_zh == "甲"
    with CaptureQueriesContext(connection) as ctx:
        item = published_item("SB-G-001")
        assert [m.name_zh for m in item.materials.all()] and list(item.steps.all())
    assert len(ctx.captured_queries) == 1  # which edition is published; the items are at hand
    make_published_edition([item_data(code="SB-G-001", name_zh="乙"), item_data(code="SB-G-002")])
    assert published_item("SB-G-001").name_zh == "乙" and published_item("SB-G-002") is not None
