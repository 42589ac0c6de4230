"""API v1 of ad monitoring: ads sent in by crawlers and partner organisations.

``POST /api/v1/ads/`` with ``Authorization: Source <token>`` (a token made on the source's
page). The body is one ad object, a list of them, or ``{"ads": [...]}``; the answer counts
what was stored, what was seen before, and every refused ad with its line (its position in the
list, from 1) and reason: 201 when something new was stored, 200 when every ad was seen before,
400 when nothing was valid.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fener.adwatch.models import SourceToken
from fener.adwatch.services.ingestion import validate_record
from fener.adwatch.services.sources import TokenRefused, source_token_use
from fener.adwatch.tasks import api_batch_ingest
from fener.core.api.throttling import HashedUserRateThrottle

MAX_ADS_PER_REQUEST = 1000
MAX_BODY_BYTES = 16 * 1024 * 1024
KEYWORD = "Source"


class SourceClient:
    """The caller of the ingest API: a source token, not a person."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, token: SourceToken) -> None:
        self.token = token
        self.source = token.source
        # The throttles key on ``pk``: each token has its own allowance.
        self.pk = f"source-token-{token.pk}"


class SourceTokenAuthentication(BaseAuthentication):
    """``Authorization: Source <token>``; unknown, revoked or expired tokens and tokens of an
    inactive source are refused (401)."""

    def authenticate(self, request: Request) -> tuple[SourceClient, SourceToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as: Authorization: Source <token>.")
            )
        try:
            plain = parts[1].decode("ascii")
            token = source_token_use(plain=plain)
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Unknown source token.")) from None
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from None
        return SourceClient(token), token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class IsSourceClient(BasePermission):
    message = "Send a source token: Authorization: Source <token>."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, SourceClient)


class SourceTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "fener.adwatch.api.ingest.SourceTokenAuthentication"
    name = "sourceTokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A source's token from its page in Fener: `Source <value>`.",
        }


class AdSerializer(serializers.Serializer[Any]):
    """One ad (documentation only: each ad is checked by the ingestion service)."""

    text = serializers.CharField(help_text="The ad, at most 20,000 characters")
    id = serializers.CharField(required=False, help_text="The ad's id at the source")
    url = serializers.URLField(required=False)
    posted_at = serializers.DateTimeField(required=False)
    lang = serializers.CharField(required=False, help_text="ISO 639-1, e.g. mk")


class RefusedSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class IngestAnswerSerializer(serializers.Serializer[Any]):
    stored = serializers.IntegerField()
    seen_again = serializers.IntegerField()
    refused = RefusedSerializer(many=True)


class AcceptedSerializer(serializers.Serializer[Any]):
    batch = serializers.CharField(help_text="The batch's id, for its status")
    status_url = serializers.CharField()
    accepted = serializers.IntegerField(help_text="Ads queued for screening and storage")
    refused = RefusedSerializer(many=True, help_text="Ads refused at once, with the reason")


