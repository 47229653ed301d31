"""Local bindings (四级四同): open fields applied, anything else a deviation never applied."""

from __future__ import annotations

import json

import pytest
from django.utils.translation import override

from shebao.audit.models import AuditEvent
from shebao.catalogue.models import Deviation, LocalBinding
from shebao.catalogue.selectors import binding_for, conformance_report, item_get, published_edition
from shebao.catalogue.services import binding_save
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def edition():
    return make_published_edition()


@pytest.fixture
def county_admin(regions):
    return make_staff("county_admin", region=regions["county_a1"], posts=["admin"])


def test_open_fields_are_applied_and_audited(regions, edition, county_admin):
    result = binding_save(
        region=regions["county_a1"],
        item_code="SB-G-001",
        values={
            "address": "甲一县政务服务中心二楼",
            "phone": "0562-1234567",
            "opening_hours": "周一至周五 8:30-17:00",
            "outlets": ["甲一县政务服务中心", "工商银行甲一支行"],
        },
        by=county_admin,
    )
    binding = LocalBinding.objects.get(pk=result.binding.pk)
    assert binding.address == "甲一县政务服务中心二楼"
    assert binding.outlets == "甲一县政务服务中心\n工商银行甲一支行"
    assert binding.updated_by == county_admin
    assert result.deviations == []
    event = AuditEvent.objects.get(action="catalogue.binding_changed")
    assert event.region_code == "990101"
    assert json.loads(event.payload)["new"]["phone"] == "0562-1234567"
    assert event.actor == county_admin

    # A second save changes one field; only that field is audited.
    binding_save(
        region=regions["county_a1"], item_code="SB-G-001", values={"phone": "12333"}, by=county_admin
    )
    second = AuditEvent.objects.filter(action="catalogue.binding_changed").last()
    assert second is not None
    assert json.loads(second.payload)["old"] == {"phone": "0562-1234567"}
    assert json.loads(second.payload)["new"] == {"phone": "12333"}
    assert LocalBinding.objects.get().address == "甲一县政务服务中心二楼"


def test_other_fields_become_deviations_and_are_not_applied(regions, edition, county_admin):
    materials = item_data()["materials"]  # the region would drop the second material
    result = binding_save(
        region=regions["town_a1"],
        item_code="SB-S-001",
        values={
            "address": "甲一镇便民服务中心",
            "promised_limit_days": "8",
            "materials": materials,
            "name_zh": "失业保险金申领",  # equal to the standard: ignored
            "trips": "1",  # equal once normalised: ignored
        },
        by=county_admin,
    )
    assert sorted(d.field for d in result.deviations) == ["materials", "promised_limit_days"]
    limit = Deviation.objects.get(field="promised_limit_days")
    assert (limit.standard_value, limit.local_value) == (5, 8)
    assert limit.edition == edition
    assert limit.recorded_by == county_admin
    assert limit.region == regions["town_a1"]
    # The published item is unchanged.
    item = item_get(edition=published_edition(), code="SB-S-001")
    assert item.promised_limit_days == 5
    assert len(item.materials.all()) == 2
    assert LocalBinding.objects.get().address == "甲一镇便民服务中心"
    events = AuditEvent.objects.filter(action="catalogue.deviation_recorded")
    assert events.count() == 2
    assert all(e.region_code == "990101001" for e in events)


def test_repeated_attempt_updates_the_same_deviation(regions, edition, county_admin):
    for days in (8, 9):
        binding_save(
            region=regions["county_a1"],
            item_code="SB-S-001",
            values={"promised_limit_days": days},
            by=county_admin,
        )
    assert Deviation.objects.get().local_value == 9
    assert AuditEvent.objects.filter(action="catalogue.deviation_recorded").count() == 2


