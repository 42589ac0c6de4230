"""API v1 views of case management: thin wrappers around the selectors and services of
:mod:`fener.cases` (see the package docstring for the error answers)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fener.analytics.identification import ADVICE_NOTICE
from fener.cases import selectors
from fener.cases.api.errors import ERRORS, service_errors
from fener.cases.api.serializers import (
    CaseChangeSerializer,
    CaseDetailSerializer,
    CaseOpenSerializer,
    CaseSummarySerializer,
    ConsentRecordSerializer,
    ConsentSerializer,
    IdentityReadSerializer,
    IdentitySerializer,
    ReferralCreateSerializer,
    ReferralSummarySerializer,
    ScreeningAdviceSerializer,
    ScreeningRecordSerializer,
    StatusDecideSerializer,
    StatusDecisionAnswerSerializer,
)
from fener.cases.models import Case, IdentityRecord, Screening, StatusDecision
from fener.cases.policies import sees_case_text
from fener.cases.services import cases as case_services
from fener.cases.services import referrals as referral_services
from fener.cases.services.safeguards import consent_record
from fener.cases.services.screening import screening_record
from fener.cases.vocabulary import CaseStatus, TraffickingStatus
from fener.core import selectors as core_selectors
from fener.core.models import Institution, Municipality, User

CASES = ["cases"]


def actor(request: Request) -> User:
    """The authenticated account (every view here requires authentication)."""
    return cast(User, request.user)


def valid_input(
    serializer_class: type[serializers.Serializer[Any]], request: Request
) -> dict[str, Any]:
    """The request's body checked by ``serializer_class`` (400 with field errors if not)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _municipality(user: User, field: str, code: str | None) -> Municipality | None:
    if not code:
        return None
    found = core_selectors.municipality_list(user=user).filter(code=code).first()
    if found is None:
        raise serializers.ValidationError({field: [_("No municipality has this code.")]})
    return found


