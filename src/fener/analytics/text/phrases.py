"""Finding many phrases at once in folded text, fast.

A regular expression with hundreds of alternatives tries every one at every position; this
matcher tokenises the text once and looks phrases up by their first word (or its prefix), so
the cost grows with the length of the text, not with the size of the lexicon.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from fener.analytics.text.fold import fold_plain

TOKEN = re.compile(r"\w+|[^\w\s]")
_SPLIT = re.compile(r"(\w+|[^\w\s])")
MIN_PREFIX = 3
_STEM = operator.itemgetter(slice(MIN_PREFIX))  # a word's first three characters, in C


Tokens = tuple[list[str], list[int], list[int]]


def tokenize(folded_text: str) -> Tokens:
    """Words and punctuation of ``folded_text`` with their start and end offsets."""
    # Split keeps the gaps between tokens, so offsets are running sums of the pieces' lengths:
    # all in C, and without a match object per token (thousands of short-lived objects that
    # would wake the garbage collector).
    pieces = _SPLIT.split(folded_text)
    bounds = list(itertools.accumulate(map(len, pieces)))
    return pieces[1::2], bounds[0:-1:2], bounds[1::2]


@dataclass(frozen=True, slots=True)
class _Phrase:
    label: str
    words: tuple[str, ...]
    open_ending: bool  # the last word may continue ("искуств*")


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    label: str
    start: int  # character offsets in the folded text
    end: int


class PhraseMatcher:
    """Phrases grouped by label; ``*`` at the end of a word accepts any ending of that word.

    >>> matcher = PhraseMatcher({"NO_EXPERIENCE": ["без искуств*", "no experience"]})
    >>> text = "plata dobra, bez iskustvo!"
    >>> [(m.label, text[m.start:m.end]) for m in matcher.find(text)]
    [('NO_EXPERIENCE', 'bez iskustvo')]
    """

    def __init__(self, phrases: dict[str, Iterable[str]]) -> None:
        self._exact: dict[str, list[_Phrase]] = defaultdict(list)  # one-word phrases
        self._pairs: dict[tuple[str, str], list[_Phrase]] = defaultdict(list)  # by first two words
        self._prefix: dict[str, list[_Phrase]] = defaultdict(list)
        for label, entries in phrases.items():
            for entry in entries:
                self._add(label, entry)
        # Open-ended single words, looked up by their first three letters.
        self._by_stem: dict[str, list[tuple[str, list[_Phrase]]]] = defaultdict(list)
        for prefix, prefixed in self._prefix.items():
            self._by_stem[prefix[:MIN_PREFIX]].append((prefix, prefixed))
        # Words that can start a match: most words of an ad start none, and a set intersection
        # (in C) finds the few that may before any Python-level work.
        self._starters = frozenset(self._exact) | {first for first, _ in self._pairs}
        self._stems = frozenset(self._by_stem)

    def _add(self, label: str, entry: str) -> None:
        words = [fold_plain(part) for part in entry.split("*")]
        if len(words) > 2 or (len(words) == 2 and words[1]):
            raise ValueError(f"'*' may only end a phrase: {entry!r}")
        open_ending = len(words) == 2
        tokens = tuple(TOKEN.findall(words[0]))
        if not tokens:
            raise ValueError(f"empty phrase: {entry!r}")
        phrase = _Phrase(label, tokens, open_ending)
        if open_ending and len(tokens) == 1:
            if len(tokens[0]) < MIN_PREFIX:
                raise ValueError(f"prefix too short to be useful: {entry!r}")
            self._prefix[tokens[0]].append(phrase)
        elif len(tokens) == 1:
            self._exact[tokens[0]].append(phrase)
        elif len(tokens) == 2 and open_ending:
            # "без искуств*": the second word is a prefix, so index by the first word only.
            self._exact[tokens[0]].append(phrase)
        else:
            self._pairs[(tokens[0], tokens[1])].append(phrase)

    def find(self, folded_text: str, tokens: Tokens | None = None) -> list[PhraseMatch]:
        """Every phrase occurrence (overlaps allowed), in text order.

        ``tokens`` (from :func:`tokenize`) saves tokenising the same text again.
        """
        words, starts, ends = tokens or tokenize(folded_text)
        found: list[PhraseMatch] = []
        last = len(words) - 1
        # The positions of words that may start a match, found with C-level map and compress
        # (a Python loop over every word of every ad costs more than all the matching).
        prefixes = list(map(_STEM, words))
        positions = sorted(
            {
                *itertools.compress(range(len(words)), map(self._starters.__contains__, words)),
                *itertools.compress(range(len(words)), map(self._stems.__contains__, prefixes)),
            }
        )
        for index in positions:
            word = words[index]
            candidates = self._exact.get(word, [])
            if index < last:
                pair = self._pairs.get((word, words[index + 1]))
                if pair:
                    candidates = [*candidates, *pair]
            for phrase in candidates:
                end = self._match_rest(phrase, words, index)
                if end is not None:
                    found.append(PhraseMatch(phrase.label, starts[index], ends[end]))
            for prefix, entries in self._by_stem.get(prefixes[index], ()):
                if word.startswith(prefix):
                    for phrase in entries:
                        found.append(PhraseMatch(phrase.label, starts[index], ends[index]))
        return found

    @staticmethod
    def _match_rest(phrase: _Phrase, words: list[str], index: int) -> int | None:
        last = len(phrase.words) - 1
        if index + last >= len(words):
            return None
        for offset in range(1, last + 1):
            expected, actual = phrase.words[offset], words[index + offset]
            if offset == last and phrase.open_ending:
                if not actual.startswith(expected):
                    return None
            elif actual != expected:
                return None
        if last == 0 and phrase.open_ending and not words[index].startswith(phrase.words[0]):
            return None
        return index + last
