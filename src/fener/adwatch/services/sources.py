"""Writes about where ads come from: sources, their API tokens, file uploads and feed pulls.

Each write checks the gatekeeper and records its audit row in the same transaction. Tokens are
shown once, when they are made: only their SHA-256 digest and first eight characters are kept.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import secrets
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.adwatch import feeds, uploads
from fener.adwatch.models import Arrival, Source, SourceToken, Upload, UploadStatus
from fener.adwatch.services.ingestion import IngestOutcome, ads_ingest
from fener.core.access import allowed, require
from fener.core.audit import audit_changes, audit_record, audit_snapshot
from fener.core.models import User

MAX_TOKEN_DAYS = 365
IMPORT_CHUNK_ROWS = 500
FEED_PULL_MINUTES = 15  # how often a feed is due; FENER_FEED_PULL_MINUTES overrides it
TOKEN_PREFIX_LENGTH = 8
EDITABLE_FIELDS = frozenset(
    {"name", "platform", "country", "language", "arrival", "feed_url", "feed_format", "active"}
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
logger = logging.getLogger(__name__)


class TokenRefused(Exception):
    """A source token that cannot be used (unknown, revoked, expired, or its source inactive)."""


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def source_create(
    *, actor: User, name: str, platform: str, arrival: str, **optional: Any
) -> Source:
    """Add a source of ads, owned by the actor's institution."""
    require(actor, "add", Source)
    _reject_unknown_fields(optional)
    source = Source(
        name=name, platform=platform, arrival=arrival, institution=actor.institution, **optional
    )
    _clean(source)
    source.save()
    audit_record(
        actor=actor, action="adwatch.source.create", target=source, after=_snapshot(source)
    )
    return source


@transaction.atomic
def source_update(*, actor: User, source: Source, **changes: Any) -> Source:
    """Change a source; a change that changes nothing writes nothing."""
    require(actor, "change", source)
    _reject_unknown_fields(changes)
    source = Source.objects.select_for_update().get(pk=source.pk)
    before = _snapshot(source)
    for field, value in changes.items():
        setattr(source, field, value)
    _clean(source)
    changed_before, changed_after = audit_changes(before, _snapshot(source))
    if not changed_after:
        return source
    source.save()
    audit_record(
        actor=actor,
        action="adwatch.source.update",
        target=source,
        before=changed_before,
        after=changed_after,
    )
    return source


@transaction.atomic
def source_token_create(
    *, actor: User, source: Source, name: str, days: int = MAX_TOKEN_DAYS
) -> tuple[SourceToken, str]:
    """A new API token for ``source``: the stored row, and the token itself (shown once)."""
    require(actor, "change", source)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name (who or what will use it).")})
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            {"days": _("A token lives between 1 and %(days)s days.") % {"days": MAX_TOKEN_DAYS}}
        )
    plain = secrets.token_urlsafe(32)
    token = SourceToken.objects.create(
        source=source,
        name=name[:120],
        prefix=plain[:TOKEN_PREFIX_LENGTH],
        digest=token_digest(plain),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="adwatch.source_token.create",
        target=source,
        after=audit_snapshot(token),
        target_label=f"{source.name}: {token}",
    )
    return token, plain


@transaction.atomic
def source_token_revoke(*, actor: User, token: SourceToken) -> SourceToken:
    """Revoke a token at once; revoking it again changes nothing."""
    require(actor, "change", token.source)
    token = SourceToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = audit_snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    changed_before, changed_after = audit_changes(before, audit_snapshot(token))
    audit_record(
        actor=actor,
        action="adwatch.source_token.revoke",
        target=token.source,
        before=changed_before,
        after=changed_after,
        target_label=f"{token.source.name}: {token}",
    )
    return token


def source_token_use(*, plain: str) -> SourceToken:
    """The live token ``plain`` names (its last use noted), or :class:`TokenRefused`."""
    token = (
        SourceToken.objects.select_related("source__institution")
        .filter(digest=token_digest(plain))
        .first()
    )
    if token is None:
        raise TokenRefused(_("Unknown source token."))
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(_("The source token was revoked."))
    if token.expires_at <= now:
        raise TokenRefused(_("The source token has expired."))
    if not token.source.active or not token.source.institution.is_active:
        raise TokenRefused(_("The token's source is inactive."))
    # Bookkeeping, like a log-in time: not audited (every ingest it allows is).
    SourceToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token


