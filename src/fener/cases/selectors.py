"""Every read of case management, scoped to the acting user through the gatekeeper.

Identity data are read only through :func:`identity_for` and :func:`document_for`, which need
``read_identity`` on the case (role, active team membership) and a stated purpose, and write an
audit row for every read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as ConditionalValue
from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fener.cases.models import (
    Case,
    CaseReferral,
    ExploitationForm,
    FollowUp,
    FormStatus,
    IdentityDocument,
    IdentityRecord,
    ServiceProvider,
    TeamMembership,
)
from fener.cases.policies import IDENTITY, NATIONAL, RECEIVE
from fener.cases.services.errors import CaseInputError
from fener.cases.vocabulary import IDENTITY_SECTIONS, CaseStatus, ReadPurpose, ReferralStatus
from fener.core.access import (
    AccessDenied,
    NotFound,
    allowed,
    get_visible,
    has_permission,
    require,
    restrict,
)
from fener.core.audit import audit_read
from fener.core.models import Institution, User


def cases_for(user: User, action: str = "view") -> QuerySet[Case]:
    """The cases ``user`` may act on with ``action``."""
    return restrict(Case.objects.all(), user, action).select_related("owner_institution")


def case_get(user: User, code: str, action: str = "view") -> Case:
    """One case by its code, or ``NotFound`` whether it is missing or hidden."""
    return get_visible(
        Case.objects.select_related("owner_institution", "case_owner", "municipality"),
        user,
        action,
        code=code,
    )


def caseload(user: User) -> QuerySet[Case]:
    """The open cases on whose team the user is, oldest registration first."""
    member_of = TeamMembership.objects.filter(user=user, removed_at__isnull=True).values("case_id")
    return (
        cases_for(user)
        .filter(pk__in=member_of, status__in=[CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP])
        .prefetch_related("exploitation_forms")
        .order_by("registered_on", "id")
    )


def due_follow_ups(user: User, *, within_days: int = 14) -> QuerySet[FollowUp]:
    """Open follow-ups of the cases on whose team the user is (their texts are for members),
    due within ``within_days`` or overdue."""
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    member_of = TeamMembership.objects.filter(user=user, removed_at__isnull=True).values("case_id")
    return (
        FollowUp.objects.filter(
            case__in=cases_for(user, "change").filter(pk__in=member_of),
            done_on__isnull=True,
            due_on__lte=horizon,
            case__status__in=[CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP],
        )
        .select_related("case", "assigned_to")
        .order_by("due_on", "id")
    )


def incoming_referrals(user: User, *, open_only: bool = False) -> QuerySet[CaseReferral]:
    """Referrals addressed to the user's institution, for a user who receives referrals there
    (never the cases behind them): pending first, then accepted, then the closed ones, each by
    deadline."""
    referrals = restrict(CaseReferral.objects.all(), user, "respond").filter(
        to_institution_id=user.institution_id
    )
    if open_only:
        referrals = referrals.filter(status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED])
    progress = ConditionalValue(
        When(status=ReferralStatus.PENDING, then=Value(0)),
        When(status=ReferralStatus.ACCEPTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        referrals.select_related("from_institution", "to_institution")
        .annotate(progress=progress)
        .order_by("progress", "respond_by", "id")
    )


def pending_outgoing_referrals(user: User) -> QuerySet[CaseReferral]:
    """Referrals of the user's cases still waiting for an answer."""
    return (
        CaseReferral.objects.filter(case__in=cases_for(user), status=ReferralStatus.PENDING)
        .select_related("case", "to_institution")
        .order_by("respond_by", "id")
    )


def referral_get(user: User, pk: int, action: str = "view") -> CaseReferral:
    return get_visible(
        CaseReferral.objects.select_related("case", "from_institution", "to_institution"),
        user,
        action,
        pk=pk,
    )


def referral_payload_for(user: User, referral: CaseReferral) -> dict[str, Any]:
    """The shared copy of a referral (empty once it is rejected or revoked).

    The receiving institution (a user there who receives referrals) reads all of it, the
    identity sections only if their role may read identity data (``cases.read_identity``). The
    sending side, who may see the case, reads it without the identity sections unless they may
    read the case's identity data too: the copy must not be a way around ``read_identity``.
    Anyone else gets ``NotFound``. Every read of a copy that shows identity data is audited,
    naming the sections.
    """
    receiving = has_permission(user, RECEIVE) and referral.to_institution_id == user.institution_id
    if not receiving:
        require(user, "view", referral)
    payload: dict[str, Any] = dict(referral.payload or {})
    may_read_identity = (
        has_permission(user, IDENTITY)
        if receiving
        else allowed(user, "read_identity", referral.case)
    )
    if not may_read_identity:
        # A receiver whose role holds no identity right (a labour inspector, say) and a sender
        # who may not read the case's identity see the copy without those sections.
        payload = {key: value for key, value in payload.items() if key not in IDENTITY_SECTIONS}
    shared_identity = sorted(str(section) for section in IDENTITY_SECTIONS & set(payload))
    if shared_identity:
        audit_read(
            actor=user,
            target=referral,
            purpose="referral: shared identity data (" + ", ".join(shared_identity) + ")",
        )
    return payload


def team_of(user: User, case: Case) -> QuerySet[TeamMembership]:
    require(user, "view", case)
    return case.team.filter(removed_at__isnull=True).select_related("user", "user__institution")


