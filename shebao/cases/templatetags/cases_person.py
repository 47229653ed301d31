"""`{% person_cases person %}`: the cases of a person on the registry person page (one bounded query)."""

from __future__ import annotations

from typing import Any

from django import template

from shebao.cases.models import Case

register = template.Library()

PERSON_CASES_LIMIT = 20


@register.inclusion_tag("cases/_person_cases.html")
def person_cases(person: Any) -> dict[str, Any]:
    cases = list(
        Case.objects.filter(person=person)
        .select_related("item")
        .order_by("-accepted_at", "-id")[: PERSON_CASES_LIMIT + 1]
    )
    return {
        "cases": cases[:PERSON_CASES_LIMIT],
        "more": len(cases) > PERSON_CASES_LIMIT,
        "limit": PERSON_CASES_LIMIT,
    }
