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

from fener.analytics.graph.model import Transaction, TransactionSet

DAY = 86_400.0
MAX_REPORTED = 50

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
        return float(value) * DAY
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
    if not math.isfinite(number):
        raise ValueError("not a finite number")
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
    return amount


def parse_rows(
    rows: Iterable[Mapping[str, str]],
    *,
    layout: str | None,
    mapping: ColumnMapping,
    first_line: int = 2,
    zone: datetime.tzinfo = datetime.UTC,
) -> Iterator[tuple[int, Transaction | str]]:
    """Each row as a transaction, or as the reason it is refused (with its line number).

    Dates and times written without a time zone are read in ``zone`` (UTC by default).
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
    for line, row in enumerate(rows, start=first_line):
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


def read_transactions(
    path: str | Path, *, mapping: ColumnMapping | None = None
) -> tuple[TransactionSet, str]:
    """Read a whole transaction file; returns the set and the layout used (``generic`` or an
    AMLSim layout). Raises :class:`TransactionFileError` listing bad rows, loading nothing."""
    mapping = mapping or ColumnMapping()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
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
        for line, parsed in parse_rows(reader, layout=layout, mapping=mapping):
            if isinstance(parsed, str):
                total += 1
                if len(problems) < MAX_REPORTED:
                    problems.append((line, parsed))
            else:
                records.append(parsed)
    if total:
        raise TransactionFileError(problems, total)
    return TransactionSet.from_records(records), layout or "generic"
