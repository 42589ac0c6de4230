"""Importing transfers from CSV or XLSX: upload, column mapping, then a background import.

All or nothing: the task first reads and checks every row (``rows_checked`` rises as it goes,
which is the progress bar), and writes only if no row was refused, in one transaction. A refused
file lists its bad rows by line number with the reason, and nothing of it is stored. The file
itself is kept encrypted until the import ends, then dropped.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections import deque
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.analytics.graph.readers import LAYOUTS, ColumnMapping, parse_numbered
from fener.core.access import allowed, require
from fener.core.audit import audit_record
from fener.core.models import User
from fener.network import importing
from fener.network.models import (
    Entity,
    EntityKind,
    ImportStatus,
    Investigation,
    Origin,
    Transfer,
    TransferImport,
)
from fener.network.values import ValueRefused, account_key, account_label, entity_key

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2_000
WRITE_BATCH = 2_000
MAX_PROBLEMS_KEPT = 200
_CURRENCY_CODES = frozenset(
    [
        "EUR",
        "MKD",
        "USD",
        "CHF",
        "GBP",
        "ALL",
        "RSD",
        "BGN",
        "TRY",
        "HRK",
        "BAM",
        "RON",
        "HUF",
        "CZK",
        "PLN",
        "SEK",
        "NOK",
        "DKK",
    ]
)


@transaction.atomic
def import_create(
    *, actor: User, investigation: Investigation, file_name: str, content: bytes
) -> TransferImport:
    """Keep an uploaded file after checking it can be read; the mapping step comes next."""
    require(actor, "change", investigation)
    try:
        kind = importing.file_format(file_name)
        columns = importing.read_columns(content, kind)
        rows_total = importing.count_rows(content, kind)
    except importing.ImportFileError as error:
        raise ValidationError({"file": str(error)}) from None
    mapping, layout = importing.suggest(columns)
    batch = TransferImport.objects.create(
        investigation=investigation,
        uploaded_by=actor,
        file_name=file_name[-200:],
        file_format=kind,
        content=content,
        columns=columns,
        layout=layout,
        mapping=mapping,
        rows_total=rows_total,
    )
    audit_record(
        actor=actor,
        action="network.import.create",
        target=investigation,
        after={"import": batch.pk, "file_format": kind, "bytes": len(content), "rows": rows_total},
    )
    return batch


@transaction.atomic
def import_set_mapping(
    *, actor: User, batch: TransferImport, mapping: Mapping[str, str], currency: str
) -> TransferImport:
    """Confirm the columns and the currency; the caller then enqueues the import task."""
    require(actor, "change", batch.investigation)
    batch = TransferImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.MAPPING:
        raise ValidationError(_("This file has already been imported or is being imported."))
    currency = str(currency).strip().upper()
    if currency not in _CURRENCY_CODES:
        raise ValidationError({"currency": _("Choose the currency of the amounts.")})
    try:
        clean = importing.check_mapping(mapping, list(batch.columns))
    except importing.ImportFileError as error:
        raise ValidationError(str(error)) from None
    batch.mapping = clean
    batch.currency = currency
    batch.status = ImportStatus.QUEUED
    batch.save(update_fields=["mapping", "currency", "status"])
    audit_record(
        actor=actor,
        action="network.import.map",
        target=batch.investigation,
        after={"import": batch.pk, "mapping": clean, "currency": currency},
    )
    return batch


class _Stopped(Exception):
    pass


def _layout_for(batch: TransferImport) -> str | None:
    """The AMLSim layout, when the mapping is exactly that layout's columns."""
    if not batch.layout or batch.layout not in LAYOUTS:
        return None
    reference, source, target, amount, timestamp = LAYOUTS[batch.layout]
    expected = {"source": source, "target": target, "amount": amount, "timestamp": timestamp}
    if reference:
        expected["reference"] = reference
    return batch.layout if dict(batch.mapping) == expected else None


def _rows(batch: TransferImport, content: bytes) -> Iterator[tuple[int, Any]]:
    mapping = dict(batch.mapping)
    layout = _layout_for(batch)
    column_mapping = ColumnMapping(
        source=mapping["source"],
        target=mapping["target"],
        amount=mapping["amount"],
        timestamp=mapping["timestamp"],
        id=mapping.get("reference"),
    )
    refused: deque[tuple[int, str]] = deque()

    def readable() -> Iterator[tuple[int, dict[str, str]]]:
        for line, row in importing.read_rows(content, batch.file_format):
            if isinstance(row, str):
                refused.append((line, row))
            else:
                yield line, row

    by_line = layout == "amlsim_ibm_2019" or column_mapping.id is None
    parsed = parse_numbered(
        readable(), layout=layout, mapping=column_mapping, zone=ZoneInfo(settings.TIME_ZONE)
    )
    for line, outcome in parsed:
        while refused and refused[0][0] < line:
            yield refused.popleft()
        if by_line and not isinstance(outcome, str):
            # Without a reference column the line stands in, qualified by the import so that
            # two files without references never collide.
            outcome = dataclasses.replace(outcome, id=f"I{batch.pk}-L{line}")
        yield line, outcome
    yield from refused


