"""Who may see and change what in ad monitoring (registered with the gatekeeper on import).

Ad monitors (``adwatch.review_ads``) work on every ad: the monitoring is national. Police and
labour inspectors (``adwatch.view_referrals``) see only the ads referred to their own
institution, with those referrals' decisions. Watches and notifications belong to one user.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from fener.adwatch.models import (
    Ad,
    Decision,
    ModelVersion,
    Notification,
    Operation,
    Referral,
    Source,
    Upload,
    Watch,
)
from fener.core.access import Policy, has_permission, register_policy

REVIEW = "adwatch.review_ads"
REFERRALS = "adwatch.view_referrals"
SOURCES = "adwatch.manage_sources"
MODELS = "adwatch.manage_models"


def _permission_policy(code_by_action: dict[str, str]) -> type[Policy]:
    class PermissionPolicy(Policy):
        def visible(
            self, user: Any, action: str, queryset: models.QuerySet[Any]
        ) -> models.QuerySet[Any]:
            code = code_by_action.get(action)
            return queryset if code and has_permission(user, code) else queryset.none()

        def allows(self, user: Any, action: str, target: Any) -> bool:
            code = code_by_action.get(action)
            return bool(code and has_permission(user, code))

    return PermissionPolicy


register_policy(Source)(
    _permission_policy({"view": SOURCES, "add": SOURCES, "change": SOURCES, "import": SOURCES})
)
register_policy(Upload)(_permission_policy({"view": SOURCES, "add": SOURCES, "change": SOURCES}))
register_policy(ModelVersion)(
    _permission_policy({"view": MODELS, "add": MODELS, "change": MODELS, "promote": MODELS})
)
register_policy(Operation)(_permission_policy({"view": REVIEW, "watch": REVIEW}))


@register_policy(Ad)
class AdPolicy(Policy):
    """Monitors see and decide on every ad; referral receivers see the ads sent to them."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if has_permission(user, REVIEW) and action in {"view", "decide", "watch"}:
            return queryset
        if action == "view" and has_permission(user, REFERRALS):
            return queryset.filter(referrals__to_institution_id=user.institution_id).distinct()
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if isinstance(target, type):
            return action == "add" and has_permission(user, SOURCES)
        if has_permission(user, REVIEW) and action in {"view", "decide", "watch"}:
            return True
        return (
            action == "view"
            and has_permission(user, REFERRALS)
            and target.referrals.filter(to_institution_id=user.institution_id).exists()
        )


@register_policy(Decision)
class DecisionPolicy(Policy):
    """Monitors read every decision; a receiving institution reads only the decisions that
    referred the ad to it (not the monitors' other decisions, nor referrals to others)."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action != "view":
            return queryset.none()
        if has_permission(user, REVIEW):
            return queryset
        if has_permission(user, REFERRALS):
            return queryset.filter(referral__to_institution_id=user.institution_id)
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if action != "view":
            return False
        if has_permission(user, REVIEW):
            return True
        referral = Referral.objects.filter(decision_id=target.pk).first()
        return (
            has_permission(user, REFERRALS)
            and referral is not None
            and referral.to_institution_id == user.institution_id
        )


@register_policy(Referral)
class ReferralPolicy(Policy):
    """Receivers see and answer the referrals addressed to their institution."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and has_permission(user, REVIEW):
            return queryset
        if action in {"view", "respond"} and has_permission(user, REFERRALS):
            return queryset.filter(to_institution_id=user.institution_id)
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if action == "view" and has_permission(user, REVIEW):
            return True
        return (
            action in {"view", "respond"}
            and has_permission(user, REFERRALS)
            and target.to_institution_id == user.institution_id
        )


class _OwnPolicy(Policy):
    """Rows that belong to one user: only that user sees or changes them."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        return queryset.filter(user_id=user.pk)

    def allows(self, user: Any, action: str, target: Any) -> bool:
        return isinstance(target, type) or target.user_id == user.pk


register_policy(Watch)(_OwnPolicy)
register_policy(Notification)(_OwnPolicy)