def _purpose_text(purpose: str, detail: str = "") -> str:
    """The audited purpose: the code from the closed list and its label, nothing typed (the
    audit log outlives retention, and free text names people). ``detail`` is not recorded."""
    if purpose not in ReadPurpose.values:
        raise CaseInputError({"purpose": _("Say why you need to see the identity data.")})
    with translation.override("en"):
        label = str(ReadPurpose(purpose).label)
    return f"{purpose}: {label}"[:300]


def identity_for(
    user: User, case: Case, *, purpose: str, detail: str = ""
) -> IdentityRecord | None:
    """The case's identity record, for a team member allowed to read it, with an audited purpose.

    Returns ``None`` when nothing has been recorded (the read is audited all the same).
    """
    require(user, "read_identity", case)
    text = _purpose_text(purpose, detail)
    audit_read(actor=user, target=case, purpose=text)
    return IdentityRecord.objects.filter(case=case).first()


def documents_of(user: User, case: Case) -> QuerySet[IdentityDocument]:
    """The list of documents (kind, size, date: no content, no file name)."""
    require(user, "read_identity", case)
    return case.documents.defer("content", "filename").order_by("-uploaded_at")


def document_for(
    user: User, case: Case, pk: int, *, purpose: str, detail: str = ""
) -> IdentityDocument:
    """One document with its content, for an audited purpose."""
    require(user, "read_identity", case)
    text = _purpose_text(purpose, detail)
    document = case.documents.filter(pk=pk).first()
    if document is None:
        raise NotFound()
    audit_read(actor=user, target=document, purpose=text)
    return document


def exploitation_forms_for(user: User) -> QuerySet[ExploitationForm]:
    """Forms a case can be tagged with: the taxonomy and those under review."""
    return restrict(ExploitationForm.objects.all(), user, "view").filter(
        status__in=[FormStatus.PROMOTED, FormStatus.PROPOSED]
    )


def forms_to_review(user: User) -> QuerySet[ExploitationForm]:
    return (
        restrict(ExploitationForm.objects.all(), user, "review")
        .filter(status=FormStatus.PROPOSED)
        .annotate(case_count=Count("cases"))
    )


def service_providers_for(
    user: User, *, domain: str = "", gender_sensitive: bool = False, child_friendly: bool = False
) -> QuerySet[ServiceProvider]:
    providers = restrict(ServiceProvider.objects.filter(is_active=True), user, "view")
    if gender_sensitive:
        providers = providers.filter(Q(women_only=True) | Q(female_staff_available=True))
    if child_friendly:
        providers = providers.filter(child_friendly=True)
    if domain:
        # JSON list membership, portable across SQLite and PostgreSQL.
        providers = [p for p in providers if domain in p.domains]  # type: ignore[assignment]
    return providers


@dataclass(frozen=True)
class InstitutionLoad:
    """One row of the national overview (no case content, only counts).

    ``institution`` is the name in the reader's language; ``pending_referrals`` are those
    addressed to the institution and not yet answered, ``overdue_referrals`` the part of them
    past the deadline; ``pending_abroad`` are the referrals it sent across the border that
    wait for an answer.
    """

    institution: str
    open_cases: int
    overdue_referrals: int
    overdue_follow_ups: int
    country: str = "MK"
    pending_referrals: int = 0
    pending_abroad: int = 0


def national_overview(user: User) -> list[InstitutionLoad]:
    """Counts per institution for the national coordinator: open cases, referrals waiting for
    an answer (overdue ones and those sent abroad too) and overdue follow-ups. Needs
    ``cases.national_overview``; reveals nothing about a person. Institutions are named in the
    active language and sorted by that name."""
    if not has_permission(user, NATIONAL):
        raise AccessDenied(NATIONAL)
    today = timezone.localdate()
    open_statuses = [CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP]
    pending = CaseReferral.objects.filter(status=ReferralStatus.PENDING)
    counts: dict[str, dict[int, int]] = {
        "open_cases": _count_by(
            Case.objects.filter(status__in=open_statuses), "owner_institution_id"
        ),
        "pending_referrals": _count_by(pending, "to_institution_id"),
        "overdue_referrals": _count_by(pending.filter(respond_by__lt=today), "to_institution_id"),
        "pending_abroad": _count_by(pending.filter(cross_border=True), "from_institution_id"),
        "overdue_follow_ups": _count_by(
            FollowUp.objects.filter(
                done_on__isnull=True, due_on__lt=today, case__status__in=open_statuses
            ),
            "case__owner_institution_id",
        ),
    }
    ids = set().union(*(by_institution.keys() for by_institution in counts.values()))
    rows = [
        InstitutionLoad(
            institution=institution.name,
            country=institution.country,
            open_cases=counts["open_cases"].get(institution.pk, 0),
            pending_referrals=counts["pending_referrals"].get(institution.pk, 0),
            overdue_referrals=counts["overdue_referrals"].get(institution.pk, 0),
            pending_abroad=counts["pending_abroad"].get(institution.pk, 0),
            overdue_follow_ups=counts["overdue_follow_ups"].get(institution.pk, 0),
        )
        for institution in Institution.objects.filter(pk__in=ids)
    ]
    return sorted(rows, key=lambda row: (row.institution.casefold(), row.country))


def _count_by(queryset: QuerySet[Any], field: str) -> dict[int, int]:
    """How many rows of ``queryset`` there are per value of ``field`` (an institution id)."""
    return dict(queryset.order_by().values_list(field).annotate(n=Count("id")))


def case_detail_prefetch() -> list[Any]:
    return [
        Prefetch(
            "team",
            queryset=TeamMembership.objects.filter(removed_at__isnull=True).select_related(
                "user", "user__institution"
            ),
        ),
        "exploitation_forms",
    ]
