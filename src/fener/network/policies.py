"""Who may see and change what in network investigations (registered with the gatekeeper).

Need-to-know follows the investigation's team: a user sees an investigation, and everything in
it, only while they are an active member and hold ``network.work_on_investigations``. Observers
read; analysts and the lead add entities, links, imports and analyses; the lead manages the team
and closes or reopens. Bringing suspected perpetrators' phones and accounts in from victim cases
needs ``network.link_case_data`` on top (and, for each case, the right to read its identity data).
Nothing is visible across investigations, not even to the lead institution's other staff.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from fener.core.access import Policy, has_permission, register_policy
from fener.network.models import (
    AnalysisRun,
    Entity,
    Investigation,
    InvestigationMember,
    InvestigationStatus,
    Link,
    MemberRole,
    Transfer,
    TransferImport,
)

WORK = "network.work_on_investigations"
OPEN = "network.open_investigations"
CASE_DATA = "network.link_case_data"

_READ = {"view", "export"}
_ANALYST = _READ | {"change"}
_LEAD = _ANALYST | {"manage_team", "close", "reopen"}
_BY_ROLE = {MemberRole.OBSERVER: _READ, MemberRole.ANALYST: _ANALYST, MemberRole.LEAD: _LEAD}
# What a closed investigation still allows.
_WHEN_CLOSED = _READ | {"reopen", "manage_team"}


def membership(user: Any, investigation: Investigation) -> InvestigationMember | None:
    """The user's active membership of the investigation's team, if any."""
    if not has_permission(user, WORK):
        return None
    return investigation.members.filter(user_id=user.pk, removed_at__isnull=True).first()


def actions_of(user: Any, investigation: Investigation) -> set[str]:
    """Everything the user may do on the investigation."""
    member = membership(user, investigation)
    if member is None:
        return set()
    actions = set(_BY_ROLE[MemberRole(member.role)])
    if "change" in actions and has_permission(user, CASE_DATA):
        actions.add("link_case_data")
    if investigation.status == InvestigationStatus.CLOSED:
        actions &= _WHEN_CLOSED
    elif "reopen" in actions:
        actions.discard("reopen")
    return actions


def _member_rows(user: Any, roles: set[str]) -> models.QuerySet[InvestigationMember]:
    return InvestigationMember.objects.filter(
        user_id=user.pk, removed_at__isnull=True, role__in=roles
    )


def _roles_for(action: str) -> set[str]:
    return {str(role) for role, actions in _BY_ROLE.items() if action in actions}


@register_policy(Investigation)
class InvestigationPolicy(Policy):
    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if not has_permission(user, WORK):
            return queryset.none()
        roles = _roles_for("change" if action == "link_case_data" else action)
        if not roles or (action == "link_case_data" and not has_permission(user, CASE_DATA)):
            return queryset.none()
        mine = _member_rows(user, roles).values("investigation_id")
        queryset = queryset.filter(pk__in=mine)
        if action not in _WHEN_CLOSED:
            queryset = queryset.filter(status=InvestigationStatus.OPEN)
        return queryset

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if isinstance(target, type):
            return action == "add" and has_permission(user, OPEN) and has_permission(user, WORK)
        return action in actions_of(user, target)


class _InsideInvestigation(Policy):
    """Rows of an investigation: whatever the user may do on the investigation itself."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        investigations = InvestigationPolicy().visible(user, action, Investigation.objects.all())
        return queryset.filter(investigation__in=investigations)

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if isinstance(target, type):
            return False
        return action in actions_of(user, target.investigation)


for _model in (Entity, Link, Transfer, TransferImport, AnalysisRun, InvestigationMember):
    register_policy(_model)(_InsideInvestigation)
