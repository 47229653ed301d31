"""Notifications to applicants and staff, through a pluggable backend.

`notify` stores a `Notification` row in the caller's transaction and hands it to the backend named by
`settings.SHEBAO_NOTIFICATION_BACKEND` (default `DatabaseBackend`) with `transaction.on_commit`, so a
rolled-back change neither keeps the row nor sends anything. `ConsoleBackend` also prints the message
(ID numbers masked) for the demo. `result_deliver` sends a case's result back the way it came.

Texts for applicants are rendered in Chinese (the applicant's language) whatever the staff member's
page language is: English msgids, translated under `translation.override("zh-hans")`.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.models import ActionKind, Case, CaseAction, Delivery, Notification
from shebao.core.batch import insert
from shebao.core.masking import mask_id_numbers_in

logger = logging.getLogger("shebao.notify")

DEFAULT_BACKEND = "shebao.cases.notify.DatabaseBackend"
APPLICANT_LANGUAGE = "zh-hans"


class NotificationBackend(Protocol):
    def send(self, notification: Notification) -> None: ...


def _mark_sent(notification: Notification) -> None:
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(sent_at=now)
    notification.sent_at = now


class DatabaseBackend:
    """The demo backend: the stored row is the message (read on the account page); mark it sent."""

    def send(self, notification: Notification) -> None:
        _mark_sent(notification)


class ConsoleBackend:
    """Stores like the database backend and prints the message to stdout and the log, ID numbers masked."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream

    def send(self, notification: Notification) -> None:
        recipient = (
            f"person:{notification.person_id}"
            if notification.person_id
            else f"staff:{notification.staff_id}"
            if notification.staff_id
            else "-"
        )
        line = mask_id_numbers_in(
            f"[{notification.channel}] to {recipient} case:{notification.case_id or '-'} "
            f"{notification.subject}\n{notification.body}"
        )
        print(line, file=self.stream or sys.stdout)
        logger.info("%s", line)
        _mark_sent(notification)


def get_backend() -> NotificationBackend:
    path = getattr(settings, "SHEBAO_NOTIFICATION_BACKEND", DEFAULT_BACKEND)
    return import_string(path)()  # type: ignore[no-any-return]


def notify(
    *,
    subject: str,
    body: str,
    case: Case | None = None,
    person: Any = None,
    staff: Any = None,
    channel: str = "message",
) -> Notification:
    """Store a notification now and send it when the surrounding transaction commits."""
    notification = Notification.objects.create(
        case=case,
        person=person,
        staff=staff,
        channel=channel,
        subject=str(subject)[:200],
        body=str(body),
    )
    backend = get_backend()
    transaction.on_commit(lambda: backend.send(notification))
    return notification


def _item_name(case: Case) -> str:
    return case.item.name_zh or case.item.name_en


@transaction.atomic(savepoint=False)
def result_deliver(*, case: Case) -> Notification:
    """Send the result of a completed case back through its delivery channel (in Chinese)."""
    with translation.override(APPLICANT_LANGUAGE):
        names = {"number": case.number, "item": _item_name(case)}
        if case.delivery == Delivery.PICKUP:
            place = ""
            if case.outlet_id:
                place = case.outlet.name_zh  # type: ignore[union-attr]
            if case.window_id:
                place = _("%(outlet)s, window %(window)s") % {
                    "outlet": case.window.outlet.name_zh,  # type: ignore[union-attr]
                    "window": case.window.number,  # type: ignore[union-attr]
                }
            subject = _("Case %(number)s: result ready for collection") % names
            body = _("The result of %(item)s (case %(number)s) is ready for collection at %(place)s.") % {
                **names,
                "place": place or _("the service hall"),
            }
            channel = "window"
        elif case.delivery == Delivery.POST:
            subject = _("Case %(number)s: result sent by post") % names
            body = (
                _("The result of %(item)s (case %(number)s) has been sent by post to your address.") % names
            )
            channel = "post"
        else:
            subject = _("Case %(number)s: result") % names
            body = case.result or _("Your case %(number)s (%(item)s) is completed.") % names
            channel = "message"
    notification = notify(subject=subject, body=body, case=case, person=case.person, channel=channel)
    insert(
        CaseAction(
            case=case,
            kind=ActionKind.DELIVER,
            step_index=case.step_index,
            by=None,
            at=timezone.now(),
            comment=subject,
        )
    )
    audit_record(
        actor=None,
        action="cases.result_delivered",
        subject=case,
        region_code=case.region.code,
        new={"delivery": case.delivery, "channel": channel, "notification": notification.pk},
    )
    return notification