def test_refusals(regions, edition, county_admin):
    with pytest.raises(PermissionDeniedError):
        binding_save(
            region=regions["county_a2"], item_code="SB-G-001", values={"phone": "1"}, by=county_admin
        )
    with pytest.raises(PermissionDeniedError):
        binding_save(region=regions["city_a"], item_code="SB-G-001", values={"phone": "1"}, by=county_admin)
    with pytest.raises(ApplicationError) as exc:
        binding_save(region=regions["province"], item_code="SB-G-001", values={"phone": "1"}, by=None)
    assert exc.value.code == "province_binding"
    with pytest.raises(ApplicationError) as exc:
        binding_save(region=regions["county_a1"], item_code="NOPE", values={"phone": "1"}, by=county_admin)
    assert exc.value.code == "not_found"
    with pytest.raises(ApplicationError) as exc:
        binding_save(
            region=regions["county_a1"], item_code="SB-G-001", values={"colour": "red"}, by=county_admin
        )
    assert exc.value.code == "unknown_field"
    with pytest.raises(ApplicationError) as exc:
        binding_save(
            region=regions["county_a1"], item_code="SB-G-001", values={"phone": "1" * 61}, by=county_admin
        )
    assert exc.value.code == "binding_invalid"
    teller = make_staff("teller", region=regions["county_a1"], posts=["general_teller"])
    with pytest.raises(PermissionDeniedError):
        binding_save(region=regions["county_a1"], item_code="SB-G-001", values={"phone": "1"}, by=teller)
    assert not LocalBinding.objects.exists()
    assert not Deviation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="catalogue.binding").exists()


def test_item_not_in_published_edition_is_refused_when_nothing_published(regions):
    with pytest.raises(ApplicationError) as exc:
        binding_save(region=regions["county_a1"], item_code="SB-G-001", values={}, by=None)
    assert exc.value.code == "not_found"


def test_province_wide_post_may_bind_anywhere(regions, edition):
    from shebao.core.models import Post

    Post.objects.filter(code="admin").update(province_wide=True)
    admin = make_staff("prov_admin", region=regions["county_b1"], posts=["admin"])
    result = binding_save(region=regions["town_a1"], item_code="SB-G-001", values={"phone": "1"}, by=admin)
    assert result.binding.phone == "1"


def test_binding_inherits_from_the_nearest_ancestor(regions, edition):
    binding_save(region=regions["city_a"], item_code="SB-G-001", values={"address": "甲市"}, by=None)
    binding_save(region=regions["county_a1"], item_code="SB-G-001", values={"address": "甲一县"}, by=None)
    found = binding_for(region=regions["town_a1"], item_code="SB-G-001")
    assert found is not None and found.address == "甲一县"
    found = binding_for(region=regions["county_a2"], item_code="SB-G-001")
    assert found is not None and found.address == "甲市"
    binding_save(region=regions["town_a1"], item_code="SB-G-001", values={"address": "甲一镇"}, by=None)
    found = binding_for(region=regions["town_a1"], item_code="SB-G-001")
    assert found is not None and found.address == "甲一镇"
    assert binding_for(region=regions["town_b1"], item_code="SB-G-001") is None
    assert binding_for(region=regions["town_a1"], item_code="SB-S-001") is None


def test_conformance_scores(regions, edition, django_assert_max_num_queries):
    binding_save(
        region=regions["county_a1"], item_code="SB-S-001", values={"promised_limit_days": 9}, by=None
    )
    binding_save(region=regions["county_a1"], item_code="SB-S-001", values={"trips": 0}, by=None)
    binding_save(region=regions["county_a1"], item_code="SB-G-001", values={"phone": "1"}, by=None)
    binding_save(region=regions["town_b1"], item_code="SB-G-001", values={"channels": ["counter"]}, by=None)
    binding_save(region=regions["town_b1"], item_code="SB-S-001", values={"fee": "10"}, by=None)

    with django_assert_max_num_queries(10):
        report = conformance_report()
    rows = {r.region.code: r for r in report.regions}
    assert set(rows) == {"990100", "990200", "990101", "990102", "990201", "990101001", "990201001"}
    assert rows["990101"].items == 2
    assert rows["990101"].items_with_deviations == 1
    assert rows["990101"].score == 50.0
    assert sorted(d.field for d in rows["990101"].deviations) == ["promised_limit_days", "trips"]
    row = next(d for d in rows["990101"].deviations if d.field == "promised_limit_days")
    assert (row.item_code, row.item_name, row.standard_value, row.local_value) == (
        "SB-S-001",
        "失业保险金申领",
        5,
        9,
    )
    assert rows["990201001"].items_with_deviations == 2
    assert rows["990201001"].score == 0.0
    assert rows["990100"].score == 100.0
    assert rows["990100"].deviations == []
    # 7 regions x 2 items, 3 pairs deviate.
    assert report.score == round(100 * 11 / 14, 1)

    within = conformance_report(within=regions["city_a"])
    assert [r.region.code for r in within.regions] == ["990100", "990101", "990101001", "990102"]
    assert within.score == round(100 * 7 / 8, 1)


