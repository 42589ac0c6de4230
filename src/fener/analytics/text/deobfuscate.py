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
_PLUS_WORD = re.compile(_PLUS)
_WORD_IN_RUN = re.compile(rf"\b(?:{_WORD})\b")
# Letters spaced out one by one: "z e r o", "s e d u m". Only joined when the result is a
# number word or one of the e-mail words, so ordinary text is never glued together.
_SPACED = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_JOINABLE = set(_DIGIT_OF) | {"at", "dot", "gmail", "yahoo", "hotmail", "outlook"}


_NUMBER_WORDS_FOLDED = frozenset(_DIGIT_OF)
# Three single letters with single spaces; written to start with the space (a literal, which
# the regular-expression engine scans for fast) and to check the letter before it afterwards.
_SPACED_HINT = re.compile(r" [a-z] [a-z]\b(?<=\b[a-z] [a-z] [a-z])")
_RUN_REACH = 4  # tokens from one number to the next in a run: up to 3 separators between


def may_hide_digits(words: list[str], folded_text: str) -> bool:
    """Whether a text (given its folded words, punctuation included) may spell digits out:
    spaced-out letters, or at least three numbers in a row (words or digits, a few separators
    apart) of which one is a number word. Whenever :func:`digits_from_words` can change a
    number, this is true; it is false for the everyday words among number words (Albanian
    "në", "in", folds like "një", "one") when no number stands near them."""
    if _SPACED_HINT.search(folded_text):
        return True
    for word in _NUMBER_WORDS_FOLDED.intersection(words):  # in C: most ads have none
        index = -1
        while True:
            try:
                index = words.index(word, index + 1)
            except ValueError:
                break
            if _in_run(words, index):
                return True
    return False


def _in_run(words: list[str], index: int) -> bool:
    """Whether the number word at ``index`` is one of three or more numbers in a row."""
    low = max(0, index - 2 * _RUN_REACH)
    window = words[low : index + 2 * _RUN_REACH + 1]
    positions = [
        position
        for position, word in enumerate(window)
        if word in _NUMBER_WORDS_FOLDED or word[0].isdigit() or word[-1].isdigit()
    ]
    chain_start = 0
    for end in range(1, len(positions) + 1):
        if end == len(positions) or positions[end] - positions[end - 1] > _RUN_REACH:
            chain = positions[chain_start:end]
            if len(chain) >= 3 and chain[0] <= index - low <= chain[-1]:
                return True
            chain_start = end
    return False


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
# "due to", "sei"): next to digits rather than to another number word, they stay words, at
# either end of a run and between two numbers ("9–16 në 02 2053 448": "at", not a digit).
_AMBIGUOUS = "ne|one|due|sei|tre|tri|pet"
_AMBIGUOUS_START = re.compile(rf"^(?:{_AMBIGUOUS})\s+(?=\d)")
_AMBIGUOUS_END = re.compile(rf"(?<=\d)[\s,.]+(?:{_AMBIGUOUS})$")
_AMBIGUOUS_BETWEEN = re.compile(rf"(?<=\d)([\s,.\-/]{{1,3}}(?:{_AMBIGUOUS})[\s,.\-/]{{1,3}})(?=\d)")
_GLUE = re.compile(r"(?<=\d)[ ,.\-/]{1,3}(?=\d)")
_DIGIT_GROUP = re.compile(r"\d+")


def _digits_in_run(match: re.Match[str]) -> str:
    text = match.group(0)
    leading = _AMBIGUOUS_START.match(text)
    kept = leading.group(0) if leading else ""
    trailing = _AMBIGUOUS_END.search(text)
    tail = trailing.group(0) if trailing else ""
    core = text[len(kept) : len(text) - len(tail)]
    # The split keeps the everyday words between numbers (odd pieces) as they are.
    pieces = _AMBIGUOUS_BETWEEN.split(core)
    converted = "".join(
        piece if position % 2 else _digits_of(piece) for position, piece in enumerate(pieces)
    )
    return kept + converted + tail


def _digits_of(run: str) -> str:
    run = _PLUS_WORD.sub("+", run)
    run = _WORD_IN_RUN.sub(lambda word: _DIGIT_OF[word.group(0)], run)
    # Separate digits that were words are glued together: "0 7 0" → "070".
    return _GLUE.sub("", run) if _single_digits(run) else run


def _single_digits(run: str) -> bool:
    groups = _DIGIT_GROUP.findall(run)
    return sum(len(group) == 1 for group in groups) * 2 >= len(groups)