@transaction.atomic
def upload_create(*, actor: User, source: Source, file_name: str, content: bytes) -> Upload:
    """Keep an uploaded file after checking it can be read; the mapping step comes next.

    Raises ``ValidationError`` (on the ``file`` field) when the file as a whole cannot be read.
    """
    require(actor, "import", source)
    require(actor, "add", Upload)
    try:
        file_format = uploads.file_format(file_name)
        text = uploads.decode(content)
        columns = uploads.read_columns(text, file_format)
        rows_total = uploads.count_rows(text, file_format)
    except uploads.UploadError as error:
        raise ValidationError({"file": str(error)}) from None
    upload = Upload.objects.create(
        source=source,
        uploaded_by=actor,
        file_name=file_name[-200:],
        file_format=file_format,
        content=content,
        columns=columns,
        mapping=uploads.suggest_mapping(columns),
        rows_total=rows_total,
    )
    audit_record(
        actor=actor,
        action="adwatch.upload.create",
        target=source,
        after={
            "upload": upload.pk,
            "file_name": upload.file_name,
            "file_format": file_format,
            "bytes": len(content),
            "rows": rows_total,
        },
    )
    return upload


@transaction.atomic
def upload_set_mapping(*, actor: User, upload: Upload, mapping: Mapping[str, str]) -> Upload:
    """Confirm which column feeds each field; the upload is then queued for import.

    The caller enqueues ``fener.adwatch.tasks.upload_import`` once this has returned.
    """
    require(actor, "change", upload)
    require(actor, "import", upload.source)
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.MAPPING:
        raise ValidationError(_("This file has already been imported or is being imported."))
    try:
        clean = uploads.check_mapping(mapping, list(upload.columns))
    except uploads.UploadError as error:
        raise ValidationError(str(error)) from None
    upload.mapping = clean
    upload.status = UploadStatus.QUEUED
    upload.save(update_fields=["mapping", "status"])
    audit_record(
        actor=actor,
        action="adwatch.upload.map",
        target=upload.source,
        after={"upload": upload.pk, "mapping": clean, "status": upload.status},
    )
    return upload


def upload_run(*, upload_id: int, chunk_rows: int = IMPORT_CHUNK_ROWS) -> Upload | None:
    """Import a queued upload (the background task's work): rows in chunks through
    :func:`ads_ingest`, counts updated after each chunk, every refused row kept with its line.

    Returns ``None`` when the upload is not queued (already imported, or another worker took
    it): running the task twice imports once.
    """
    claimed = Upload.objects.filter(pk=upload_id, status=UploadStatus.QUEUED).update(
        status=UploadStatus.RUNNING
    )
    if not claimed:
        return None
    upload = Upload.objects.select_related("source", "uploaded_by").get(pk=upload_id)
    actor = upload.uploaded_by
    counts = {"rows_stored": 0, "rows_seen_again": 0}
    rejected: list[dict[str, Any]] = []
    status = UploadStatus.DONE
    try:
        if not allowed(actor, "import", upload.source):
            raise _ImportStopped("the person who uploaded the file may no longer import ads")
        text = uploads.decode(bytes(upload.content))
        records = uploads.read_records(text, upload.file_format, upload.mapping)
        for chunk in _chunks(records, chunk_rows):
            _import_chunk(upload, chunk, counts, rejected)
    except Exception as error:  # the import stops; what was stored stays stored
        logger.exception("Upload %s stopped", upload_id)
        reason = str(error) if isinstance(error, _ImportStopped) else type(error).__name__
        rejected.append({"line": 0, "reason": f"the import stopped: {reason}"})
        status = UploadStatus.FAILED
    return _finish_upload(upload, status=status, counts=counts, rejected=rejected)


class _ImportStopped(Exception):
    pass


