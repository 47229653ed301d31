"""Core: regions (行政区划), offices, posts (岗位), staff, and the working-day calendar data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick_language(zh: str, en: str) -> str:
    """The Chinese or English form of a bilingual value, by the active language (Chinese default)."""
    lang = get_language() or "zh-hans"
    return (en or zh) if lang.startswith("en") else (zh or en)


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


LEVEL_DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWNSHIP: 3}


class Region(models.Model):
    """行政区划: a province, city, county or township, with its administrative code.

    `path` is the chain of codes from the province down ("/340000/340700/340705/"), so a region's
    whole subtree is one indexed prefix query.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=120, db_index=True, editable=False)
    code_is_real = models.BooleanField(
        _("code is a real administrative code"),
        default=False,
        help_text=_("False for demo regions whose codes were made up."),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    def is_within(self, other: Region) -> bool:
        """True if this region is `other` or lies below it."""
        return self.path.startswith(other.path)


class Office(models.Model):
    """An agency office (经办机构) at some level; staff belong to one."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="offices")
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["region__path", "name_zh"]
        verbose_name = _("office")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class Post(models.Model):
    """岗位: a post with its permission codes (see `core.permissions`). Posts are data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    permissions = models.JSONField(_("permission codes"), default=list)
    province_wide = models.BooleanField(
        _("sees the whole province"), default=False, help_text=_("Ignore the office's region bound.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("post")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class User(AbstractUser):
    """A staff member: belongs to an office in a region and holds one or more posts."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    posts = models.ManyToManyField(Post, blank=True, related_name="holders")

    class Meta:
        verbose_name = _("staff member")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def region(self) -> Region | None:
        return self.office.region if self.office_id else None  # type: ignore[union-attr]

    def _posts(self) -> list[Post]:
        """The user's posts, read once per instance (every permission check of a request uses them)."""
        cached: list[Post] | None = getattr(self, "_posts_cache", None)
        if cached is None:
            cached = list(self.posts.all())
            self._posts_cache = cached
        return cached

    def perm_codes(self) -> set[str]:
        """All permission codes of the user's posts (cached on the instance)."""
        cached = getattr(self, "_perm_codes", None)
        if cached is None:
            cached = set()
            for post in self._posts():
                cached.update(post.permissions)
            self._perm_codes = cached
        return cached

    def has_perm_code(self, code: str) -> bool:
        return self.is_active and code in self.perm_codes()

    def post_codes(self) -> set[str]:
        return {p.code for p in self._posts()}

    def is_province_wide(self) -> bool:
        return any(p.province_wide for p in self._posts())


class CalendarYear(models.Model):
    """A year of official holidays and 调休 workdays loaded by an administrator (State Council notice)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    loaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    # Not stored: what loading the year changed elsewhere (`services.calendar_load_year`), for the page.
    change_notes: list[str]

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One exception to the Monday–Friday rule: a holiday on a weekday or a workday on a weekend."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a workday"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'} {self.name}"
