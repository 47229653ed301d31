"""Pages of cases (办件): the teller's desk, the printed receipt and one-time notice, the back office.

Views parse input, call one service (`cases/services/`), render the result. Every page needs a case
permission and is bound to the user's region: a case outside it gets the same "not found" page as a
case that does not exist. A refused action (acceptor reviewing, wrong post, stale version) shows the
service's own message. ID numbers are masked everywhere; at the desk they travel in POST bodies only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shebao.cases import forms as f
from shebao.cases import printing
from shebao.cases.lifecycle import AT_BACK_OFFICE, Move, allowed_moves, awaits_supplement
from shebao.cases.models import (
    Case,
    Channel,
    CrossReview,
    Notification,
    OneTimeNotice,
)
from shebao.cases.preview import case_fingerprint, case_outcome, case_preview
from shebao.cases.selectors import WINDOW_PERMS, bank_agent_only
from shebao.cases.services.conditions import conditions_evaluate
from shebao.cases.services.idempotency import SCOPE_DESK_ACCEPT, idempotent_case, request_fingerprint
from shebao.catalogue.audience import EMPLOYER, PERSON, item_audience, items_for_applicant
from shebao.catalogue.models import EditionStatus, InsuranceType, ServiceItem
from shebao.catalogue.selectors import published_item
from shebao.core.access import (
    can_see_region,
    forbidden,
    note_refusal,
    require_perm,
    staff,
    visible_regions,
)
from shebao.core.effects import registering_effect_codes, registers_only_effect_codes
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number
from shebao.core.models import Post, User
from shebao.core.permissions import Perm
from shebao.core.workdays import add_working_days
from shebao.counter.models import QueueTicket, TellerQualification, Window, WindowKind
from shebao.counter.offers import desk_offer
from shebao.registry import selectors as registry
from shebao.registry.identity import check_identifier
from shebao.registry.models import Employer, Person

ACCEPT_PERMS = WINDOW_PERMS  # the posts that accept at a window (general, special, bank)
CASE_PERMS = (
    *ACCEPT_PERMS,
    Perm.CASE_REVIEW,
    Perm.CASE_APPROVE,
    Perm.CASE_CROSS_REVIEW,
    Perm.CASE_MONITOR,
    Perm.CASE_EXTEND,
)
LIST_LIMIT = 100
ITEM_LIMIT = 60
DUE_WITHIN_DAYS = 3
VIEW = "view"  # the attempt a refusal names when a case of another region is looked at


def _not_found(request: HttpRequest) -> HttpResponse:
    """One answer for "no such case" and "not in your region": it must not tell them apart."""
    return render(request, "cases/not_found.html", status=404)


def _case_for(request: HttpRequest, number: str) -> Case | None:
    """The case if it lies in the user's region (or they accepted it), else None."""
    from shebao.cases.selectors import case_for_user

    user = staff(request)
    try:
        return case_for_user(user=user, number=number)
    except ApplicationError:
        pass
    # The teller who accepted it may print its receipt even if the applicant's region is not theirs.
    case = (
        Case.objects.select_related(
            "item", "item__edition", "region", "person", "employer", "outlet", "window"
        )
        .filter(number=number, accepted_by=user)
        .first()
    )
    if case is None:
        _audit_other_region(user, number)
    return case


def _audit_other_region(user: User, number: str) -> None:
    """A case of another region asked for: the page says "not found" as for a missing one, and the
    attempt is audited (looking at other regions' cases is what an audit wants to see)."""
    other = Case.objects.select_related("region").filter(number=(number or "").strip()[:40]).first()
    if other is not None:
        from shebao.cases.services.clock import refuse

        refuse(
            by=user,
            case=other,
            code="other_region",
            message=_("This case belongs to another region."),
            move=VIEW,
            status=404,
        )


def _refused(request: HttpRequest, err: ApplicationError) -> HttpResponse | None:
    """A refusal by post or region is the 403 page with the service's message; None for other errors."""
    if err.status == 403:
        return forbidden(request, str(err.message))
    return None


# --- the teller's desk ----------------------------------------------------------------------------


def _window_of(user: User) -> Window | None:
    try:
        from shebao.counter.selectors import window_of
    except ImportError:  # pragma: no cover - the counter lands separately
        return None
    return window_of(user)