def test_conformance_without_deviations_is_100(regions, edition):
    report = conformance_report(within=regions["city_b"])
    assert report.score == 100.0
    assert all(r.score == 100.0 for r in report.regions)


def test_deviation_adopted_by_a_later_edition_stops_counting(regions, edition):
    binding_save(
        region=regions["county_a1"], item_code="SB-S-001", values={"promised_limit_days": 3}, by=None
    )
    assert conformance_report(within=regions["county_a1"]).regions[0].items_with_deviations == 1
    make_published_edition(items=[item_data(), special_item_data(promised_limit_days=3)])
    assert conformance_report(within=regions["county_a1"]).regions[0].items_with_deviations == 0


# --- nothing filled in: no binding that hides the ancestor's -------------------------------------


def test_only_non_open_fields_create_no_binding(regions, edition, county_admin):
    binding_save(region=regions["county_a1"], item_code="SB-S-001", values={"address": "甲一县"}, by=None)
    result = binding_save(
        region=regions["town_a1"],
        item_code="SB-S-001",
        values={"promised_limit_days": 3},
        by=county_admin,
    )
    assert result.binding.pk is None
    assert [d.field for d in result.deviations] == ["promised_limit_days"]
    assert not LocalBinding.objects.filter(region=regions["town_a1"]).exists()
    # The form sends every open field, empty when not filled in: still nothing to keep.
    binding_save(
        region=regions["town_a1"],
        item_code="SB-S-001",
        values={"address": "", "phone": "", "opening_hours": "", "outlets": "", "trips": 0},
        by=county_admin,
    )
    assert not LocalBinding.objects.filter(region=regions["town_a1"]).exists()
    assert AuditEvent.objects.filter(action="catalogue.binding_changed").count() == 1
    found = binding_for(region=regions["town_a1"], item_code="SB-S-001")
    assert found is not None and found.address == "甲一县"


def test_binding_with_every_open_field_cleared_does_not_hide_the_ancestor(regions, edition):
    binding_save(region=regions["county_a1"], item_code="SB-G-001", values={"address": "甲一县"}, by=None)
    binding_save(
        region=regions["town_a1"], item_code="SB-G-001", values={"address": "甲一镇", "phone": "1"}, by=None
    )
    found = binding_for(region=regions["town_a1"], item_code="SB-G-001")
    assert found is not None and found.address == "甲一镇"
    binding_save(
        region=regions["town_a1"], item_code="SB-G-001", values={"address": "", "phone": " "}, by=None
    )
    found = binding_for(region=regions["town_a1"], item_code="SB-G-001")
    assert found is not None and found.address == "甲一县"


# --- comparing with the standard ------------------------------------------------------------------


def test_insurance_types_and_channels_compare_as_sets(regions, edition):
    # The standard: insurance_types [employee_medical, employee_pension], channels [counter, online].
    result = binding_save(
        region=regions["county_a1"],
        item_code="SB-G-001",
        values={
            "insurance_types": ["employee_pension", "employee_medical"],
            "channels": ("online", "counter", "online"),
        },
        by=None,
    )
    assert result.deviations == []
    result = binding_save(
        region=regions["county_a1"], item_code="SB-G-001", values={"channels": ["online"]}, by=None
    )
    assert [(d.field, d.local_value) for d in result.deviations] == [("channels", ["online"])]


