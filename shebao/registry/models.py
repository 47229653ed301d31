"""The registry: every insured person and employer once, shared by every insurance type (一次采集、多方共享).

A person is keyed by the 公民身份号码 (which is the 社会保障号码), an employer by the 统一社会信用代码.
Every change is the effect of a service call (later: of a case of a catalogue item) and is kept in
`RecordChange` with who, when, old and new values, the case it came from and the full record after
the change, so a record can be shown as it was on any past date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shebao.catalogue.models import InsuranceType
from shebao.core.models import Region


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class HouseholdType(models.TextChoices):
    URBAN = "urban", _("Urban")  # 城镇户籍
    RURAL = "rural", _("Rural")  # 农村户籍


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DECEASED = "deceased", _("Deceased")
    MOVED_OUT = "moved_out", _("Moved out of the province")


# Key data (关键信息): change only through a special item with review.
PERSON_KEY_FIELDS = ("id_number", "name", "birth_date", "gender")
PERSON_OTHER_FIELDS = ("phone", "address", "household_type", "bank_name", "bank_account")
# Fund data (基金相关信息): the payout bank and account change only through a special item with review.
PERSON_FUND_FIELDS = ("bank_name", "bank_account")


class Person(models.Model):
    """参保人: an insured person, once for every insurance type and channel."""

    id_number = models.CharField(_("ID number"), max_length=18, unique=True)  # 公民身份号码 = 社会保障号码
    name = models.CharField(_("name"), max_length=60, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    household_type = models.CharField(_("household type"), max_length=8, choices=HouseholdType.choices)
    bank_name = models.CharField(_("bank for payouts"), max_length=60, blank=True)
    bank_account = models.CharField(_("bank account for payouts"), max_length=32, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="persons", verbose_name=_("region responsible")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)  # date of death or of moving out
    birthplace_known = models.BooleanField(
        _("birthplace code known"),
        default=True,
        help_text=_("False: the ID's region code is not in the code table."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("insured person")
        indexes = [models.Index(fields=["name", "birth_date"])]

    def __str__(self) -> str:
        return self.name


class EmployerType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")  # 企业
    PUBLIC_INSTITUTION = "institution", _("Government agency or public institution")  # 机关事业单位
    SOCIAL_ORGANISATION = "social_org", _("Social organisation")  # 社会团体、民办非企业单位
    INDIVIDUAL_BUSINESS = "individual", _("Individual business")  # 个体工商户
    OTHER = "other", _("Other")


class EmployerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


EMPLOYER_FIELDS = (
    "credit_code",
    "name",
    "employer_type",
    "industry",
    "injury_risk_class",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "bank_name",
    "bank_account",
)


class Employer(models.Model):
    """参保单位: an employer, keyed by its 统一社会信用代码."""

    credit_code = models.CharField(_("credit code"), max_length=18, unique=True)  # 统一社会信用代码
    name = models.CharField(_("name"), max_length=120, db_index=True)
    employer_type = models.CharField(_("employer type"), max_length=12, choices=EmployerType.choices)
    industry = models.CharField(_("industry"), max_length=60)
    injury_risk_class = models.PositiveSmallIntegerField(
        _("work-injury risk class (1–8)")
    )  # 工伤保险行业风险类别
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="employers", verbose_name=_("region")
    )
    legal_representative = models.CharField(_("legal representative"), max_length=60)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EmployerStatus.choices, default=EmployerStatus.ACTIVE
    )
    # The day the current status took effect (e.g. the date of deregistration); None while never changed.
    status_date = models.DateField(_("status date"), null=True, blank=True)
    # Owed contributions, in yuan. Kept here until the contributions app owns arrears (DESIGN.md).
    arrears = models.DecimalField(_("contributions owed"), max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("employer")

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    CONTRIBUTING = "contributing", _("Contributing")  # 参保缴费
    SUSPENDED = "suspended", _("Suspended")  # 暂停缴费
    ENDED = "ended", _("Ended")  # 终止参保


class Enrolment(models.Model):
    """参保登记: a person in an insurance type, with an employer or none, over a period.

    An open enrolment (no end date) is the current one; at most one open enrolment per person and
    type is enforced by the database as well as by `services.enrolment_create`.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments")
    insurance_type = models.ForeignKey(InsuranceType, on_delete=models.PROTECT, related_name="enrolments")
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.CONTRIBUTING
    )
    # The day the current status took effect: the start, the first day of a suspension or of resuming.
    status_date = models.DateField(_("status date"), null=True, blank=True)
    case_ref = models.CharField(_("case"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        ordering = ["person", "insurance_type__order", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "insurance_type"],
                condition=Q(end_date__isnull=True),
                name="one_open_enrolment_per_person_and_type",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_end_not_before_start",
            ),
        ]
        indexes = [models.Index(fields=["employer", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.insurance_type_id} {self.start_date}–{self.end_date or ''}"


class RecordChange(models.Model):
    """变更记录: one change to a person or an employer, with the whole record after it.

    `changes` holds {field: [old, new]}; `snapshot` the record (with its enrolments) after the change,
    so `selectors.person_as_of(date)` is one indexed lookup.
    """

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(_("kind of change"), max_length=40)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_ref = models.CharField(_("case"), max_length=40, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    snapshot = models.JSONField(_("record after the change"), default=dict)

    class Meta:
        verbose_name = _("record change")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, employer__isnull=True)
                | Q(person__isnull=True, employer__isnull=False),
                name="record_change_has_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["person", "changed_at"]),
            models.Index(fields=["employer", "changed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.changed_at:%Y-%m-%d}"


class PossibleDuplicate(models.Model):
    """疑似重复: the same name and birth date under another ID number — flagged for a person, never merged."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="duplicate_pair_once")]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id}"


class DepartmentClient(models.Model):
    """A department that reads the registry through the API (税务, 医保, 民政 …): its key and scope.

    `scope` maps a record type to the fields the client may read, e.g.
    {"person": ["name", "status"], "enrolment": ["insurance_type", "status"]}. Only the key's hash is
    stored; the key itself is shown once, when it is issued.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    department = models.CharField(_("department"), max_length=40)
    key_prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scope = models.JSONField(_("scope"), default=dict)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("department client")

    def __str__(self) -> str:
        return self.name


class DepartmentAccess(models.Model):
    """One read by a department client: which record, which fields, for what purpose, and the outcome."""

    client = models.ForeignKey(DepartmentClient, on_delete=models.PROTECT, related_name="accesses")
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    record_type = models.CharField(_("record type"), max_length=20)
    record_key = models.CharField(_("record"), max_length=40)
    purpose = models.CharField(_("purpose"), max_length=200)
    fields = models.JSONField(_("fields returned"), default=list)
    allowed = models.BooleanField(_("allowed"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("department access")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} {self.record_type}:{self.record_key}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be applied")
    RUNNING = "running", _("Being applied")
    DONE = "done", _("Applied to the registry")
    FAILED = "failed", _("Refused, nothing written")


class StaffChangesJob(models.Model):
    """批量增减员任务: a staff changes file applied in the background (a Celery task), all or nothing.

    The file waits under `SHEBAO_UPLOAD_ROOT/staff-changes/` until the task has run, then is deleted;
    the outcome (counts, or every bad row) stays here.
    """

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="staff_changes_jobs")
    filename = models.CharField(_("file name"), max_length=200)
    path = models.CharField(max_length=200, blank=True)  # relative to the jobs folder; "" once removed
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    result = models.JSONField(_("counts"), default=dict, blank=True)
    error_message = models.TextField(_("why refused"), blank=True)
    error_details = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("job finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff changes job")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