def desk_items(
    *, user: User, window: Window | None, q: str = "", registering: str = "", applicant: str = ""
) -> QuerySet[ServiceItem]:
    """Items this teller may accept at this window for this applicant: the window's zones and kind,
    the teller's qualifications (一岗多能: a zone or an item), and who applies (`applicant`: a person
    or an employer, `catalogue/audience.py`; empty: no filter). One query."""
    if window is None:
        return ServiceItem.objects.none()
    published = ServiceItem.objects.filter(edition__status=EditionStatus.PUBLISHED)  # joined, not read first
    qs = desk_offer(user=user, window=window, items=published)  # zones, kind, bank channel
    if applicant:
        qs = items_for_applicant(items=qs, kind=applicant)
    quals = TellerQualification.objects.filter(teller=user)
    qs = qs.filter(Q(zone__in=quals.exclude(zone="").values("zone")) | Q(code__in=quals.values("item_code")))
    if registering:
        # A new applicant: only the items whose effect registers a person (or an employer) as its first step.
        qs = qs.filter(effect_code__in=sorted(registering_effect_codes(registering)))
    else:  # a registered applicant: not the items that only register a new one
        qs = qs.exclude(effect_code__in=sorted(registers_only_effect_codes()))
    if q:
        qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
    return qs.order_by("zone", "order", "code")


@dataclass
class Applicant:
    """Who the desk is serving: a registered person or employer, or a new one to register."""

    person: Person | None = None
    employer: Employer | None = None
    new_number: str = ""  # a valid ID number or credit code not yet in the registry
    new_kind: str = ""  # "person" or "employer"

    @property
    def found(self) -> bool:
        return self.person is not None or self.employer is not None

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.name
        if self.employer is not None:
            return self.employer.name
        return ""

    @property
    def masked(self) -> str:
        if self.person is not None:
            return mask_id_number(self.person.id_number)
        if self.employer is not None:
            return self.employer.credit_code
        return mask_id_number(self.new_number) if self.new_kind == "person" else self.new_number

    def given(self) -> dict[str, str]:
        """The effect data keys the applicant already supplies."""
        if self.person is not None:
            return {"id_number": self.person.id_number}
        if self.employer is not None:
            return {"credit_code": self.employer.credit_code}
        if self.new_kind == "person":
            return {"id_number": self.new_number}
        if self.new_kind == "employer":
            return {"credit_code": self.new_number}
        return {}

    def ref(self) -> dict[str, str]:
        """What the desk keeps on the server to find the applicant again (ids, never in a URL)."""
        if self.person is not None:
            return {"person": str(self.person.pk)}
        if self.employer is not None:
            return {"employer": str(self.employer.pk)}
        return {"new_number": self.new_number} if self.new_kind else {}

    @property
    def kind(self) -> str:
        """Who applies (`catalogue/audience.py`): a person or an employer, found or to register."""
        if self.person is not None or self.new_kind == "person":
            return PERSON
        return EMPLOYER


def _lookup(q: str) -> Applicant:
    """Find the applicant by ID number or credit code; a valid unknown number offers registration."""
    text = "".join(q.split()).upper()
    person = registry.person_by_id_number(text)
    if person is not None:
        return Applicant(person=person)
    employer = registry.employer_by_credit_code(text)
    if employer is not None:
        return Applicant(employer=employer)
    # One check for every channel: a credit code is checked as a credit code, with the specific reason.
    checked = check_identifier(text)
    return Applicant(new_number=checked.number, new_kind=checked.kind)


def _applicant_from_post(post: Any) -> Applicant:
    person_pk, employer_pk = post.get("person", ""), post.get("employer", "")
    if person_pk.isdigit():
        return Applicant(person=Person.objects.select_related("region").filter(pk=person_pk).first())
    if employer_pk.isdigit():
        return Applicant(employer=Employer.objects.select_related("region").filter(pk=employer_pk).first())
    new_number = post.get("new_number", "")
    if new_number:
        try:
            return _lookup(new_number)
        except ApplicationError:
            return Applicant()
    return Applicant()


def _ticket(request: HttpRequest, window: Window | None) -> QueueTicket | None:
    raw = request.POST.get("ticket") or request.GET.get("ticket") or ""
    if not raw.isdigit() or window is None:
        return None
    return QueueTicket.objects.filter(pk=raw, outlet_id=window.outlet_id).first()


