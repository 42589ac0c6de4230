"""API v1 views: thin wrappers around selectors and services."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fener.core import selectors
from fener.core.access import require
from fener.core.api.serializers import (
    AuditEventSerializer,
    InstitutionSerializer,
    MeSerializer,
    MunicipalitySerializer,
    RoleSerializer,
    UserSerializer,
)
from fener.core.models import AuditEvent, Institution, User
from fener.core.services.institutions import institution_create, institution_update


def _actor(request: Request) -> User:
    """The authenticated account (every view here requires authentication)."""
    return cast(User, request.user)


def _as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    return serializers.ValidationError(detail)


class MeView(APIView):
    """The authenticated account, with the permission codes its roles grant."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_actor(request)).data)


class MunicipalityList(generics.ListAPIView[Any]):
    """The 80 municipalities (Census 2021 frame)."""

    serializer_class = MunicipalitySerializer

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.municipality_list(
            user=self.request.user, region=self.request.GET.get("region", "")
        )


@extend_schema(
    parameters=[
        OpenApiParameter("type", str),
        OpenApiParameter("municipality", str),
        OpenApiParameter("country", str),
        OpenApiParameter("q", str),
    ]
)
class InstitutionList(generics.ListCreateAPIView[Any]):
    """The institution directory; coordinators and administrators may add to it."""

    serializer_class = InstitutionSerializer

    def get_queryset(self) -> QuerySet[Any]:
        params = self.request.GET
        return selectors.institution_list(
            user=self.request.user,
            type=params.get("type", ""),
            municipality_code=params.get("municipality", ""),
            country=params.get("country", ""),
            search=params.get("q", ""),
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, "add", Institution)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            institution = institution_create(actor=_actor(request), **serializer.validated_data)
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(InstitutionSerializer(institution).data, status=status.HTTP_201_CREATED)


class InstitutionDetail(generics.RetrieveUpdateAPIView[Any]):
    """One institution. A change goes through the same service as the web form."""

    serializer_class = InstitutionSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Institution:
        return selectors.institution_get(user=self.request.user, pk=self.kwargs["pk"])

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        institution = self.get_object()
        serializer = self.get_serializer(institution, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "key" in serializer.validated_data:
            raise serializers.ValidationError({"key": ["The key of an institution cannot change."]})
        changes = dict(serializer.validated_data)
        try:
            institution = institution_update(
                actor=_actor(request), institution=institution, **changes
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(InstitutionSerializer(institution).data)


class UserList(generics.ListAPIView[Any]):
    """Accounts the caller may see: everyone for administrators, colleagues otherwise."""

    serializer_class = UserSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.user_list(user=self.request.user, search=self.request.GET.get("q", ""))


class UserDetail(generics.RetrieveAPIView[Any]):
    serializer_class = UserSerializer

    def get_object(self) -> Any:
        return selectors.user_get(user=self.request.user, pk=self.kwargs["pk"])


class RoleList(generics.ListAPIView[Any]):
    serializer_class = RoleSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.role_list(user=self.request.user)


@extend_schema(
    parameters=[
        OpenApiParameter("actor", str),
        OpenApiParameter("action", str),
        OpenApiParameter("target_type", str),
        OpenApiParameter("target_id", str),
        OpenApiParameter("request_id", str),
    ]
)
class AuditEventList(generics.ListAPIView[Any]):
    """Search the audit log (auditors only; anyone else gets 403)."""

    serializer_class = AuditEventSerializer

    def get_queryset(self) -> QuerySet[Any]:
        require(self.request.user, "view", AuditEvent)
        params = self.request.GET
        return selectors.audit_search(
            user=self.request.user,
            actor=params.get("actor", ""),
            action=params.get("action", ""),
            target_type=params.get("target_type", ""),
            target_id=params.get("target_id", ""),
            request_id=params.get("request_id", ""),
        )


class AuditEventDetail(generics.RetrieveAPIView[Any]):
    serializer_class = AuditEventSerializer

    def get_object(self) -> Any:
        return selectors.audit_get(user=self.request.user, pk=self.kwargs["pk"])
