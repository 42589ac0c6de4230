"""API v1 of case referrals as the receiving institution sees them, and their answers.

The case's side makes a referral under ``/cases/{code}/referrals/`` (:mod:`.views`) and may
revoke it here; the receiving institution lists, reads, accepts or rejects and completes it,
and never reaches the case itself.

Free text follows one rule (:func:`fener.cases.policies.sees_referral_text`): the case's team
reads the purpose, the answer note and the texts in the shared copy; a supervisor off the team
gets them as null; the receiving institution reads them until it rejects the referral or the
sender revokes it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fener.cases import selectors
from fener.cases.api.errors import ERRORS, service_errors
from fener.cases.api.serializers import (
    ReferralCompleteSerializer,
    ReferralDetailSerializer,
    ReferralRespondSerializer,
    ReferralRevokeSerializer,
    ReferralSummarySerializer,
)
from fener.cases.api.views import actor, valid_input
from fener.cases.policies import sees_referral_text
from fener.cases.services import referrals as referral_services
from fener.cases.vocabulary import SharedSection

REFERRALS = ["case-referrals"]


@extend_schema(tags=REFERRALS)
class IncomingReferralList(generics.ListAPIView[Any]):
    """Referrals addressed to the caller's institution (never the cases behind them)."""

    serializer_class = ReferralSummarySerializer

    def get_queryset(self) -> QuerySet[Any]:
        open_only = self.request.GET.get("open", "") in {"1", "true", "yes"}
        return selectors.incoming_referrals(actor(self.request), open_only=open_only)

    @extend_schema(
        operation_id="case_referrals_incoming",
        parameters=[OpenApiParameter("open", bool, description="Pending and accepted only")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def without_free_text(payload: dict[str, Any]) -> dict[str, Any]:
    """The shared copy with its free text (the plan's objectives, its goals, best-interests
    conclusions) set to null; dates, statuses and domains stay."""
    masked = dict(payload)
    plan = masked.get(SharedSection.SUPPORT_PLAN)
    if plan:
        masked[SharedSection.SUPPORT_PLAN] = {
            **plan,
            "objectives": None,
            "goals": [{**goal, "description": None} for goal in plan.get("goals") or []],
        }
    safeguards = masked.get(SharedSection.CHILD_SAFEGUARDS)
    if safeguards:
        masked[SharedSection.CHILD_SAFEGUARDS] = {
            **safeguards,
            "best_interests": [
                {**assessment, "conclusion": None}
                for assessment in safeguards.get("best_interests") or []
            ],
        }
    return masked


@extend_schema(tags=REFERRALS)
class ReferralDetail(APIView):
    """One referral, for the receiving institution or the case's side, with the copy of what
    was shared. Reading a copy that holds identity data is audited."""

    @extend_schema(
        operation_id="case_referrals_retrieve",
        responses={200: ReferralDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = actor(request)
        referral = selectors.referral_get(user, pk)
        payload = selectors.referral_payload_for(user, referral) if referral.payload else None
        sees_text = sees_referral_text(user, referral)
        if payload is not None and not sees_text:
            payload = without_free_text(payload)
        answer = ReferralDetailSerializer(
            referral, context={"payload": payload, "sees_text": sees_text}
        ).data
        response = Response(answer)
        response["Cache-Control"] = "no-store"
        return response


@extend_schema(tags=REFERRALS)
class ReferralRespond(APIView):
    """The receiving institution accepts or rejects a pending referral (a rejection needs a
    note and erases the shared copy)."""

    @extend_schema(
        operation_id="case_referrals_respond",
        request=ReferralRespondSerializer,
        responses={200: ReferralSummarySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = actor(request)
        referral = selectors.referral_get(user, pk)
        data = valid_input(ReferralRespondSerializer, request)
        with service_errors():
            referral = referral_services.referral_respond(actor=user, referral=referral, **data)
        return Response(ReferralSummarySerializer(referral).data)


@extend_schema(tags=REFERRALS)
class ReferralComplete(APIView):
    """The receiving institution reports an accepted referral's service as given."""

    @extend_schema(
        operation_id="case_referrals_complete",
        request=ReferralCompleteSerializer,
        responses={200: ReferralSummarySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = actor(request)
        referral = selectors.referral_get(user, pk)
        data = valid_input(ReferralCompleteSerializer, request)
        with service_errors():
            referral = referral_services.referral_complete(actor=user, referral=referral, **data)
        return Response(ReferralSummarySerializer(referral).data)


@extend_schema(tags=REFERRALS)
class ReferralRevoke(APIView):
    """The case's side withdraws a referral; the receiver loses the shared copy at once."""

    @extend_schema(
        operation_id="case_referrals_revoke",
        request=ReferralRevokeSerializer,
        responses={200: ReferralSummarySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = actor(request)
        referral = selectors.referral_get(user, pk)
        data = valid_input(ReferralRevokeSerializer, request)
        with service_errors():
            referral = referral_services.referral_revoke(actor=user, referral=referral, **data)
        return Response(ReferralSummarySerializer(referral).data)
