"""Real-name verification (实名认证) of portal accounts, behind a small adapter interface.

Opening an account proves control of the phone number on record (a one-time code); the adapter adds
proof that the person is who the ID number says, e.g. through the electronic social security card
(电子社保卡). `settings.SHEBAO_REALNAME_ADAPTER` names the adapter class; `get_adapter()` builds it.

An adapter declares the evidence it needs (`evidence_fields`: the registration form shows one field
per entry) and answers `verify(person, evidence)` with a `RealnameResult`. It must not raise for a
refusal: it returns `ok=False` with a message the person can act on. `docs/portal.md` describes how
to plug in a real adapter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class EvidenceField:
    """One piece of evidence an adapter asks for: a form field name, its label and a help text."""

    name: str
    label: Any
    help_text: Any = ""
    max_length: int = 40


@dataclass(frozen=True)
class RealnameResult:
    """The adapter's answer: verified or not, by which method, and what to tell the person if not."""

    ok: bool
    method: str
    message: str = ""
    reference: str = ""  # the provider's transaction reference, kept in the audit event


class RealnameAdapter(Protocol):
    method: str
    evidence_fields: list[EvidenceField]

    def verify(self, person: Any, evidence: dict[str, str]) -> RealnameResult: ...

    def demo_hint(self, person: Any) -> str:
        """What a demo page may show to let people try the flow ("" for real adapters)."""
        ...


def demo_card_number(person: Any) -> str:
    """The demo electronic social security card number of a person: deterministic, documented.

    `"DE"` + the first 10 characters, upper-cased, of sha256("shebao-demo-card:" + ID number).
    """
    digest = hashlib.sha256(f"shebao-demo-card:{person.id_number}".encode()).hexdigest()
    return "DE" + digest[:10].upper()


class DemoAdapter:
    """Accepts the demo card number (`demo_card_number`) of the person; nothing else."""

    method = "demo_card"
    evidence_fields = [
        EvidenceField(
            name="card_number",
            label=gettext_lazy("Electronic social security card number"),
            help_text=gettext_lazy("Shown in the electronic social security card in your phone's app."),
        )
    ]

    def verify(self, person: Any, evidence: dict[str, str]) -> RealnameResult:
        given = "".join(str(evidence.get("card_number", "")).split()).upper()
        if given and given == demo_card_number(person):
            return RealnameResult(ok=True, method=self.method, reference=given[:4] + "…")
        return RealnameResult(
            ok=False,
            method=self.method,
            message=_(
                "Electronic social security card: the number does not belong to this person; "
                "copy it from the card in your phone's app."
            ),
        )

    def demo_hint(self, person: Any) -> str:
        return demo_card_number(person)


def get_adapter() -> RealnameAdapter:
    path = getattr(settings, "SHEBAO_REALNAME_ADAPTER", "shebao.portal.realname.DemoAdapter")
    return import_string(path)()  # type: ignore[no-any-return]
