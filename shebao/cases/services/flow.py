"""The steps of a case after acceptance: approve, return for correction (补正), supplement, reject, complete.

Every allowed move is in `shebao.cases.lifecycle.TRANSITIONS` (re-exported here with `Move` and
`can_move`). Each move locks the case row, compares the form's `version`
with the case's (a stale form or a double click changes the case once) and bumps it. Back-office steps
are separated from acceptance (受理审核分离): the acceptor, anyone who already performed a step of the
case, a post the step does not name and staff outside the case's region are refused; each refusal is
audited in its own transaction, after the attempted move has been rolled back, and then raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.lifecycle import (
    TRANSITIONS,  # noqa: F401 - re-exported: callers of flow import it
    Move,
    can_move,
    target,
)
from shebao.cases.models import ActionKind, Case, CaseAction
from shebao.cases.notify import APPLICANT_LANGUAGE, notify, result_deliver
from shebao.cases.preview import case_fingerprint
from shebao.cases.services.clock import clock_start, clock_stop
from shebao.cases.services.conditions import CONDITION, conditions_unmet
from shebao.cases.services.review import cross_review_maybe_draw
from shebao.cases.steps import (  # noqa: F401 - re-exported: callers of flow import them
    accept_posts,
    completes_at_once,
    current_step,
    first_step_index,
    item_steps,
    next_step_index,
    standing_step,
)
from shebao.catalogue.models import ServiceItem
from shebao.catalogue.selectors import item_with_details
from shebao.core.access import can_see_region
from shebao.core.batch import insert, insert_batch
from shebao.core.effects import EMPLOYER, Effect, get_effect
from shebao.core.errors import ApplicationError

T = TypeVar("T")


# --- refusals -------------------------------------------------------------------------------------


@dataclass
class Refusal(Exception):
    """A refused attempt: recorded (`cases.refused`) outside the rolled-back move, then raised."""

    code: str
    message: str
    move: str
    status: int = 403

    def error(self) -> ApplicationError:
        return ApplicationError(self.code, self.message, status=self.status)


def record_refusal(
    *, by: Any, refusal: Refusal, case: Case | None = None, item: ServiceItem | None = None, **extra: Any
) -> None:
    """Write the `cases.refused` audit event in a transaction of its own (it must survive the raise)."""
    with transaction.atomic():
        region_code = case.region.code if case is not None else str(extra.pop("region_code", "") or "")
        audit_record(
            actor=by,
            action="cases.refused",
            subject=case,
            subject_type="" if case is not None else "cases.case",
            region_code=region_code,
            extra={
                "reason": refusal.code,
                "move": refusal.move,
                "message": str(refusal.message),
                "item_code": case.item_code if case is not None else (item.code if item is not None else ""),
                "step": case.step_index if case is not None else None,
                **extra,
            },
        )
        if case is not None:
            CaseAction.objects.create(
                case=case,
                kind=ActionKind.REFUSED,
                step_index=case.step_index,
                by=by if getattr(by, "is_authenticated", False) else None,
                at=timezone.now(),
                comment=f"{refusal.move}: {refusal.message}",
            )


def run_refusable(
    fn: Callable[[], T], *, by: Any, case: Case | None = None, item: ServiceItem | None = None
) -> T:
    """Run `fn` in a transaction; a `Refusal` rolls it back, is recorded, then raised as ApplicationError."""
    try:
        with transaction.atomic(), insert_batch():
            return fn()
    except Refusal as refusal:
        fresh = Case.objects.select_related("region", "item").filter(pk=case.pk).first() if case else None
        record_refusal(by=by, refusal=refusal, case=fresh, item=item)
        raise refusal.error() from None


def refuse_unmet_conditions(*, item: ServiceItem, person: Any, employer: Any, move: str) -> None:
    """受理条件: raise a `Refusal` (code `condition`, 422) naming every failed acceptance condition."""
    message = conditions_unmet(item=item, person=person, employer=employer)
    if message:
        raise Refusal(CONDITION, message, move, status=422)


# --- checks ---------------------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related(
            "item__edition", "region", "person", "employer", "accepted_by", "outlet", "window__outlet"
        )
        .get(pk=case.pk)
    )
    locked.item = item_with_details(locked.item)  # steps and materials, read once per process
    return locked


def _check_version(case: Case, version: int | None, move: str) -> None:
    if version is not None and int(version) != case.version:
        raise ApplicationError(
            "stale",
            _("Case %(number)s was already handled by someone else; reload it and look again.")
            % {"number": case.number},
            status=409,
        )
    if not can_move(case, move):
        raise ApplicationError(
            "not_allowed",
            _("Case %(number)s is %(status)s: this cannot be done now.")
            % {"number": case.number, "status": case.get_status_display()},
            status=409,
        )


def _acted_on(case: Case, user: Any) -> bool:
    return CaseAction.objects.filter(
        case=case, by=user, kind__in=[ActionKind.ACCEPT, ActionKind.APPROVE_STEP]
    ).exists()


def step_post_for(*, case: Case, user: Any, move: str) -> str:
    """The post with which `user` may act at the case's current step; raises `Refusal` otherwise.

    Not the acceptor, not someone who performed an earlier step, a post the step names, the case's region.
    """
    step = current_step(case)
    if step is None:
        raise ApplicationError(
            "no_step", _("Case %(number)s waits at no review step.") % {"number": case.number}, status=409
        )
    if not getattr(user, "is_active", False):
        raise Refusal("inactive", _("Your account is not active."), move)
    if case.accepted_by_id == user.pk:
        raise Refusal(
            "acceptor",
            _("You accepted case %(number)s: the person who accepts a case cannot review or approve it.")
            % {"number": case.number},
            move,
        )
    if _acted_on(case, user):
        raise Refusal(
            "earlier_step",
            _("You already performed a step of case %(number)s: the next step needs another person.")
            % {"number": case.number},
            move,
        )
    held = sorted(set(step.posts) & user.post_codes())
    if not held:
        raise Refusal(
            "wrong_post",
            _("Your posts are not among those the step %(step)s names (%(posts)s).")
            % {"step": step.name, "posts": ", ".join(step.posts) or "—"},
            move,
        )
    if not can_see_region(user, case.region):
        raise Refusal(
            "other_region",
            _("Case %(number)s belongs to %(region)s, outside your region.")
            % {"number": case.number, "region": case.region.name},
            move,
        )
    return held[0]


def _action(
    case: Case, kind: str, by: Any, *, post_code: str = "", comment: str = "", step_index: Any = None
) -> None:
    insert(  # with the request's other actions when it holds them (`core.batch.insert_batch`)
        CaseAction(
            case=case,
            kind=kind,
            step_index=case.step_index if step_index is None else step_index,
            by=by if getattr(by, "is_authenticated", False) else None,
            post_code=post_code,
            at=timezone.now(),
            comment=comment,
        )
    )


def _save(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version"])


def _applicant_name(case: Case) -> str:
    if case.person_id:
        return case.person.name  # type: ignore[union-attr]
    if case.employer_id:
        return case.employer.name  # type: ignore[union-attr]
    return str(case.data.get("name") or "")


def _tell_applicant(case: Case, *, subject: Callable[[], str], body: Callable[[], str]) -> None:
    with translation.override(APPLICANT_LANGUAGE):  # applicants read Chinese whatever the staff's language
        subject_text, body_text = subject(), body()
    notify(subject=subject_text, body=body_text, case=case, person=case.person)


def _stop_clock(case: Case, *, save_deadline: bool = True) -> None:
    clock_stop(case=case, on=timezone.localdate(), save_deadline=save_deadline)


# --- moves ----------------------------------------------------------------------------------------


def _effect_summary(result: Any) -> dict[str, Any]:
    if isinstance(result, models.Model):
        return {"model": result._meta.label_lower, "pk": result.pk, "text": str(result)}
    if result is None:
        return {}
    if isinstance(result, dict):
        return {k: str(v) for k, v in result.items()}
    if isinstance(result, list | tuple) and result and all(isinstance(r, models.Model) for r in result):
        # e.g. the enrolments a staff increase created: say how many, not their internal reprs
        kind = str(result[0]._meta.verbose_name)
        return {
            "model": result[0]._meta.label_lower,
            "pks": [r.pk for r in result],
            "text": _("%(count)s records (%(kind)s)") % {"count": len(result), "kind": kind},
        }
    return {"text": str(result)}


def _registered_applicant(case: Case, effect: Effect, outcome: Any) -> list[str]:
    """A case that registered its applicant (个人/单位参保登记) now names the new record."""
    if not effect.registers_applicant or case.person_id or case.employer_id:
        return []
    if effect.applicant == EMPLOYER:
        employer = outcome if getattr(outcome, "credit_code", None) else None
        if employer is not None:
            case.employer = employer
            return ["employer"]
        return []
    person = outcome if getattr(outcome, "id_number", None) else getattr(outcome, "person", None)
    if person is not None:
        case.person = person
        return ["person"]
    return []


def case_complete(*, case: Case, by: Any) -> Case:
    """办结: run the item's effect with the case's data, store the result, deliver it, draw cross-review.

    Called inside the accepting or approving transaction; an effect's ApplicationError rolls back all of it.
    """
    if not can_move(case, Move.COMPLETE):
        raise ApplicationError(
            "not_allowed",
            _("Case %(number)s is %(status)s: it cannot be completed.")
            % {"number": case.number, "status": case.get_status_display()},
            status=409,
        )
    item = case.item
    summary: dict[str, Any] = {}
    registered: list[str] = []
    if item.effect_code:
        effect = get_effect(item.effect_code)
        if effect is None:
            raise ApplicationError(
                "no_effect",
                _("Item %(code)s names the effect %(effect)s, which does not exist.")
                % {"code": item.code, "effect": item.effect_code},
            )
        outcome = effect.handler(data=dict(case.data), by=by, case_ref=case.number, region=case.region)
        summary = {"effect": effect.code, **_effect_summary(outcome)}
        registered = _registered_applicant(case, effect, outcome)
        case.result = _("%(effect)s: %(result)s") % {
            "effect": effect.label_zh,
            "result": summary.get("text", ""),
        }
    else:
        case.result = _("Completed.")
    _stop_clock(case, save_deadline=False)  # the deadline is written with the status, one UPDATE
    case.status = target(Move.COMPLETE)
    case.completed_at = timezone.now()
    case.effect_result = summary
    _action(case, ActionKind.COMPLETE, by, comment=case.result)
    _save(
        case, "status", "completed_at", "effect_result", "result", "deadline", "deadline_provisional", *registered
    )
    audit_record(
        actor=by,
        action="cases.complete",
        subject=case,
        region_code=case.region.code,
        new={"status": case.status, "effect": summary},
        extra={"number": case.number, "item_code": case.item_code},
    )
    result_deliver(case=case)
    if completes_at_once(item):
        cross_review_maybe_draw(case=case)
    return case


def case_approve_step(
    *, case: Case, by: Any, version: int, comment: str = "", shown: str | None = None
) -> Case:
    """Approve the current step (审核 / 审批); the last step completes the case and runs its effect.

    `shown`: the fingerprint of the change the reviewer was shown (`preview.case_fingerprint`); an
    approval of anything else (the case data or the registry values changed since) is refused.
    """

    def move() -> Case:
        locked = _lock(case)
        _check_version(locked, version, Move.APPROVE_STEP)
        post = step_post_for(case=locked, user=by, move=Move.APPROVE_STEP)
        if shown is not None and shown != case_fingerprint(locked):
            raise Refusal(
                "preview_changed",
                _(
                    "What completing this case changes is no longer what you were shown (the record "
                    "changed meanwhile). Read the changes again before approving."
                ),
                Move.APPROVE_STEP,
                409,
            )
        done_index = locked.step_index
        _action(locked, ActionKind.APPROVE_STEP, by, post_code=post, comment=comment)
        audit_record(
            actor=by,
            action="cases.approve_step",
            subject=locked,
            region_code=locked.region.code,
            extra={"number": locked.number, "step": done_index, "post": post, "comment": comment},
        )
        following = next_step_index(locked.item, done_index)
        if following is None:
            # The facts may have changed since acceptance (the person died meanwhile): check again.
            refuse_unmet_conditions(
                item=locked.item, person=locked.person, employer=locked.employer, move=Move.APPROVE_STEP
            )
            return case_complete(case=locked, by=by)
        locked.step_index = following
        locked.status = target(Move.APPROVE_STEP)
        _save(locked, "step_index", "status")
        return locked

    return run_refusable(move, by=by, case=case)


def case_return(*, case: Case, by: Any, version: int, missing: Iterable[Any], comment: str) -> Case:
    """补正: send the case back for what is missing; the clock stops until the supplement arrives.

    `missing` names the item's materials (indexes into its list, or their names); they are stored on
    the case (`requested_materials`), and the supplement must bring every one of them.
    """
    requested = requested_materials(case.item, missing)

    def move() -> Case:
        locked = _lock(case)
        _check_version(locked, version, Move.RETURN)
        post = step_post_for(case=locked, user=by, move=Move.RETURN)
        _stop_clock(locked)
        locked.status = target(Move.RETURN)
        locked.requested_materials = requested
        text = "；".join(requested)
        _action(locked, ActionKind.RETURN, by, post_code=post, comment=f"{text}\n{comment}".strip())
        _save(locked, "status", "requested_materials")
        audit_record(
            actor=by,
            action="cases.return",
            subject=locked,
            region_code=locked.region.code,
            extra={"number": locked.number, "missing": requested, "comment": comment},
        )
        _tell_applicant(
            locked,
            subject=lambda: _("Case %(number)s: please supply what is missing") % {"number": locked.number},
            body=lambda: (
                _("Dear %(name)s, to continue case %(number)s (%(item)s) we need: %(missing)s. %(comment)s")
                % {
                    "name": _applicant_name(locked),
                    "number": locked.number,
                    "item": locked.item.name,
                    "missing": text,
                    "comment": comment,
                }
            ),
        )
        return locked

    return run_refusable(move, by=by, case=case)


def supplement_check(case: Case, received: Iterable[Any]) -> list[str]:
    """The received materials as names; a `Refusal` listing what the return asked for and is still
    missing (the portal runs it before storing uploads, `case_supplement` again under the lock)."""
    names = _material_names(case.item, received)
    still = [n for n in case.requested_materials or [] if n not in names]
    if still:
        raise Refusal(
            "supplement_incomplete",
            _("The supplement must bring what the return asked for; still missing: %(missing)s.")
            % {"missing": "、".join(still)},
            Move.SUPPLEMENT,
            status=400,
        )
    return names


def case_supplement(*, case: Case, by: Any, received: Iterable[Any], comment: str = "") -> Case:
    """The supplement arrived (at a window or online): the case goes back to its step, the clock restarts.

    `by` is staff at a window or the case's own applicant online (the portal checks that). A case
    returned before anyone accepted it (online pre-review) goes back to SUBMITTED with no clock.
    Without every material the return asked for (`requested_materials`) it is refused (audited) with
    the list of what is still missing.
    """
    received = list(received)

    def move() -> Case:
        locked = _lock(case)
        accepted = locked.accepted_by_id is not None
        supplement = Move.SUPPLEMENT if accepted else Move.SUPPLEMENT_ONLINE
        if not can_move(locked, supplement):
            raise ApplicationError(
                "not_returned",
                _("Case %(number)s was not returned for correction.") % {"number": locked.number},
                status=409,
            )
        names = supplement_check(locked, received)
        if accepted:
            locked.materials = [*locked.materials, *({"name_zh": n, "supplement": True} for n in names)]
        locked.status = target(supplement)
        answered = locked.requested_materials
        locked.requested_materials = []
        _action(locked, ActionKind.SUPPLEMENT, by, comment="；".join([*names, comment]).strip("；"))
        _save(locked, "status", "materials", "requested_materials")
        if accepted:
            clock_start(case=locked, on=timezone.localdate())
        audit_record(
            actor=by,
            action="cases.supplement",
            subject=locked,
            region_code=locked.region.code,
            extra={"number": locked.number, "received": names, "asked": answered, "comment": comment},
        )
        return locked

    return run_refusable(move, by=by, case=case)


def case_reject(*, case: Case, by: Any, version: int, reason: str) -> Case:
    """不予办理: end the case with a reason, told to the applicant."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", _("Give the reason for the rejection."))

    def move() -> Case:
        locked = _lock(case)
        _check_version(locked, version, Move.REJECT)
        post = step_post_for(case=locked, user=by, move=Move.REJECT)
        _stop_clock(locked)
        return reject_locked(locked, by=by, post=post, reason=reason, status=target(Move.REJECT))

    return run_refusable(move, by=by, case=case)


