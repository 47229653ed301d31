"""Core: regions (行政区划), offices, posts (岗位), staff, and the working-day calendar data."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
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
        if not self.office_id:
            return None
        if not User.office.is_cached(self):  # type: ignore[attr-defined]
            office = _posts_cache.office(self)
            if office is not None:
                self.office = office
        return self.office.region  # type: ignore[union-attr]

    def _posts(self) -> list[Post]:
        """The user's posts, read once per instance (every permission check of a request uses them) and
        kept per process for `POSTS_CACHE_SECONDS` (`_PostsCache`), so most requests read none."""
        cached: list[Post] | None = getattr(self, "_posts_cache", None)
        if cached is None:
            cached = _posts_cache.get(self)
            if cached is None:
                cached = list(self.posts.all())
                _posts_cache.put(self, cached)
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


# A change of someone's posts made in this process applies at once (the cache is cleared); one made in
# another server process applies within this many seconds.
POSTS_CACHE_SECONDS = 30.0


class _PostsCache:
    """Each staff member's posts, per process, for a short while: the hot path (accept, identify, call
    next) checks permissions on every request and the posts of a teller change rarely. Keyed by the
    account and its creation time (a reused primary key never meets another account's posts)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[Any, Any], tuple[float, list[Post]]] = {}
        self._offices: dict[tuple[Any, ...], tuple[float, Office]] = {}

    def get(self, user: User) -> list[Post] | None:
        if user.pk is None:
            return None
        row = self._rows.get((user.pk, user.date_joined))
        if row is None or row[0] < time.monotonic():
            return None
        return row[1]

    def put(self, user: User, posts: list[Post]) -> None:
        if user.pk is not None:
            if len(self._rows) > 10_000:
                self._rows.clear()
            self._rows[(user.pk, user.date_joined)] = (time.monotonic() + POSTS_CACHE_SECONDS, posts)

    def office(self, user: User) -> Office | None:
        """The user's office with its region (read with the region at the first ask, then kept)."""
        if user.pk is None or user.office_id is None:
            return None
        key = ("office", user.pk, user.date_joined, user.office_id)
        row = self._offices.get(key)
        if row is None or row[0] < time.monotonic():
            office = Office.objects.select_related("region").filter(pk=user.office_id).first()
            if office is None:
                return None
            row = (time.monotonic() + POSTS_CACHE_SECONDS, office)
            self._offices[key] = row
        return row[1]

    def clear(self, *_args: Any, **_kwargs: Any) -> None:
        self._rows.clear()
        self._offices.clear()


_posts_cache = _PostsCache()
# Granting or withdrawing a post, or changing a post's permissions, clears it (in this process).
m2m_changed.connect(_posts_cache.clear, sender=User.posts.through, dispatch_uid="core.posts_cache.m2m")
post_save.connect(_posts_cache.clear, sender=Post, dispatch_uid="core.posts_cache.post")
post_delete.connect(_posts_cache.clear, sender=Post, dispatch_uid="core.posts_cache.post_delete")
post_save.connect(_posts_cache.clear, sender=User, dispatch_uid="core.posts_cache.user")
post_save.connect(_posts_cache.clear, sender=Office, dispatch_uid="core.posts_cache.office")
post_save.connect(_posts_cache.clear, sender=Region, dispatch_uid="core.posts_cache.region")


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
