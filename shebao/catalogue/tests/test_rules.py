"""Publication rules: each refuses with its own violation; publication lists them all at once."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from shebao.audit.models import AuditEvent
from shebao.catalogue.models import Edition, EditionStatus, Standard
from shebao.catalogue.rules import Rule, edition_violations, item_violations, known_post_codes
from shebao.catalogue.services import edition_create_draft, edition_publish, item_save
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

ID_CARD = item_data()["materials"][0]
EXTRA_MATERIAL = special_item_data()["materials"][1]


def _rules(data: dict) -> list[str]:
    return [v.rule for v in item_violations(data, post_codes=known_post_codes())]


def test_factory_items_are_valid():
    assert _rules(item_data()) == []
    assert _rules(special_item_data()) == []


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        # 1. steps and posts
        (item_data(steps=[{"kind": "complete", "posts": ["general_teller"]}]), Rule.ACCEPT_STEP),
        (
            special_item_data(
                steps=[
                    {"kind": "review", "posts": ["reviewer"]},
                    {"kind": "accept", "posts": ["special_teller"]},
                    {"kind": "approve", "posts": ["section_leader"]},
                ]
            ),
            Rule.ACCEPT_STEP,
        ),
        (item_data(steps=[{"kind": "accept", "posts": []}]), Rule.STEP_POSTS),
        (item_data(steps=[{"kind": "accept", "posts": ["janitor"]}]), Rule.UNKNOWN_POST),
        (
            special_item_data(
                steps=[
                    {"kind": "accept", "posts": ["special_teller"]},
                    {"kind": "approve", "posts": ["section_leader"]},
                ]
            ),
            Rule.SEPARATION,
        ),
        (
            special_item_data(
                steps=[
                    {"kind": "accept", "posts": ["special_teller", "reviewer"]},
                    {"kind": "review", "posts": ["reviewer"]},
                    {"kind": "approve", "posts": ["section_leader"]},
                ]
            ),
            Rule.SEPARATION,
        ),
        # 2. leader sign-off
        (
            special_item_data(
                steps=[
                    {"kind": "accept", "posts": ["special_teller"]},
                    {"kind": "review", "posts": ["reviewer"]},
                    {"kind": "approve", "posts": ["reviewer"]},
                ]
            ),
            Rule.LEADER_SIGN_OFF,
        ),
        # 3. time limits
        (special_item_data(statutory_limit_days=10, promised_limit_days=11), Rule.PROMISED_OVER_STATUTORY),
        (special_item_data(promised_limit_days=0), Rule.PROMISED_LIMIT),
        (item_data(promised_limit_days=3), Rule.PROMISED_LIMIT),
        # 4. materials (Art. 31)
        (item_data(materials=[ID_CARD, {**EXTRA_MATERIAL, "legal_basis": ""}]), Rule.MATERIAL_BASIS),
        # 5. the rest of the guide
        (item_data(trips=2), Rule.TRIPS),
        (item_data(channels=[]), Rule.CHANNELS),
        (item_data(insurance_types=[]), Rule.INSURANCE_TYPES),
        (item_data(legal_basis=[]), Rule.LEGAL_BASIS),
        (item_data(legal_basis=[{"law": " ", "article": "第一条"}]), Rule.LEGAL_BASIS),
        (item_data(name_zh=""), Rule.NAME),
        (special_item_data(fund_payout=False, risk_level="low"), Rule.RISK_LEVEL),
        (special_item_data(risk_level="medium"), Rule.RISK_LEVEL),
    ],
)
def test_each_rule_names_its_own_violation(data, rule):
    assert _rules(data) == [rule]


def test_statutory_limit_absent_allows_any_promised_limit():
    assert _rules(special_item_data(statutory_limit_days=None, promised_limit_days=60)) == []


def test_non_fund_special_item_at_medium_risk_is_fine():
    assert _rules(special_item_data(fund_payout=False, risk_level="medium")) == []


def test_empty_edition_cannot_be_published():
    draft = edition_create_draft(by=None, title="空版")
    assert [v.rule for v in edition_violations(draft)] == [Rule.EMPTY_EDITION]
    with pytest.raises(ApplicationError) as exc:
        edition_publish(edition=draft, by=None)
    assert exc.value.code == "edition_invalid"
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def test_publication_lists_every_violation_and_writes_nothing(django_assert_max_num_queries):
    previous = make_published_edition()
    draft = edition_create_draft(by=None, title="二版")
    item_save(
        edition=draft, data=item_data(code="SB-G-009", name_en="Bad general", trips=2, channels=[]), by=None
    )
    item_save(
        edition=draft,
        data=special_item_data(
            code="SB-S-009",
            name_zh="坏的特殊事项",
            risk_level="low",
            steps=[{"kind": "accept", "posts": ["special_teller"]}],
        ),
        by=None,
    )
    with django_assert_max_num_queries(8):
        violations = edition_violations(draft)
    assert {(v.item_code, v.rule) for v in violations} == {
        ("SB-G-009", Rule.TRIPS),
        ("SB-G-009", Rule.CHANNELS),
        ("SB-S-009", Rule.SEPARATION),
        ("SB-S-009", Rule.LEADER_SIGN_OFF),
        ("SB-S-009", Rule.RISK_LEVEL),
    }
    events = AuditEvent.objects.count()
    with override("en"), pytest.raises(ApplicationError) as exc:
        edition_publish(edition=draft, by=None)
    assert exc.value.code == "edition_invalid"
    assert len(exc.value.details) == 5
    assert any(d.startswith("SB-S-009 Unemployment benefit claim: ") for d in exc.value.details)
    assert any("section leader" in d for d in exc.value.details)
    draft.refresh_from_db()
    previous.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT
    assert draft.published_at is None
    assert previous.status == EditionStatus.PUBLISHED
    assert Standard.objects.count() == 1
    assert Edition.objects.filter(status=EditionStatus.PUBLISHED).get() == previous
    assert AuditEvent.objects.count() == events


def test_violation_messages_are_translated():
    data = item_data(trips=2)
    with override("zh-hans"):
        zh = item_violations(data, post_codes=known_post_codes())[0].message
    with override("en"):
        en = item_violations(data, post_codes=known_post_codes())[0].message
    assert "最多跑一次" in zh
    assert "at most one trip" in en


def test_an_effect_without_a_handler_is_refused():
    from shebao.catalogue.rules import Rule, item_violations, known_post_codes
    from shebao.catalogue.tests.factories import item_data
    from shebao.core.effects import register_effect

    data = item_data(effect_code="test.no_such_effect")
    rules = {v.rule for v in item_violations(data, post_codes=known_post_codes())}
    assert Rule.EFFECT in rules

    register_effect("test.registered_effect", label_zh="测试", label_en="Test")(lambda **kw: None)
    data = item_data(effect_code="test.registered_effect")
    assert Rule.EFFECT not in {v.rule for v in item_violations(data, post_codes=known_post_codes())}


REVIEW_ONLY = [
    {"kind": "accept", "posts": ["special_teller"]},
    {"kind": "review", "posts": ["reviewer"]},
]


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        # A general item changing key data or fund data: refused, whatever its steps.
        (item_data(effect_code="registry.person_change_key"), True),
        (item_data(effect_code="registry.person_change_payout"), True),
        # A special item reviewed but not signed off by the section leader: refused.
        (
            special_item_data(fund_payout=False, effect_code="registry.person_change_key", steps=REVIEW_ONLY),
            True,
        ),
        (
            special_item_data(
                fund_payout=False, effect_code="registry.person_change_payout", steps=REVIEW_ONLY
            ),
            True,
        ),
        # Reviewed and signed off: allowed.
        (special_item_data(fund_payout=False, effect_code="registry.person_change_key"), False),
        (special_item_data(fund_payout=False, effect_code="registry.person_change_payout"), False),
        # Ordinary personal data (phone, address) stay a general item.
        (item_data(effect_code="registry.person_change"), False),
    ],
)
def test_key_and_fund_data_only_through_special_items_with_sign_off(data, refused):
    assert (Rule.SENSITIVE_EFFECT in _rules(data)) is refused


def test_the_sensitive_effect_refusal_names_what_it_changes():
    with override("en"):
        messages = [
            v.message
            for v in item_violations(item_data(effect_code="registry.person_change_payout"), post_codes=set())
            if v.rule == Rule.SENSITIVE_EFFECT
        ]
    assert any("fund data" in m and "special item" in m for m in messages)
