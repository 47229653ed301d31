"""Background work of the registry: staff changes files (see `bulk_jobs`)."""

from __future__ import annotations

from celery import shared_task

from shebao.registry.bulk_jobs import staff_changes_job_run


@shared_task(name="registry.staff_changes_job")
def staff_changes_job_task(job_id: int) -> str:
    return str(staff_changes_job_run(job_id).status)