def _chunks(rows: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _import_chunk(
    upload: Upload,
    chunk: list[tuple[int, Any]],
    counts: dict[str, int],
    rejected: list[dict[str, Any]],
) -> None:
    refused = [
        {"line": line, "reason": row.reason}
        for line, row in chunk
        if isinstance(row, uploads.RowProblem)
    ]
    records = [(line, row) for line, row in chunk if not isinstance(row, uploads.RowProblem)]
    outcome = ads_ingest(
        source=upload.source, records=records, actor=upload.uploaded_by, channel="upload"
    )
    refused += [{"line": item.line, "reason": item.reason} for item in outcome.refused]
    rejected.extend(sorted(refused, key=lambda item: int(item["line"])))
    counts["rows_stored"] += len(outcome.stored)
    counts["rows_seen_again"] += len(outcome.seen_again)
    Upload.objects.filter(pk=upload.pk).update(rejected=rejected, **counts)


@transaction.atomic
def _finish_upload(
    upload: Upload, *, status: str, counts: dict[str, int], rejected: list[dict[str, Any]]
) -> Upload:
    upload.status = status
    upload.rows_stored = counts["rows_stored"]
    upload.rows_seen_again = counts["rows_seen_again"]
    upload.rejected = rejected
    upload.finished_at = timezone.now()
    upload.save(
        update_fields=["status", "rows_stored", "rows_seen_again", "rejected", "finished_at"]
    )
    audit_record(
        actor=upload.uploaded_by,
        action="adwatch.upload.import",
        target=upload.source,
        after={"upload": upload.pk, "status": status, "refused": len(rejected), **counts},
    )
    return upload


def feeds_pull_due(
    *, force: bool = False, fetch: Callable[[str], bytes] = feeds.feed_fetch
) -> dict[str, int]:
    """Pull every active feed source that is due (or all of them with ``force``).

    One source's failure is recorded on it and never stops the others.
    """
    minutes = int(getattr(settings, "FENER_FEED_PULL_MINUTES", FEED_PULL_MINUTES))
    due_before = timezone.now() - timedelta(minutes=minutes)
    sources = Source.objects.filter(active=True, arrival=Arrival.FEED).exclude(feed_url="")
    if not force:
        sources = sources.filter(Q(last_pulled_at__isnull=True) | Q(last_pulled_at__lte=due_before))
    summary = {"pulled": 0, "failed": 0, "stored": 0, "seen_again": 0}
    for source in sources.select_related("institution"):
        try:
            outcome = source_feed_pull(source=source, fetch=fetch)
        except Exception as error:
            logger.exception("Feed of source %s failed", source.pk)
            _record_pull(source, error=f"the pull failed ({type(error).__name__})")
            outcome = None
        if outcome is None:
            summary["failed"] += 1
            continue
        summary["pulled"] += 1
        summary["stored"] += len(outcome.stored)
        summary["seen_again"] += len(outcome.seen_again)
    return summary


def source_feed_pull(
    *, source: Source, fetch: Callable[[str], bytes] = feeds.feed_fetch
) -> IngestOutcome | None:
    """Pull one feed into its source now; a failure is recorded on the source, never raised.

    Returns the ingestion outcome, or ``None`` when the feed could not be read.
    """
    try:
        records = feeds.feed_parse(fetch(source.feed_url), source.feed_format)
    except feeds.FeedError as error:
        _record_pull(source, error=str(error)[:500])
        return None
    outcome = ads_ingest(source=source, records=records, actor=None, channel="feed")
    problem = ""
    if outcome.refused:
        first = outcome.refused[0]
        problem = f"{len(outcome.refused)} item(s) refused; item {first.line}: {first.reason}"
    _record_pull(source, error=problem[:500], outcome=outcome)
    return outcome


@transaction.atomic
def _record_pull(source: Source, *, error: str, outcome: IngestOutcome | None = None) -> None:
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(last_pulled_at=now, last_pull_error=error)
    source.last_pulled_at, source.last_pull_error = now, error
    after: dict[str, Any] = {"error": error}
    if outcome is not None:
        after.update(
            stored=len(outcome.stored),
            seen_again=len(outcome.seen_again),
            refused=len(outcome.refused),
        )
    audit_record(actor=None, action="adwatch.feed.pull", target=source, after=after)


def _snapshot(source: Source) -> dict[str, Any]:
    return audit_snapshot(source, (*Source.AUDIT_FIELDS, "feed_format"))


def _clean(source: Source) -> None:
    """Normalise and check a source before it is saved (errors by field)."""
    source.name = (source.name or "").strip()
    source.country = (source.country or "").strip().upper()
    source.language = (source.language or "").strip().lower()
    source.feed_url = (source.feed_url or "").strip()
    errors: dict[str, str] = {}
    if not _COUNTRY.match(source.country):
        errors["country"] = _("Use the two-letter country code, e.g. MK.")
    if source.language and not _LANGUAGE.match(source.language):
        errors["language"] = _("Use a language code such as mk, sq or en.")
    if source.arrival == Arrival.FEED:
        if not source.feed_url.lower().startswith(("http://", "https://")):
            errors["feed_url"] = _("A feed needs its address (http:// or https://).")
        elif _names_internal_host(source.feed_url):
            errors["feed_url"] = _("Feeds are read from public internet addresses only.")
        if not source.feed_format:
            errors["feed_format"] = _("Choose the feed's format.")
    else:
        source.feed_url, source.feed_format = "", ""
    if errors:
        raise ValidationError(errors)
    source.full_clean(exclude=["institution"])


def _names_internal_host(url: str) -> bool:
    """Whether ``url`` names this machine or a non-public address literally (the fetcher also
    checks every address it actually connects to)."""
    host = (urllib.parse.urlsplit(url).hostname or "").strip("[]").lower()
    if host in {"", "localhost"} or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: checked when it is resolved and connected to
    return not feeds.address_allowed(host)


def _reject_unknown_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown source fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
