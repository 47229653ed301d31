"""`{{ event.action|action_label }}`: an audit action's readable name instead of its code."""

from __future__ import annotations

from django import template

from shebao.audit.actions import action_label as _action_label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _action_label(str(code or ""))
