"""Writes of the evaluation app: a rating (好差评) of a served case.

`rating_submit` is the one way a rating is written: from the tablet next to the window, and later
from the portal and the app. A bad rating is told to the section leaders of the case's region, who
must answer and rectify it (rectification comes later).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.lifecycle import FINISHED
from shebao.cases.models import Case
from shebao.cases.notify import notify
from shebao.core.errors import ApplicationError
from shebao.core.models import Post, Region, User
from shebao.core.permissions import Perm
from shebao.evaluation.models import Rating, RatingLevel

COMMENT_MAX = 500


def _already_rated() -> ApplicationError:
    return ApplicationError("already_rated", _("This case has already been rated. Thank you."), status=409)


def _check(*, case: Case, level_value: Any, comment: str) -> tuple[RatingLevel, str]:
    # A case is rated once it ended (`lifecycle.FINISHED`): completed (办结) or refused (不予办理).
    if case.status not in FINISHED:
        raise ApplicationError(
            "case_not_finished", _("Only a finished case can be rated; this one is still being handled.")
        )
    try:
        value = int(level_value)
    except (TypeError, ValueError):
        value = 0
    level = RatingLevel.objects.filter(value=value).first()
    if level is None:
        raise ApplicationError("level_unknown", _("Choose one of the five rating levels."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ApplicationError(
            "comment_too_long",
            _("Comment: at most %(max)d characters (you wrote %(count)d).")
            % {"max": COMMENT_MAX, "count": len(comment)},
        )
    return level, comment


def section_leaders_for(region: Region) -> list[User]:
    """Staff signing off cases (`Perm.CASE_APPROVE`: section leaders) of the case's region, else the
    nearest region above it that has any."""
    posts = [p.pk for p in Post.objects.all() if Perm.CASE_APPROVE in (p.permissions or [])]
    current: Region | None = region
    while current is not None:
        leaders = list(
            User.objects.filter(is_active=True, office__region=current, posts__in=posts)
            .distinct()
            .order_by("pk")
        )
        if leaders:
            return leaders
        current = current.parent
    return []


def _notify_bad_rating(*, rating: Rating, case: Case) -> list[str]:
    """Tell the section leaders of the case's region; returns their usernames (audited)."""
    leaders = section_leaders_for(case.region)
    subject = _("Bad rating of case %(number)s") % {"number": case.number}
    body = _(
        "Case %(number)s (%(item)s) was rated “%(level)s” at %(place)s. "
        "Comment: %(comment)s. Answer it and rectify the cause."
    ) % {
        "number": case.number,
        "item": case.item.name_zh,
        "level": rating.level.name_zh,
        "place": str(case.window) if case.window_id else case.get_channel_display(),
        "comment": rating.comment or "—",
    }
    for leader in leaders:
        notify(subject=subject, body=body, case=case, staff=leader, channel="message")
    return [leader.get_username() for leader in leaders]


@transaction.atomic
def rating_submit(*, case: Case, level_value: int, comment: str = "") -> Rating:
    """Record the person's rating of a finished case, once; a bad rating notifies the section leaders."""
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "region", "window", "outlet")
        .get(pk=case.pk)
    )
    level, comment = _check(case=locked, level_value=level_value, comment=comment)
    if Rating.objects.filter(case=locked).exists():
        raise _already_rated()
    try:
        with transaction.atomic():  # a double click racing past the check meets the unique constraint
            rating = Rating.objects.create(
                case=locked,
                level=level,
                comment=comment,
                teller_id=locked.accepted_by_id,
                window_id=locked.window_id,
                outlet_id=locked.outlet_id or (locked.window.outlet_id if locked.window_id else None),  # type: ignore[union-attr]
                channel=locked.channel,
            )
    except IntegrityError:
        raise _already_rated() from None
    leaders: list[str] = []
    if level.is_bad:
        leaders = _notify_bad_rating(rating=rating, case=locked)
    audit_record(
        actor=None,
        action="evaluation.rated",
        subject=rating,
        region_code=locked.region.code,
        new={
            "case": locked.number,
            "level": level.value,
            "bad": level.is_bad,
            "comment": comment,
            "teller": locked.accepted_by_id,
            "window": locked.window_id,
            "outlet": rating.outlet_id,
            "channel": locked.channel,
        },
        extra={"leaders_notified": leaders} if level.is_bad else None,
    )
    return rating
