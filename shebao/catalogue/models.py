"""The catalogue of service items (服务事项清单): the province's executable standard.

An `Edition` holds a full copy of every item; only a draft edition can change. Items are identified
across editions by `code`. Regions fill in only what the standard leaves open (`LocalBinding`);
anything else they try to differ in is kept as a `Deviation` and never applied (四级四同).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shebao.core.models import Region, pick_language


class Zone(models.TextChoices):
    """The three integrated-teller zones of the model office (seed 004)."""

    ENROLMENT = "enrolment", _("Enrolment and collection")  # 参保征缴
    MEDICAL = "medical", _("Medical, work-injury and maternity benefits")  # 医疗·工伤·生育待遇
    PENSION = "pension", _("Pension and unemployment benefits")  # 养老·失业待遇


class BusinessClass(models.TextChoices):
    GENERAL = "general", _("General")  # 一般性业务: any general window, completes at once
    SPECIAL = "special", _("Special")  # 特殊性业务: special window, second-person review


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ItemType(models.TextChoices):
    INSTANT = "instant", _("Instant")  # 即办件
    PROMISED = "promised", _("Promised")  # 承诺件


class StepKind(models.TextChoices):
    ACCEPT = "accept", _("Accept")  # 受理
    REVIEW = "review", _("Review")  # 审核 / 复核
    APPROVE = "approve", _("Approve")  # 审批 (leader sign-off)
    COMPLETE = "complete", _("Complete")  # 办结


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # may change
    PUBLISHED = "published", _("Published")  # the standard in force; exactly one at a time
    SUPERSEDED = "superseded", _("Superseded")  # replaced by a later published edition


class InsuranceType(models.Model):
    """险种: an insurance type. Data, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    # Registry rules, as data: work injury, unemployment and maternity only through an employer;
    # types sharing an exclusive group can't be open at the same time (employee vs residents' pension).
    employer_required = models.BooleanField(_("needs an employer"), default=False)
    employer_forbidden = models.BooleanField(_("residents' scheme: no employer"), default=False)
    exclusive_group = models.CharField(_("exclusive group"), max_length=20, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("insurance type")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class Channel(models.Model):
    """办理渠道: counter, online, mobile, self-service terminal, bank outlet."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("channel")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class Edition(models.Model):
    """A catalogue edition (版本): draft → published → superseded."""

    number = models.PositiveIntegerField(_("edition number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("catalogue edition")

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT


class ServiceItem(models.Model):
    """服务事项: one item of an edition, with every element its service guide (办事指南) publishes."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("item code"), max_length=32)
    order = models.PositiveIntegerField(default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200)
    zone = models.CharField(_("zone"), max_length=12, choices=Zone.choices)
    business_class = models.CharField(_("business class"), max_length=10, choices=BusinessClass.choices)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    fund_payout = models.BooleanField(_("pays out from a fund"), default=False)  # 基金支付
    insurance_types = models.ManyToManyField(
        InsuranceType, related_name="items", verbose_name=_("insurance types")
    )
    channels = models.ManyToManyField(Channel, related_name="items", verbose_name=_("channels"))
    # [{"law": "社会保险经办条例", "article": "第六条"}, ...]
    legal_basis = models.JSONField(_("legal basis"), default=list)
    item_type = models.CharField(_("item type"), max_length=10, choices=ItemType.choices)
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), null=True, blank=True
    )
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"), default=0)
    acceptance_conditions_zh = models.TextField(_("acceptance conditions (Chinese)"), blank=True)
    acceptance_conditions_en = models.TextField(_("acceptance conditions (English)"), blank=True)
    # 受理条件 the platform checks: [{"code": "alive", "params": {}}, ...] (vocabulary: conditions.py).
    conditions = models.JSONField(_("checked acceptance conditions"), default=list, blank=True)
    fee = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2, default=0)
    fee_basis = models.CharField(_("fee basis"), max_length=200, blank=True)
    trips = models.PositiveSmallIntegerField(_("trips to the office"), default=0)  # 跑动次数: 0 or 1
    implementing_body_zh = models.CharField(_("implementing body (Chinese)"), max_length=120)
    implementing_body_en = models.CharField(_("implementing body (English)"), max_length=200, blank=True)
    supervision_phone = models.CharField(_("complaint phone"), max_length=40, default="12333")
    province_wide = models.BooleanField(_("province-wide handling"), default=False)  # 全省通办
    cross_province = models.BooleanField(_("cross-province handling"), default=False)  # 跨省通办
    effect_code = models.CharField(
        _("effect"),
        max_length=60,
        blank=True,
        help_text=_("The registered effect handler run on completion."),
    )
    source = models.CharField(_("source of this item"), max_length=300, blank=True)

    class Meta:
        ordering = ["edition", "order", "code"]
        unique_together = [("edition", "code")]
        verbose_name = _("service item")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def acceptance_conditions(self) -> str:
        return pick_language(self.acceptance_conditions_zh, self.acceptance_conditions_en)

    @property
    def implementing_body(self) -> str:
        return pick_language(self.implementing_body_zh, self.implementing_body_en)