def test_materials_and_steps_keep_their_order_and_fill_missing_keys(regions, edition):
    make_published_edition(
        items=[
            item_data(
                steps=[
                    {"kind": "accept", "name_zh": "受理", "name_en": "", "posts": ["general_teller"]},
                    {"kind": "complete", "name_zh": "办结", "name_en": "", "posts": ["general_teller"]},
                ]
            ),
            special_item_data(),
        ]
    )
    # Only the keys that differ from the defaults: the same material and steps as the standard.
    partial_material = {
        "name_zh": "居民身份证",
        "name_en": "Resident identity card",
        "is_identity_document": "true",
        "original_checked": True,
    }
    partial_steps = [
        {"kind": "accept", "name_zh": "受理", "posts": ["general_teller"]},
        {"kind": "complete", "name_zh": "办结", "posts": ["general_teller"]},
    ]
    result = binding_save(
        region=regions["county_a1"],
        item_code="SB-G-001",
        values={"materials": [partial_material], "steps": partial_steps},
        by=None,
    )
    assert result.deviations == []
    # The order of steps and materials is meaningful: reversed, they differ.
    result = binding_save(
        region=regions["county_a1"],
        item_code="SB-G-001",
        values={"steps": list(reversed(partial_steps))},
        by=None,
    )
    assert [d.field for d in result.deviations] == ["steps"]
    assert result.deviations[0].local_value[0] == {
        "kind": "complete",
        "name_zh": "办结",
        "name_en": "",
        "posts": ["general_teller"],
    }
    materials = special_item_data()["materials"]
    result = binding_save(
        region=regions["county_a1"],
        item_code="SB-S-001",
        values={"materials": list(reversed(materials))},
        by=None,
    )
    assert [d.field for d in result.deviations] == ["materials"]


@pytest.mark.parametrize("given", ["true", "True", "1", "是", 1, True])
def test_booleans_given_as_strings_equal_true(regions, edition, given):
    # SB-G-001 is province-wide; SB-S-001 pays out from a fund.
    for code, name in (("SB-G-001", "province_wide"), ("SB-S-001", "fund_payout")):
        result = binding_save(region=regions["county_a1"], item_code=code, values={name: given}, by=None)
        assert result.deviations == []
    assert not Deviation.objects.exists()


@pytest.mark.parametrize("given", ["false", "FALSE", "0", "否", 0, False])
def test_booleans_given_as_strings_equal_false(regions, edition, given):
    result = binding_save(
        region=regions["county_a1"], item_code="SB-S-001", values={"province_wide": given}, by=None
    )
    assert result.deviations == []
    # Against a true standard, the same value is a deviation, recorded as a boolean.
    result = binding_save(
        region=regions["county_a1"], item_code="SB-G-001", values={"province_wide": given}, by=None
    )
    assert [(d.field, d.standard_value, d.local_value) for d in result.deviations] == [
        ("province_wide", True, False)
    ]


def test_integers_given_as_strings_still_compare_equal(regions, edition):
    result = binding_save(
        region=regions["county_a1"],
        item_code="SB-S-001",
        values={"promised_limit_days": "5", "trips": " 1 ", "statutory_limit_days": "10", "fee": "0"},
        by=None,
    )
    assert result.deviations == []


def test_conformance_compares_recorded_values_normalised(regions, edition):
    # Recorded before values were normalised: the same codes in another order, a boolean as text.
    Deviation.objects.create(
        region=regions["county_a1"],
        item_code="SB-G-001",
        field="channels",
        standard_value=["counter", "online"],
        local_value=["online", "counter"],
        edition=edition,
    )
    Deviation.objects.create(
        region=regions["county_a1"],
        item_code="SB-G-001",
        field="province_wide",
        standard_value=True,
        local_value="是",
        edition=edition,
    )
    assert conformance_report(within=regions["county_a1"]).regions[0].items_with_deviations == 0


# --- fields that are not elements of the standard -------------------------------------------------


@pytest.mark.parametrize("name", ["code", "order", "effect_code"])
def test_fields_that_are_not_elements_are_refused(regions, edition, county_admin, name):
    with override("zh-hans"), pytest.raises(ApplicationError) as exc:
        binding_save(
            region=regions["county_a1"],
            item_code="SB-G-001",
            values={"address": "甲一县", name: "X-1"},
            by=county_admin,
        )
    assert exc.value.code == "field_not_element"
    assert name in str(exc.value.message)
    assert "标准要素" in str(exc.value.message)
    assert not LocalBinding.objects.exists()
    assert not Deviation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="catalogue.binding").exists()
    assert not AuditEvent.objects.filter(action="catalogue.deviation_recorded").exists()
