"""Text that remembers where each of its characters came from in the original."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AlignedText:
    """A transformed text with, for every character, the original span it came from.

    ``starts[i]`` and ``ends[i]`` delimit the original characters that produced character ``i``.
    ``starts`` is ``None`` while the text is still aligned one-to-one with the original (the
    common case, kept cheap).

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
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    @classmethod
    def of(cls, text: str) -> AlignedText:
        return cls(text, len(text))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]``."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            position = self.starts[start] if start < len(self.starts) else self.original_length
            return position, position
        return self.starts[start], self.ends[end - 1]

    def map_same_length(self, new_text: str) -> AlignedText:
        """The same alignment for a text of equal length (``str.translate`` with 1:1 maps)."""
        if len(new_text) != len(self.text):
            raise ValueError("map_same_length needs a text of the same length")
        return AlignedText(new_text, self.original_length, self.starts, self.ends)

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> AlignedText:
        """Replace every match of ``pattern``; replaced text maps to the whole original match."""
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        own_starts, own_ends = self._positions()
        cursor = 0
        changed = False
        for match in pattern.finditer(self.text):
            replacement = replace(match)
            if replacement == match.group(0):
                continue
            changed = True
            begin, finish = match.span()
            pieces.append(self.text[cursor:begin])
            starts.extend(own_starts[cursor:begin])
            ends.extend(own_ends[cursor:begin])
            if replacement:
                origin_start = (
                    own_starts[begin] if begin < len(own_starts) else self.original_length
                )
                origin_end = own_ends[finish - 1] if finish > begin else origin_start
                pieces.append(replacement)
                starts.extend([origin_start] * len(replacement))
                ends.extend([origin_end] * len(replacement))
            elif ends and finish > begin:
                # Removed characters (keycaps, joiners) belong to the character before them.
                ends[-1] = max(ends[-1], own_ends[finish - 1])
            cursor = finish
        if not changed:
            return self
        pieces.append(self.text[cursor:])
        starts.extend(own_starts[cursor:])
        ends.extend(own_ends[cursor:])
        return AlignedText("".join(pieces), self.original_length, tuple(starts), tuple(ends))

    def _positions(self) -> tuple[tuple[int, ...] | range, tuple[int, ...] | range]:
        if self.starts is None or self.ends is None:
            return range(len(self.text)), range(1, len(self.text) + 1)
        return self.starts, self.ends
