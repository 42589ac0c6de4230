"""Text that remembers where each of its characters came from in the original."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

# One piece of the alignment: characters from ``begin`` (in the transformed text) up to the
# next piece's ``begin``, coming from original characters ``origin_start:origin_end``. In a
# one-to-one piece character ``begin + k`` comes from original character ``origin_start + k``;
# in a many-to-one piece every character comes from the whole span (a replacement).
_Piece = tuple[int, int, int, bool]  # begin, origin_start, origin_end, one_to_one


@dataclass(frozen=True, slots=True)
class AlignedText:
    """A transformed text with, for every character, the original span it came from.

    The alignment is kept as pieces (runs copied one-to-one, and replacements) rather than a
    pair of numbers per character: a transformation then costs in proportion to what it
    changes, not to the length of the text. ``pieces`` is ``None`` while the text is still
    aligned one-to-one with the original (the common case, kept cheap).

    Examples
    --------
    >>> text = AlignedText.of("Tel: 070 123")
    >>> changed = text.sub(re.compile(r"Tel: "), lambda m: "")
    >>> changed.text
    '070 123'
    >>> changed.original_span(0, 3)
    (5, 8)
    """

    text: str
    original_length: int
    pieces: tuple[_Piece, ...] | None = None
    _begins: tuple[int, ...] | None = None

    @classmethod
    def of(cls, text: str) -> AlignedText:
        return cls(text, len(text))

    def _origin(self, position: int) -> tuple[int, int]:
        """The original span of character ``position`` (which must exist)."""
        if self.pieces is None or self._begins is None:
            return position, position + 1
        piece = self.pieces[bisect.bisect_right(self._begins, position) - 1]
        begin, origin_start, origin_end, one_to_one = piece
        if one_to_one:
            origin = origin_start + position - begin
            return origin, origin + 1
        return origin_start, origin_end

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]``."""
        if self.pieces is None:
            return (start, end) if end >= start else (start, start)
        if end <= start:
            position = self._origin(start)[0] if start < len(self.text) else self.original_length
            return position, position
        return self._origin(start)[0], self._origin(end - 1)[1]

    def map_same_length(self, new_text: str) -> AlignedText:
        """The same alignment for a text of equal length (``str.translate`` with 1:1 maps)."""
        if len(new_text) != len(self.text):
            raise ValueError("map_same_length needs a text of the same length")
        return AlignedText(new_text, self.original_length, self.pieces, self._begins)

    def _own_pieces(self) -> tuple[_Piece, ...]:
        if self.pieces is None:
            return ((0, 0, len(self.text), True),) if self.text else ()
        return self.pieces

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> AlignedText:
        """Replace every match of ``pattern``; replaced text maps to the whole original match."""
        builder = _Builder(self)
        cursor = 0
        pieces: list[str] = []
        for match in pattern.finditer(self.text):
            replacement = replace(match)
            if replacement == match.group(0):
                continue
            begin, finish = match.span()
            pieces.append(self.text[cursor:begin])
            builder.copy(cursor, begin)
            if replacement:
                origin_start = (
                    self._origin(begin)[0] if begin < len(self.text) else self.original_length
                )
                origin_end = self._origin(finish - 1)[1] if finish > begin else origin_start
                pieces.append(replacement)
                builder.add(len(replacement), origin_start, origin_end, one_to_one=False)
            elif finish > begin:
                # Removed characters (keycaps, joiners) belong to the character before them.
                builder.extend_last(self._origin(finish - 1)[1])
            cursor = finish
        if not pieces:
            return self
        pieces.append(self.text[cursor:])
        builder.copy(cursor, len(self.text))
        return builder.build("".join(pieces))


class _Builder:
    """Pieces of a new alignment, made of runs of an old one and of replacements."""

    def __init__(self, source: AlignedText) -> None:
        self.source = source
        self.source_pieces = source._own_pieces()
        self.source_begins = [piece[0] for piece in self.source_pieces]
        # The new pieces, as parallel lists (the last piece is changed in place).
        self.begins: list[int] = []
        self.origin_starts: list[int] = []
        self.origin_ends: list[int] = []
        self.one_to_one: list[bool] = []
        self.length = 0

    def add(self, length: int, origin_start: int, origin_end: int, *, one_to_one: bool) -> None:
        if length <= 0:
            return
        if self.begins:
            if one_to_one and self.one_to_one[-1] and self.origin_ends[-1] == origin_start:
                self.origin_ends[-1] = origin_end  # continues a one-to-one run
                self.length += length
                return
            if (
                not one_to_one
                and not self.one_to_one[-1]
                and (self.origin_starts[-1], self.origin_ends[-1]) == (origin_start, origin_end)
            ):
                self.length += length
                return
        self._append(self.length, origin_start, origin_end, one_to_one)
        self.length += length

    def _append(self, begin: int, origin_start: int, origin_end: int, one_to_one: bool) -> None:
        self.begins.append(begin)
        self.origin_starts.append(origin_start)
        self.origin_ends.append(origin_end)
        self.one_to_one.append(one_to_one)

    def copy(self, start: int, end: int) -> None:
        """Append the alignment of the source's characters ``start:end``."""
        if end <= start:
            return
        if self.source.pieces is None:  # still one-to-one with the original
            self.add(end - start, start, end, one_to_one=True)
            return
        pieces = self.source_pieces
        index = bisect.bisect_right(self.source_begins, start) - 1
        while index < len(pieces) and pieces[index][0] < end:
            begin, origin_start, origin_end, one_to_one = pieces[index]
            piece_end = pieces[index + 1][0] if index + 1 < len(pieces) else len(self.source.text)
            low, high = max(begin, start), min(piece_end, end)
            if low < high:
                if one_to_one:
                    first = origin_start + low - begin
                    self.add(high - low, first, first + high - low, one_to_one=True)
                else:
                    self.add(high - low, origin_start, origin_end, one_to_one=False)
            index += 1

    def extend_last(self, origin_end: int) -> None:
        """Make the last character's original span reach ``origin_end`` (if there is one)."""
        if not self.begins:
            return
        end = self.origin_ends[-1]
        new_end = max(end, origin_end)
        if new_end == end:
            return
        one_to_one = self.one_to_one[-1]
        char_start = end - 1 if one_to_one else self.origin_starts[-1]
        if self.length - 1 > self.begins[-1]:
            # The piece has more characters: split the last one off, then widen it alone.
            if one_to_one:
                self.origin_ends[-1] = end - 1
            self._append(self.length - 1, char_start, new_end, False)
        else:
            self.origin_starts[-1], self.origin_ends[-1] = char_start, new_end
            self.one_to_one[-1] = False

    def build(self, text: str) -> AlignedText:
        original_length = self.source.original_length
        pieces = tuple(
            zip(self.begins, self.origin_starts, self.origin_ends, self.one_to_one, strict=True)
        )
        if pieces == ((0, 0, len(text), True),) and len(text) == original_length:
            return AlignedText(text, original_length)
        return AlignedText(text, original_length, pieces, tuple(self.begins))
