"""Undoing the tricks ads use to hide contacts from filters.

Digits written as words ("нула седум нула", "zero gjashtë nëntë", "null eins fünf"), letters
spaced out ("z e r o"), and mixtures ("070 два три 45 67"). Works on folded text (see
:mod:`fener.analytics.text.fold`) so that every spelling of a number word is caught; a run must
hold at least three digits or number words, so a lone "tre" or "ne" in a sentence stays a word.
"""

from __future__ import annotations

import re

from fener.analytics.text.aligned import AlignedText
from fener.analytics.text.fold import fold_plain

_NUMBER_WORDS = {
    0: "нула nula zero null zéro",
    1: "еден една едно jedan jedna jedno një uno eins one",
    2: "два две dva dve dy due zwei two",
    3: "три tri tre drei three",
    4: "четири četiri katër quattro vier four",
    5: "пет pet pesë cinque fünf five",
    6: "шест šest gjashtë sei sechs six",
    7: "седум sedam shtatë sette sieben seven",
    8: "осум osam tetë otto acht eight",
    9: "девет devet nëntë nove neun nine",
}
_DIGIT_OF = {
    fold_plain(word): str(digit) for digit, words in _NUMBER_WORDS.items() for word in words.split()
}
_WORD = "|".join(sorted((re.escape(word) for word in _DIGIT_OF), key=len, reverse=True))
_PLUS = r"(?:\bplus\b|\bплус\b|\bpiu\b)\s*"
_TOKEN = rf"(?:\b(?:{_WORD})\b|\d+)"
# A phone number has at most 15 digits: longer runs are cut, which also keeps this linear.
_RUN = re.compile(rf"(?:{_PLUS})?{_TOKEN}(?:[\s,.\-/]{{1,3}}{_TOKEN}){{2,24}}")
_WORD_IN_RUN = re.compile(rf"\b(?:{_WORD})\b")
# Letters spaced out one by one: "z e r o", "s e d u m". Only joined when the result is a
# number word or one of the e-mail words, so ordinary text is never glued together.
_SPACED = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_JOINABLE = set(_DIGIT_OF) | {"at", "dot", "gmail", "yahoo", "hotmail", "outlook"}


_DIGIT_WORDS = frozenset(_DIGIT_OF) | {"plus", "плус", "piu"}
_EVERYDAY_WORDS = frozenset({"ne", "one", "due", "sei", "tre", "tri", "pet", "plus", "piu", "null"})
# Three single letters with single spaces; written to start with the space (a literal, which
# the regular-expression engine scans for fast) and to check the letter before it afterwards.
_SPACED_HINT = re.compile(r" [a-z] [a-z]\b(?<=\b[a-z] [a-z] [a-z])")


def may_hide_digits(words: list[str], folded_text: str) -> bool:
    """Whether a text (given its folded words) may spell digits out: an unambiguous number word,
    three number words of any kind ("ne", "one", "tre" are everyday words too), or spaced-out
    letters."""
    found = _DIGIT_WORDS.intersection(words)  # in C: most ads have none
    if found and (not found <= _EVERYDAY_WORDS or sum(map(words.count, found)) >= 3):
        return True
    return bool(_SPACED_HINT.search(folded_text))


def digits_from_words(folded: AlignedText) -> AlignedText:
    """``folded`` with spelled-out digit runs turned into digits (alignment kept).

    >>> from fener.analytics.text.fold import fold
    >>> from fener.analytics.text.aligned import AlignedText
    >>> digits_from_words(fold(AlignedText.of("Јавете се: нула седум нула 123 456"))).text
    'javete se: 070123456'
    >>> digits_from_words(fold(AlignedText.of("Tel z e r o 6 9 eight"))).text
    'tel 0698'
    """
    joined = folded.sub(_SPACED, _join_spaced)
    return joined.sub(_RUN, _digits_in_run)


def _join_spaced(match: re.Match[str]) -> str:
    word = match.group(0).replace(" ", "")
    return word if word in _JOINABLE else match.group(0)


# Number words that are also everyday words (Albanian "në" folds to "ne" like "një"; "one of",
# "due to", "sei"): at either end of a run, next to digits rather than to another number word,
# they stay words.
_AMBIGUOUS = "ne|one|due|sei|tre|tri|pet"
_AMBIGUOUS_START = re.compile(rf"^(?:{_AMBIGUOUS})\s+(?=\d)")
_AMBIGUOUS_END = re.compile(rf"(?<=\d)[\s,.]+(?:{_AMBIGUOUS})$")


def _digits_in_run(match: re.Match[str]) -> str:
    text = match.group(0)
    leading = _AMBIGUOUS_START.match(text)
    kept = leading.group(0) if leading else ""
    trailing = _AMBIGUOUS_END.search(text)
    tail = trailing.group(0) if trailing else ""
    run = re.sub(_PLUS, "+", text[len(kept) : len(text) - len(tail)])
    run = _WORD_IN_RUN.sub(lambda word: _DIGIT_OF[word.group(0)], run)
    # Separate digits that were words are glued together: "0 7 0" → "070".
    glued = re.sub(r"(?<=\d)[ ,.\-/]{1,3}(?=\d)", "", run) if _single_digits(run) else run
    return kept + glued + tail


def _single_digits(run: str) -> bool:
    groups = re.findall(r"\d+", run)
    return sum(len(group) == 1 for group in groups) * 2 >= len(groups)