def reject_locked(
    locked: Case, *, by: Any, post: str, reason: str, status: str, extra: dict[str, Any] | None = None
) -> Case:
    """End a locked case with a reason: the action, the audit event and the message to the applicant
    (shared by a review step's rejection and an online application's rejection before acceptance)."""
    locked.status = status
    locked.result = reason
    locked.completed_at = timezone.now()
    _action(locked, ActionKind.REJECT, by, post_code=post, comment=reason)
    _save(locked, "status", "result", "completed_at")
    audit_record(
        actor=by,
        action="cases.reject",
        subject=locked,
        region_code=locked.region.code,
        extra={"number": locked.number, "reason": reason, **(extra or {})},
    )
    _tell_applicant(
        locked,
        subject=lambda: _("Case %(number)s was not granted") % {"number": locked.number},
        body=lambda: (
            _("Dear %(name)s, case %(number)s (%(item)s) was not granted. Reason: %(reason)s")
            % {
                "name": _applicant_name(locked),
                "number": locked.number,
                "item": locked.item.name,
                "reason": reason,
            }
        ),
    )
    return locked


# --- shared with intake ---------------------------------------------------------------------------


def requested_materials(item: ServiceItem, missing: Iterable[Any]) -> list[str]:
    """What a return asks for, as the item's material names (an int is an index, text a name), in the
    item's order; refuses an empty list and anything that is not among the item's materials."""
    materials = [m.name_zh for m in sorted(item.materials.all(), key=lambda m: (m.order, m.pk))]
    wanted = set(_material_names(item, missing))
    if not wanted:
        raise ApplicationError(
            "missing_required", _("Choose the materials the applicant must bring or correct.")
        )
    unknown = sorted(wanted - set(materials))
    if unknown:
        raise ApplicationError(
            "unknown_material",
            _("%(names)s: not among this item's materials; choose from its list and explain in the comment.")
            % {"names": "、".join(unknown)},
        )
    return [name for name in materials if name in wanted]


def _material_names(item: ServiceItem, received: Iterable[Any]) -> list[str]:
    """Received materials as names: an int is an index into the item's materials, text is a name."""
    materials = sorted(item.materials.all(), key=lambda m: (m.order, m.pk))
    names: list[str] = []
    for entry in received:
        if isinstance(entry, int) or (isinstance(entry, str) and entry.strip().isdigit()):
            index = int(entry)
            if 0 <= index < len(materials):
                names.append(materials[index].name_zh)
        elif str(entry).strip():
            names.append(str(entry).strip())
    return names
