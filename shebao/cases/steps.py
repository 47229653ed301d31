"""An item's steps and where a case stands among them (read by the services, the selectors and pages).

Kept apart from `services/` so that selectors can read a case's step without importing the services
package (which imports the selectors).
"""

from __future__ import annotations

from shebao.cases.lifecycle import AT_STEP, AWAITING_ACCEPTANCE
from shebao.cases.models import Case
from shebao.catalogue.models import BusinessClass, ItemStep, ServiceItem, StepKind


def item_steps(item: ServiceItem) -> list[ItemStep]:
    return sorted(item.steps.all(), key=lambda s: (s.order, s.pk))


def accept_posts(item: ServiceItem) -> set[str]:
    return {p for s in item_steps(item) if s.kind == StepKind.ACCEPT for p in s.posts}


def completes_at_once(item: ServiceItem) -> bool:
    """A general item: class general, or every step after acceptance is done by the accepting posts."""
    if item.business_class == BusinessClass.GENERAL:
        return True
    posts = accept_posts(item)
    return all(set(s.posts) <= posts for s in item_steps(item) if s.kind != StepKind.ACCEPT)


def _is_back_office(step: ItemStep) -> bool:
    # Acceptance is the teller's; the complete step is the system's (it runs when the last sign-off lands).
    return step.kind not in (StepKind.ACCEPT, StepKind.COMPLETE)


def next_step_index(item: ServiceItem, after: int) -> int | None:
    """Index (into `item_steps`) of the first back-office step after `after`, or None: nothing left."""
    for index, step in enumerate(item_steps(item)):
        if index > after and _is_back_office(step):
            return index
    return None


def first_step_index(item: ServiceItem) -> int | None:
    return next_step_index(item, -1)


def standing_step(case: Case) -> ItemStep | None:
    """The step the case stands at now, for every channel: the acceptance while it waits to be accepted
    (sent online, or returned before acceptance), its back-office step while at one (also returned or
    suspended there), None once it ended."""
    steps = item_steps(case.item)
    if case.accepted_at is None:
        if case.status not in AWAITING_ACCEPTANCE:
            return None
        return next((s for s in steps if s.kind == StepKind.ACCEPT), None)
    if case.status in AT_STEP and 0 <= case.step_index < len(steps):
        return steps[case.step_index]
    return None


def current_step(case: Case) -> ItemStep | None:
    """The back-office step the case waits at (None when it is at none): whose posts may act on it."""
    step = standing_step(case)
    return step if step is not None and _is_back_office(step) else None


