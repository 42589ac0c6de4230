"""Who may see and change what in case management (registered with the gatekeeper on import).

Need-to-know follows team membership: a user works on a case because they are an active member
of its multi-disciplinary team (``cases.work_on_cases``); observers read but do not change.
Supervisors (``cases.supervise_cases``) see and manage every case of their own institution, but
read identity data only if they are on the team too. Identity data also need
``cases.read_identity``. A receiving institution sees the referrals addressed to it, with the
copy of what was shared, and never the case itself.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from fener.cases.models import Case, CaseReferral, ExploitationForm, ServiceProvider, TeamMembership
from fener.cases.vocabulary import ReferralStatus, TeamRole
from fener.core.access import Policy, has_permission, register_policy

WORK = "cases.work_on_cases"
OPEN = "cases.open_cases"
IDENTITY = "cases.read_identity"
SUPERVISE = "cases.supervise_cases"
DECIDE = "cases.decide_status"
OVERRIDE = "cases.override_consent"
RECEIVE = "cases.receive_referrals"
STATISTICS = "cases.view_statistics"
NATIONAL = "cases.national_overview"
REVIEW_FORMS = "cases.review_forms"
SERVICES = "cases.manage_services"

# What a team member may do, by their role on the case.
_READ_ACTIONS = {"view"}
_MEMBER_ACTIONS = {"view", "change", "refer", "read_identity", "change_identity"}
_MANAGER_ACTIONS = _MEMBER_ACTIONS | {"manage_team", "close", "reopen"}
# Actions that need a right of their own on top of working on the case.
_PRIVILEGED = {"decide_status": DECIDE, "override_consent": OVERRIDE}


def membership(user: Any, case: Case) -> TeamMembership | None:
    """The user's active membership of the case's team, if any."""
    if not has_permission(user, WORK):
        return None
    return case.team.filter(user_id=user.pk, removed_at__isnull=True).first()


def sees_case_text(user: Any, case: Case) -> bool:
    """Whether the user may read the free text of the case.

    Free text (status-decision reasons, best-interests conclusions, protection-measure
    references, screening notes, support-plan objectives, goals, follow-up tasks and notes,
    case notes, referral purposes and answers) often names people, so it is for the active
    members of the case's team only, observers included. A supervisor who is not on the team
    sees the structure of the case (dates, statuses, counts) but none of its texts.
    """
    return membership(user, case) is not None


def sees_referral_text(user: Any, referral: CaseReferral) -> bool:
    """Whether the user may read a referral's purpose and answer note.

    The sending side reads them as it reads the case's other texts (:func:`sees_case_text`).
    The receiving institution reads them while the referral is pending, accepted or
    completed; once it is rejected or revoked it keeps nothing of the case, not even these.
    """
    if sees_case_text(user, referral.case):
        return True
    receiving = has_permission(user, RECEIVE) and referral.to_institution_id == user.institution_id
    return receiving and referral.status not in {ReferralStatus.REJECTED, ReferralStatus.REVOKED}


def _supervises(user: Any, case: Case) -> bool:
    return has_permission(user, SUPERVISE) and case.owner_institution_id == user.institution_id


def _member_actions(member: TeamMembership | None) -> set[str]:
    if member is None:
        return set()
    if member.role == TeamRole.OBSERVER:
        return _READ_ACTIONS
    if member.role == TeamRole.CASE_MANAGER:
        return _MANAGER_ACTIONS
    return _MEMBER_ACTIONS


@register_policy(Case)
class CasePolicy(Policy):
    """Team members work on their cases; supervisors on all of their institution's."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        condition = Q(pk__in=[])
        if action in _PRIVILEGED:
            # The same rule as ``allows``: the right itself, then a working member or the
            # owning institution's supervisor.
            if not has_permission(user, _PRIVILEGED[action]):
                return queryset.none()
            action = "change"
        if has_permission(user, WORK):
            members = TeamMembership.objects.filter(user_id=user.pk, removed_at__isnull=True)
            if action in {"view"}:
                condition |= Q(pk__in=members.values("case_id"))
            elif action in _MEMBER_ACTIONS:
                condition |= Q(pk__in=members.exclude(role=TeamRole.OBSERVER).values("case_id"))
            elif action in _MANAGER_ACTIONS:
                condition |= Q(pk__in=members.filter(role=TeamRole.CASE_MANAGER).values("case_id"))
        if has_permission(user, SUPERVISE) and action in {
            "view",
            "change",
            "manage_team",
            "close",
            "reopen",
            "refer",
        }:
            condition |= Q(owner_institution_id=user.institution_id)
        if action in {"read_identity", "change_identity"} and not has_permission(user, IDENTITY):
            return queryset.none()
        return queryset.filter(condition)

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if isinstance(target, type):
            return action == "add" and has_permission(user, OPEN)
        member_actions = _member_actions(membership(user, target))
        if action in {"read_identity", "change_identity"}:
            return has_permission(user, IDENTITY) and action in member_actions
        if action == "decide_status":
            return has_permission(user, DECIDE) and (
                "change" in member_actions or _supervises(user, target)
            )
        if action == "override_consent":
            return has_permission(user, OVERRIDE) and (
                "refer" in member_actions or _supervises(user, target)
            )
        if action in member_actions:
            return True
        return _supervises(user, target) and action in {
            "view",
            "change",
            "manage_team",
            "close",
            "reopen",
            "refer",
        }