# The applicant identified at the desk, kept in the teller's session for the ticket being served, so
# that reloading the desk (or coming back to it from the console) keeps them. One slot: serving
# another ticket, or "serve someone else", replaces it. No ID number ever goes into a URL.
DESK_SESSION_KEY = "desk_applicant"


def _remember(request: HttpRequest, ticket: QueueTicket | None, applicant: Applicant) -> None:
    slot = {"ticket": ticket.pk if ticket else None, **applicant.ref()}
    if request.session.get(DESK_SESSION_KEY) != slot:  # unchanged: no session write
        request.session[DESK_SESSION_KEY] = slot


def _remembered(request: HttpRequest, ticket: QueueTicket | None) -> Applicant | None:
    """The applicant identified for this ticket, else the person the kiosk took with the ticket."""
    saved = request.session.get(DESK_SESSION_KEY)
    if isinstance(saved, dict) and saved.get("ticket") == (ticket.pk if ticket else None):
        applicant = _applicant_from_post({k: str(v) for k, v in saved.items() if k != "ticket"})
        if applicant.found or applicant.new_kind:
            return applicant
    if ticket is not None and ticket.person_id is not None:
        person = Person.objects.select_related("region").filter(pk=ticket.person_id).first()
        if person is not None:
            return Applicant(person=person)
    return None


def _item_types(item: ServiceItem) -> list[tuple[str, str]]:
    types = list(item.insurance_types.all()) or list(InsuranceType.objects.all())
    return [(t.code, t.name) for t in types]


def _effect_form(item: ServiceItem, applicant: Applicant, data: Any = None) -> f.EffectForm:
    cls = f.effect_form_class(
        item.effect_code,
        given=set(applicant.given()),
        insurance_types=_item_types(item),
        new_applicant=bool(applicant.new_kind),
    )
    return cls(data, prefix="d")


def _desk_fingerprint(request: HttpRequest) -> str:
    """The accept form's fields (not its CSRF token or its key): a key resent with other data is refused."""
    skip = {"csrfmiddlewaretoken", "idempotency_key"}
    fields = [(k, v) for k, values in request.POST.lists() if k not in skip for v in values]
    return request_fingerprint(scope=SCOPE_DESK_ACCEPT, fields=fields)


def _received(request: HttpRequest) -> list[int]:
    return sorted({int(v) for v in request.POST.getlist("received") if v.isdigit()})


def _refuse_applicant_kind(
    request: HttpRequest,
    ctx: dict[str, Any],
    *,
    user: User,
    item: ServiceItem,
    applicant: Applicant,
    window: Window | None,
) -> HttpResponse:
    """An item posted for the wrong kind of applicant (a person for an employer's item, or the
    reverse; the list never offers it): refused, audited like every refusal at the desk."""
    from shebao.cases.services.flow import Refusal, record_refusal

    if applicant.kind == PERSON:
        message = _("%(item)s is applied for by an employer: identify the employer by its credit code.")
    else:
        message = _("%(item)s is applied for by a person: identify the person by their ID number.")
    refusal = Refusal("applicant_kind", message % {"item": item.name}, "accept", status=400)
    region = window.outlet.region.code if window is not None else (user.region.code if user.region else "")
    record_refusal(by=user, refusal=refusal, item=item, region_code=region)
    return render(request, "cases/desk.html", {**ctx, "error": refusal.error()}, status=400)


