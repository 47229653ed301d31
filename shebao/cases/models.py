"""Cases (办件): one application from acceptance to result, driven by the published catalogue item.

Its statuses, their groups and the allowed moves are in `lifecycle.py` (`CaseStatus` is re-exported
here); the item's steps (from the edition the case was accepted under) say which post performs each step. The clock runs in working days from the
day after complete materials arrive; returns for correction (补正) and suspensions (中止) stop it
(`ClockPeriod`), extensions (延期) add days with a leader's approval.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shebao.cases.lifecycle import AT_BACK_OFFICE, CaseStatus
from shebao.catalogue.models import ServiceItem
from shebao.catalogue.selectors import item_with_details
from shebao.core.models import Region


class Channel(models.TextChoices):
    COUNTER = "counter", _("Service counter")
    ONLINE = "online", _("Online")
    MOBILE = "mobile", _("Mobile app")
    TERMINAL = "terminal", _("Self-service terminal")
    BANK = "bank", _("Bank outlet")


class Delivery(models.TextChoices):
    """How the result goes back: through the channel the case came from."""

    PICKUP = "pickup", _("Collect at the window")
    MESSAGE = "message", _("Message to the online account")
    POST = "post", _("By post")


class Case(models.Model):
    """办件: one application against a published service item."""

    number = models.CharField(_("case number"), max_length=24, unique=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="cases")
    item_code = models.CharField(_("item code"), max_length=32, db_index=True)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    outlet = models.ForeignKey(
        "counter.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    window = models.ForeignKey(
        "counter.Window", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    ticket = models.ForeignKey(
        "counter.QueueTicket", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # The region whose staff handle the back-office steps (the applicant's record region).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases")
    # Who accepted the case (受理人): always staff. Empty while an online application awaits acceptance.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accepted_cases",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Who sent the application from a self-service channel (the portal account's user), and when.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_cases",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices)
    step_index = models.PositiveSmallIntegerField(_("current step"), default=0)  # index into the item's steps
    data = models.JSONField(_("application data"), default=dict)  # what the effect handler needs
    materials = models.JSONField(_("materials received"), default=list)  # [{"name_zh", "original", "copies"}]
    # 补正: the item's materials (name_zh) the open return asked for; a supplement must bring them all.
    requested_materials = models.JSONField(_("materials asked for"), default=list, blank=True)
    delivery = models.CharField(_("result delivery"), max_length=10, choices=Delivery.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    overdue = models.BooleanField(_("overdue"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    effect_result = models.JSONField(_("effect result"), default=dict)
    # The status a suspension (中止) interrupted, restored on resumption.
    status_before_suspension = models.CharField(max_length=12, blank=True)
    # The day the clock restarts by itself after a suspension (`cases_resume_due`).
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)  # bumped on every move: a stale form can't act twice
    # The posts of the back-office step the case waits at, as "|reviewer|section_leader|" ("" when it
    # waits at none): the review queue filters on it in the database (`selectors.review_queue`). Kept
    # by `save` from the status and the step, never set by hand.
    waiting_posts = models.CharField(max_length=200, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("case")
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["accepted_by", "accepted_at"]),
            # The review queue: only cases waiting at a step, oldest first.
            models.Index(
                fields=["accepted_at", "id"], condition=~models.Q(waiting_posts=""), name="case_waiting_queue"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or {"status", "step_index"} & set(fields):
            self.waiting_posts = self.compute_waiting_posts()
            if fields is not None:
                kwargs["update_fields"] = [*fields, "waiting_posts"]
        super().save(*args, **kwargs)

    def compute_waiting_posts(self) -> str:
        """`waiting_posts` from the status and the item's steps (read once per process)."""
        if self.status not in AT_BACK_OFFICE or not self.item_id:
            return ""
        from shebao.cases.steps import current_step  # a real cycle: the steps read the models

        cached = Case.item.is_cached(self)  # type: ignore[attr-defined]
        self.item = item_with_details(
            self.item if cached else ServiceItem.objects.select_related("edition").get(pk=self.item_id)
        )
        step = current_step(self)
        return "|" + "|".join(sorted(step.posts)) + "|" if step is not None and step.posts else ""


