"""The demo catalogue: real, item-specific data that publishes without a single violation.

The file is read once; the database load (draft → 108 items → publish) runs once per module and is
rolled back afterwards; the other tests only read the file.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from shebao.catalogue.demo import CATALOGUE_FILE, demo_catalogue_document, load_demo_catalogue
from shebao.catalogue.models import EditionStatus, Standard
from shebao.catalogue.rules import edition_violations
from shebao.catalogue.snapshot import ALL_FIELDS, MATERIAL_FIELDS, STEP_FIELDS, edition_snapshot

ITEMS: list[dict[str, Any]] = demo_catalogue_document()["items"]
BY_NAME = {item["name_zh"]: item for item in ITEMS}

# The marker also makes pytest-django create the test database when this module runs alone.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def published(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        edition = load_demo_catalogue(by=None)
        edition.refresh_from_db()
        yield {
            "status": edition.status,
            "snapshot": edition_snapshot(edition),
            "violations": [str(v) for v in edition_violations(edition)],
            "standard": Standard.objects.filter(edition=edition).exists(),
        }
        transaction.set_rollback(True)


def test_loads_and_publishes_without_violations(published: dict[str, Any]) -> None:
    assert published["status"] == EditionStatus.PUBLISHED
    assert published["violations"] == []
    assert published["standard"]
    assert len(published["snapshot"]) == len(ITEMS)


def test_published_items_equal_the_file(published: dict[str, Any]) -> None:
    """What the platform publishes is exactly the file: nothing dropped or normalised away."""
    for item in ITEMS:
        stored = published["snapshot"][item["code"]]
        for name in ALL_FIELDS:
            assert stored[name] == item[name], (item["code"], name)


def test_the_file_is_what_the_generator_builds() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_demo", CATALOGUE_FILE.with_name("build_demo_catalogue.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert json.loads(json.dumps(module.ITEMS, ensure_ascii=False)) == ITEMS


def test_at_least_100_items_in_the_model_office_proportions() -> None:
    assert len(ITEMS) >= 100
    zones = Counter(item["zone"] for item in ITEMS)
    for zone, model_office in {"enrolment": 33, "medical": 46, "pension": 27}.items():
        assert abs(zones[zone] - model_office) <= 3, zones


def test_codes_are_unique_and_follow_the_scheme() -> None:
    codes = [item["code"] for item in ITEMS]
    assert len(set(codes)) == len(codes)
    prefix = {"enrolment": "SB-CJ-", "medical": "SB-DY-", "pension": "SB-YS-"}
    for item in ITEMS:
        assert item["code"].startswith(prefix[item["zone"]]), item["code"]
    assert len({item["name_zh"] for item in ITEMS}) == len(ITEMS)


def test_every_item_is_complete_and_sourced() -> None:
    for item in ITEMS:
        code = item["code"]
        assert set(item) == set(ALL_FIELDS), code
        assert item["source"].strip(), code
        assert item["name_en"].strip() and item["acceptance_conditions_en"].strip(), code
        assert item["implementing_body_en"].strip() and item["supervision_phone"] == "12333", code
        assert any(basis["law"].strip() for basis in item["legal_basis"]), code
        assert item["fee"] == "0.00" and item["fee_basis"], code
        if item["statutory_limit_days"] is None:
            assert "agency" in item["source"], code
        for material in item["materials"]:
            assert set(material) == set(MATERIAL_FIELDS), code
            assert material["is_identity_document"] or material["legal_basis"].strip(), code
        for step in item["steps"]:
            assert set(step) == set(STEP_FIELDS), code


def test_content_is_item_specific_not_one_template() -> None:
    conditions = {item["acceptance_conditions_zh"] for item in ITEMS}
    assert len(conditions) >= len(ITEMS) - 2
    material_names = {m["name_zh"] for item in ITEMS for m in item["materials"]}
    assert len(material_names) >= 50
    laws = {b["law"] for item in ITEMS for b in item["legal_basis"]}
    assert len(laws) >= 15


@pytest.mark.parametrize(
    ("name", "statutory"),
    [
        ("生育津贴申领", 10),
        ("职工医疗费用手工（零星）报销", 30),
        ("职工基本养老保险待遇申领（正常退休）", 20),
        ("失业保险金申领", 10),
        ("工伤医疗费用申领（含住院伙食补助费）", 20),
        ("职业培训补贴申领", 10),
    ],
)
def test_statutory_limits_from_facts(name: str, statutory: int) -> None:
    item = BY_NAME[name]
    assert item["statutory_limit_days"] == statutory
    assert 1 <= item["promised_limit_days"] <= statutory


def test_person_enrolment_within_ten_working_days() -> None:
    item = BY_NAME["职工参保登记（人员新参保）"]
    assert item["statutory_limit_days"] is not None and item["statutory_limit_days"] <= 10
    assert item["promised_limit_days"] <= item["statutory_limit_days"]


def test_channels_and_handling_variety() -> None:
    assert any(item["province_wide"] for item in ITEMS)
    cross = [item for item in ITEMS if item["cross_province"]]
    assert 2 <= len(cross) <= 10
    for name in (
        "个人权益记录查询打印（参保证明）",
        "社会保障卡挂失",
        "参保人员非关键信息变更（联系电话、通讯地址等）",
    ):
        item = BY_NAME[name]
        assert item["business_class"] == "general" and "bank" in item["channels"], name
        accept = item["steps"][0]
        assert "bank_agent" in accept["posts"], name
    for item in ITEMS:
        if item["fund_payout"]:
            assert [s["kind"] for s in item["steps"]] == ["accept", "review", "approve"], item["code"]
            assert item["risk_level"] == "high", item["code"]
