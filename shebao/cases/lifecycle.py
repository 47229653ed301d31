"""The lifecycle of a case (办件), in one place: every status, the status groups and every allowed move.

Nothing else keeps a list of statuses: services check a move with `can_move` before making it and take
the status it leads to from `TRANSITIONS`; pages, the API and the portal ask `allowed_moves` (which
buttons to show) and filter lists by the groups below. The moves themselves (locking, version check,
separation of duties, audit) are in `services/` (`intake`, `flow`, `clock`, `online`).

    (new) --accept--------------------------------> ACCEPTED --approve_step--> IN_REVIEW ... --complete--> COMPLETED
    (new) --submit--> SUBMITTED --accept_online--> ACCEPTED                                           \\
                      SUBMITTED --return_online--> RETURNED --supplement_online--> SUBMITTED           reject --> REJECTED
              ACCEPTED/IN_REVIEW --return--> RETURNED --supplement--> IN_REVIEW
              ACCEPTED/IN_REVIEW --suspend--> SUSPENDED --resume--> (the status it had)
              ACCEPTED/IN_REVIEW --extend--> (unchanged; more working days)

This module imports nothing of the project: `models.py` takes `CaseStatus` from here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """Every state of a case. Allowed moves: `TRANSITIONS`."""

    SUBMITTED = (
        "submitted",
        _("Submitted, awaiting acceptance"),
    )  # 待受理: sent online, not yet accepted by staff
    ACCEPTED = "accepted", _("Accepted")  # 已受理: materials complete, at the first step after acceptance
    IN_REVIEW = "in_review", _("In review")  # 审核中 / 审批中: at a back-office step
    RETURNED = "returned", _("Returned for correction")  # 补正: clock stopped until the supplement arrives
    SUSPENDED = "suspended", _("Suspended")  # 中止: waiting on an outside party, clock stopped
    COMPLETED = "completed", _("Completed")  # 办结: the effect ran
    REJECTED = "rejected", _("Rejected")  # 不予办理, with a reason


# --- status groups --------------------------------------------------------------------------------

# Ended: nothing more happens to the case (it may be rated).
FINISHED: frozenset[str] = frozenset({CaseStatus.COMPLETED, CaseStatus.REJECTED})
# Not ended, whatever it waits for.
OPEN: frozenset[str] = frozenset(CaseStatus.values) - FINISHED
# Waiting at a back-office step: the staff's turn, and the case's clock runs (deadlines, overdue,
# extensions and suspensions apply only here).
AT_BACK_OFFICE: frozenset[str] = frozenset({CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW})
# Waiting for the applicant: returned for correction (补正), before or after acceptance.
WAITING_FOR_APPLICANT: frozenset[str] = frozenset({CaseStatus.RETURNED})
# Sent online and waiting for staff to accept it (a RETURNED case counts only while it has no acceptor).
AWAITING_ACCEPTANCE: frozenset[str] = frozenset({CaseStatus.SUBMITTED, CaseStatus.RETURNED})
# Standing at a step of its item (the step it goes on from): at the back office, returned or suspended.
AT_STEP: frozenset[str] = AT_BACK_OFFICE | WAITING_FOR_APPLICANT | frozenset({CaseStatus.SUSPENDED})
# The clock is stopped, and the case has no deadline, until the applicant or an outside party answers.
CLOCK_STOPPED: frozenset[str] = frozenset({CaseStatus.RETURNED, CaseStatus.SUSPENDED})


# --- moves ----------------------------------------------------------------------------------------


class Move:
    """Names of the moves a case can make (`TRANSITIONS` keys)."""

    # Creating a case: at a window or bank outlet (受理), or sent online (网上申报).
    ACCEPT = "accept"
    SUBMIT = "submit"
    # At a back-office step (`services/flow.py`).
    APPROVE_STEP = "approve_step"
    RETURN = "return"
    SUPPLEMENT = "supplement"
    REJECT = "reject"
    COMPLETE = "complete"
    # The clock (`services/clock.py`): 中止, its end, 延期.
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"
    # Before acceptance (网上预审, `services/online.py`): staff accept, return or reject what was sent
    # online; the applicant's supplement sends a case returned before acceptance back to pre-review.
    ACCEPT_ONLINE = "accept_online"
    RETURN_ONLINE = "return_online"
    REJECT_ONLINE = "reject_online"
    SUPPLEMENT_ONLINE = "supplement_online"


NEW = ""  # the "status" of a case not created yet: the source of the moves that create one


class Transition(NamedTuple):
    """One allowed move: the statuses it starts from, the status it leads to, and whether the case must
    already be accepted (True), must not be (False) or either (None)."""

    sources: frozenset[str]
    # None: the status does not change (extend) or goes back to what it was (resume after 中止).
    target: str | None
    accepted: bool | None = None


TRANSITIONS: dict[str, Transition] = {
    Move.ACCEPT: Transition(frozenset({NEW}), CaseStatus.ACCEPTED),
    Move.SUBMIT: Transition(frozenset({NEW}), CaseStatus.SUBMITTED),
    # Approving a step that is not the last leaves the case IN_REVIEW; the last one completes it.
    Move.APPROVE_STEP: Transition(AT_BACK_OFFICE, CaseStatus.IN_REVIEW, accepted=True),
    Move.RETURN: Transition(AT_BACK_OFFICE, CaseStatus.RETURNED, accepted=True),
    Move.SUPPLEMENT: Transition(WAITING_FOR_APPLICANT, CaseStatus.IN_REVIEW, accepted=True),
    Move.REJECT: Transition(AT_BACK_OFFICE | WAITING_FOR_APPLICANT, CaseStatus.REJECTED, accepted=True),
    Move.COMPLETE: Transition(AT_BACK_OFFICE, CaseStatus.COMPLETED, accepted=True),
    Move.SUSPEND: Transition(AT_BACK_OFFICE, CaseStatus.SUSPENDED, accepted=True),
    Move.RESUME: Transition(frozenset({CaseStatus.SUSPENDED}), None, accepted=True),
    Move.EXTEND: Transition(AT_BACK_OFFICE, None, accepted=True),
    # A case sent online waits SUBMITTED for pre-review; accepting it is a window acceptance (clock starts).
    Move.ACCEPT_ONLINE: Transition(frozenset({CaseStatus.SUBMITTED}), CaseStatus.ACCEPTED, accepted=False),
    # Returned before acceptance: the supplement sends it back to SUBMITTED (no clock ran, none restarts).
    Move.RETURN_ONLINE: Transition(frozenset({CaseStatus.SUBMITTED}), CaseStatus.RETURNED, accepted=False),
    Move.SUPPLEMENT_ONLINE: Transition(WAITING_FOR_APPLICANT, CaseStatus.SUBMITTED, accepted=False),
    Move.REJECT_ONLINE: Transition(AWAITING_ACCEPTANCE, CaseStatus.REJECTED, accepted=False),
}

# What suspension interrupted when that is not recorded: the first back-office step or a later one.
RESUME_DEFAULT = CaseStatus.IN_REVIEW


def _accepted(case: Any) -> bool:
    return getattr(case, "accepted_by_id", None) is not None


def can_move(case: Any, move: str) -> bool:
    """Whether the case's status (and acceptance) allows `move` (the guard of `TRANSITIONS`)."""
    transition = TRANSITIONS[move]
    if case.status not in transition.sources:
        return False
    return transition.accepted is None or transition.accepted == _accepted(case)


def allowed_moves(case: Any) -> frozenset[str]:
    """Every move the case's status allows now (who may make it is the services' and pages' business)."""
    return frozenset(move for move in TRANSITIONS if can_move(case, move))


def target(move: str) -> str:
    """The status `move` leads to (for a move that sets one)."""
    status = TRANSITIONS[move].target
    if status is None:  # pragma: no cover - a programming error, not a user's
        raise ValueError(f"move {move} keeps or restores the status")
    return status


def resume_target(case: Any) -> str:
    """The status a suspended case goes back to: the one suspension interrupted."""
    before = getattr(case, "status_before_suspension", "")
    if before in TRANSITIONS[Move.SUSPEND].sources:
        return str(before)
    return CaseStatus.ACCEPTED if case.step_index <= 1 else RESUME_DEFAULT


def awaits_supplement(case: Any) -> bool:
    """Whether the case waits for the applicant's supplement (补正), before or after acceptance."""
    return can_move(case, Move.SUPPLEMENT) or can_move(case, Move.SUPPLEMENT_ONLINE)
