"""Reading uploaded files of ads: CSV or JSON Lines bytes into (line, record) pairs.

Pure parsing, no database. A file is checked as a whole first (size, encoding, not binary,
a header or keys to map, at most :data:`MAX_ROWS` rows) and refused with :class:`UploadError`
and a message a person can act on; after that every row stands on its own: a row that cannot
be read becomes a :class:`RowProblem` with its line number and reason, and the others are read.

A mapping says which column of the file feeds each of Fener's fields (:data:`FIELDS`); the
records it produces carry those fields and the whole original row under ``source_row`` (kept as
the ad's raw payload).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
FORMATS = ("csv", "jsonl")
# Fener's fields, in the order the mapping step shows them; ``text`` must be mapped.
FIELDS = ("text", "id", "url", "posted_at", "lang")
REQUIRED_FIELDS = ("text",)
# Column names that usually mean a field (compared case-insensitively) for the first suggestion.
_USUAL_NAMES = {
    "text": ("text", "body", "message", "content", "description", "ad", "ad_text", "post"),
    "id": ("id", "external_id", "guid", "post_id", "ad_id", "message_id"),
    "url": ("url", "link", "permalink", "href"),
    "posted_at": ("posted_at", "date", "published", "published_at", "created_at", "time"),
    "lang": ("lang", "language"),
}
_SNIFF_BYTES = 16 * 1024
_JSONL_KEY_LINES = 200
_MAX_COLUMNS = 500


class UploadError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be read into a record (the other rows still are)."""

    reason: str


def file_format(file_name: str) -> str:
    """``csv`` or ``jsonl`` from the file's name, or :class:`UploadError`."""
    name = file_name.lower()
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".jsonlines")):
        return "jsonl"
    raise UploadError(_("Upload a CSV file (.csv) or a JSON Lines file (.jsonl)."))


