"""Background work of the network module (django.tasks, database backend)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from fener.network.services import analysis, imports


@task()
def transfer_import(import_id: int) -> dict[str, Any]:
    """Check and import a file of transfers (all or nothing)."""
    batch = imports.import_run(import_id=import_id)
    if batch is None:
        return {"import": import_id, "skipped": True}
    return {"import": import_id, "status": batch.status, "written": batch.rows_written}


@task()
def analysis_execute(run_id: int) -> dict[str, Any]:
    """Run the networks engine over an investigation."""
    run = analysis.analysis_execute(run_id=run_id)
    if run is None:
        return {"analysis": run_id, "skipped": True}
    return {"analysis": run_id, "status": run.status}
