"""API v1 of ad monitoring: the public check, the JSON twin of the "check a job offer" page.

Anonymous, throttled per client address, and nothing is stored: the answer is the engine's
screening output exactly (the contract of ``fener ads screen``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from fener.adwatch.public_check import TextRefused, screen_text, validate_text
from fener.core.api.throttling import hashed_client


class PublicCheckThrottle(SimpleRateThrottle):
    """Checks per client address (``FENER_PUBLIC_CHECK_API_RATE``, default 30 a minute)."""

    scope = "public_check"

    def get_rate(self) -> str:
        return str(getattr(settings, "FENER_PUBLIC_CHECK_API_RATE", "30/min"))

    def get_cache_key(self, request: Request, view: Any) -> str:
        # The proxy-aware address the rest of Fener uses (never a raw X-Forwarded-For header,
        # which any client can set).
        return self.cache_format % {"scope": self.scope, "ident": hashed_client(request)}


class CheckRequestSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text="The ad or message, at most 20,000 characters")


class EvidenceSerializer(serializers.Serializer[Any]):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()


class IndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    weight = serializers.FloatField()
    evidence = EvidenceSerializer(many=True)


# The engine's screening output (documentation only: the answer is the engine's own dict).
SCREENING_SCHEMA = inline_serializer(
    "Screening",
    {
        "id": serializers.CharField(),
        "lang": serializers.CharField(allow_null=True),
        "script": serializers.CharField(allow_null=True),
        "risk": serializers.FloatField(),
        "label": serializers.ChoiceField(choices=["suspicious", "legitimate"]),
        "indicators": IndicatorSerializer(many=True),
        "entities": serializers.DictField(),
        "explanation": serializers.DictField(),
    },
)


class CheckErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class CheckView(APIView):
    """Screen one ad or message; nothing is stored."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicCheckThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="check_ad",
        tags=["check"],
        request=CheckRequestSerializer,
        responses={
            200: SCREENING_SCHEMA,
            400: OpenApiResponse(
                CheckErrorSerializer, description="Missing, empty or too long text"
            ),
            429: OpenApiResponse(CheckErrorSerializer, description="Too many checks from here"),
        },
        examples=[
            OpenApiExample(
                "An ad",
                value={"text": "Девојки 18-25 за Германија, 5000 евра месечно, само вибер"},
                request_only=True,
            )
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict) or "text" not in data:
            return _refused(_('Send a JSON object with the field "text".'))
        try:
            text = validate_text(data["text"])
        except TextRefused as refused:
            return _refused(str(refused))
        response = Response(screen_text(text))
        response["Cache-Control"] = "no-store"
        return response


def _refused(detail: str) -> Response:
    return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)


urlpatterns = [path("check/", CheckView.as_view(), name="check")]
