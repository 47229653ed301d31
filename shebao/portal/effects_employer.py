"""The effect of an employer's staff changes file sent online (`portal.staff_changes_bulk`).

Data: `credit_code` and `rows`, each row as the registry's bulk import parses it (action, id_number,
name, date, insurance_types, phone, household_type, address, row = the line in the uploaded file).
On completion the rows are checked again against the registry as it is now (the registry's bulk
rules), then applied through the registry services, each in a savepoint so that every refusal is
named by its row; if any row is refused the handler raises `bulk_invalid` and the case's transaction
keeps nothing. Registered from `PortalConfig.ready()`, declared as an employer's effect sent from
its own page (no item form); its preview is the file as a readable table, its outcome the counts
with a link to the employer's record.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.catalogue.models import InsuranceType
from shebao.core.effects import EMPLOYER, Effect, Link, Outcome, Preview, register_effect
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number
from shebao.core.models import Region
from shebao.registry import bulk, selectors, services
from shebao.registry.models import Employer


def _employer(data: dict[str, Any]) -> Employer:
    employer = selectors.employer_by_credit_code(str(data.get("credit_code") or ""))
    if employer is None:
        raise ApplicationError(
            "employer_not_found", _("Credit code: the case names no registered employer."), status=404
        )
    return employer


def _apply_row(
    *, employer: Employer, row: dict[str, Any], by: Any, case_ref: str, counts: dict[str, int]
) -> None:
    on = datetime.date.fromisoformat(str(row["date"]))
    person = selectors.person_by_id_number(str(row["id_number"]))
    if row["action"] == bulk.INCREASE:
        if person is None:
            person = services.person_register(
                data={
                    "id_number": row["id_number"],
                    "name": row["name"],
                    "household_type": row.get("household_type", ""),
                    "phone": row.get("phone", ""),
                    "address": row.get("address", ""),
                },
                region=employer.region,
                by=by,
                case_ref=case_ref,
            )
            counts["registered"] += 1
        created = services.staff_increase(
            employer=employer,
            person=person,
            start_date=on,
            insurance_types=list(row.get("insurance_types") or []) or None,
            by=by,
            case_ref=case_ref,
        )
        counts["increased"] += 1
        counts["created"] += len(created)
    else:
        if person is None:
            raise ApplicationError(
                "bulk_not_registered", _("the person is not registered, so cannot be decreased.")
            )
        ended = services.staff_decrease(
            employer=employer, person=person, end_date=on, by=by, case_ref=case_ref
        )
        counts["decreased"] += 1
        counts["ended"] += len(ended)


def staff_changes_preview(effect: Effect, data: dict[str, Any]) -> Preview:
    """The file's rows as a table a reviewer reads: row, change, name, ID number (masked), date, types."""
    rows = list(data.get("rows") or [])
    types = {t.code: t.name for t in InsuranceType.objects.all()}
    actions = {bulk.INCREASE: _("Staff increase"), bulk.DECREASE: _("Staff decrease")}
    preview = Preview(
        table_head=[_("Row"), _("Change"), _("Name"), _("ID number"), _("Date"), _("Insurance types")],
        table=[
            [
                str(r.get("row", "")),
                str(actions.get(r.get("action"), r.get("action", ""))),
                str(r.get("name") or "—"),
                mask_id_number(str(r.get("id_number") or "")),
                str(r.get("date") or ""),
                "、".join(types.get(str(c), str(c)) for c in r.get("insurance_types") or []) or "—",
            ]
            for r in rows
        ],
    )
    increases = sum(1 for r in rows if r.get("action") == bulk.INCREASE)
    preview.notes.append(
        _("%(increase)s staff increases and %(decrease)s staff decreases from the file %(file)s.")
        % {"increase": increases, "decrease": len(rows) - increases, "file": data.get("filename") or "—"}
    )
    return preview


def staff_changes_outcome(effect: Effect, result: dict[str, Any]) -> Outcome:
    employer = selectors.employer_by_credit_code(str(result.get("credit_code") or ""))
    text = _(
        "%(rows)s rows: %(increased)s staff increases (%(created)s enrolments, %(registered)s persons "
        "registered), %(decreased)s staff decreases (%(ended)s enrolments ended)."
    ) % {k: result.get(k, 0) for k in ("rows", "increased", "created", "registered", "decreased", "ended")}
    links = [Link(employer.name, reverse("registry:employer", args=[employer.pk]))] if employer else []
    return Outcome(text=text, links=links)


@register_effect(
    "portal.staff_changes_bulk",
    label_zh="单位批量增减员",
    label_en="Staff changes from a file",
    applicant=EMPLOYER,
    own_page=True,
    preview=staff_changes_preview,
    outcome=staff_changes_outcome,
)
def staff_changes_bulk(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> dict[str, Any]:
    """Apply every row of the file or none; returns the counts (and the employer's credit code)."""
    from shebao.portal.employer import rows_check

    employer = _employer(data)
    rows = list(data.get("rows") or [])
    if not rows:
        raise ApplicationError("bulk_empty", _("The file has no data rows."))
    try:
        rows_check(employer=employer, rows=rows)
    except ApplicationError as exc:
        if exc.code != "bulk_invalid":
            raise
        # The checker numbers rows from its own copy; name the rows of the uploaded file instead.
        raise _renumbered(exc, rows) from None
    counts = {"rows": len(rows), "increased": 0, "decreased": 0, "registered": 0, "created": 0, "ended": 0}
    problems: list[str] = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    _apply_row(employer=employer, row=row, by=by, case_ref=case_ref, counts=counts)
            except (ApplicationError, ValueError, KeyError) as exc:
                reason = str(exc.message) if isinstance(exc, ApplicationError) else str(exc)
                problems.append(_("row %(row)s: %(reason)s") % {"row": row.get("row", "?"), "reason": reason})
        if problems:
            raise ApplicationError(
                "bulk_invalid",
                _(
                    "%(count)s problems in the file; nothing was written. Correct them and upload the "
                    "file again."
                )
                % {"count": len(problems)},
                details=problems,
            )
        audit_record(
            actor=by,
            action="registry.staff_changes_imported",
            subject=employer,
            region_code=employer.region.code,
            extra={"case": case_ref, "filename": str(data.get("filename") or ""), **counts},
        )
    return {**counts, "credit_code": employer.credit_code}


def _renumbered(exc: ApplicationError, rows: list[dict[str, Any]]) -> ApplicationError:
    """The checker's "row N" (N = 2 … in its own copy) → the row numbers of the uploaded file."""
    head = _("row %(row)s: %(reason)s") % {"row": "\x00", "reason": ""}
    pattern = re.compile("^" + re.escape(head).replace("\x00", r"(\d+)"))
    details: list[str] = []
    for detail in exc.details:
        text = str(detail)
        match = pattern.match(text)
        if match and 0 <= int(match.group(1)) - 2 < len(rows):
            original = rows[int(match.group(1)) - 2].get("row", match.group(1))
            text = head.replace("\x00", str(original)) + text[match.end() :]
        details.append(text)
    return ApplicationError(exc.code, exc.message, details=details, status=exc.status)
