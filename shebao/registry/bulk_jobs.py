"""Staff changes files applied in the background (批量增减员任务).

A file of up to 10,000 rows takes minutes to check and apply — longer than a web request may run
behind gunicorn. `staff_changes_job_start` stores the file outside the web root, records a
`StaffChangesJob` and hands it to Celery once the request's transaction commits; the worker runs
`staff_changes_job_run`, which applies the file through `bulk.staff_changes_import` (all rows or
none) and keeps the outcome on the job: the counts, or every bad row. The stored file is deleted
afterwards. Without a broker (the demo) the task runs at once, inside the request.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.core.errors import ApplicationError
from shebao.registry import bulk
from shebao.registry.models import Employer, JobStatus, StaffChangesJob

logger = logging.getLogger(__name__)

FOLDER = "staff-changes"
SUFFIXES = (".xlsx", ".csv")


def jobs_folder() -> Path:
    return Path(settings.SHEBAO_UPLOAD_ROOT) / FOLDER


def _store(file: Any, suffix: str) -> str:
    folder = jobs_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o750)
    name = f"{secrets.token_hex(16)}{suffix}"
    target = folder / name
    written = 0
    try:
        with target.open("xb") as out:
            for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
                written += len(chunk)
                if written > bulk.MAX_BYTES:
                    raise ApplicationError(
                        "bulk_too_large",
                        _("The file is larger than %(size)s MB.") % {"size": bulk.MAX_BYTES // (1024 * 1024)},
                    )
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    target.chmod(0o640)
    return name


def staff_changes_job_start(*, employer: Employer, file: Any, filename: str, by: Any) -> StaffChangesJob:
    """Store the file and queue its job; the task starts when the caller's transaction commits."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ApplicationError(
            "bulk_file_type", _("The file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
        )
    name = _store(file, suffix)
    try:
        with transaction.atomic():
            job = StaffChangesJob.objects.create(
                employer=employer, filename=PurePath(filename).name[:200], path=name, created_by=by
            )
            audit_record(
                actor=by,
                action="registry.staff_changes_queued",
                subject=employer,
                region_code=employer.region.code,
                extra={"job": job.pk, "filename": job.filename},
            )
            transaction.on_commit(lambda: _enqueue(job.pk))
    except Exception:
        (jobs_folder() / name).unlink(missing_ok=True)
        raise
    return job


def _enqueue(job_id: int) -> None:
    from shebao.registry.tasks import staff_changes_job_task

    staff_changes_job_task.delay(job_id)


def staff_changes_job_run(job_id: int) -> StaffChangesJob:
    """Apply a queued job's file (the task's body); the outcome is kept on the job, never raised, so a
    job never stays "being applied"."""
    with transaction.atomic():
        job = (
            StaffChangesJob.objects.select_for_update(of=("self",))  # the job row only
            .select_related("employer__region", "created_by")
            .get(pk=job_id)
        )
        if job.status != JobStatus.QUEUED:
            return job  # already run (a task delivered twice)
        job.status = JobStatus.RUNNING
        job.save(update_fields=["status"])
    path = jobs_folder() / job.path if job.path else None
    try:
        if path is None or not path.exists():
            raise ApplicationError("bulk_file_missing", _("The uploaded file is gone; upload it again."))
        result = bulk.staff_changes_import(
            employer=job.employer, file=path, filename=job.filename, by=job.created_by
        )
    except ApplicationError as exc:
        job.status = JobStatus.FAILED
        job.error_message = str(exc.message)
        job.error_details = [str(d) for d in (exc.details or [])]
    except Exception:  # a bug or a lost database: the import rolled back, so nothing was written
        logger.exception("staff changes job %s stopped", job.pk)
        job.status = JobStatus.FAILED
        job.error_message = _(
            "The job stopped on an unexpected error; nothing was written. Upload the file again."
        )
    else:
        job.status = JobStatus.DONE
        job.result = dataclasses.asdict(result)
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
    job.path = ""
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "result", "error_message", "error_details", "path", "finished_at"])
        audit_record(
            actor=job.created_by,
            action="registry.staff_changes_job_finished",
            subject=job.employer,
            region_code=job.employer.region.code,
            extra={"job": job.pk, "status": job.status, "rows": job.result.get("rows", 0)},
        )
    return job
