"""Who applies for an item (服务对象): a person, an employer, or either — one rule for every channel.

The teller's desk (`cases.views.desk_items`), the portal's list of items to apply for and the phone
API's (`cases.services.online.online_items`) all narrow the published items with
`items_for_applicant`, and the online submission checks one item with `item_audience`, so a person is
never offered an employer's item (职工增员, 单位信息变更…) on any channel, nor an employer a person's.

The rule reads catalogue data: the effect the item runs, and that effect's declared applicant
(`Effect.applicant` in `shebao/core/effects.py`): an employer's effect makes the item the employer's; any other
effect acts on a person, so the item is a person's; an item without an effect is open to both.
When items carry executable acceptance conditions (`catalogue/conditions.py`: `person`,
`employer`), those conditions decide first — change `_employer_only` and `_person_only`, nothing else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shebao.catalogue.models import ServiceItem
from shebao.core.effects import EMPLOYER as EFFECT_EMPLOYER
from shebao.core.effects import effect_codes_for, get_effect

PERSON = "person"
EMPLOYER = "employer"

def _employer_effects() -> list[str]:
    # The effects' own declarations (`Effect.applicant`), never a list kept here.
    return sorted(effect_codes_for(EFFECT_EMPLOYER))


def _employer_only() -> Q:
    return Q(effect_code__in=_employer_effects())


def _person_only() -> Q:
    return ~Q(effect_code="") & ~Q(effect_code__in=_employer_effects())


def item_audience(item: ServiceItem) -> frozenset[str]:
    """Who may apply for `item`: {PERSON}, {EMPLOYER} or both (the rule of `items_for_applicant`)."""
    effect = get_effect(item.effect_code) if item.effect_code else None
    if effect is None:
        return frozenset({PERSON, EMPLOYER})
    return frozenset({EMPLOYER if effect.applicant == EFFECT_EMPLOYER else PERSON})


def items_for_applicant(*, items: QuerySet[ServiceItem], kind: str) -> QuerySet[ServiceItem]:
    """`items` narrowed to those an applicant of `kind` (PERSON or EMPLOYER) may apply for."""
    if kind == PERSON:
        return items.exclude(_employer_only())
    if kind == EMPLOYER:
        return items.exclude(_person_only())
    raise ValueError(f"unknown applicant kind {kind!r}")
