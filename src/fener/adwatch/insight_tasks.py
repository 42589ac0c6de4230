"""Background work of ad monitoring's insight side (run by ``fener worker``): retraining the
risk model and recomputing operations."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def model_retrain_task(actor_id: int) -> dict[str, Any]:
    """Retrain the risk model for the user who asked (their permission is checked again)."""
    from fener.adwatch.services.models import model_retrain
    from fener.core.models import User

    actor = User.objects.get(pk=actor_id)
    version = model_retrain(actor=actor)
    return {"version": version.version, "current": version.current}


REFRESH_PENDING = "adwatch:operations-refresh-pending"


@task()
def operations_refresh_task() -> dict[str, int]:
    """Recompute template clusters and operations over every stored ad."""
    from django.core.cache import cache

    from fener.adwatch.services.operations import operations_refresh

    cache.delete(REFRESH_PENDING)  # ads arriving from now on ask for another run
    return operations_refresh()


def operations_refresh_soon() -> bool:
    """Queue one refresh of the operations, unless one is already waiting (True if queued).

    Called after new ads are stored; many batches in a row give one refresh, not one each.
    """
    from django.core.cache import cache

    if not cache.add(REFRESH_PENDING, True, timeout=15 * 60):
        return False
    operations_refresh_task.enqueue()
    return True
