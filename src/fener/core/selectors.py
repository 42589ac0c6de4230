"""Every read in the core app, always scoped to the acting user through the gatekeeper."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from fener.core.access import get_visible, restrict
from fener.core.models import AuditEvent, Institution, Municipality, Role, User
from fener.core.models.translated import localized_name_field


def institution_list(
    *,
    user: Any,
    type: str = "",
    municipality_code: str = "",
    country: str = "",
    search: str = "",
    include_inactive: bool = False,
) -> QuerySet[Institution]:
    institutions = restrict(Institution.objects.select_related("municipality"), user)
    if not include_inactive:
        institutions = institutions.filter(is_active=True)
    if type:
        institutions = institutions.filter(type=type)
    if municipality_code:
        institutions = institutions.filter(municipality__code=municipality_code)
    if country:
        institutions = institutions.filter(country=country.upper())
    if search:
        institutions = institutions.filter(
            Q(name_mk__icontains=search)
            | Q(name_sq__icontains=search)
            | Q(name_en__icontains=search)
            | Q(key__icontains=search)
        )
    return institutions.order_by(localized_name_field())


def institution_get(*, user: Any, pk: Any, action: str = "view") -> Institution:
    return get_visible(
        Institution.objects.select_related("municipality", "parent"), user, action, pk=pk
    )


def municipality_list(*, user: Any, region: str = "") -> QuerySet[Municipality]:
    municipalities = restrict(Municipality.objects.order_by(localized_name_field()), user)
    return municipalities.filter(region=region) if region else municipalities


def user_list(
    *,
    user: Any,
    institution_id: Any = None,
    role_code: str = "",
    search: str = "",
    active: bool | None = True,
) -> QuerySet[User]:
    users = restrict(User.objects.select_related("institution").prefetch_related("roles"), user)
    if institution_id:
        users = users.filter(institution_id=institution_id)
    if role_code:
        users = users.filter(roles__code=role_code)
    if active is not None:
        users = users.filter(is_active=active)
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return users.distinct()


def user_get(*, user: Any, pk: Any, action: str = "view") -> User:
    return get_visible(
        User.objects.select_related("institution").prefetch_related("roles"), user, action, pk=pk
    )


def role_list(*, user: Any) -> QuerySet[Role]:
    return restrict(Role.objects.all(), user)


def role_get(*, user: Any, pk: Any, action: str = "view") -> Role:
    return get_visible(Role.objects.all(), user, action, pk=pk)


def audit_search(
    *,
    user: Any,
    actor: str = "",
    institution_id: Any = None,
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    request_id: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit rows matching the filters, newest first (auditors only; others see nothing)."""
    events = restrict(AuditEvent.objects.select_related("institution"), user)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if institution_id:
        events = events.filter(institution_id=institution_id)
    if action:
        events = events.filter(action__startswith=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if request_id:
        events = events.filter(request_id=request_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


def audit_get(*, user: Any, pk: Any) -> AuditEvent:
    return get_visible(AuditEvent.objects.select_related("institution"), user, "view", pk=pk)