class NumberCounter(models.Model):
    """The last number given under a prefix (e.g. "SB20261123"): one row per prefix and day, locked briefly.

    Case and notice numbers come from here instead of max + 1, so concurrent acceptances never pick
    the same number and never retry.
    """

    prefix = models.CharField(max_length=24, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix} {self.last}"


class ActionKind(models.TextChoices):
    SUBMIT = "submit", _("Submitted online")
    ACCEPT = "accept", _("Accepted")
    APPROVE_STEP = "approve_step", _("Step approved")
    RETURN = "return", _("Returned for correction")
    SUPPLEMENT = "supplement", _("Supplement received")
    REJECT = "reject", _("Rejected")
    SUSPEND = "suspend", _("Suspended")
    RESUME = "resume", _("Resumed")
    EXTEND = "extend", _("Extended")
    COMPLETE = "complete", _("Completed")
    DELIVER = "deliver", _("Result delivered")
    REFUSED = "refused", _("Attempt refused")  # a refused attempt, kept for the record


class CaseAction(models.Model):
    """One thing done to a case, in order: who, which step, what, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action"), max_length=14, choices=ActionKind.choices)
    step_index = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post_code = models.CharField(_("post"), max_length=40, blank=True)
    at = models.DateTimeField(_("time"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("case action")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ClockPeriod(models.Model):
    """A stretch of working days on a case's clock: from `start` (inclusive) to `end` (inclusive), open while running."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_periods")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(end__isnull=True), name="one_running_clock")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.start}–{self.end or ''}"


class OneTimeNotice(models.Model):
    """一次性告知书: everything missing for an item, listed at once; the visit is recorded."""

    number = models.CharField(_("notice number"), max_length=24, unique=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(_("item code"), max_length=32)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(_("applicant"), max_length=120)
    missing = models.JSONField(_("missing materials"), default=list)  # material names (zh), all at once
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    outlet = models.ForeignKey(
        "counter.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("one-time notice")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["person", "item_code"]),
            models.Index(fields=["employer", "item_code"]),
        ]

    def __str__(self) -> str:
        return self.number


class Extension(models.Model):
    """延期: more working days for a case, approved by a leader, with the reason told to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    old_deadline = models.DateField(_("old deadline"))
    new_deadline = models.DateField(_("new deadline"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("extension")

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class CrossReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed correct")
    ERROR_FOUND = "error_found", _("Error found")


class CrossReview(models.Model):
    """交叉复核: a completed general case drawn for a second look by another teller."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="cross_review")
    status = models.CharField(
        _("status"), max_length=12, choices=CrossReviewStatus.choices, default=CrossReviewStatus.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    finding = models.TextField(_("finding"), blank=True)
    correction = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("cross-review")

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class CrossReviewPolicy(models.Model):
    """The share of completed general cases drawn for cross-review, per region (nearest ancestor wins)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="cross_review_policy")
    share_percent = models.PositiveSmallIntegerField(_("share drawn (%)"), default=10)

    class Meta:
        verbose_name = _("cross-review policy")

    def __str__(self) -> str:
        return f"{self.region_id} {self.share_percent}%"


class Notification(models.Model):
    """A message to an applicant or staff member, sent through the configured backend (database in the demo)."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20)  # message, sms, post, window
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class CaseUpload(models.Model):
    """A material uploaded from a self-service channel: stored outside the web root, checked by content.

    `material_index` is the index into the item's materials (as the window's checklist counts them);
    `path` is relative to `settings.SHEBAO_UPLOAD_ROOT`. Files are served only through a view that
    checks the reader may see the case, never by the web server.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="uploads")
    material_index = models.PositiveSmallIntegerField(_("material"))
    material_name = models.CharField(_("material name"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(
        _("content type"), max_length=40
    )  # application/pdf, image/jpeg, image/png
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("uploaded material")
        ordering = ["material_index", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.material_name}"


class IdempotencyKey(models.Model):
    """An idempotency key (幂等键): a request sent twice (a double click, a resent form, a retried API call)
    makes one case. The row is written in the transaction that makes the case; the unique constraint
    decides between two simultaneous requests. `services/idempotency.py` reads and writes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=100)
    scope = models.CharField(_("scope"), max_length=40)  # what the request did: desk accept, API application…
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)  # SHA-256 of the request body
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotency key")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="cases_idempotency_key_once")]

    def __str__(self) -> str:
        return self.key
