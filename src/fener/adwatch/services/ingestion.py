"""Storing ads as they arrive: validated, screened, stored once, seen as often as they come.

Every way ads arrive (file upload, the API, feeds, the public page's "report this ad") ends in
:func:`ads_ingest`. Each record is checked on its own: a bad record is refused with its line and
reason and never stops the others, and each good record is written in its own transaction, so
nothing is ever half-written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fener.adwatch.models import Ad, AdContact, ContactKind, Sighting, Source
from fener.adwatch.scoring import current_screener
from fener.adwatch.services.watches import notify_watchers
from fener.analytics.ads.analysis import MAX_TEXT_CHARACTERS
from fener.analytics.ads.screening import Ad as EngineAd
from fener.analytics.ads.screening import Screener, Screening
from fener.core.audit import audit_record
from fener.core.models import User

MAX_FIELD_CHARACTERS = 1000
MAX_ID_CHARACTERS = 200
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class AdRecord:
    """One incoming ad after validation."""

    text: str
    external_id: str = ""
    url: str = ""
    posted_at: datetime | None = None
    language: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refused:
    line: int
    reason: str


@dataclass
class IngestOutcome:
    stored: list[Ad] = field(default_factory=list)
    seen_again: list[Ad] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": len(self.stored),
            "seen_again": len(self.seen_again),
            "refused": [{"line": r.line, "reason": r.reason} for r in self.refused],
        }


def validate_record(record: Any) -> AdRecord | str:
    """An :class:`AdRecord`, or the reason ``record`` is refused (in plain English words)."""
    if not isinstance(record, Mapping):
        return "not an object with fields"
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return "missing or empty 'text'"
    if len(text) > MAX_TEXT_CHARACTERS:
        return f"'text' longer than {MAX_TEXT_CHARACTERS:,} characters ({len(text):,})"
    if "\x00" in text:
        return "'text' holds a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "'text' holds an unpaired surrogate"
    values: dict[str, str] = {}
    for key in ("id", "url", "posted_at", "lang"):
        value = record.get(key)
        if value is None or value == "":
            values[key] = ""
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return f"'{key}' must be text"
        value = str(value).strip()
        limit = MAX_ID_CHARACTERS if key == "id" else MAX_FIELD_CHARACTERS
        if len(value) > limit or "\x00" in value:
            return f"'{key}' is too long or holds a NUL character"
        values[key] = value
    if values["url"] and not values["url"].lower().startswith(("http://", "https://")):
        return "'url' must start with http:// or https://"
    posted_at = None
    if values["posted_at"]:
        try:
            posted_at = parse_datetime(values["posted_at"])
        except ValueError:
            posted_at = None
        if posted_at is None:
            return "'posted_at' is not a date and time (ISO 8601, e.g. 2026-11-28T10:00:00Z)"
        if timezone.is_naive(posted_at):
            posted_at = timezone.make_aware(posted_at, timezone.get_default_timezone())
    language = values["lang"].lower()
    if language and not _LANGUAGE.match(language):
        return "'lang' must be an ISO 639-1 code such as mk, sq or en"
    raw = {key: record[key] for key in record if isinstance(key, str)}
    return AdRecord(
        text=text,
        external_id=values["id"],
        url=values["url"],
        posted_at=posted_at,
        language=language,
        raw=raw,
    )


def text_key(text: str) -> str:
    """``text`` with spacing and case evened out: two copies of one ad give the same key."""
    return " ".join(text.split()).casefold()


def fingerprint(source: Source, record: AdRecord) -> str:
    """The same ad twice gives the same fingerprint: by the source's own id when it has one,
    else by its text with spacing and case evened out."""
    if record.external_id:
        key = f"id\x1f{source.pk}\x1f{record.external_id}"
    else:
        key = "text\x1f" + text_key(record.text)
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def ads_ingest(
    *,
    source: Source,
    records: Iterable[tuple[int, Any]],
    actor: User | None,
    channel: str = "",
    public_report: bool = False,
) -> IngestOutcome:
    """Validate, screen and store ``records`` ((line number, record) pairs) from ``source``.

    The caller has checked that ``actor`` may import into ``source`` (the API and the upload
    page do; the public page reports anonymously into its own source).
    """
    outcome = IngestOutcome()
    valid: list[tuple[int, AdRecord]] = []
    for line, record in records:
        checked = validate_record(record)
        if isinstance(checked, str):
            outcome.refused.append(Refused(line, checked))
        else:
            valid.append((line, checked))
    try:
        fresh, repeats = _split_known(source, valid, outcome)
        screener, screener_version = current_screener()  # one call: the version that scored
        screenings = _screen(screener, [record for _, record in fresh])
        present: dict[str, Ad] = {}  # fingerprint → the ad now stored (by us or by another request)
        refused_keys: dict[str, int] = {}
        for (line, record), screening in zip(fresh, screenings, strict=True):
            key = fingerprint(source, record)
            try:
                ad = _store_new(source, record, screening, screener_version, public_report)
            except (_AlreadyStored, IntegrityError):
                # Another request stored the same ad a moment ago: this is one more sighting.
                known = Ad.objects.filter(fingerprint=key).first()
                if known is None:
                    outcome.refused.append(Refused(line, "could not be stored (a conflict)"))
                    refused_keys[key] = line
                    continue
                present[key] = _store_sighting(source, known, record)
                outcome.seen_again.append(present[key])
                continue
            except Exception as error:  # one bad row must not stop the batch
                outcome.refused.append(
                    Refused(line, f"could not be stored ({type(error).__name__})")
                )
                refused_keys[key] = line
                continue
            present[key] = ad
            outcome.stored.append(ad)
        for line, record in repeats:
            key = fingerprint(source, record)
            if key in present:
                outcome.seen_again.append(_store_sighting(source, present[key], record))
            else:
                first = refused_keys.get(key, 0)
                outcome.refused.append(
                    Refused(line, f"a repeat of line {first}, which could not be stored")
                )
    finally:
        # Audited even when the batch stops half-way: every stored ad is accounted for.
        if outcome.stored or outcome.seen_again:
            audit_record(
                actor=actor,
                action="adwatch.ingest",
                target=source,
                after={
                    "stored": len(outcome.stored),
                    "seen_again": len(outcome.seen_again),
                    "refused": len(outcome.refused),
                    "channel": channel,
                },
            )
    for ad in outcome.stored:
        notify_watchers(ad)
    if outcome.stored:
        # Operations and template clusters are recomputed in the background (one run for many
        # batches); watches on an operation fire when a new ad joins it at that run.
        from fener.adwatch.insight_tasks import operations_refresh_soon

        transaction.on_commit(operations_refresh_soon)
    return outcome


class _AlreadyStored(Exception):
    def __init__(self, ad: Ad) -> None:
        self.ad = ad


def _split_known(
    source: Source, valid: list[tuple[int, AdRecord]], outcome: IngestOutcome
) -> tuple[list[tuple[int, AdRecord]], list[tuple[int, AdRecord]]]:
    """Record sightings of ads already stored; return the new ads (first of each) and the
    repeats of new ads within this batch (recorded as sightings once the ad is stored)."""
    keys = [fingerprint(source, record) for _, record in valid]
    known = {ad.fingerprint: ad for ad in Ad.objects.filter(fingerprint__in=set(keys))}
    fresh: list[tuple[int, AdRecord]] = []
    repeats: list[tuple[int, AdRecord]] = []
    new_keys: set[str] = set()
    for key, (line, record) in zip(keys, valid, strict=True):
        if key in known:
            outcome.seen_again.append(_store_sighting(source, known[key], record))
        elif key in new_keys:
            repeats.append((line, record))
        else:
            new_keys.add(key)
            fresh.append((line, record))
    return fresh, repeats


def _screen(screener: Screener, records: list[AdRecord]) -> list[Screening]:
    ads = [
        EngineAd(str(index), record.text, record.language or None)
        for index, record in enumerate(records)
    ]
    return list(screener.screen_many(ads))


@transaction.atomic
def _store_new(
    source: Source,
    record: AdRecord,
    screening: Screening,
    version: Any,
    public_report: bool,
) -> Ad:
    key = fingerprint(source, record)
    existing = Ad.objects.select_for_update().filter(fingerprint=key).first()
    if existing is not None:
        raise _AlreadyStored(existing)
    now = timezone.now()
    result = screening.as_dict()
    ad = Ad.objects.create(
        source=source,
        external_id=record.external_id,
        fingerprint=key,
        text=record.text,
        url=record.url,
        posted_at=record.posted_at,
        first_seen=now,
        last_seen=now,
        raw_payload=record.raw,
        language=result["lang"] or "",
        script=result["script"] or "",
        risk=result["risk"],
        label=result["label"],
        indicators=result["indicators"],
        entities=result["entities"],
        explanation=result["explanation"],
        model_version=version,
        model_label=result["explanation"]["model_version"],
        reported_by_public=public_report,
    )
    Sighting.objects.create(ad=ad, source=source, seen_at=now, raw_payload=record.raw)
    AdContact.objects.bulk_create(
        [AdContact(ad=ad, kind=kind, value=value) for kind, value in contacts_of(result)],
        ignore_conflicts=True,
    )
    return ad


@transaction.atomic
def _store_sighting(source: Source, ad: Ad, record: AdRecord) -> Ad:
    now = timezone.now()
    Ad.objects.filter(pk=ad.pk).update(sightings_count=F("sightings_count") + 1, last_seen=now)
    Sighting.objects.create(ad=ad, source=source, seen_at=now, raw_payload=record.raw)
    ad.refresh_from_db(fields=["sightings_count", "last_seen"])
    return ad


def contacts_of(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (kind, value) contacts of a screening result that tie ads together."""
    entities = result["entities"]
    pairs = [(ContactKind.PHONE.value, phone) for phone in entities.get("phones", [])]
    pairs += [(ContactKind.EMAIL.value, email) for email in entities.get("emails", [])]
    pairs += [
        (ContactKind.HANDLE.value, f"{handle['platform']}:{handle['value']}")
        for handle in entities.get("handles", [])
        if handle.get("platform") != "unknown"
    ]
    return list(dict.fromkeys(pairs))
