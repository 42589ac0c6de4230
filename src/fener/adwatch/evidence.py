"""The evidence package of an operation: its ads with every decision, as CSV and as a
printable report with a timeline.

Both are sensitive exports: each one is recorded in the audit log
(``adwatch.evidence_export``) before anything is handed out. CSV cells that a spreadsheet
would run as formulas (ad text is written by strangers) are neutralised with core's
:func:`~fener.core.views.audit.spreadsheet_safe`, as in the audit log export.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from fener.adwatch.labels import indicator_label
from fener.adwatch.models import Ad, Decision, Operation
from fener.core.access import require, restrict
from fener.core.audit import audit_record
from fener.core.models import User
from fener.core.views.audit import spreadsheet_safe

EXPORT_ACTION = "adwatch.evidence_export"
CSV_COLUMNS = (
    "operation",
    "ad_id",
    "first_seen",
    "last_seen",
    "sightings",
    "source",
    "platform",
    "source_country",
    "url",
    "language",
    "risk",
    "label",
    "indicators",
    "phones",
    "emails",
    "handles",
    "status",
    "text",
    "decision_at",
    "decision",
    "decision_reason",
    "decided_by",
    "decided_by_institution",
    "referred_to",
    "referral_status",
    "referral_response",
)


def evidence_ads(*, actor: User, operation: Operation) -> list[Ad]:
    """The operation's ads ``actor`` may see, first seen first, with decisions and contacts."""
    decisions = restrict(Decision.objects.all(), actor).select_related(
        "actor", "institution", "referral__to_institution"
    )
    ads = (
        Ad.objects.filter(operation=operation)
        .select_related("source")
        .prefetch_related(
            "contacts", Prefetch("decisions", queryset=decisions.order_by("created_at", "pk"))
        )
    )
    return list(restrict(ads, actor).order_by("first_seen", "pk"))


def _record(actor: User, operation: Operation, form: str, ads: list[Ad]) -> None:
    audit_record(
        actor=actor,
        action=EXPORT_ACTION,
        target=operation,
        purpose=f"evidence package ({form})",
        after={"format": form, "ads": len(ads)},
    )


def _contacts(ad: Ad, kind: str) -> str:
    return "; ".join(sorted(c.value for c in ad.contacts.all() if c.kind == kind))


def _ad_cells(operation: Operation, ad: Ad) -> list[Any]:
    return [
        operation.key,
        ad.pk,
        ad.first_seen.isoformat(),
        ad.last_seen.isoformat(),
        ad.sightings_count,
        ad.source.name,
        ad.source.platform,
        ad.source.country,
        ad.url,
        ad.language,
        ad.risk,
        ad.label,
        "; ".join(ad.indicator_codes),
        _contacts(ad, "phone"),
        _contacts(ad, "email"),
        _contacts(ad, "handle"),
        ad.status,
        ad.text,
    ]


def _decision_cells(decision: Decision | None) -> list[Any]:
    if decision is None:
        return [""] * 8
    referral = getattr(decision, "referral", None)
    return [
        decision.created_at.isoformat(),
        decision.action,
        decision.reason,
        decision.actor.username,
        decision.institution.name,
        referral.to_institution.name if referral else "",
        referral.status if referral else "",
        referral.response if referral else "",
    ]


def _decisions_or_none(ad: Ad) -> list[Decision | None]:
    decisions: list[Decision | None] = list(ad.decisions.all())
    return decisions or [None]


class _Echo:
    def write(self, value: str) -> str:
        return value


def evidence_csv(*, actor: User, operation: Operation) -> Iterator[str]:
    """The CSV lines of the package: one row per decision on each ad (one row for an ad
    without decisions). The export is audited before the first line is made."""
    require(actor, "view", operation)
    ads = evidence_ads(actor=actor, operation=operation)
    _record(actor, operation, "csv", ads)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for ad in ads:
            cells = _ad_cells(operation, ad)
            for decision in _decisions_or_none(ad):
                row = cells + _decision_cells(decision)
                yield writer.writerow([spreadsheet_safe(cell) for cell in row])

    return lines()


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime
    kind: str  # "seen", "decision", "referral_answer"
    ad: Ad
    decision: Decision | None = None


@dataclass
class EvidenceReport:
    """What the printable report shows."""

    operation: Operation
    ads: list[Ad]
    timeline: list[TimelineEvent] = field(default_factory=list)
    indicators: list[tuple[str, str, int]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    decisions_count: int = 0


def evidence_report(*, actor: User, operation: Operation) -> EvidenceReport:
    """The data of the printable report (audited as an export, like the CSV)."""
    require(actor, "view", operation)
    ads = evidence_ads(actor=actor, operation=operation)
    _record(actor, operation, "report", ads)
    report = EvidenceReport(operation=operation, ads=ads)
    counts: dict[str, int] = {}
    emails: set[str] = set()
    for ad in ads:
        report.timeline.append(TimelineEvent(ad.first_seen, "seen", ad))
        for code in ad.indicator_codes:
            counts[code] = counts.get(code, 0) + 1
        emails.update(c.value for c in ad.contacts.all() if c.kind == "email")
        for decision in ad.decisions.all():
            report.decisions_count += 1
            report.timeline.append(TimelineEvent(decision.created_at, "decision", ad, decision))
            referral = getattr(decision, "referral", None)
            if referral is not None and referral.status != "open":
                report.timeline.append(
                    TimelineEvent(referral.updated_at, "referral_answer", ad, decision)
                )
    report.timeline.sort(key=lambda event: (event.at, event.ad.pk))
    report.indicators = sorted(
        ((code, indicator_label(code), n) for code, n in counts.items()),
        key=lambda item: (-item[2], item[0]),
    )
    report.emails = sorted(emails)
    return report
