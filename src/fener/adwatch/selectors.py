"""Reads for the analysts' review pages: the queue, one ad with its context, referrals and
notifications. Every read goes through the gatekeeper, so a police officer's queue holds only
the ads referred to their institution, and nobody learns that a hidden ad exists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from fener.adwatch.models import (
    Ad,
    AdContact,
    Decision,
    Notification,
    Operation,
    Referral,
    ReferralStatus,
    Watch,
)
from fener.adwatch.policies import REFERRALS, REVIEW
from fener.analytics.ads.clustering import extract_template, tokens_of
from fener.core.access import allowed, get_visible, has_permission, restrict
from fener.core.models import Institution, InstitutionType

RELATED_ADS_SHOWN = 20
TEMPLATE_MEMBERS = 30


def may_review(user: Any) -> bool:
    """Whether ``user`` works in ad monitoring at all (monitor or referral receiver)."""
    return has_permission(user, REVIEW) or has_permission(user, REFERRALS)


def ad_queue(
    *,
    user: Any,
    language: str = "",
    platform: str = "",
    indicator: str = "",
    operation: Operation | None = None,
    first_seen_from: datetime.date | None = None,
    first_seen_to: datetime.date | None = None,
    status: str = "",
) -> QuerySet[Ad]:
    """The ads ``user`` may see, riskiest first, then newest."""
    ads = restrict(Ad.objects.select_related("source", "operation"), user)
    if language:
        ads = ads.filter(language=language)
    if platform:
        ads = ads.filter(source__platform=platform)
    if indicator:
        ads = ads.filter(_has_indicator(indicator))
    if operation is not None:
        ads = ads.filter(operation=operation)
    if first_seen_from:
        ads = ads.filter(first_seen__date__gte=first_seen_from)
    if first_seen_to:
        ads = ads.filter(first_seen__date__lte=first_seen_to)
    if status:
        ads = ads.filter(status=status)
    return ads.order_by(F("risk").desc(nulls_last=True), "-first_seen", "-pk")


def _has_indicator(code: str) -> Q:
    """Ads whose indicators include ``code``.

    SQLite has no JSON containment, so this matches the stored JSON text instead; the pattern
    ``"code": "X"`` can only be the key itself, because quotes inside the evidence text are
    stored escaped (``\\"``). PostgreSQL stores ``jsonb`` and prints it the same way.
    """
    return Q(indicators__icontains=f'"code": "{code}"')


def queue_languages(*, user: Any) -> list[str]:
    """The languages found among the ads ``user`` may see (for the filter)."""
    ads = restrict(Ad.objects.all(), user).exclude(language="")
    return list(ads.order_by("language").values_list("language", flat=True).distinct())


def queue_operations(*, user: Any) -> QuerySet[Operation]:
    return restrict(Operation.objects.all(), user).order_by("-max_risk", "key")


def ad_get(*, user: Any, pk: Any) -> Ad:
    """One ad, or ``NotFound`` whether it is missing or hidden."""
    return get_visible(
        Ad.objects.select_related("source", "operation", "model_version"), user, pk=pk
    )


@dataclass
class SharedContact:
    """One of the ad's phones, e-mails or handles, and the other visible ads that carry it."""

    kind: str
    kind_label: str
    value: str
    count: int
    ads: list[Ad] = field(default_factory=list)


def ad_shared_contacts(*, user: Any, ad: Ad) -> list[SharedContact]:
    """For each contact of ``ad``: the other ads (that ``user`` may see) with the same one."""
    shared = []
    for contact in ad.contacts.order_by("kind", "value"):
        others = restrict(
            Ad.objects.filter(contacts__kind=contact.kind, contacts__value=contact.value), user
        ).exclude(pk=ad.pk)
        others = others.order_by(F("risk").desc(nulls_last=True), "-first_seen")
        shared.append(
            SharedContact(
                kind=contact.kind,
                kind_label=str(contact.get_kind_display()),
                value=contact.value,
                count=others.count(),
                ads=list(others[:RELATED_ADS_SHOWN]),
            )
        )
    return shared


@dataclass
class ClusterView:
    """The ads written from the same template as one ad, and the template with its slots."""

    key: str
    count: int
    ads: list[Ad]
    template: str = ""
    slot_values: list[str] = field(default_factory=list)


def ad_cluster(*, user: Any, ad: Ad) -> ClusterView | None:
    """The template cluster of ``ad`` (ads with the same ``cluster_key``) as ``user`` sees it."""
    if not ad.cluster_key:
        return None
    members = restrict(Ad.objects.filter(cluster_key=ad.cluster_key), user)
    others = members.exclude(pk=ad.pk).order_by(F("risk").desc(nulls_last=True), "-first_seen")
    view = ClusterView(
        key=ad.cluster_key, count=others.count(), ads=list(others[:RELATED_ADS_SHOWN])
    )
    sample = [ad, *members.exclude(pk=ad.pk).order_by("first_seen", "pk")[: TEMPLATE_MEMBERS - 1]]
    if len(sample) > 1:
        template = extract_template(
            ad.cluster_key,
            [tokens_of(member.text) for member in sample],
            [str(m.pk) for m in sample],
        )
        view.template = template.render()
        view.slot_values = template.slot_values.get(str(ad.pk), [])
    return view


def ad_operation(*, user: Any, ad: Ad) -> Operation | None:
    """The ad's operation, when ``user`` may see operations."""
    if ad.operation is not None and allowed(user, "view", ad.operation):
        return ad.operation
    return None


def ad_decisions(*, user: Any, ad: Ad) -> QuerySet[Decision]:
    return restrict(
        Decision.objects.filter(ad=ad).select_related("actor", "institution"), user
    ).order_by("-created_at", "-pk")


def ad_referrals(*, user: Any, ad: Ad) -> QuerySet[Referral]:
    return restrict(
        Referral.objects.filter(ad=ad).select_related("from_institution", "to_institution"), user
    ).order_by("-created_at", "-pk")


def referral_recipients() -> dict[str, list[Institution]]:
    """Active institutions that may receive referrals, by type (police, labour inspectorate).

    Not scoped by the directory: any monitor must be able to name the receiving institution.
    """
    institutions = Institution.objects.filter(
        is_active=True,
        type__in=[InstitutionType.POLICE, InstitutionType.LABOUR_INSPECTORATE],
    )
    grouped: dict[str, list[Institution]] = {
        InstitutionType.POLICE: [],
        InstitutionType.LABOUR_INSPECTORATE: [],
    }
    for institution in sorted(institutions, key=lambda item: item.name):
        grouped[institution.type].append(institution)
    return grouped


_OPEN_FIRST = Case(
    When(status=ReferralStatus.OPEN, then=Value(0)),
    When(status=ReferralStatus.ACKNOWLEDGED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def referral_list(*, user: Any, status: str = "") -> QuerySet[Referral]:
    """Referrals ``user`` may see: receivers their institution's, monitors all; open first."""
    referrals = restrict(
        Referral.objects.select_related(
            "ad", "ad__source", "from_institution", "to_institution", "decision__actor"
        ),
        user,
    )
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by(_OPEN_FIRST, "-created_at", "-pk")


def referral_get(*, user: Any, pk: Any) -> Referral:
    return get_visible(Referral.objects.select_related("ad", "to_institution"), user, pk=pk)


def open_referral_count(*, user: Any) -> int:
    """Open referrals addressed to ``user``'s institution (0 for users who receive none)."""
    if not has_permission(user, REFERRALS):
        return 0
    return (
        restrict(Referral.objects.all(), user, "respond").filter(status=ReferralStatus.OPEN).count()
    )


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return restrict(Notification.objects.select_related("ad"), user).order_by("-created_at", "-pk")


def unread_notification_count(*, user: Any) -> int:
    return restrict(Notification.objects.all(), user).filter(read_at__isnull=True).count()


def watch_list(*, user: Any) -> QuerySet[Watch]:
    return restrict(Watch.objects.all(), user).order_by("kind", "value")


def watch_get(*, user: Any, pk: Any) -> Watch:
    return get_visible(Watch.objects.all(), user, pk=pk)


def watched_values(*, user: Any) -> set[tuple[str, str]]:
    """(kind, value) of everything ``user`` watches, to show "watching" on buttons."""
    return set(watch_list(user=user).values_list("kind", "value"))


def contact_values(*, ad: Ad, kind: str) -> list[str]:
    return list(AdContact.objects.filter(ad=ad, kind=kind).values_list("value", flat=True))
