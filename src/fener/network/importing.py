"""Reading transfer files (CSV or XLSX) for an import: columns, rows, a first mapping.

No database here. A file as a whole is checked first (size, format, header, number of rows) and
refused with :class:`ImportFileError` and a message a person can act on; rows are then read one
by one as ``(line, {column: text})`` so that the import can report every bad row by its line.
XLSX is read with openpyxl in read-only mode (first sheet, first row as header), streaming.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from fener.analytics.graph.readers import (
    LAYOUTS,
    delimiter_of,
    detect_layout,
    numbered_records,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MAX_COLUMNS = 200
FORMATS = ("csv", "xlsx")
# Fener's fields in the order the mapping step shows them; ``reference`` may be left out (the
# line number becomes the reference).
FIELDS = ("reference", "source", "target", "amount", "timestamp")
REQUIRED = ("source", "target", "amount", "timestamp")
_USUAL = {
    "reference": ("reference", "ref", "id", "transaction_id", "tran_id", "tx_id", "референца"),
    "source": ("source", "from", "payer", "sender", "debtor", "orig_acct", "from_account"),
    "target": ("target", "to", "payee", "receiver", "creditor", "bene_acct", "to_account"),
    "amount": ("amount", "value", "sum", "base_amt", "износ", "shuma"),
    "timestamp": ("timestamp", "time", "date", "datetime", "tran_timestamp", "датум", "data"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


def file_format(file_name: str) -> str:
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in FORMATS:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    return suffix


def _decode(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("This is not a text file: save it as CSV (UTF-8) or XLSX."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text: save it as CSV (UTF-8).")) from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


MAX_UNCOMPRESSED_BYTES = 10 * MAX_FILE_BYTES


def _check_workbook(content: bytes) -> None:
    """Refuse a workbook that is not a zip file or that would unpack to far more than its size
    (a "zip bomb" would otherwise fill the memory of whoever opens it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(
            _("The spreadsheet cannot be opened: save it again as XLSX.")
        ) from None
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _("The spreadsheet unpacks to more than %(limit)s MB: save it as CSV instead.")
            % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )


def _workbook_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    _check_workbook(content)
    unreadable = _("The spreadsheet cannot be opened: save it again as XLSX.")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key, value errors)
        raise ImportFileError(unreadable) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The spreadsheet has no sheet."))
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a damaged sheet: XML or value errors while reading
                raise ImportFileError(unreadable) from None
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def _check_size(content: bytes) -> None:
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(limit)s MB: split it into smaller files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )


def _csv_text(content: bytes) -> str:
    """A CSV upload as text: refused when too large or not UTF-8."""
    _check_size(content)
    return _decode(content)


def _delimiter(text: str) -> str:
    return delimiter_of(text.split("\n", 1)[0])


def _raw_rows(content: bytes, kind: str) -> Iterator[list[str]]:
    if kind == "xlsx":
        _check_size(content)
        yield from _workbook_rows(content)
        return
    text = _csv_text(content)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None


def read_columns(content: bytes, kind: str) -> list[str]:
    """The header row, checked: present, named, unique, not too wide."""
    rows = _raw_rows(content, kind)
    header = next(rows, None)
    if not header or not any(header):
        raise ImportFileError(_("The file is empty or has no header row."))
    columns = [column.strip() for column in header]
    while columns and not columns[-1]:
        columns.pop()
    if len(columns) > MAX_COLUMNS:
        raise ImportFileError(
            _("The file has more than %(limit)s columns.") % {"limit": MAX_COLUMNS}
        )
    if any(not column for column in columns):
        raise ImportFileError(_("Every column of the header row needs a name."))
    if len(set(columns)) != len(columns):
        raise ImportFileError(_("Two columns of the header row have the same name."))
    return columns


def count_rows(content: bytes, kind: str) -> int:
    """Data rows (blank rows are not counted), refused above :data:`MAX_ROWS`."""
    count = 0
    for index, row in enumerate(_raw_rows(content, kind)):
        if index and any(cell.strip() for cell in row):
            count += 1
            if count > MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(limit)s rows: split it into smaller files.")
                    % {"limit": f"{MAX_ROWS:,}"}
                )
    if count == 0:
        raise ImportFileError(_("The file has a header but no rows."))
    return count


def read_rows(content: bytes, kind: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line number, {column: text}) for every non-blank data row, or (line number, reason)
    for a row with more fields than the header has columns. Line 1 is the header; CSV line
    numbers are the file's own (a quoted field may span lines), XLSX's are the sheet's rows."""
    if kind == "xlsx":
        rows = _raw_rows(content, kind)
        header = [column.strip() for column in next(rows, [])]
        for line, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
                yield line, _("more cells than the header has columns")
                continue
            yield (
                line,
                {column: (row[i] if i < len(row) else "") for i, column in enumerate(header)},
            )
        return
    text = _csv_text(content)
    delimiter = _delimiter(text)
    handle = io.StringIO(text, newline="")
    first = handle.readline()
    header = [column.strip() for column in next(csv.reader([first], delimiter=delimiter), [])]
    try:
        yield from numbered_records(handle, header, delimiter)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None


def suggest(columns: list[str]) -> tuple[dict[str, str], str]:
    """A first mapping (field → column) and the AMLSim layout the header belongs to, if any."""
    layout = detect_layout(columns) or ""
    if layout:
        reference, source, target, amount, timestamp = LAYOUTS[layout]
        mapping = {"source": source, "target": target, "amount": amount, "timestamp": timestamp}
        if reference:
            mapping["reference"] = reference
        return mapping, layout
    lowered = {column.casefold(): column for column in columns}
    mapping = {}
    for field, names in _USUAL.items():
        for name in names:
            if name in lowered and lowered[name] not in mapping.values():
                mapping[field] = lowered[name]
                break
    return mapping, ""


def check_mapping(mapping: Mapping[str, str], columns: list[str]) -> dict[str, str]:
    """The mapping with empty choices dropped; refused if a required field is missing, a column
    is unknown, or one column feeds two fields."""
    clean = {field: column for field, column in mapping.items() if field in FIELDS and column}
    missing = [field for field in REQUIRED if field not in clean]
    if missing:
        raise ImportFileError(
            _("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    unknown = [column for column in clean.values() if column not in columns]
    if unknown:
        raise ImportFileError(_("The file has no column %(column)s.") % {"column": unknown[0]})
    if len(set(clean.values())) != len(clean):
        raise ImportFileError(_("One column cannot feed two fields."))
    return clean