@register_policy(CaseReferral)
class ReferralPolicy(Policy):
    """The sending side sees a case's referrals with the case; the receiving institution sees
    the referrals addressed to it and answers them."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        condition = Q(pk__in=[])
        if action == "view":
            from fener.core.access import restrict

            condition |= Q(case__in=restrict(Case.objects.all(), user, "view"))
        if action in {"view", "respond"} and has_permission(user, RECEIVE):
            condition |= Q(to_institution_id=user.institution_id)
        if action == "revoke":
            from fener.core.access import restrict

            condition |= Q(case__in=restrict(Case.objects.all(), user, "refer"))
        return queryset.filter(condition)

    def allows(self, user: Any, action: str, target: Any) -> bool:
        from fener.core.access import allowed

        receiving = (
            has_permission(user, RECEIVE) and target.to_institution_id == user.institution_id
        )
        if action == "view":
            return receiving or allowed(user, "view", target.case)
        if action == "respond":
            return receiving and target.status in {ReferralStatus.PENDING, ReferralStatus.ACCEPTED}
        if action == "revoke":
            return allowed(user, "refer", target.case) and target.status in {
                ReferralStatus.PENDING,
                ReferralStatus.ACCEPTED,
            }
        return False


@register_policy(ExploitationForm)
class ExploitationFormPolicy(Policy):
    """Case workers see the taxonomy and propose forms; the expert panel reviews them."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and (
            has_permission(user, WORK)
            or has_permission(user, REVIEW_FORMS)
            or has_permission(user, STATISTICS)
        ):
            return queryset
        if action == "review" and has_permission(user, REVIEW_FORMS):
            return queryset
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if action == "add":
            return has_permission(user, WORK) or has_permission(user, REVIEW_FORMS)
        if action == "review":
            return has_permission(user, REVIEW_FORMS)
        return action == "view" and (
            has_permission(user, WORK)
            or has_permission(user, REVIEW_FORMS)
            or has_permission(user, STATISTICS)
        )


@register_policy(ServiceProvider)
class ServiceProviderPolicy(Policy):
    """The catalogue is read by case teams and kept by its managers."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and (has_permission(user, WORK) or has_permission(user, SERVICES)):
            return queryset
        if action == "change" and has_permission(user, SERVICES):
            return queryset
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if action in {"add", "change"}:
            return has_permission(user, SERVICES)
        return action == "view" and (has_permission(user, WORK) or has_permission(user, SERVICES))
