"""The standard posts exist after migrating, with the grants `core/permissions.py` gives them."""

from __future__ import annotations

import pytest

from shebao.core.models import Post
from shebao.core.permissions import DEFAULT_POSTS, Perm, PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db


def test_every_standard_post_is_there_with_its_grants() -> None:
    for code, (name_zh, _name_en, perms) in DEFAULT_POSTS.items():
        post = Post.objects.get(code=code)
        assert post.name_zh == name_zh and set(perms) <= set(post.permissions)


def test_the_local_administrator_binds_but_never_edits_or_publishes_the_catalogue() -> None:
    county = make_region_tree()["county_a1"]
    local = make_staff("county-admin", region=county, posts=[PostCode.LOCAL_ADMIN])
    assert local.has_perm_code(Perm.CATALOGUE_BIND) and local.has_perm_code(Perm.CONFORMANCE_VIEW)
    assert not local.has_perm_code(Perm.CATALOGUE_EDIT) and not local.has_perm_code(Perm.CATALOGUE_PUBLISH)
