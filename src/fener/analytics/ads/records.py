"""Reading ads from JSON Lines, line by line, with a clear reason for every line refused.

Bad input never stops a batch silently: each refused line is reported with its number and the
reason (broken JSON, no text, not UTF-8, too long), and every good line is still processed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from fener.analytics.ads.analysis import MAX_TEXT_CHARACTERS
from fener.analytics.ads.screening import Ad

MAX_LINE_BYTES = 1_000_000  # an ad is a few kilobytes; a megabyte is already absurd


@dataclass(frozen=True)
class RejectedLine:
    line: int
    reason: str

    def message(self) -> str:
        return f"line {self.line}: {self.reason}"


def parse_line(number: int, raw: bytes | int) -> Ad | RejectedLine | None:
    """One line of input as an :class:`Ad`, a :class:`RejectedLine`, or ``None`` if blank."""
    if isinstance(raw, int):
        return RejectedLine(number, f"longer than {MAX_LINE_BYTES:,} bytes ({raw:,})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return RejectedLine(
            number, f"not UTF-8 (byte 0x{raw[error.start]:02x} at position {error.start})"
        )
    if number == 1:
        text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the first line
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return RejectedLine(number, f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(record, dict):
        return RejectedLine(number, "not a JSON object")
    ad_id = record.get("id")
    if ad_id is None or isinstance(ad_id, (dict, list, bool)) or str(ad_id) == "":
        return RejectedLine(number, "missing 'id'")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        return RejectedLine(number, "missing or empty 'text'")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        return RejectedLine(number, "'text' holds an unpaired surrogate (\\ud800–\\udfff)")
    if len(body) > MAX_TEXT_CHARACTERS:
        return RejectedLine(
            number, f"'text' longer than {MAX_TEXT_CHARACTERS:,} characters ({len(body):,})"
        )
    optional = {}
    for key in ("lang", "channel", "posted_at", "url"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return RejectedLine(number, f"'{key}' must be a string")
        optional[key] = value
    if optional["lang"]:
        optional["lang"] = optional["lang"].strip().lower()
    return Ad(id=str(ad_id), text=body, **optional)


def read_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | int]]:
    """(line number, bytes) pairs. A line over the limit is skipped without being held in
    memory and stands as its length (an ``int``), to be refused with that reason."""
    number = 0
    while True:
        chunk = handle.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE_BYTES:
            size = len(chunk)
            while chunk and not chunk.endswith(b"\n"):
                chunk = handle.readline(MAX_LINE_BYTES + 1)
                size += len(chunk)
            yield number, size
            continue
        yield number, chunk.rstrip(b"\r\n")


def split_lines(content: bytes) -> Iterator[tuple[int, bytes | int]]:
    """The same (line number, bytes or length) pairs as :func:`read_lines`, from bytes in memory."""
    start = 0
    number = 0
    while start < len(content):
        end = content.find(b"\n", start)
        end = len(content) if end == -1 else end
        number += 1
        line = content[start:end]
        size = len(line) + (1 if end < len(content) else 0)  # what readline would return
        yield (number, size) if size > MAX_LINE_BYTES else (number, line.rstrip(b"\r"))
        start = end + 1


def read_ads(handle: BinaryIO) -> Iterator[Ad | RejectedLine]:
    for number, raw in read_lines(handle):
        parsed = parse_line(number, raw)
        if parsed is not None:
            yield parsed
