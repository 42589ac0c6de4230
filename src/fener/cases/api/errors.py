"""How the case API answers the errors of the case services (see the package docstring)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status

from fener.cases.api.serializers import ConflictSerializer
from fener.cases.services.errors import (
    CaseInputError,
    ConsentRequired,
    SafeguardMissing,
    StaleEdit,
    WrongState,
)
from fener.core.access import AccessDenied


class Conflict(exceptions.APIException):
    """409: the request is well formed but the record's state refuses it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message: str, code: str) -> None:
        super().__init__(detail={"detail": message, "code": code})


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn the errors of a case service into the API's answers (400, 403, 409)."""
    try:
        yield
    except CaseInputError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        raise serializers.ValidationError(detail) from error
    except AccessDenied as error:
        # The gatekeeper's own exception carries only the action's name.
        raise exceptions.PermissionDenied(
            _("You may see this record, but your role does not allow this action.")
        ) from error
    except StaleEdit as error:
        raise Conflict(error.message, "stale_edit") from error
    except ConsentRequired as error:
        raise Conflict(error.message, "consent_required") from error
    except SafeguardMissing as error:
        raise Conflict(error.message, "child_safeguard_missing") from error
    except WrongState as error:
        raise Conflict(error.message, "wrong_state") from error


# The error answers, for the OpenAPI description of each endpoint.
ERRORS: dict[int | tuple[int, str], Any] = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}"),
    403: OpenApiResponse(description="Visible, but the caller's role does not allow this"),
    404: OpenApiResponse(description="Missing, or hidden from the caller"),
    409: OpenApiResponse(ConflictSerializer, description="Refused in the record's state"),
}