@require_perm(*ACCEPT_PERMS)
def desk(request: HttpRequest) -> HttpResponse:
    """The teller's desk: identify → choose the item → checklist and data → notice or accept."""
    user = staff(request)
    window = _window_of(user)
    ticket = _ticket(request, window)
    ctx: dict[str, Any] = {
        "window": window,
        "ticket": ticket,
        "identify": f.IdentifyForm(),
        "step": "identify",
    }
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "forget":  # "serve someone else"
        request.session.pop(DESK_SESSION_KEY, None)
        return redirect(reverse("cases:desk") + (f"?ticket={ticket.pk}" if ticket else ""))
    if request.method != "POST":
        remembered = _remembered(request, ticket)
        if remembered is None:
            return render(request, "cases/desk.html", ctx)
        applicant = remembered
    elif action == "identify":
        identify = f.IdentifyForm(request.POST)
        ctx["identify"] = identify
        if not identify.is_valid():
            return render(request, "cases/desk.html", ctx, status=400)
        try:
            applicant = _lookup(identify.cleaned_data["q"])
        except ApplicationError as err:
            identify.add_error("q", str(err.message))
            return render(request, "cases/desk.html", ctx, status=400)
        _remember(request, ticket, applicant)
    else:
        applicant = _applicant_from_post(request.POST)
        if not applicant.found and not applicant.new_kind:
            messages.error(request, _("Identify the applicant first."))
            return render(request, "cases/desk.html", ctx, status=400)
    ctx.update(applicant=applicant, step="item")
    q = request.POST.get("item_q", "").strip()
    items = desk_items(user=user, window=window, q=q, registering=applicant.new_kind, applicant=applicant.kind)
    ctx.update(item_q=q, items=items[:ITEM_LIMIT])  # read only if the page is rendered

    code = request.POST.get("item", "")
    if action == "accept" and code:
        # The published item from the per-process cache (one query). Intake checks everything the
        # desk's list filters by (post, window kind and zones, qualification) and refuses, audited,
        # an item not offered to this teller here.
        item = published_item(code)
        if item is not None and not applicant.new_kind and applicant.kind not in item_audience(item):
            return _refuse_applicant_kind(
                request, ctx, user=user, item=item, applicant=applicant, window=window
            )
    else:
        item = (
            items.filter(code=code).prefetch_related("materials", "steps", "channels").first()
            if code and action != "identify"
            else None
        )
    if action in ("identify", "search") or item is None:
        if action == "choose" and item is None:
            messages.error(request, _("Choose one of the items listed."))
        return render(request, "cases/desk.html", ctx)

    materials = list(item.materials.all())
    received = _received(request) if action in ("notice", "accept") else []
    effect_form = _effect_form(item, applicant, request.POST if action == "accept" else None)
    delivery_form = f.DeliveryForm(request.POST if action == "accept" else None)
    ctx.update(
        step="materials",
        idempotency_key=uuid.uuid4().hex,  # one per rendered form: the accept it sends happens once
        item=item,
        materials=materials,
        received=received,
        effect_form=effect_form,
        delivery_form=delivery_form,
        steps=list(item.steps.all()),
        # 受理条件 checked before accepting, so the teller sees why an accept would be refused
        conditions=conditions_evaluate(item=item, person=applicant.person, employer=applicant.employer),
    )
    if action == "notice":
        from shebao.cases.services.intake import notice_issue

        try:
            notice = notice_issue(
                teller=user,
                item=item,
                person=applicant.person,
                employer=applicant.employer,
                applicant_name=applicant.name or applicant.masked,
                received=received,
                outlet=window.outlet if window else None,
            )
        except ApplicationError as err:
            return _refused(request, err) or render(
                request, "cases/desk.html", {**ctx, "error": err}, status=400
            )
        return redirect("cases:notice", number=notice.number)
    if action == "accept":
        if not (effect_form.is_valid() and delivery_form.is_valid()):
            return render(request, "cases/desk.html", ctx, status=400)
        from shebao.cases.services.intake import case_accept

        data = {**effect_form.data_for_case(), **applicant.given()}

        def accept() -> Case:
            return case_accept(
                teller=user,
                item=item,
                person=applicant.person,
                employer=applicant.employer,
                data=data,
                received=received,
                channel=Channel.BANK if window and window.kind == WindowKind.BANK else Channel.COUNTER,
                window=window,
                ticket=ticket,
                delivery=delivery_form.cleaned_data["delivery"],
            )

        key = request.POST.get("idempotency_key", "")
        try:
            if key:  # a double click or a resent form answers with the case the first one made
                case = idempotent_case(
                    user=user,
                    key=key,
                    scope=SCOPE_DESK_ACCEPT,
                    fingerprint=_desk_fingerprint(request),
                    create=accept,
                ).case
            else:
                case = accept()
        except ApplicationError as err:
            return _refused(request, err) or render(
                request, "cases/desk.html", {**ctx, "error": err}, status=400
            )
        return redirect("cases:receipt", number=case.number)
    return render(request, "cases/desk.html", ctx)


# --- printed pages ----------------------------------------------------------------------------------


@require_perm(*CASE_PERMS)
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for(request, number)
    if case is None:
        return _not_found(request)
    return render(request, "cases/print/receipt.html", printing.receipt_context(case))


