"""Routing across the province (无差别受理, 全省通办): which region's staff handle a case.

Every channel (window, bank outlet, online) accepts an application the same way, wherever the applicant's
records belong. What differs is where the back-office steps go — `Case.region`, the region whose
reviewers and leaders see the case in their queue (`selectors.review_queue`) and may act on it
(`flow.step_post_for` checks the region):

- an item flagged province-wide (`ServiceItem.province_wide`, 全省通办) is handled where it was
  accepted: the accepting outlet's region (for a case without an outlet, e.g. online, the applicant's
  record region);
- an item with no back-office steps (a general item, `flow.completes_at_once`) completes at once where
  it was accepted, so it stays there too;
- any other item is routed to the applicant's record region (the person's or the employer's).

`case_progress(case)` tells the applicant which region's office handles each step.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from shebao.cases.models import ActionKind, Case, CaseStatus
from shebao.cases.services.flow import completes_at_once, item_steps, standing_step
from shebao.catalogue.models import ServiceItem, StepKind
from shebao.core.errors import ApplicationError
from shebao.core.models import Office, Region


def record_region(*, person: Any = None, employer: Any = None) -> Region | None:
    """The region the applicant's records belong to (the person's, else the employer's), or None."""
    if person is not None:
        return person.region
    if employer is not None:
        return employer.region
    return None


def accepting_region(
    *, person: Any = None, employer: Any = None, window: Any = None, outlet: Any = None, teller: Any = None
) -> Region | None:
    """Where the application was taken: the outlet's region; without an outlet (online), the applicant's
    record region; failing both, the accepting staff member's region."""
    outlet = outlet if outlet is not None else (window.outlet if window is not None else None)
    if outlet is not None:
        return outlet.region
    found = record_region(person=person, employer=employer)
    if found is not None:
        return found
    return teller.region if teller is not None else None


def handled_where_accepted(item: ServiceItem) -> bool:
    """True if the item's case stays in the accepting region: province-wide, or nothing to route."""
    return bool(item.province_wide) or completes_at_once(item)


def case_region(
    *,
    item: ServiceItem,
    person: Any = None,
    employer: Any = None,
    window: Any = None,
    outlet: Any = None,
    teller: Any = None,
    fallback: Region | None = None,
) -> Region:
    """The region whose staff handle the case's back-office steps (stored as `Case.region`).

    `fallback` is for an applicant not yet registered and no outlet or staff to go by (an online
    registration names the region it registers in). Raises ApplicationError when nothing gives a region.
    """
    here = accepting_region(person=person, employer=employer, window=window, outlet=outlet, teller=teller)
    home = record_region(person=person, employer=employer)
    region = here if handled_where_accepted(item) else (home or here)
    region = region or fallback
    if region is None:
        raise ApplicationError(
            "no_region", _("Your account belongs to no office; ask an administrator."), status=400
        )
    return region


def office_name(region: Region | None) -> str:
    """The name of the agency office of a region (the first by name), or the region's name."""
    if region is None:
        return ""
    office = Office.objects.filter(region=region).order_by("name_zh", "pk").first()
    return office.name if office is not None else region.name


def routing_note(*, case: Case, accepted_in: Region | None) -> str:
    """The line recorded with the acceptance when the back-office steps go to another region."""
    if accepted_in is None or case.region_id == accepted_in.pk:
        return ""
    return _(
        "Accepted in %(accepted)s; the review steps are handled by %(office)s (%(region)s), "
        "where the applicant's records belong."
    ) % {"accepted": accepted_in.name, "office": office_name(case.region), "region": case.region.name}


# --- progress, for the applicant ------------------------------------------------------------------


class StepState:
    DONE = "done"
    CURRENT = "current"  # the case waits at this step
    WAITING = "waiting"  # not reached yet
    STOPPED = "stopped"  # the case ended before this step (rejected)


@dataclass(frozen=True)
class ProgressStep:
    """One step of a case as the applicant sees it: what, its state, and which office handles it."""

    index: int
    kind: str  # StepKind
    name: str
    state: str  # StepState
    region: Region | None
    region_name: str
    office_name: str
    done_at: datetime.datetime | None


def _accepted_in(case: Case) -> Region | None:
    # Window and bank cases were taken at an outlet; online cases are taken in the case's own region.
    return case.outlet.region if case.outlet_id else case.region  # type: ignore[union-attr]


def case_progress(case: Case) -> list[ProgressStep]:
    """Every step of the case's item, in order, with its state and the office that handles it.

    The acceptance step is handled where the application was taken (named by the outlet; online: the
    case's region's office), the back-office and completion steps by the case's region's office. A few queries: the item's
    steps (unless prefetched), the case's actions and the two regions' offices.
    """
    steps = item_steps(case.item)
    actions = list(case.actions.order_by("at", "id").values_list("kind", "step_index", "at"))
    approved = {index: at for kind, index, at in actions if kind == ActionKind.APPROVE_STEP}
    accepted_at = case.accepted_at
    rejected = case.status == CaseStatus.REJECTED
    rejected_at_step = next(
        (index for kind, index, _at in reversed(actions) if kind == ActionKind.REJECT), None
    )
    standing = standing_step(case)
    here, home = _accepted_in(case), case.region
    offices = {r.pk: office_name(r) for r in {here, home} if r is not None}
    front = case.outlet.name if case.outlet_id else ""  # type: ignore[union-attr]  # the hall visited
    progress: list[ProgressStep] = []
    for index, step in enumerate(steps):
        region = here if step.kind == StepKind.ACCEPT else home
        done_at: datetime.datetime | None = None
        if step.kind == StepKind.ACCEPT:
            done_at = accepted_at
            if accepted_at is not None:
                state = StepState.DONE
            else:
                state = StepState.STOPPED if rejected else StepState.CURRENT
        elif step.kind == StepKind.COMPLETE:
            state = StepState.DONE if case.status == CaseStatus.COMPLETED else StepState.WAITING
            done_at = case.completed_at if state == StepState.DONE else None
            if rejected:
                state = StepState.STOPPED
        elif case.status == CaseStatus.COMPLETED or index in approved:
            state, done_at = StepState.DONE, approved.get(index)
        elif rejected:
            state = StepState.DONE if rejected_at_step == index else StepState.STOPPED
            done_at = case.completed_at if rejected_at_step == index else None
        elif standing is not None and step.pk == standing.pk:
            state = StepState.CURRENT
        else:
            state = StepState.WAITING
        handler = offices.get(region.pk, "") if region is not None else ""
        if step.kind == StepKind.ACCEPT and front:
            handler = front
        progress.append(
            ProgressStep(
                index=index,
                kind=step.kind,
                name=step.name,
                state=state,
                region=region,
                region_name=region.name if region is not None else "",
                office_name=handler,
                done_at=done_at,
            )
        )
    return progress
