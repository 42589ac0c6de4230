"""Reads for the insight pages: operations, the dashboard's figures and the model versions.

Operations and model versions go through the gatekeeper (``restrict``/``get_visible``). The
dashboard shows counts only, never an ad, to everyone holding ``adwatch.view_dashboard``
(police and labour inspectors too: how many ads, not which).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from fener.adwatch.labels import indicator_label
from fener.adwatch.models import (
    Ad,
    Decision,
    DecisionAction,
    ModelVersion,
    Operation,
    Platform,
    Referral,
    ReferralStatus,
    Watch,
    WatchKind,
)
from fener.core.access import AccessDenied, get_visible, has_permission, restrict
from fener.core.models import InstitutionType

DASHBOARD = "adwatch.view_dashboard"
TOP_INDICATORS = 10


def operation_list(*, user: Any) -> QuerySet[Operation]:
    """The operations ``user`` may see, riskiest first, then the most recently active."""
    return restrict(Operation.objects.all(), user).order_by("-max_risk", "-last_seen", "pk")


def operation_get(*, user: Any, pk: Any) -> Operation:
    return get_visible(Operation.objects.all(), user, pk=pk)


def operation_ads(*, user: Any, operation: Operation) -> QuerySet[Ad]:
    """The operation's ads that ``user`` may see, in the order they were first seen."""
    ads = Ad.objects.filter(operation=operation).select_related("source")
    return restrict(ads, user).order_by("first_seen", "pk")


def operation_watch(*, user: Any, operation: Operation) -> Watch | None:
    """``user``'s watch on the operation, if they have one."""
    watches = restrict(Watch.objects.filter(kind=WatchKind.OPERATION, value=operation.key), user)
    return watches.first()


@dataclass(frozen=True)
class Week:
    """Ads first seen in one week (weeks start on Monday)."""

    start: datetime.date
    ads: int
    suspicious: int

    @property
    def share(self) -> float:
        """Percentage of the week's ads the model flagged suspicious."""
        return round(100.0 * self.suspicious / self.ads, 1) if self.ads else 0.0


def weekly_counts(ads: QuerySet[Ad]) -> list[Week]:
    """Ads per week and how many of them are suspicious, oldest week first; a week without
    ads between the first and the last is there with zero (a gap is a figure too)."""
    rows = (
        ads.order_by()
        .annotate(week=TruncWeek("first_seen"))
        .values("week")
        .annotate(ads=Count("pk"), suspicious=Count("pk", filter=Q(label="suspicious")))
        .order_by("week")
    )
    found = {_as_date(row["week"]): (row["ads"], row["suspicious"]) for row in rows}
    if not found:
        return []
    weeks: list[Week] = []
    start, last = min(found), max(found)
    while start <= last:
        count, suspicious = found.get(start, (0, 0))
        weeks.append(Week(start=start, ads=count, suspicious=suspicious))
        start += datetime.timedelta(weeks=1)
    return weeks


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass(frozen=True)
class Share:
    """One category and how many it counts (with the share of the whole, in percent)."""

    key: str
    label: str
    count: int
    share: float


def _shares(counts: list[tuple[str, str, int]], total: int) -> list[Share]:
    return [
        Share(key, label, count, round(100.0 * count / total, 1) if total else 0.0)
        for key, label, count in counts
    ]


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard, each also shown as a table."""

    since: datetime.datetime | None
    total_ads: int
    suspicious_ads: int
    weeks: list[Week]
    indicators: list[Share]
    platforms: list[Share]
    languages: list[Share]
    decisions: list[Share]
    referrals: list[dict[str, Any]]
    referral_statuses: list[tuple[str, str]]

    @property
    def suspicious_share(self) -> float:
        return round(100.0 * self.suspicious_ads / self.total_ads, 1) if self.total_ads else 0.0


def dashboard(*, user: Any, since: datetime.datetime | None = None) -> Dashboard:
    """The dashboard's figures over ads first seen since ``since`` (all ads when None)."""
    if not has_permission(user, DASHBOARD):
        raise AccessDenied("dashboard")
    ads = Ad.objects.all()
    decisions = Decision.objects.all()
    referrals = Referral.objects.all()
    if since is not None:
        ads = ads.filter(first_seen__gte=since)
        decisions = decisions.filter(created_at__gte=since)
        referrals = referrals.filter(created_at__gte=since)
    total = ads.count()
    return Dashboard(
        since=since,
        total_ads=total,
        suspicious_ads=ads.filter(label="suspicious").count(),
        weeks=weekly_counts(ads),
        indicators=_indicator_shares(ads, total),
        platforms=_field_shares(ads, "source__platform", dict(Platform.choices), total),
        languages=_field_shares(ads, "language", {}, total),
        decisions=_decision_shares(decisions),
        referrals=_referral_outcomes(referrals),
        referral_statuses=[(value, str(label)) for value, label in ReferralStatus.choices],
    )


def _indicator_shares(ads: QuerySet[Ad], total: int) -> list[Share]:
    counts: Counter[str] = Counter()
    for indicators in ads.values_list("indicators", flat=True).iterator(chunk_size=2000):
        counts.update({item["code"] for item in indicators or () if "code" in item})
    top = counts.most_common(TOP_INDICATORS)
    return _shares([(code, indicator_label(code), count) for code, count in top], total)


def _field_shares(ads: QuerySet[Ad], field: str, labels: dict[str, Any], total: int) -> list[Share]:
    rows = ads.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field)
    return _shares(
        [
            (row[field] or "", str(labels.get(row[field], row[field] or "—")), row["n"])
            for row in rows
        ],
        total,
    )


def _decision_shares(decisions: QuerySet[Decision]) -> list[Share]:
    labels = dict(DecisionAction.choices)
    rows = decisions.order_by().values("action").annotate(n=Count("pk")).order_by("-n", "action")
    total = sum(row["n"] for row in rows)
    return _shares(
        [(row["action"], str(labels.get(row["action"], row["action"])), row["n"]) for row in rows],
        total,
    )


def _referral_outcomes(referrals: QuerySet[Referral]) -> list[dict[str, Any]]:
    """One row per kind of receiving institution: referrals by status."""
    type_labels = dict(InstitutionType.choices)
    rows = (
        referrals.order_by()
        .values("to_institution__type", "status")
        .annotate(n=Count("pk"))
        .order_by("to_institution__type")
    )
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        kind = row["to_institution__type"]
        entry = table.setdefault(
            kind,
            {
                "key": kind,
                "label": str(type_labels.get(kind, kind)),
                "counts": dict.fromkeys(ReferralStatus.values, 0),
                "total": 0,
            },
        )
        entry["counts"][row["status"]] = row["n"]
        entry["total"] += row["n"]
    for entry in table.values():
        entry["cells"] = [entry["counts"][status] for status in ReferralStatus.values]
    return list(table.values())


def model_version_list(*, user: Any) -> QuerySet[ModelVersion]:
    """Every model version (newest first), without the model files themselves."""
    return restrict(ModelVersion.objects.defer("payload"), user).order_by("-created_at", "-pk")


def model_version_get(*, user: Any, pk: Any, action: str = "view") -> ModelVersion:
    return get_visible(ModelVersion.objects.all(), user, action, pk=pk)
