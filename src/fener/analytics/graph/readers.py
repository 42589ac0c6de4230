"""Reading transaction files: generic CSV with a column mapping, and both IBM AMLSim layouts.

A file is read whole before anything is returned: every bad row is reported with its line
number and reason (:class:`TransactionFileError`), so nothing is ever loaded half. The two
AMLSim layouts are recognised by their header:

* the IBM sample outputs of 2019 (``sourceNodeId,targetNodeId,value,time``): no transaction id
  (the line number becomes it), time in simulation steps;
* the AMLSim generator's own output (``tran_id,orig_acct,bene_acct,tx_type,base_amt,
  tran_timestamp,...``): ISO timestamps.

Timestamps become seconds (steps are counted as days: one step is one day in AMLSim).
"""

from __future__ import annotations

import csv
import datetime
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from fener.analytics.graph.model import Transaction, TransactionSet

DAY = 86_400.0
MAX_REPORTED = 50
MAX_AMOUNT = 1e15  # a thousand trillion: beyond any transfer, and far from float overflow
MAX_STEPS = 1e6  # AMLSim steps (days)
EARLIEST, LATEST = -3e9, 9.5e10  # numeric times: about 1875 to 5000, in seconds since 1970

# Layout name -> (id, source, target, amount, timestamp) columns; None: the line number.
LAYOUTS: dict[str, tuple[str | None, str, str, str, str]] = {
    "amlsim_ibm_2019": (None, "sourceNodeId", "targetNodeId", "value", "time"),
    "amlsim": ("tran_id", "orig_acct", "bene_acct", "base_amt", "tran_timestamp"),
}


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns of a generic CSV hold what (``id`` may be left out: line numbers)."""

    source: str = "source"
    target: str = "target"
    amount: str = "amount"
    timestamp: str = "timestamp"
    id: str | None = "id"


class TransactionFileError(ValueError):
    """The file cannot be loaded; ``problems`` lists (line, reason), the first 50 of them."""

    def __init__(self, problems: list[tuple[int, str]], total: int) -> None:
        self.problems = problems
        self.total = total
        shown = "; ".join(f"line {line}: {reason}" for line, reason in problems[:5])
        more = f" (and {total - 5} more)" if total > 5 else ""
        super().__init__(f"{total} bad row(s), nothing loaded: {shown}{more}")


def detect_layout(header: Iterable[str]) -> str | None:
    """The AMLSim layout a header belongs to, or ``None`` for a generic file.

    >>> detect_layout(["sourceNodeId", "targetNodeId", "value", "time"])
    'amlsim_ibm_2019'
    >>> detect_layout(["from", "to", "eur", "when"]) is None
    True
    """
    columns = set(header)
    for name, (id_column, *rest) in LAYOUTS.items():
        if set(rest) <= columns and (id_column is None or id_column in columns):
            return name
    return None


def _timestamp(text: str, layout: str | None, zone: datetime.tzinfo = datetime.UTC) -> float:
    value = text.strip()
    if layout == "amlsim_ibm_2019":
        step = float(value)
        if not math.isfinite(step) or not 0 <= step <= MAX_STEPS:
            raise ValueError(f"time step {value!r} is not a step of the simulation")
        return step * DAY
    european = _EUROPEAN_DATE.match(value)
    if european:
        day, month, year, hour, minute, second = european.groups()
        local = datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=zone,
        )
        return local.timestamp()
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"time {value!r} is not a date (write 2024-02-01 13:05 or 01.02.2024 13:05)"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.timestamp()
    if not math.isfinite(number) or not EARLIEST <= number <= LATEST:
        raise ValueError(f"time {value!r} is out of range (seconds since 1970, up to year 5000)")
    return number


_EUROPEAN_DATE = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def _amount(text: str) -> float:
    """A positive amount written with a decimal point or a decimal comma.

    ``1234.56``, ``1,234.56``, ``1.234,56``, ``1234,56`` and ``1 234,56`` are all read; where
    both marks appear the last one is the decimal mark. A lone comma or point followed by exactly
    three digits (``1,234``, ``12.500``) could mean either and is refused rather than guessed.
    """
    value = text.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if "," in value and "." in value:
        decimal = "," if value.rindex(",") > value.rindex(".") else "."
        thousands = "." if decimal == "," else ","
        value = value.replace(thousands, "").replace(decimal, ".")
    elif "," in value:
        head, _, tail = value.rpartition(",")
        if value.count(",") == 1 and len(tail) == 3:
            raise ValueError(f"amount {text.strip()!r} is ambiguous: write 1234 or 1234.00")
        value = value.replace(",", "") if value.count(",") > 1 else f"{head}.{tail}"
    elif value.count(".") > 1:
        value = value.replace(".", "")
    elif (
        "." in value
        and len(value.rpartition(".")[2]) == 3
        and value.rpartition(".")[0].lstrip("-+")
    ):
        raise ValueError(f"amount {text.strip()!r} is ambiguous: write 12500 or 12.50")
    try:
        amount = float(value)
    except ValueError:
        raise ValueError(f"amount {text.strip()!r} is not a number") from None
    if not math.isfinite(amount) or amount <= 0:
        raise ValueError(f"amount {text.strip()!r} is not a positive number")
    if amount > MAX_AMOUNT:
        raise ValueError(f"amount {text.strip()!r} is out of range")
    return amount


def parse_numbered(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    *,
    layout: str | None,
    mapping: ColumnMapping,
    zone: datetime.tzinfo = datetime.UTC,
) -> Iterator[tuple[int, Transaction | str]]:
    """Each ``(line, row)`` as a transaction, or as the reason it is refused.

    Dates and times written without a time zone are read in ``zone`` (UTC by default). Without
    an id column the line number is the transaction's id.
    """
    if layout is not None:
        id_column, source, target, amount, timestamp = LAYOUTS[layout]
    else:
        id_column, source, target, amount, timestamp = (
            mapping.id,
            mapping.source,
            mapping.target,
            mapping.amount,
            mapping.timestamp,
        )
    seen: set[str] = set()
    for line, row in rows:
        try:
            source_id = (row.get(source) or "").strip()
            target_id = (row.get(target) or "").strip()
            if not source_id or not target_id or source_id == "-" or target_id == "-":
                raise ValueError("source or target account missing")
            transaction_id = (row.get(id_column) or "").strip() if id_column else str(line)
            if not transaction_id:
                raise ValueError("transaction id missing")
            if transaction_id in seen:
                raise ValueError(f"transaction id {transaction_id!r} repeated")
            seen.add(transaction_id)
            yield (
                line,
                Transaction(
                    id=transaction_id,
                    source=source_id,
                    target=target_id,
                    amount=_amount(row.get(amount) or ""),
                    timestamp=_timestamp(row.get(timestamp) or "", layout, zone),
                ),
            )
        except (ValueError, TypeError, OverflowError) as error:
            yield line, str(error) or "unreadable row"


def delimiter_of(first_line: str) -> str:
    """The delimiter of a CSV file from its header line: comma, semicolon (what Excel writes
    where the comma is the decimal mark) or tab; a comma when none appears."""
    counts = {mark: first_line.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def numbered_records(
    lines: Iterable[str], header: list[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str] | str]]:
    """The data records of a CSV after its header, each with the physical line it starts on (a
    quoted field may span lines; blank lines are skipped), as ``{column: text}``, or as the
    reason the record cannot be read (more fields than the header has columns)."""
    reader = csv.reader(lines, delimiter=delimiter)
    previous_end = 1
    for row in reader:
        start, previous_end = previous_end + 1, reader.line_num + 1  # + the header line
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield start, f"{len(row)} fields where the header has {len(header)} columns"
            continue
        yield start, {column: (row[i] if i < len(row) else "") for i, column in enumerate(header)}


def read_transactions(
    path: str | Path, *, mapping: ColumnMapping | None = None
) -> tuple[TransactionSet, str]:
    """Read a whole transaction file; returns the set and the layout used (``generic`` or an
    AMLSim layout). Raises :class:`TransactionFileError` listing bad rows, loading nothing.

    The file is UTF-8 (with or without a byte-order mark), comma-, semicolon- or tab-separated
    (told from the header line); line numbers are the file's own, blank lines and quoted line
    breaks included.
    """
    mapping = mapping or ColumnMapping()
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return _read(handle, mapping)
    except UnicodeDecodeError as error:
        raise TransactionFileError(
            [(0, f"the file is not UTF-8 text (byte {error.start}): save it as CSV UTF-8")], 1
        ) from None


def _read(handle: TextIO, mapping: ColumnMapping) -> tuple[TransactionSet, str]:
    first = handle.readline()
    delimiter = delimiter_of(first)
    header = [column.strip() for column in next(csv.reader([first], delimiter=delimiter), [])]
    if not header or not any(header):
        raise TransactionFileError([(1, "the file is empty or has no header row")], 1)
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise TransactionFileError(
            [(1, f"the header names column(s) {', '.join(repeated)} more than once")], 1
        )
    layout = detect_layout(header)
    if layout is None:
        wanted = [mapping.source, mapping.target, mapping.amount, mapping.timestamp]
        missing = [column for column in wanted if column not in header]
        if missing:
            raise TransactionFileError(
                [
                    (
                        1,
                        f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}",
                    )
                ],
                1,
            )
        if mapping.id is not None and mapping.id not in header:
            mapping = ColumnMapping(
                mapping.source, mapping.target, mapping.amount, mapping.timestamp, None
            )
    records: list[Transaction] = []
    problems: list[tuple[int, str]] = []
    total = 0
    numbered = list(numbered_records(handle, header, delimiter))
    readable = [(line, row) for line, row in numbered if not isinstance(row, str)]
    for line, row in numbered:
        if isinstance(row, str):
            total += 1
            if len(problems) < MAX_REPORTED:
                problems.append((line, row))
    for line, parsed in parse_numbered(readable, layout=layout, mapping=mapping):
        if isinstance(parsed, str):
            total += 1
            if len(problems) < MAX_REPORTED:
                problems.append((line, parsed))
        else:
            records.append(parsed)
    problems.sort()
    if total:
        raise TransactionFileError(problems, total)
    return TransactionSet.from_records(records), layout or "generic"
