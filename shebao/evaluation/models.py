"""Ratings (好差评) of served cases, and the rating levels as data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shebao.core.models import pick_language


class RatingLevel(models.Model):
    """One of the five levels (非常满意 … 非常不满意); data, since the official wording is to verify."""

    value = models.PositiveSmallIntegerField(_("value"), unique=True)  # 5 best … 1 worst
    name_zh = models.CharField(_("name (Chinese)"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=40)
    is_bad = models.BooleanField(_("bad rating"), default=False)  # 差评: must be answered and rectified

    class Meta:
        ordering = ["-value"]
        verbose_name = _("rating level")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class Rating(models.Model):
    """好差评: the person served rates a case; kept per case, teller, window and outlet."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="rating")
    level = models.ForeignKey(RatingLevel, on_delete=models.PROTECT, related_name="ratings")
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # The staff member who accepted the case; empty for an online application refused before acceptance.
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    window = models.ForeignKey(
        "counter.Window", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    outlet = models.ForeignKey(
        "counter.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    channel = models.CharField(_("channel"), max_length=10)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        indexes = [
            models.Index(fields=["teller", "created_at"]),
            models.Index(fields=["outlet", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.level_id}"