def decode(data: bytes) -> str:
    """The file's text: UTF-8 with or without a byte-order mark, within the size limit."""
    if len(data) > MAX_FILE_BYTES:
        raise UploadError(
            _("The file is larger than %(limit)s MB: split it into smaller files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise UploadError(_("The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(_("The file is in UTF-16: save it as UTF-8 and upload it again."))
    if b"\x00" in data[:8192]:
        raise UploadError(
            _(
                "This looks like a binary file (for example a spreadsheet), not text. "
                "Save it as CSV (UTF-8) or JSON Lines and upload it again."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UploadError(
            _(
                "The file is not in UTF-8 (the first byte that is not is on line %(line)s). "
                "Save it as UTF-8 and upload it again."
            )
            % {"line": line}
        ) from None


def read_columns(text: str, format: str) -> list[str]:
    """The names a mapping can use: the CSV header, or the keys of the first JSON lines."""
    columns = _csv_header(text) if format == "csv" else _jsonl_keys(text)
    if not columns:
        raise UploadError(_("The file has no columns to map: nothing to import."))
    if len(columns) > _MAX_COLUMNS:
        raise UploadError(_("The file has more than %(limit)s columns.") % {"limit": _MAX_COLUMNS})
    return columns


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    """A first guess of the mapping from the columns' names (the person confirms it)."""
    by_name = {column.strip().casefold(): column for column in reversed(columns)}
    mapping: dict[str, str] = {}
    for field in FIELDS:
        for name in _USUAL_NAMES[field]:
            if name in by_name and by_name[name] not in mapping.values():
                mapping[field] = by_name[name]
                break
    return mapping


def check_mapping(mapping: Mapping[str, str], columns: list[str]) -> dict[str, str]:
    """The mapping with unused fields dropped, or :class:`UploadError` saying what is wrong."""
    unknown_fields = set(mapping) - set(FIELDS)
    if unknown_fields:
        raise UploadError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown_fields)})
    clean = {field: column for field, column in mapping.items() if column}
    for field in REQUIRED_FIELDS:
        if field not in clean:
            raise UploadError(_("Choose the column that holds the text of the ads."))
    missing = [column for column in clean.values() if column not in columns]
    if missing:
        raise UploadError(_("The file has no column %(name)s.") % {"name": missing[0]})
    if len(set(clean.values())) != len(clean):
        raise UploadError(_("Each column can feed only one field."))
    return clean


def read_rows(text: str, format: str) -> Iterator[tuple[int, dict[str, Any] | RowProblem]]:
    """Every data row as (line number, the row as an object) or (line number, problem)."""
    return _csv_rows(text) if format == "csv" else _jsonl_rows(text)


def count_rows(text: str, format: str) -> int:
    """How many data rows the file holds; :class:`UploadError` beyond :data:`MAX_ROWS`."""
    count = 0
    for count, _row in enumerate(read_rows(text, format), start=1):
        if count > MAX_ROWS:
            raise UploadError(
                _("The file has more than %(limit)s rows: split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
    if count == 0:
        raise UploadError(_("The file has no rows of data, only a header."))
    return count


def read_records(
    text: str, format: str, mapping: Mapping[str, str]
) -> Iterator[tuple[int, dict[str, Any] | RowProblem]]:
    """Every data row as Fener's fields (per ``mapping``), or the row's problem."""
    for line, row in read_rows(text, format):
        if isinstance(row, RowProblem):
            yield line, row
            continue
        record: dict[str, Any] = {field: row.get(column) for field, column in mapping.items()}
        if isinstance(record.get("posted_at"), str):
            record["posted_at"] = _usual_date(record["posted_at"])
        record["source_row"] = row
        yield line, record


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DOTTED_DATE = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def _usual_date(value: str) -> str:
    """Dates as spreadsheets in the region write them (2026-03-01, 1.3.2026 14:30) in ISO
    8601; anything else is left for the ingestion service to accept or refuse."""
    value = value.strip()
    if _ISO_DATE.match(value):
        return value + "T00:00:00"
    dotted = _DOTTED_DATE.match(value)
    if dotted:
        day, month, year, hour, minute, second = dotted.groups()
        return (
            f"{year}-{int(month):02d}-{int(day):02d}T{int(hour or 0):02d}:"
            f"{int(minute or 0):02d}:{int(second or 0):02d}"
        )
    return value


def _csv_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:_SNIFF_BYTES]
    if len(text) > _SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:  # one column, or too little to tell: the usual comma
        return csv.excel


def _csv_reader(text: str) -> Any:
    return csv.reader(io.StringIO(text, newline=""), _csv_dialect(text))


def _csv_header(text: str) -> list[str]:
    reader = _csv_reader(text)
    try:
        header: list[str] = next(reader, [])
    except csv.Error as error:
        raise UploadError(
            _("The first line (the column names) cannot be read: %(error)s") % {"error": error}
        ) from None
    columns = [name.strip() for name in header]
    if any(not name for name in columns):
        raise UploadError(_("Every column needs a name in the first line of the file."))
    if len(set(columns)) != len(columns):
        raise UploadError(_("Two columns have the same name in the first line of the file."))
    return columns


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | RowProblem]]:
    reader = _csv_reader(text)
    try:
        columns = [name.strip() for name in next(reader, [])]
    except csv.Error:
        return
    last_line = reader.line_num
    while True:
        line = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            last_line = reader.line_num
            yield line, RowProblem(_csv_problem(error))
            continue
        last_line = reader.line_num
        if not any(value.strip() for value in row):
            continue
        if len(row) > len(columns) and any(value.strip() for value in row[len(columns) :]):
            yield line, RowProblem(f"has {len(row)} fields, the header has {len(columns)}")
            continue
        row += [""] * (len(columns) - len(row))
        yield line, dict(zip(columns, row, strict=False))


def _csv_problem(error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"a field is longer than {csv.field_size_limit():,} characters"
    return f"cannot be read as CSV ({error})"


def _jsonl_keys(text: str) -> list[str]:
    keys: dict[str, None] = {}
    read = 0
    for _line, row in _jsonl_rows(text):
        if isinstance(row, RowProblem):
            continue
        keys.update(dict.fromkeys(row))
        read += 1
        if read >= _JSONL_KEY_LINES:
            break
    if not read:
        raise UploadError(_("No line of the file is a JSON object: is it JSON Lines?"))
    return list(keys)


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | RowProblem]]:
    # Only "\n" ends a line: JSON strings may hold U+2028 and other characters that
    # str.splitlines() would also split on.
    for line, content in enumerate(text.split("\n"), start=1):
        if not content.strip():
            continue
        try:
            value = json.loads(content)
        except json.JSONDecodeError as error:
            yield line, RowProblem(f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        except RecursionError:
            yield line, RowProblem("not valid JSON (nested too deeply)")
            continue
        if not isinstance(value, dict):
            yield line, RowProblem("not a JSON object with fields")
            continue
        yield line, value
