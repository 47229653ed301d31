"""Template tags of the portal navigation: the signed-in person's unread message count."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def portal_unread(account: Any) -> int:
    """Unread messages of a person's or an employer agent's account (0 for anyone else)."""
    if not account or getattr(account, "kind", "") not in ("person", "employer_agent"):
        return 0
    from shebao.portal.selectors import unread_count

    return unread_count(account=account)
