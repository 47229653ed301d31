"""What completing a case will change, and what it changed (reads).

The case page, the review and sign-off forms, the online pre-review page and the receipt show the
item's effect `preview` (value now → value after, read from the registry as it is now) before the
case completes, and its `outcome` (a sentence with links to the records) after. The approve form
carries the preview's fingerprint; `flow.case_approve_step` refuses an approval whose fingerprint no
longer matches (the case data or the registry values changed since the page was shown).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import override

from shebao.cases.models import Case, CaseStatus
from shebao.core.effects import Outcome, Preview, get_effect


def case_preview(case: Case) -> Preview:
    """The change completing `case` makes, as its effect declares it (empty without an effect)."""
    effect = get_effect(case.item.effect_code) if case.item.effect_code else None
    if effect is None:
        return Preview()
    return effect.preview(dict(case.data or {}))


def case_fingerprint(case: Case) -> str:
    """The fingerprint of what a reviewer is shown: the case data and the preview (in one language,
    so that switching the page's language does not look like a change of the record)."""
    with override(settings.LANGUAGE_CODE):
        return case_preview(case).fingerprint(dict(case.data or {}))


def case_outcome(case: Case) -> Outcome | None:
    """What the completed case did, with links to the records (None before completion)."""
    if case.status != CaseStatus.COMPLETED:
        return None
    effect = get_effect(case.item.effect_code) if case.item.effect_code else None
    if effect is None:
        return Outcome(text=case.result)
    return effect.outcome(case.effect_result or {})