@require_perm(*CASE_PERMS)
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for(request, number)
    if case is None:
        return _not_found(request)
    response = HttpResponse(printing.render_receipt_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{case.number}.pdf"'
    return response


def _notice_for(request: HttpRequest, number: str) -> OneTimeNotice | None:
    user = staff(request)
    notice = (
        OneTimeNotice.objects.select_related("item", "item__edition", "outlet", "outlet__region", "person")
        .filter(number=number)
        .first()
    )
    if notice is None:
        return None
    if notice.issued_by_id == user.pk:
        return notice
    if bank_agent_only(user):  # a bank-outlet agent: the notices of their own outlet only
        window = _window_of(user)
        return notice if window is not None and notice.outlet_id == window.outlet_id else None
    region = notice.outlet.region if notice.outlet_id else None  # type: ignore[union-attr]
    if region is None or not can_see_region(user, region):
        return None
    return notice


@require_perm(*CASE_PERMS)
def notice(request: HttpRequest, number: str) -> HttpResponse:
    found = _notice_for(request, number)
    if found is None:
        return _not_found(request)
    return render(request, "cases/print/notice.html", printing.notice_context(found))


@require_perm(*CASE_PERMS)
def notice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    found = _notice_for(request, number)
    if found is None:
        return _not_found(request)
    response = HttpResponse(printing.render_notice_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{found.number}.pdf"'
    return response


# --- the back office --------------------------------------------------------------------------------


def _with_post_names(actions: list[Any], post_names: dict[str, str]) -> list[Any]:
    """Each action with `post_name`: the post's name, never its code."""
    for a in actions:
        a.post_name = post_names.get(a.post_code, a.post_code) if a.post_code else ""
    return actions


@require_perm(Perm.CASE_REVIEW, Perm.CASE_APPROVE)
def review_queue(request: HttpRequest) -> HttpResponse:
    """Cases waiting at a step one of the user's posts performs, in their region."""
    from shebao.cases.selectors import review_queue as queue

    cases = queue(user=staff(request), limit=LIST_LIMIT)
    return render(request, "cases/review_queue.html", {"cases": cases, "limit": LIST_LIMIT})


def _case_context(request: HttpRequest, case: Case, **forms_given: Any) -> dict[str, Any]:
    user = staff(request)
    from shebao.cases.services.clock import clock_periods_shown
    from shebao.cases.services.flow import current_step, item_steps
    from shebao.cases.services.routing import case_progress

    steps = item_steps(case.item)
    step = current_step(case)
    post_names = {p.code: p.name for p in Post.objects.all()}
    material_names = [m.name_zh for m in case.item.materials.all()]
    moves = allowed_moves(case)
    holds_step_post = step is not None and bool(set(step.posts) & user.post_codes())
    may_review = (
        Move.APPROVE_STEP in moves
        and user.pk != case.accepted_by_id
        and holds_step_post
        and (user.has_perm_code(Perm.CASE_REVIEW) or user.has_perm_code(Perm.CASE_APPROVE))
    )
    may_lead = user.has_perm_code(Perm.CASE_EXTEND)
    initial = {"version": case.version}
    outcome = case_outcome(case)
    preview = case_preview(case) if outcome is None else None
    ctx: dict[str, Any] = {
        "case": case,
        "applicant_id": mask_id_number(case.person.id_number) if case.person_id else "",  # type: ignore[union-attr]
        # The progress (state and office per step) is the one the applicant reads (`routing.case_progress`).
        "steps": [
            (s, [post_names.get(c, c) for c in s.posts], p)
            for s, p in zip(steps, case_progress(case), strict=True)
        ],
        "step": step,
        "actions": _with_post_names(list(case.actions.select_related("by")), post_names),
        "clock": clock_periods_shown(case),
        "today": timezone.localdate(),
        "extensions": list(case.extensions.select_related("approved_by")),
        "notices": list(case.notices.all()),
        "is_acceptor": user.pk == case.accepted_by_id,
        "may_review": may_review,
        "holds_step_post": holds_step_post,
        "may_supplement": awaits_supplement(case) and any(user.has_perm_code(c) for c in ACCEPT_PERMS),
        "may_extend": may_lead and Move.EXTEND in moves,
        "may_suspend": may_lead and Move.SUSPEND in moves,
        "may_resume": may_lead and Move.RESUME in moves,
        "preview": preview,
        "outcome": outcome,
        "approve_form": forms_given.get("approve")
        or f.ApproveForm(initial={**initial, "shown": case_fingerprint(case) if preview else ""}),
        "return_form": forms_given.get("return")
        or f.ReturnForm(initial=initial, materials=material_names, prefix="r"),
        "reject_form": forms_given.get("reject") or f.RejectForm(initial=initial, prefix="x"),
        "supplement_form": forms_given.get("supplement") or f.SupplementForm(prefix="s"),
        "extend_form": forms_given.get("extend") or f.ExtendForm(prefix="e"),
        "suspend_form": forms_given.get("suspend") or f.SuspendForm(prefix="p"),
    }
    return ctx


@require_perm(*CASE_PERMS)
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for(request, number)
    if case is None:
        return _not_found(request)
    return render(request, "cases/case.html", _case_context(request, case))


ACTION_PERMS: dict[str, tuple[str, ...]] = {
    "approve": (Perm.CASE_REVIEW, Perm.CASE_APPROVE),
    "return": (Perm.CASE_REVIEW, Perm.CASE_APPROVE),
    "reject": (Perm.CASE_REVIEW, Perm.CASE_APPROVE),
    "supplement": ACCEPT_PERMS,
    "extend": (Perm.CASE_EXTEND,),
    "suspend": (Perm.CASE_EXTEND,),
    "resume": (Perm.CASE_EXTEND,),
}


def _run_action(action: str, case: Case, user: User, request: HttpRequest) -> tuple[Any, Any]:
    """Validate the action's form and call its service: (form, None) if the form is invalid."""
    post = request.POST
    if action == "approve":
        form: Any = f.ApproveForm(post)
        if not form.is_valid():
            return form, None
        from shebao.cases.services.flow import case_approve_step

        return form, case_approve_step(
            case=case,
            by=user,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
            shown=form.cleaned_data["shown"],
        )
    if action == "return":
        form = f.ReturnForm(post, materials=[m.name_zh for m in case.item.materials.all()], prefix="r")
        if not form.is_valid():
            return form, None
        from shebao.cases.services.flow import case_return

        return form, case_return(
            case=case,
            by=user,
            version=form.cleaned_data["version"],
            missing=form.cleaned_data["missing"],
            comment=form.cleaned_data["comment"],
        )
    if action == "reject":
        form = f.RejectForm(post, prefix="x")
        if not form.is_valid():
            return form, None
        from shebao.cases.services.flow import case_reject

        return form, case_reject(
            case=case, by=user, version=form.cleaned_data["version"], reason=form.cleaned_data["reason"]
        )
    if action == "supplement":
        form = f.SupplementForm(post, prefix="s")
        if not form.is_valid():
            return form, None
        from shebao.cases.services.flow import case_supplement

        received = sorted({int(v) for v in post.getlist("received") if v.isdigit()})
        return form, case_supplement(
            case=case, by=user, received=received, comment=form.cleaned_data["comment"]
        )
    if action == "extend":
        form = f.ExtendForm(post, prefix="e")
        if not form.is_valid():
            return form, None
        from shebao.cases.services.clock import case_extend

        return form, case_extend(
            case=case, by=user, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"]
        )
    if action == "suspend":
        form = f.SuspendForm(post, prefix="p")
        if not form.is_valid():
            return form, None
        from shebao.cases.services.clock import case_suspend

        return form, case_suspend(
            case=case, by=user, reason=form.cleaned_data["reason"], until=form.cleaned_data["until"]
        )
    from shebao.cases.services.clock import case_resume

    return None, case_resume(case=case, by=user) or True


DONE_MESSAGES = {
    "approve": gettext_lazy("Step approved."),
    "return": gettext_lazy("Returned for correction; the applicant is told what is missing."),
    "reject": gettext_lazy("Case rejected; the applicant is told the reason."),
    "supplement": gettext_lazy("Supplement received; the clock runs again from the next working day."),
    "extend": gettext_lazy("Time limit extended; the applicant is told the reason and the new date."),
    "suspend": gettext_lazy("Case suspended; the clock is stopped."),
    "resume": gettext_lazy("Case resumed; the clock runs again."),
}


@require_POST
@require_perm(*CASE_PERMS)
def case_act(request: HttpRequest, number: str) -> HttpResponse:
    """One action on the case's current step; the service refuses what the user may not do."""
    user = staff(request)
    case = _case_for(request, number)
    if case is None:
        return _not_found(request)
    action = request.POST.get("action", "")
    if action not in ACTION_PERMS:
        raise Http404
    if not any(user.has_perm_code(c) for c in ACTION_PERMS[action]):
        note_refusal(request, perms=ACTION_PERMS[action], reason="perm")
        return forbidden(request)
    try:
        form, done = _run_action(action, case, user, request)
    except ApplicationError as err:
        refused = _refused(request, err)
        if refused is not None:
            return refused
        fresh = _case_for(request, number) or case
        ctx = _case_context(request, fresh)
        return render(request, "cases/case.html", {**ctx, "error": err}, status=err.status or 400)
    if done is None:
        return render(request, "cases/case.html", _case_context(request, case, **{action: form}), status=400)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("cases:case", number=case.number)


# --- cross-review -----------------------------------------------------------------------------------


@require_perm(Perm.CASE_CROSS_REVIEW)
def cross_review_queue(request: HttpRequest) -> HttpResponse:
    """Completed general cases drawn for a second look, by someone other than the acceptor."""
    user = staff(request)
    from shebao.cases.services.review import cross_review_queue as queue

    reviews = queue(user=user)
    return render(
        request,
        "cases/cross_review.html",
        {"reviews": list(reviews[:LIST_LIMIT]), "form": f.CrossReviewForm(), "limit": LIST_LIMIT},
    )


@require_POST
@require_perm(Perm.CASE_CROSS_REVIEW)
def cross_review_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    review = CrossReview.objects.select_related("case", "case__region").filter(pk=pk).first()
    if review is None or not can_see_region(user, review.case.region):
        return _not_found(request)
    form = f.CrossReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("cases:cross_review")
    from shebao.cases.services.review import cross_review_record

    try:
        cross_review_record(
            review=review, by=user, ok=form.cleaned_data["ok"], finding=form.cleaned_data["finding"]
        )
    except ApplicationError as err:
        refused = _refused(request, err)
        if refused is not None:
            return refused
        messages.error(request, str(err.message))
        return redirect("cases:cross_review")
    messages.success(request, _("Cross-review recorded."))
    return redirect("cases:cross_review")


# --- the leader's dashboard and messages ------------------------------------------------------------


@require_perm(Perm.CASE_MONITOR)
def deadlines(request: HttpRequest) -> HttpResponse:
    """Open cases due within three working days and overdue, per office and per teller, in the region."""
    user = staff(request)
    today = timezone.localdate()
    due_by = add_working_days(today, DUE_WITHIN_DAYS).date
    overdue_q = Q(deadline__lt=today) | Q(overdue=True)
    due_q = Q(deadline__gte=today, deadline__lte=due_by, overdue=False)
    open_cases = Case.objects.filter(
        region__in=visible_regions(user), status__in=AT_BACK_OFFICE, deadline__isnull=False
    ).filter(overdue_q | due_q)
    counts = {"n_overdue": Count("id", filter=overdue_q), "n_due": Count("id", filter=due_q)}

    def worst_first(row: Any) -> tuple[int, int]:
        return (-row["n_overdue"], -row["n_due"])

    # One grouped query each; a region has few outlets and tellers, so they sort in Python.
    per_outlet = sorted(
        open_cases.values("outlet__name_zh", "outlet__name_en").annotate(**counts).order_by(), key=worst_first
    )
    per_teller = sorted(
        open_cases.values("accepted_by__full_name", "accepted_by__username").annotate(**counts).order_by(),
        key=worst_first,
    )[:LIST_LIMIT]
    cases = list(
        open_cases.select_related("item", "outlet", "accepted_by").order_by("deadline", "id")[:LIST_LIMIT]
    )
    return render(
        request,
        "cases/deadlines.html",
        {
            "today": today,
            "due_by": due_by,
            "per_outlet": per_outlet,
            "per_teller": per_teller,
            "cases": cases,
            "limit": LIST_LIMIT,
            "within": DUE_WITHIN_DAYS,
        },
    )


@require_perm(*CASE_PERMS)
def staff_messages(request: HttpRequest) -> HttpResponse:
    notes = list(Notification.objects.filter(staff=staff(request)).select_related("case")[:LIST_LIMIT])
    return render(request, "cases/messages.html", {"notes": notes, "limit": LIST_LIMIT})
