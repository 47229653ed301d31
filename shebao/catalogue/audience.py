"""Who applies for an item (服务对象): a person, an employer, or either — one rule for every channel.

The teller's desk (`cases.views.desk_items`), the portal's list of items to apply for and the phone
API's (`cases.services.online.online_items`) all narrow the published items with
`items_for_applicant`, and the online submission checks one item with `item_audience`, so a person is
never offered an employer's item (职工增员, 单位信息变更…) on any channel, nor an employer a person's.

The rule reads catalogue data: the effect the item runs. An effect that acts on the applying employer
(it takes the employer's credit code from the applicant) makes the item the employer's; any other
effect acts on a person, so the item is a person's; an item without an effect is open to both.
When items carry executable acceptance conditions (`catalogue/conditions.py`: `person`,
`employer`), those conditions decide first — change `_employer_only` and `_person_only`, nothing else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shebao.catalogue.models import ServiceItem

PERSON = "person"
EMPLOYER = "employer"

# Effects that act on the employer who applies (it supplies its credit code): its registration, its
# data and status, its staff joining and leaving, one by one or from a file.
EMPLOYER_EFFECTS = frozenset(
    {
        "registry.employer_register",
        "registry.employer_change",
        "registry.employer_status",
        "registry.staff_increase",
        "registry.staff_decrease",
        "portal.staff_changes_bulk",
    }
)


def _employer_only() -> Q:
    return Q(effect_code__in=EMPLOYER_EFFECTS)


def _person_only() -> Q:
    return ~Q(effect_code="") & ~Q(effect_code__in=EMPLOYER_EFFECTS)


def item_audience(item: ServiceItem) -> frozenset[str]:
    """Who may apply for `item`: {PERSON}, {EMPLOYER} or both (the rule of `items_for_applicant`)."""
    if item.effect_code in EMPLOYER_EFFECTS:
        return frozenset({EMPLOYER})
    if item.effect_code:
        return frozenset({PERSON})
    return frozenset({PERSON, EMPLOYER})


def items_for_applicant(*, items: QuerySet[ServiceItem], kind: str) -> QuerySet[ServiceItem]:
    """`items` narrowed to those an applicant of `kind` (PERSON or EMPLOYER) may apply for."""
    if kind == PERSON:
        return items.exclude(_employer_only())
    if kind == EMPLOYER:
        return items.exclude(_person_only())
    raise ValueError(f"unknown applicant kind {kind!r}")
