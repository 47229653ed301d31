"""Scheduled sealing of the audit chain: a backstop for events whose after-commit seal did not run."""

from __future__ import annotations

from celery import shared_task

from shebao.audit.services import audit_seal


@shared_task(name="audit.seal")
def seal_task() -> int:
    return audit_seal()
