"""Folding text to a matching skeleton: one spelling for every way people write a word.

``плата``, ``plata`` and ``PLATA`` fold to ``plata``; ``смештување``, ``smeštuvanje`` and
``smeshtuvanje`` to ``smestuvanje``; Albanian ``përvojë`` and ``pervoje`` to ``pervoje``. The
skeleton is only for matching (it merges sounds on purpose); evidence is always reported as a
span of the original text, through the alignment kept by :class:`AlignedText`.
"""

from __future__ import annotations

import re

from fener.analytics.text.aligned import AlignedText

_SINGLE = {
    # Macedonian, Serbian, Bulgarian Cyrillic (lower case: text is lower-cased first).
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "ѓ": "g",
    "ђ": "g",
    "е": "e",
    "ж": "z",
    "з": "z",
    "ѕ": "z",
    "и": "i",
    "ј": "j",
    "к": "k",
    "л": "l",
    "љ": "l",
    "м": "m",
    "н": "n",
    "њ": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "ќ": "k",
    "ћ": "c",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "c",
    "џ": "z",
    "ш": "s",
    "щ": "s",
    "ъ": "a",
    "ь": "j",
    "ю": "u",
    "я": "a",
    "й": "j",
    "ё": "e",
    "ы": "i",
    "э": "e",
    "ѐ": "e",
    "ѝ": "i",
    # Latin letters with diacritics used in the region and in destination countries.
    "č": "c",
    "ć": "c",
    "ç": "c",
    "š": "s",
    "ş": "s",
    "ž": "z",
    "đ": "g",
    "ǵ": "g",
    "ḱ": "k",
    "ë": "e",
    "é": "e",
    "è": "e",
    "ê": "e",
    "á": "a",
    "à": "a",
    "â": "a",
    "ä": "a",
    "ã": "a",
    "í": "i",
    "ì": "i",
    "î": "i",
    "ï": "i",
    "ı": "i",
    "ó": "o",
    "ò": "o",
    "ô": "o",
    "ö": "o",
    "õ": "o",
    "ú": "u",
    "ù": "u",
    "û": "u",
    "ü": "u",
    "ğ": "g",
    "ñ": "n",
    "ß": "s",
    "ý": "y",
}
# A list indexed by code point: str.translate looks a list up far faster than a dict (code
# points past its end raise IndexError, which translate reads as "leave unchanged").
_TRANSLATION: list[str] = [chr(code) for code in range(0x2000)]
for _letter, _base in _SINGLE.items():
    _TRANSLATION[ord(_letter)] = _base
# Ad-hoc digraphs for the sounds above (Macedonian typed in Latin letters, Albanian, Serbian).
_DIGRAPHS = {
    "dzh": "z",
    "dz": "z",
    "zh": "z",
    "ch": "c",
    "sh": "s",
    "kj": "k",
    "gj": "g",
    "dj": "g",
    "xh": "z",
    "k'": "k",
    "g'": "g",
    "lj": "l",
    "nj": "n",
}
_COMBINING_MARK = re.compile("[\u0300-\u036f]+")
_DIGRAPH_PATTERN = re.compile("dzh|" + "|".join(d for d in _DIGRAPHS if d != "dzh"))


def fold(aligned: AlignedText) -> AlignedText:
    """The matching skeleton of ``aligned`` (lower case, Latin base letters, digraphs merged).

    >>> fold(AlignedText.of("Смештување и ХРАНА")).text
    'smestuvane i hrana'
    >>> fold(AlignedText.of("Smeshtuvanje i hrana")).text
    'smestuvane i hrana'
    """
    lowered = aligned.text.lower()
    if len(lowered) == len(aligned.text):
        current = aligned.map_same_length(lowered.translate(_TRANSLATION))
    else:  # a few characters (such as İ) grow when lower-cased: go one by one
        current = aligned.sub(re.compile(r"[\s\S]"), lambda m: m.group(0).lower()[:1])
        current = current.map_same_length(current.text.translate(_TRANSLATION))
    if _COMBINING_MARK.search(current.text):  # stress marks on Cyrillic vowels ("Пла́та")
        current = current.sub(_COMBINING_MARK, lambda match: "")
    return current.sub(_DIGRAPH_PATTERN, lambda match: _DIGRAPHS[match.group(0)])


def fold_plain(text: str) -> str:
    """The skeleton of a plain string (for lexicon entries, which need no alignment)."""
    return fold(AlignedText.of(text)).text
