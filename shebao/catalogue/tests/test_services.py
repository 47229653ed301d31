"""Editions, items and publication through the real services."""

from __future__ import annotations

import pytest

from shebao.catalogue.models import EditionStatus, Standard
from shebao.catalogue.selectors import edition_diff
from shebao.catalogue.services import edition_create_draft
from shebao.catalogue.tests.factories import make_published_edition

pytestmark = pytest.mark.django_db


def test_published_factory_and_copy():
    first = make_published_edition()
    assert first.status == EditionStatus.PUBLISHED
    assert Standard.objects.get(edition=first).version == str(first.number)
    draft = edition_create_draft(by=None, title="二版")
    assert edition_diff(old=first, new=draft).is_empty
