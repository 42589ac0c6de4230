"""Liveness and readiness for the operator's monitoring."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """``{"status": "ok"}`` when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # the monitor only needs to know that it failed
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
