"""Publication rules: what an edition must satisfy before it becomes the standard in force.

Rules read the canonical item form (`snapshot.item_snapshot`), so the same checks serve a whole
edition at publication and a single item in the editor. Sources are in ../shared/domain/facts.md:
社会保险经办条例 Art. 31 (no material beyond the identity card without a legal basis) and Art. 37
(graded review of key and high-risk business), the 最多跑一次 reform and published hall rules on
statutory and promised time limits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import BusinessClass, Edition, InsuranceType, ItemType, RiskLevel, StepKind
from shebao.catalogue.snapshot import edition_snapshot
from shebao.core.effects import get_effect
from shebao.core.models import Post, pick_language
from shebao.core.permissions import PostCode


class Rule:
    """Codes of the publication rules (stable: tests and pages refer to them)."""

    EMPTY_EDITION = "empty_edition"
    ACCEPT_STEP = "accept_step"  # every item has an accept step, and it comes first
    STEP_POSTS = "step_posts"  # every step names at least one post
    UNKNOWN_POST = "unknown_post"
    SEPARATION = "separation"  # 受理审核分离: a special item's review is by other posts than its acceptance
    LEADER_SIGN_OFF = "leader_sign_off"  # fund payouts need a section leader's approval (Art. 37)
    PROMISED_OVER_STATUTORY = "promised_over_statutory"
    PROMISED_LIMIT = "promised_limit"  # promised item ≥ 1 day; instant item 0
    MATERIAL_BASIS = "material_basis"  # Art. 31
    TRIPS = "trips"  # 最多跑一次
    CHANNELS = "channels"
    INSURANCE_TYPES = "insurance_types"
    LEGAL_BASIS = "legal_basis"
    NAME = "name"
    RISK_LEVEL = "risk_level"
    EFFECT = "effect"  # the effect an item names must have a registered handler
    CONDITIONS = "conditions"  # 受理条件: known codes of `conditions.VOCABULARY` with good parameters
    SENSITIVE_EFFECT = "sensitive_effect"  # key or fund data: special, reviewed and signed off by a leader


@dataclass(frozen=True)
class Violation:
    item_code: str
    item_name: str
    rule: str
    message: str

    def __str__(self) -> str:
        if not self.item_code:
            return self.message
        return f"{self.item_code} {self.item_name}: {self.message}"


RISK_RANK = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def known_post_codes() -> set[str]:
    return set(Post.objects.values_list("code", flat=True))


def _posts(steps: Iterable[dict[str, Any]], kind: str) -> set[str]:
    found: set[str] = set()
    for step in steps:
        if step.get("kind") == kind:
            found.update(step.get("posts") or [])
    return found


def known_type_codes() -> set[str]:
    return set(InsuranceType.objects.values_list("code", flat=True))


def item_violations(
    data: dict[str, Any], *, post_codes: set[str], type_codes: set[str] | None = None
) -> list[Violation]:
    """Every rule one item (in snapshot form) breaks. No queries: pass `known_post_codes()` (and
    `known_type_codes()`, read here when not given)."""
    code = str(data.get("code") or "")
    name = pick_language(data.get("name_zh") or "", data.get("name_en") or "")
    found: list[Violation] = []

    def add(rule: str, message: str) -> None:
        found.append(Violation(code, name, rule, message))

    steps = list(data.get("steps") or [])
    special = data.get("business_class") == BusinessClass.SPECIAL
    fund_payout = bool(data.get("fund_payout"))

    # 1. Steps, posts and 受理审核分离.
    if not any(s.get("kind") == StepKind.ACCEPT for s in steps):
        add(Rule.ACCEPT_STEP, _("It has no accept step."))
    elif steps[0].get("kind") != StepKind.ACCEPT:
        add(Rule.ACCEPT_STEP, _("The first step must be the accept step."))
    for i, step in enumerate(steps, start=1):
        posts = list(step.get("posts") or [])
        step_name = pick_language(step.get("name_zh") or "", step.get("name_en") or "") or step.get(
            "kind", ""
        )
        if not posts:
            add(
                Rule.STEP_POSTS,
                _("Step %(n)s (%(step)s) names no post that may perform it.") % {"n": i, "step": step_name},
            )
        unknown = sorted(set(posts) - post_codes)
        if unknown:
            add(
                Rule.UNKNOWN_POST,
                _("Step %(n)s (%(step)s) names unknown posts: %(posts)s.")
                % {"n": i, "step": step_name, "posts": ", ".join(unknown)},
            )
    if special:
        accept_posts = _posts(steps, StepKind.ACCEPT)
        reviews = [s for s in steps if s.get("kind") == StepKind.REVIEW]
        if not reviews:
            add(Rule.SEPARATION, _("A special item needs a review step after acceptance."))
        elif not any(s.get("posts") and not (set(s["posts"]) & accept_posts) for s in reviews):
            add(
                Rule.SEPARATION,
                _("The review step must be done by other posts than the accept step (%(posts)s).")
                % {"posts": ", ".join(sorted(accept_posts))},
            )

    # 2. Leader sign-off for fund payouts.
    if fund_payout and PostCode.SECTION_LEADER not in _posts(steps, StepKind.APPROVE):
        add(Rule.LEADER_SIGN_OFF, _("A fund payout needs an approve step by the section leader."))

    # 3. Time limits.
    promised = _int(data.get("promised_limit_days"))
    statutory = _int(data.get("statutory_limit_days"))
    if statutory is not None and promised is not None and promised > statutory:
        add(
            Rule.PROMISED_OVER_STATUTORY,
            _(
                "The promised limit (%(promised)s working days) is longer than the statutory one (%(statutory)s)."
            )
            % {"promised": promised, "statutory": statutory},
        )
    if data.get("item_type") == ItemType.PROMISED and (promised or 0) < 1:
        add(Rule.PROMISED_LIMIT, _("A promised item needs a promised limit of at least 1 working day."))
    if data.get("item_type") == ItemType.INSTANT and (promised or 0) != 0:
        add(Rule.PROMISED_LIMIT, _("An instant item has a promised limit of 0 working days."))

    # 4. Materials beyond the identity card need a legal basis (Art. 31).
    for material in data.get("materials") or []:
        if not material.get("is_identity_document") and not str(material.get("legal_basis") or "").strip():
            add(
                Rule.MATERIAL_BASIS,
                _("The material '%(material)s' states no legal basis for requiring it.")
                % {"material": pick_language(material.get("name_zh") or "", material.get("name_en") or "")},
            )

    # 4b. Acceptance conditions the platform checks: known codes, good parameters, no contradiction.
    if data.get("conditions"):
        if type_codes is None:
            type_codes = known_type_codes()
        for problem in acceptance.problems(data.get("conditions"), type_codes=type_codes):
            add(Rule.CONDITIONS, problem)

    # 5. The rest of the guide.
    trips = _int(data.get("trips"))
    if trips is None or trips > 1:
        add(Rule.TRIPS, _("Trips to the office must be 0 or 1 (at most one trip)."))
    if not data.get("channels"):
        add(Rule.CHANNELS, _("It offers no channel."))
    if not data.get("insurance_types"):
        add(Rule.INSURANCE_TYPES, _("It names no insurance type."))
    if not any(str(b.get("law") or "").strip() for b in data.get("legal_basis") or []):
        add(Rule.LEGAL_BASIS, _("It states no legal basis."))
    if not str(data.get("name_zh") or "").strip():
        add(Rule.NAME, _("The Chinese name is missing."))
    risk = RISK_RANK.get(data.get("risk_level") or RiskLevel.LOW, 0)
    if fund_payout and risk < RISK_RANK[RiskLevel.HIGH]:
        add(Rule.RISK_LEVEL, _("A fund payout must be high risk."))
    elif special and risk < RISK_RANK[RiskLevel.MEDIUM]:
        add(Rule.RISK_LEVEL, _("A special item must be at least medium risk."))
    effect = str(data.get("effect_code") or "").strip()
    handler = get_effect(effect) if effect else None
    if effect and handler is None:
        add(Rule.EFFECT, _("Its effect '%(effect)s' has no registered handler.") % {"effect": effect})

    # 6. Key data and fund data (DESIGN principle 3): a special item, reviewed, signed off by a leader.
    if handler is not None and handler.sensitive:
        what = _("key data") if handler.writes_key_data else _("fund data")
        if not special:
            add(
                Rule.SENSITIVE_EFFECT,
                _("Its effect (%(effect)s) changes %(what)s: it must be a special item.")
                % {"effect": handler.label, "what": what},
            )
        if not any(s.get("kind") == StepKind.REVIEW for s in steps) or PostCode.SECTION_LEADER not in _posts(
            steps, StepKind.APPROVE
        ):
            add(
                Rule.SENSITIVE_EFFECT,
                _(
                    "Its effect (%(effect)s) changes %(what)s: it needs a review step and an approve "
                    "step by the section leader."
                )
                % {"effect": handler.label, "what": what},
            )
    return found


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def edition_violations(edition: Edition) -> list[Violation]:
    """Every violation of every item of the edition (a fixed number of queries)."""
    items = edition_snapshot(edition)
    if not items:
        return [Violation("", "", Rule.EMPTY_EDITION, _("An empty edition cannot be published."))]
    post_codes = known_post_codes()
    type_codes = known_type_codes()
    found: list[Violation] = []
    for data in sorted(items.values(), key=lambda d: (d.get("order") or 0, d["code"])):
        found.extend(item_violations(data, post_codes=post_codes, type_codes=type_codes))
    return found
