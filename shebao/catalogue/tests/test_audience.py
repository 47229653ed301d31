"""Who applies for an item: one rule (catalogue/audience.py) for the desk, the portal and the API."""

from __future__ import annotations

import pytest

from shebao.catalogue.audience import EMPLOYER, PERSON, item_audience, items_for_applicant
from shebao.catalogue.tests.factories import item_data, make_published_edition

pytestmark = pytest.mark.django_db


def test_employer_items_person_items_and_items_for_both() -> None:
    edition = make_published_edition(
        [
            item_data(code="SB-T-001", order=1, effect_code="registry.staff_decrease"),
            item_data(code="SB-T-002", order=2, effect_code="registry.person_change"),
            item_data(code="SB-T-003", order=3, effect_code=""),
        ]
    )
    items = edition.items.all()
    assert {i.code: set(item_audience(i)) for i in items} == {
        "SB-T-001": {EMPLOYER},
        "SB-T-002": {PERSON},
        "SB-T-003": {PERSON, EMPLOYER},
    }
    assert set(items_for_applicant(items=items, kind=PERSON).values_list("code", flat=True)) == {
        "SB-T-002",
        "SB-T-003",
    }
    assert set(items_for_applicant(items=items, kind=EMPLOYER).values_list("code", flat=True)) == {
        "SB-T-001",
        "SB-T-003",
    }
    with pytest.raises(ValueError):
        items_for_applicant(items=items, kind="robot")