def _profile_changes(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """The profile fields sent, with municipality codes resolved through the directory."""
    changes = dict(data)
    for field in ("municipality", "exploitation_municipality"):
        if field in changes:
            changes[field] = _municipality(user, field, changes[field])
    return changes


def _case_detail(user: User, case: Case) -> dict[str, Any]:
    prefetch_related_objects(
        [case],
        *selectors.case_detail_prefetch(),
        Prefetch(
            "status_decisions",
            queryset=StatusDecision.objects.select_related("deciding_institution"),
        ),
        "screenings",
        "consents",
        "referrals__from_institution",
        "referrals__to_institution",
    )
    context = {"sees_text": sees_case_text(user, case)}
    return dict(CaseDetailSerializer(case, context=context).data)


@extend_schema(tags=CASES)
class CaseList(generics.ListAPIView[Case]):
    """The cases the caller may see (team members, supervisors of the owning institution)."""

    serializer_class = CaseSummarySerializer

    def get_queryset(self) -> QuerySet[Case]:
        cases = selectors.cases_for(actor(self.request))
        filters = {
            "status": CaseStatus.values,
            "trafficking_status": TraffickingStatus.values,
        }
        for name, allowed_values in filters.items():
            value = self.request.GET.get(name, "")
            if value and value not in allowed_values:
                raise serializers.ValidationError(
                    {name: [_("Unknown value: %(value)s.") % {"value": value}]}
                )
            if value:
                cases = cases.filter(**{name: value})
        return cases

    @extend_schema(
        operation_id="cases_list",
        parameters=[
            OpenApiParameter("status", str, enum=CaseStatus.values),
            OpenApiParameter("trafficking_status", str, enum=TraffickingStatus.values),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="cases_open",
        request=CaseOpenSerializer,
        responses={201: CaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request: Request) -> Response:
        """Open a case owned by the caller's institution, with the caller as case manager."""
        user = actor(request)
        data = valid_input(CaseOpenSerializer, request)
        registered_on = data.pop("registered_on", None)
        profile = _profile_changes(user, data)
        with service_errors():
            case = case_services.case_open(actor=user, registered_on=registered_on, profile=profile)
        return Response(_case_detail(user, case), status=status.HTTP_201_CREATED)


@extend_schema(tags=CASES)
class CaseDetail(APIView):
    """One case by its code: profile, exploitation, team, decisions, screenings, consents
    and outgoing referrals. Never identity data."""

    @extend_schema(
        operation_id="cases_retrieve",
        responses={200: CaseDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, code: str) -> Response:
        user = actor(request)
        return Response(_case_detail(user, selectors.case_get(user, code)))

    @extend_schema(
        operation_id="cases_update_profile",
        request=CaseChangeSerializer,
        responses={200: CaseDetailSerializer, **ERRORS},
    )
    def patch(self, request: Request, code: str) -> Response:
        """Change the profile fields sent, starting from ``version`` (409 if it is stale)."""
        user = actor(request)
        case = selectors.case_get(user, code)
        data = valid_input(CaseChangeSerializer, request)
        version = data.pop("version")
        if not data:
            raise serializers.ValidationError(
                {"__all__": [_("Send at least one field to change.")]}
            )
        changes = _profile_changes(user, data)
        with service_errors():
            case = case_services.case_update_profile(
                actor=user, case=case, expected_version=version, changes=changes
            )
        return Response(_case_detail(user, case))


def _identity_answer(user: User, case: Case, record: IdentityRecord | None) -> dict[str, Any]:
    documents = selectors.documents_of(user, case) if record is not None else []
    values: dict[str, Any] = {
        "given_name": "",
        "family_name": "",
        "other_names": "",
        "birth_date": "",
        "identity_numbers": [],
        "phones": [],
        "emails": [],
        "addresses": [],
    }
    if record is not None:
        values = {name: getattr(record, name) or values[name] for name in values}
    return {
        "case": case.code,
        "recorded": record is not None,
        **values,
        "version": record.version if record is not None else None,
        "documents": [
            {
                "id": document.pk,
                "kind": document.kind,
                "content_type": document.content_type,
                "size": document.size,
                "uploaded_at": document.uploaded_at,
            }
            for document in documents
        ],
    }


@extend_schema(tags=CASES)
class CaseIdentity(APIView):
    """Read the identity data of a case for a stated purpose (audited). A POST because every
    read is recorded with its purpose; the answer must not be cached."""

    @extend_schema(
        operation_id="cases_identity_read",
        request=IdentityReadSerializer,
        responses={200: IdentitySerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]},
    )
    def post(self, request: Request, code: str) -> Response:
        user = actor(request)
        case = selectors.case_get(user, code)
        data = valid_input(IdentityReadSerializer, request)
        with service_errors():
            record = selectors.identity_for(user, case, purpose=data["purpose"])
            answer = IdentitySerializer(_identity_answer(user, case, record)).data
        response = Response(answer)
        response["Cache-Control"] = "no-store"
        return response


@extend_schema(tags=CASES)
class CaseStatusDecision(APIView):
    """Move the case's trafficking status (possible → presumed → identified / not a victim)
    with the reasons; formal decisions need the right to decide."""

    @extend_schema(
        operation_id="cases_status_decide",
        request=StatusDecideSerializer,
        responses={201: StatusDecisionAnswerSerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        user = actor(request)
        case = selectors.case_get(user, code)
        data = valid_input(StatusDecideSerializer, request)
        screening: Screening | None = None
        if data.get("screening") is not None:
            screening = case.screenings.filter(pk=data["screening"]).first()
            if screening is None:
                raise serializers.ValidationError(
                    {"screening": [_("This case has no screening with this id.")]}
                )
        with service_errors():
            decision = case_services.status_decide(
                actor=user,
                case=case,
                expected_version=data["version"],
                to_status=data["to_status"],
                decided_on=data["decided_on"],
                reasons=data["reasons"],
                screening=screening,
            )
        answer = StatusDecisionAnswerSerializer(
            {"decision": decision, "case": case},
            context={"sees_text": sees_case_text(user, case)},
        )
        return Response(answer.data, status=status.HTTP_201_CREATED)


def explanation_sentences(result: dict[str, Any]) -> list[str]:
    """The stored explanation of a screening, each sentence translated, then filled in."""
    sentences = []
    for template, params in result.get("explanation", []):
        try:
            sentences.append(_(template).format(**params))
        except (KeyError, IndexError, ValueError):
            sentences.append(str(template).format(**params))
    return sentences


@extend_schema(tags=CASES)
class CaseScreening(APIView):
    """Record an identification interview; the answer is the engine's advice on it."""

    @extend_schema(
        operation_id="cases_screening_record",
        request=ScreeningRecordSerializer,
        responses={201: ScreeningAdviceSerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        user = actor(request)
        case = selectors.case_get(user, code)
        data = valid_input(ScreeningRecordSerializer, request)
        with service_errors():
            screening = screening_record(actor=user, case=case, **data)
        result = screening.result
        advice = {
            "id": screening.pk,
            "indicator_set": screening.indicator_set,
            "interviewed_on": screening.interviewed_on,
            "recommendation": screening.recommendation,
            "rule_met": bool(result.get("rule_met")),
            "explanation": explanation_sentences(result),
            "forced_labour_present": list(result.get("forced_labour_present", [])),
            "notice": _(ADVICE_NOTICE),
        }
        return Response(ScreeningAdviceSerializer(advice).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=CASES)
class CaseConsent(APIView):
    """Record what the person (or a child's guardian) consented to."""

    @extend_schema(
        operation_id="cases_consent_record",
        request=ConsentRecordSerializer,
        responses={201: ConsentSerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        user = actor(request)
        case = selectors.case_get(user, code)
        data = valid_input(ConsentRecordSerializer, request)
        with service_errors():
            consent = consent_record(actor=user, case=case, **data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


def _institution(user: User, key: str) -> Institution:
    found = (
        core_selectors.institution_list(user=user, include_inactive=True).filter(key=key).first()
    )
    if found is None:
        raise serializers.ValidationError({"to_institution": [_("No institution has this key.")]})
    return found


@extend_schema(tags=CASES)
class CaseReferralCreate(APIView):
    """Refer the case to another institution, sharing only the sections chosen. Needs the
    person's consent to sharing in force, or a lawful override by a user allowed to make one."""

    @extend_schema(
        operation_id="cases_refer",
        request=ReferralCreateSerializer,
        responses={201: ReferralSummarySerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        user = actor(request)
        case = selectors.case_get(user, code)
        data = valid_input(ReferralCreateSerializer, request)
        data["to_institution"] = _institution(user, data["to_institution"])
        with service_errors():
            referral = referral_services.referral_create(actor=user, case=case, **data)
        return Response(ReferralSummarySerializer(referral).data, status=status.HTTP_201_CREATED)
