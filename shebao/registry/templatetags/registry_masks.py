"""Template filters that mask personal data wherever the full value is not needed.

`{{ person.id_number|mask_id }}` → `110105********002X`. The full number is shown only by the
audited reveal (`views.person_reveal_id`), never through a filter.
"""

from __future__ import annotations

from django import template

from shebao.core.masking import mask_account, mask_id_number, mask_phone

register = template.Library()


@register.filter
def mask_id(value: object) -> str:
    return mask_id_number(str(value or ""))


@register.filter(name="mask_phone")
def mask_phone_filter(value: object) -> str:
    return mask_phone(str(value or ""))


@register.filter(name="mask_account")
def mask_account_filter(value: object) -> str:
    return mask_account(str(value or ""))
