"""The diff between two editions."""

from __future__ import annotations

import pytest

from shebao.catalogue.selectors import edition_diff
from shebao.catalogue.services import edition_create_draft, item_delete, item_save
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data

pytestmark = pytest.mark.django_db


def test_diff_reports_added_removed_and_changed_fields(django_assert_max_num_queries):
    old = make_published_edition()
    new = edition_create_draft(by=None, title="二版")
    item_delete(edition=new, code="SB-G-001", by=None)
    item_save(
        edition=new,
        data=item_data(code="SB-G-002", name_zh="单位参保登记", name_en="Employer enrolment"),
        by=None,
    )
    changed = special_item_data(
        promised_limit_days=3,
        channels=["counter", "online"],
        materials=[
            special_item_data()["materials"][0],
            {
                **special_item_data()["materials"][1],
                "name_zh": "失业登记证明",
                "name_en": "Unemployment registration",
            },
        ],
    )
    item_save(edition=new, data=changed, by=None)

    with django_assert_max_num_queries(12):
        diff = edition_diff(old=old, new=new)

    assert [d["code"] for d in diff.added] == ["SB-G-002"]
    assert diff.added[0]["name_zh"] == "单位参保登记"
    assert [d["code"] for d in diff.removed] == ["SB-G-001"]
    assert len(diff.changed) == 1
    change = diff.changed[0]
    assert change.code == "SB-S-001"
    assert change.name == "失业保险金申领"
    assert change.field_names == ["promised_limit_days", "channels", "materials"]
    by_field = {f.field: f for f in change.fields}
    assert (by_field["promised_limit_days"].old, by_field["promised_limit_days"].new) == (5, 3)
    assert by_field["channels"].old == ["counter"]
    assert by_field["channels"].new == ["counter", "online"]
    assert change.materials_added == ["失业登记证明"]
    assert change.materials_removed == ["解除劳动合同证明"]
    assert not diff.is_empty


def test_diff_of_step_posts_is_a_field_change():
    old = make_published_edition()
    new = edition_create_draft(by=None, title="二版")
    steps = special_item_data()["steps"]
    steps[1]["posts"] = ["reviewer", "section_leader"]
    item_save(edition=new, data=special_item_data(steps=steps), by=None)
    diff = edition_diff(old=old, new=new)
    assert [c.code for c in diff.changed] == ["SB-S-001"]
    assert diff.changed[0].field_names == ["steps"]
    assert diff.changed[0].materials_added == diff.changed[0].materials_removed == []
    assert diff.added == diff.removed == []


def test_identical_editions_have_an_empty_diff():
    old = make_published_edition()
    new = edition_create_draft(by=None, title="二版")
    diff = edition_diff(old=old, new=new)
    assert diff.is_empty
    assert diff.added == diff.removed == diff.changed == []