def import_run(*, import_id: int) -> TransferImport | None:
    """Check every row, then write all of them in one transaction, or none.

    Returns ``None`` when the import is not queued (running the task twice imports once).
    """
    claimed = TransferImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return None
    batch = TransferImport.objects.select_related("investigation", "uploaded_by").get(pk=import_id)
    problems: list[dict[str, Any]] = []
    problems_total = 0
    checked: list[tuple[int, Any]] = []
    try:
        if batch.uploaded_by is None or not allowed(
            batch.uploaded_by, "change", batch.investigation
        ):
            raise _Stopped(
                _("the person who uploaded the file may no longer add to the investigation")
            )
        content = bytes(batch.content or b"")
        accounts: dict[str, str] = {}  # account as written → "" or why it is refused
        for count, (line, outcome) in enumerate(_rows(batch, content), start=1):
            reason = outcome if isinstance(outcome, str) else _row_problem(outcome, accounts)
            if reason:
                problems_total += 1
                if len(problems) < MAX_PROBLEMS_KEPT:
                    problems.append({"line": line, "reason": reason})
            else:
                checked.append((line, outcome))
            if count % PROGRESS_EVERY == 0:
                TransferImport.objects.filter(pk=batch.pk).update(
                    rows_checked=count, heartbeat_at=timezone.now()
                )
        TransferImport.objects.filter(pk=batch.pk).update(
            rows_checked=len(checked) + problems_total, heartbeat_at=timezone.now()
        )
        if not problems_total:
            clashes = _existing_references(batch.investigation, [t.id for _l, t in checked])
            for line, record in checked:
                if record.id in clashes:
                    problems_total += 1
                    if len(problems) < MAX_PROBLEMS_KEPT:
                        problems.append(
                            {
                                "line": line,
                                "reason": _("transfer %(ref)s is already in this investigation")
                                % {"ref": record.id},
                            }
                        )
        if problems_total:
            return _finish(batch, ImportStatus.FAILED, problems, problems_total, written=0)
        moved_on = TransferImport.objects.filter(pk=batch.pk, status=ImportStatus.CHECKING).update(
            status=ImportStatus.WRITING, heartbeat_at=timezone.now()
        )
        if not moved_on:  # discarded while the rows were checked: leave it as it was left
            return TransferImport.objects.get(pk=batch.pk)
        try:
            return _write_and_finish(batch, [record for _line, record in checked])
        except IntegrityError:
            reason = _(
                "another import added some of these transfers at the same time; nothing was "
                "stored: import the file again to see which rows are already there"
            )
            return _finish(
                batch, ImportStatus.FAILED, [{"line": 0, "reason": reason}], 1, written=0
            )
    except importing.ImportFileError as error:
        return _finish(
            batch, ImportStatus.FAILED, [{"line": 0, "reason": str(error)}], 1, written=0
        )
    except _Stopped as error:
        return _finish(
            batch, ImportStatus.FAILED, [{"line": 0, "reason": str(error)}], 1, written=0
        )
    except Exception as error:  # nothing was written: the write is one transaction
        logger.exception("Transfer import %s stopped", import_id)
        reason = _("the import stopped (%(error)s); nothing was stored") % {
            "error": type(error).__name__
        }
        return _finish(batch, ImportStatus.FAILED, [{"line": 0, "reason": reason}], 1, written=0)


