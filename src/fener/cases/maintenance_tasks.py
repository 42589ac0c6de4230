"""Scheduled upkeep of case management, run by the worker or from cron (``fener cases …``)."""

from __future__ import annotations

from django.tasks import task


@task()
def retention_apply_task() -> list[str]:
    """Anonymise the closed cases whose retention period has ended (audited, one per case)."""
    from fener.cases.services.retention import retention_apply

    return retention_apply().anonymised
