"""Reports of an ad by the public: anonymous, into the review queue, with no personal data.

A report is the one thing the public page stores, and only when the person asks for it. It
carries the text and, if the person says so, where they saw the ad: never a name, and the
audit row has no actor, no client address and no request id.
"""

from __future__ import annotations

from django.db import transaction

from fener.adwatch.models import Ad, Arrival, Platform, Source
from fener.adwatch.services.ingestion import ads_ingest
from fener.core.audit import audit_record, audit_snapshot
from fener.core.models import Institution, InstitutionType
from fener.core.request_context import request_context

PUBLIC_SOURCE_NAME = "Public reports"
SEEN_ON_CHOICES = frozenset(Platform.values) - {Platform.PUBLIC_REPORT.value}


class NoReportDestination(Exception):
    """No institution exists to receive public reports (a fresh, empty installation)."""


class ReportRefused(ValueError):
    """The engine's ingestion refused the text (the reason is in English, for the log)."""


def public_report_source() -> Source:
    """The source that public reports arrive in, made on first use.

    It belongs to the national commission when there is one, else to the first active
    institution; :class:`NoReportDestination` when there is no institution at all.
    """
    with transaction.atomic():
        source = (
            Source.objects.select_for_update()
            .filter(platform=Platform.PUBLIC_REPORT, arrival=Arrival.PUBLIC)
            .order_by("pk")
            .first()
        )
        if source is not None:
            return source
        active = Institution.objects.filter(is_active=True).order_by("pk")
        owner = active.filter(type=InstitutionType.NATIONAL_COMMISSION).first() or active.first()
        if owner is None:
            raise NoReportDestination
        source = Source.objects.create(
            name=PUBLIC_SOURCE_NAME,
            platform=Platform.PUBLIC_REPORT,
            arrival=Arrival.PUBLIC,
            country="MK",
            institution=owner,
        )
        audit_record(
            actor=None, action="adwatch.source_create", target=source, after=audit_snapshot(source)
        )
        return source


def public_report_submit(*, text: str, seen_on: str = "") -> Ad:
    """Send ``text`` to the review queue as reported by the public; the stored (or already
    known) ad. ``seen_on`` is the platform where the person saw it, if they said."""
    source = public_report_source()
    record: dict[str, str] = {"text": text}
    if seen_on in SEEN_ON_CHOICES:
        record["seen_on"] = seen_on
    # Neither the address nor the request id (which the server's access log ties to the
    # address): a report can never be traced back to the person who made it.
    with request_context(request_id="", client_ip=None):
        outcome = ads_ingest(
            source=source,
            records=[(1, record)],
            actor=None,
            channel="public_report",
            public_report=True,
        )
    if outcome.refused:
        raise ReportRefused(outcome.refused[0].reason)
    ad = (outcome.stored or outcome.seen_again)[0]
    if not ad.reported_by_public:
        # Already in the queue from another source: the public's report is still news.
        Ad.objects.filter(pk=ad.pk).update(reported_by_public=True)
        ad.reported_by_public = True
    return ad