def _row_problem(record: Any, accounts: dict[str, str]) -> str:
    if len(record.id) > 100:
        return _("the reference is longer than 100 characters")
    if record.source == record.target:
        return _("the payer and the receiver are the same account")
    for value in (record.source, record.target):
        if value in accounts:
            if accounts[value]:
                return accounts[value]
            continue
        try:
            account_key(value)
        except ValueRefused as error:
            accounts[value] = f"{value[:40]}: {error}"
            return accounts[value]
        accounts[value] = ""
    try:
        amount = Decimal(str(record.amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return _("the amount is not a number")
    if amount <= 0 or amount >= Decimal("1e16"):
        return _("the amount is out of range")
    try:
        moment = datetime.datetime.fromtimestamp(record.timestamp, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return _("the date is out of range")
    if moment > timezone.now() + datetime.timedelta(days=1):
        return _("the date is in the future")
    if moment.year < 1990:
        return _("the date is before 1990")
    return ""


def _existing_references(investigation: Investigation, references: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(references), 5_000):
        chunk = references[start : start + 5_000]
        found.update(
            Transfer.objects.filter(investigation=investigation, reference__in=chunk).values_list(
                "reference", flat=True
            )
        )
    return found


@transaction.atomic
def _write_and_finish(batch: TransferImport, records: list[Any]) -> TransferImport:
    """Write every transfer and mark the import done, in one transaction; refused if the import
    was discarded meanwhile (the row lock orders this against :func:`import_discard`)."""
    locked = TransferImport.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportStatus.WRITING:
        raise _Stopped(_("the import was discarded while it ran"))
    written = _write(batch, records)
    return _finish(batch, ImportStatus.DONE, [], 0, written=written)


def _write(batch: TransferImport, records: list[Any]) -> int:
    investigation = batch.investigation
    keys: dict[str, tuple[str, str]] = {}
    for record in records:
        for value in (record.source, record.target):
            if value not in keys:
                normalised = account_key(value)
                keys[value] = (entity_key(EntityKind.ACCOUNT, normalised), account_label(value))
    existing = dict(
        Entity.objects.filter(
            investigation=investigation,
            kind=EntityKind.ACCOUNT,
            key__in={key for key, _label in keys.values()},
        ).values_list("key", "pk")
    )
    new = {}
    for key, label in keys.values():
        if key not in existing and key not in new:
            new[key] = Entity(
                investigation=investigation,
                kind=EntityKind.ACCOUNT,
                key=key,
                label=label,
                origin=Origin.IMPORT,
                origin_ref=f"import {batch.pk}",
                created_by=batch.uploaded_by,
            )
    # An account created meanwhile (by hand, an ads look-up, another import) is simply used.
    Entity.objects.bulk_create(list(new.values()), batch_size=WRITE_BATCH, ignore_conflicts=True)
    if new:
        existing.update(
            Entity.objects.filter(
                investigation=investigation, kind=EntityKind.ACCOUNT, key__in=list(new)
            ).values_list("key", "pk")
        )
    transfers = [
        Transfer(
            investigation=investigation,
            batch=batch,
            reference=record.id,
            source_id=existing[keys[record.source][0]],
            target_id=existing[keys[record.target][0]],
            amount=Decimal(str(record.amount)).quantize(Decimal("0.01")),
            currency=batch.currency,
            occurred_at=datetime.datetime.fromtimestamp(record.timestamp, tz=datetime.UTC),
        )
        for record in records
    ]
    for start in range(0, len(transfers), WRITE_BATCH):
        Transfer.objects.bulk_create(transfers[start : start + WRITE_BATCH])
    return len(transfers)


@transaction.atomic
def _finish(
    batch: TransferImport,
    status: str,
    problems: list[dict[str, Any]],
    problems_total: int,
    *,
    written: int,
) -> TransferImport:
    batch.status = status
    batch.problems = sorted(problems, key=lambda item: int(item["line"])) or None
    batch.problems_total = problems_total
    batch.rows_written = written
    batch.content = None
    batch.finished_at = timezone.now()
    batch.save(
        update_fields=[
            "status",
            "problems",
            "problems_total",
            "rows_written",
            "content",
            "finished_at",
        ]
    )
    audit_record(
        actor=batch.uploaded_by,
        action="network.import.run",
        target=batch.investigation,
        after={"import": batch.pk, "status": status, "written": written, "refused": problems_total},
    )
    return batch


STALE_AFTER = datetime.timedelta(minutes=15)


def is_stale(batch: TransferImport) -> bool:
    """An import whose worker has given no sign of life for a while (it may have died)."""
    if batch.status not in {ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING}:
        return False
    last = batch.heartbeat_at or batch.created_at
    return last is not None and timezone.now() - last > STALE_AFTER


@transaction.atomic
def import_discard(*, actor: User, batch: TransferImport) -> None:
    """Drop a file that waits for its mapping, or an import whose worker stopped (stale): the
    file is deleted and the import ends as refused (a write in progress is one transaction, so
    a stopped worker left nothing behind)."""
    require(actor, "change", batch.investigation)
    batch = TransferImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.MAPPING and not is_stale(batch):
        raise ValidationError(_("This import is running or has ended: it cannot be discarded."))
    batch.status = ImportStatus.FAILED
    batch.content = None
    batch.finished_at = timezone.now()
    batch.problems = [{"line": 0, "reason": _("Discarded before the import ended.")}]
    batch.problems_total = 0
    batch.save(update_fields=["status", "content", "finished_at", "problems", "problems_total"])
    audit_record(
        actor=actor,
        action="network.import.discard",
        target=batch.investigation,
        after={"import": batch.pk},
    )
