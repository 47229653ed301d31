"""Outlets, windows, teller shifts, queue tickets and appointments (服务网点、窗口、叫号、预约).

Any general window takes any general item of its zones (综合柜员制); special tickets go only to
special windows. "Call next" hands each waiting ticket to exactly one window, under any concurrency
(`services.ticket_call_next` locks with SKIP LOCKED on PostgreSQL).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shebao.catalogue.models import Zone
from shebao.core.models import Region, pick_language


class OutletKind(models.TextChoices):
    PROVINCE_HALL = "province_hall", _("Province service hall")
    CITY_HALL = "city_hall", _("City service hall")
    COUNTY_HALL = "county_hall", _("County service hall")
    COMMUNITY = "community", _("Community window")  # 乡镇（街道）、社区窗口
    BANK = "bank", _("Bank outlet")  # 社银合作网点


class Outlet(models.Model):
    """服务网点: a place where people are served, with its region, address, coordinates and hours."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OutletKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="outlets")
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__path", "code"]
        verbose_name = _("outlet")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class WindowKind(models.TextChoices):
    GENERAL = "general", _("General window")  # 综合窗口
    SPECIAL = "special", _("Special window")  # 特殊业务窗口
    BANK = "bank", _("Bank counter")


class Window(models.Model):
    """窗口: a counter in an outlet serving one or more zones of the catalogue."""

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="windows")
    number = models.CharField(_("window number"), max_length=10)
    kind = models.CharField(_("kind"), max_length=10, choices=WindowKind.choices)
    zones = models.JSONField(_("zones served"), default=list)  # Zone codes
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["outlet", "number"]
        unique_together = [("outlet", "number")]
        verbose_name = _("window")

    def __str__(self) -> str:
        return f"{self.outlet.code} {self.number}"


class WindowSession(models.Model):
    """A teller signed in to a window for a shift. One open session per window and per teller."""

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="sessions")
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="window_sessions"
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("window session")
        constraints = [
            models.UniqueConstraint(
                fields=["window"], condition=Q(ended_at__isnull=True), name="one_open_session_per_window"
            ),
            models.UniqueConstraint(
                fields=["teller"], condition=Q(ended_at__isnull=True), name="one_open_session_per_teller"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.teller_id}"


class TicketKind(models.TextChoices):
    GENERAL = "general", _("General business")
    SPECIAL = "special", _("Special business")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")  # 等候
    CALLED = "called", _("Called")  # 已叫号, on its way to the window
    SERVING = "serving", _("Being served")
    # 挂起: the applicant stepped away (a copy, a missing paper); the ticket stays with its window,
    # is skipped by "call next" and is resumed by that window.
    HELD = "held", _("On hold")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")  # 过号
    CANCELLED = "cancelled", _("Cancelled")


class QueueTicket(models.Model):
    """取号: a queue ticket of an outlet for one day and zone."""

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"))
    number = models.CharField(_("ticket number"), max_length=10)  # e.g. "A012": zone letter + sequence
    seq = models.PositiveIntegerField()
    zone = models.CharField(_("zone"), max_length=12, choices=Zone.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=TicketKind.choices, default=TicketKind.GENERAL)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointment = models.OneToOneField(
        "Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket"
    )
    # Appointments checked in on time are called first.
    priority = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    call_count = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)

    class Meta:
        verbose_name = _("queue ticket")
        ordering = ["day", "-priority", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "day", "number"], name="ticket_number_unique_per_day")
        ]
        indexes = [models.Index(fields=["outlet", "day", "status", "zone"])]

    def __str__(self) -> str:
        return f"{self.outlet_id} {self.day} {self.number}"


class AppointmentSlot(models.Model):
    """预约时段: an outlet's slot for a zone, with a capacity."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="slots")
    zone = models.CharField(_("zone"), max_length=12, choices=Zone.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)  # kept with F() under lock

    class Meta:
        verbose_name = _("appointment slot")
        ordering = ["starts_at", "outlet", "zone"]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked")
        ]

    def __str__(self) -> str:
        return f"{self.outlet_id} {self.zone} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    MISSED = "missed", _("Missed")


class Appointment(models.Model):
    """预约: a booking of a slot by a person; checking in at the kiosk turns it into a priority ticket."""

    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments")
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    item_code = models.CharField(_("item"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        ordering = ["slot__starts_at", "id"]

    def __str__(self) -> str:
        return self.code


class TellerQualification(models.Model):
    """一岗多能: a whole zone, or one item, a teller is qualified to accept (kept by an administrator)."""

    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications"
    )
    zone = models.CharField(_("zone"), max_length=12, choices=Zone.choices, blank=True)
    item_code = models.CharField(_("item code"), max_length=32, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("teller qualification")
        unique_together = [("teller", "zone", "item_code")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(zone="") | ~Q(item_code=""), name="qualification_names_zone_or_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.teller_id} {self.zone or self.item_code}"