class BatchSerializer(serializers.Serializer[Any]):
    batch = serializers.CharField()
    status = serializers.ChoiceField(["queued", "running", "done", "failed"])
    stored = serializers.IntegerField(required=False)
    seen_again = serializers.IntegerField(required=False)
    refused = RefusedSerializer(many=True, required=False)


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class AdIngestView(APIView):
    """Send ads into the token's source. Each ad is checked at once (refusals come back with
    the answer); the good ones are screened and stored by the worker, each stored once however
    often it is sent. The answer names the batch, whose status tells what was stored."""

    authentication_classes = [SourceTokenAuthentication]
    permission_classes = [IsSourceClient]
    throttle_classes = [HashedUserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="ads_ingest",
        tags=["ads"],
        request=AdSerializer(many=True),
        responses={
            202: AcceptedSerializer,
            400: OpenApiResponse(IngestAnswerSerializer, description="Nothing valid was sent"),
            401: OpenApiResponse(ErrorSerializer, description="Missing or refused token"),
            413: OpenApiResponse(ErrorSerializer, description="Too many ads or too large"),
        },
        examples=[
            OpenApiExample(
                "Two ads",
                value=[
                    {"id": "p-1", "text": "Work in Germany, 3000 EUR", "lang": "en"},
                    {"id": "p-2", "text": "Вработување во Скопје", "url": "https://x.example"},
                ],
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if _content_length(request) > MAX_BODY_BYTES:
            return _error(
                _("The body is larger than %(limit)s MB: send the ads in smaller batches.")
                % {"limit": MAX_BODY_BYTES // (1024 * 1024)},
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        ads = _ads_of(request.data)
        if ads is None:
            return _error(
                _('The body must be one ad object, a list of ads, or {"ads": [...]}.'),
                status.HTTP_400_BAD_REQUEST,
            )
        if not ads:
            return _error(_("The body holds no ads."), status.HTTP_400_BAD_REQUEST)
        if len(ads) > MAX_ADS_PER_REQUEST:
            return _error(
                _(
                    "At most %(limit)s ads per request (this one has %(count)s): send them in "
                    "smaller batches."
                )
                % {"limit": f"{MAX_ADS_PER_REQUEST:,}", "count": f"{len(ads):,}"},
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        client: SourceClient = request.user  # type: ignore[assignment]
        accepted: list[list[Any]] = []
        refused: list[dict[str, Any]] = []
        for line, record in enumerate(ads, start=1):
            checked = validate_record(record)
            if isinstance(checked, str):
                refused.append({"line": line, "reason": checked})
            else:
                accepted.append([line, record])
        if not accepted:
            return Response(
                {"stored": 0, "seen_again": 0, "refused": refused},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = api_batch_ingest.enqueue(client.source.pk, client.token.prefix, accepted)
        return Response(
            {
                "batch": result.id,
                "status_url": reverse("adwatch-api:ad_batch", args=[result.id]),
                "accepted": len(accepted),
                "refused": refused,
            },
            status=status.HTTP_202_ACCEPTED,
        )


STALE_BATCH = timedelta(minutes=30)


class AdBatchView(APIView):
    """The status of a batch sent with this source's token: queued, running, or done with
    what was stored, seen again and refused."""

    authentication_classes = [SourceTokenAuthentication]
    permission_classes = [IsSourceClient]
    throttle_classes = [HashedUserRateThrottle]

    @extend_schema(operation_id="ads_batch", tags=["ads"], responses={200: BatchSerializer})
    def get(self, request: Request, batch: str) -> Response:
        client: SourceClient = request.user  # type: ignore[assignment]
        try:
            result = api_batch_ingest.get_result(batch)
        except (TaskResultDoesNotExist, TaskResultMismatch, ValueError, ValidationError):
            raise exceptions.NotFound() from None
        if not result.args or result.args[0] != client.source.pk:
            raise exceptions.NotFound()  # another source's batch is as good as missing
        state = {
            TaskResultStatus.READY: "queued",
            TaskResultStatus.RUNNING: "running",
            TaskResultStatus.SUCCESSFUL: "done",
        }.get(result.status, "failed")
        started = result.started_at
        if state == "running" and started and timezone.now() - started > STALE_BATCH:
            state = "failed"  # the worker stopped while storing it (there is no lease)
        answer: dict[str, Any] = {"batch": result.id, "status": state}
        if state == "done":
            answer.update(result.return_value)
        elif state == "failed":
            answer["detail"] = _(
                "The batch stopped before the end; some ads may be stored. Sending it again "
                "is safe: ads already stored are counted as seen again."
            )
        return Response(answer)


def _content_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _ads_of(data: Any) -> list[Any] | None:
    """The list of ads in a body, or ``None`` when the body has none of the three shapes."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if "ads" in data and "text" not in data:
            ads = data["ads"]
            return ads if isinstance(ads, list) else None
        return [data]
    return None


def _error(detail: str, code: int) -> Response:
    return Response({"detail": detail}, status=code)


urlpatterns = [
    path("ads/", AdIngestView.as_view(), name="ad_ingest"),
    path("ads/batches/<str:batch>/", AdBatchView.as_view(), name="ad_batch"),
]