class ItemMaterial(models.Model):
    """所需材料: one material an item requires."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    is_identity_document = models.BooleanField(
        _("is the identity card"), default=False, help_text=_("Needs no further legal basis (Art. 31).")
    )
    original_checked = models.BooleanField(_("original checked"), default=False)  # 原件核验
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    required = models.BooleanField(_("always required"), default=True)  # False: only in stated cases
    legal_basis = models.CharField(_("legal basis for requiring it"), max_length=300, blank=True)
    note_zh = models.CharField(_("note (Chinese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=400, blank=True)

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("material")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def note(self) -> str:
        return pick_language(self.note_zh, self.note_en)


class ItemStep(models.Model):
    """办理流程: one ordered handling step, naming the posts allowed to perform it."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=StepKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    posts = models.JSONField(_("posts allowed"), default=list)  # list of core.Post codes

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("step")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


# The only elements a region may fill in (四级四同): everything else is the province's standard.
BINDING_OPEN_FIELDS = ("address", "phone", "opening_hours", "outlets")


class LocalBinding(models.Model):
    """A region's fill-in of what the standard leaves open for an item: where, when, whom to call."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="bindings")
    item_code = models.CharField(_("item code"), max_length=32)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("consultation phone"), max_length=60, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    outlets = models.TextField(
        _("outlets offering the item"), blank=True, help_text=_("One outlet per line.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        unique_together = [("region", "item_code")]
        ordering = ["region__path", "item_code"]
        verbose_name = _("local binding")

    def __str__(self) -> str:
        return f"{self.region.code} {self.item_code}"


class Deviation(models.Model):
    """A region's attempt to differ from the standard in a field it may not fill. Recorded, never applied."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="deviations")
    item_code = models.CharField(_("item code"), max_length=32)
    field = models.CharField(_("field"), max_length=60)
    standard_value = models.JSONField(_("standard value"), null=True)
    local_value = models.JSONField(_("attempted value"), null=True)
    edition = models.ForeignKey(Edition, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["region__path", "item_code", "field"]
        verbose_name = _("deviation")

    def __str__(self) -> str:
        return f"{self.region.code} {self.item_code}.{self.field}"


class StandardKind(models.TextChoices):
    BASIC = "basic", _("Basic standard")  # 基础标准
    TECHNICAL = "technical", _("Technical standard")  # 技术标准
    MANAGEMENT = "management", _("Management standard")  # 管理标准
    WORK = "work", _("Work standard")  # 工作标准
    SERVICE = "service", _("Service standard")  # 服务标准


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNDER_REVISION = "under_revision", _("Under revision")
    RETIRED = "retired", _("Retired")


class Standard(models.Model):
    """One entry of the register of standards (标准体系)."""

    code = models.CharField(_("code"), max_length=40)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=StandardKind.choices)
    version = models.CharField(_("version"), max_length=20)
    status = models.CharField(
        _("status"), max_length=16, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    edition = models.OneToOneField(
        Edition, null=True, blank=True, on_delete=models.PROTECT, related_name="standard"
    )

    class Meta:
        unique_together = [("code", "version")]
        ordering = ["kind", "code", "version"]
        verbose_name = _("standard")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)
