"""The registry of effect handlers, keyed by effect code.

What a catalogue item *does* when its case completes (creates an enrolment, changes key data, …)
is a small function registered here under an effect code; the item names the code in
`ServiceItem.effect_code`. Publishing an edition refuses an item whose effect code has no handler.
Apps register their handlers in `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EffectHandler = Callable[..., Any]


@dataclass(frozen=True)
class Effect:
    code: str
    handler: EffectHandler
    label_zh: str
    label_en: str


_EFFECTS: dict[str, Effect] = {}


def register_effect(code: str, *, label_zh: str, label_en: str) -> Callable[[EffectHandler], EffectHandler]:
    """Decorator: `@register_effect("registry.person_register", label_zh=..., label_en=...)`."""

    def decorator(handler: EffectHandler) -> EffectHandler:
        if code in _EFFECTS and _EFFECTS[code].handler is not handler:
            raise RuntimeError(f"effect {code!r} registered twice")
        _EFFECTS[code] = Effect(code=code, handler=handler, label_zh=label_zh, label_en=label_en)
        return handler

    return decorator


def get_effect(code: str) -> Effect | None:
    return _EFFECTS.get(code)


def effect_codes() -> set[str]:
    return set(_EFFECTS)
