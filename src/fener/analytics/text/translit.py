"""Macedonian and Serbian transliteration between Cyrillic and Latin.

``cyrillic_to_latin`` follows the official romanisations (Macedonian: ѓ → ǵ, ќ → ḱ, ѕ → dz;
Serbian: ђ → đ, ћ → ć). ``latin_to_cyrillic`` also reads the ad-hoc spellings people type for
Macedonian (gj, kj, zh, ch, sh, dzh, and g'/k'), which is what language detection needs.
"""

from __future__ import annotations

import re

_CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "ѓ": "ǵ",
    "ђ": "đ",
    "е": "e",
    "ж": "ž",
    "з": "z",
    "ѕ": "dz",
    "и": "i",
    "ј": "j",
    "к": "k",
    "л": "l",
    "љ": "lj",
    "м": "m",
    "н": "n",
    "њ": "nj",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "ќ": "ḱ",
    "ћ": "ć",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "č",
    "џ": "dž",
    "ш": "š",
}
_CYRILLIC_TO_LATIN.update(
    {key.upper(): value[0].upper() + value[1:] for key, value in _CYRILLIC_TO_LATIN.items()}
)
_TO_LATIN = str.maketrans(_CYRILLIC_TO_LATIN)

_LATIN_TO_CYRILLIC_COMMON = [
    ("dzh", "џ"),
    ("dž", "џ"),
    ("lj", "љ"),
    ("nj", "њ"),
    ("zh", "ж"),
    ("ž", "ж"),
    ("ch", "ч"),
    ("č", "ч"),
    ("sh", "ш"),
    ("š", "ш"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("j", "ј"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "ц"),
    ("w", "в"),
    ("y", "ј"),
    ("q", "к"),
    ("x", "кс"),
]
_LATIN_TO_CYRILLIC = {
    "mk": [
        ("gj", "ѓ"),
        ("g'", "ѓ"),
        ("ǵ", "ѓ"),
        ("đ", "ѓ"),
        ("kj", "ќ"),
        ("k'", "ќ"),
        ("ḱ", "ќ"),
        ("ć", "ќ"),
        ("dz", "ѕ"),
        *_LATIN_TO_CYRILLIC_COMMON,
    ],
    "sr": [("dj", "ђ"), ("đ", "ђ"), ("ć", "ћ"), *_LATIN_TO_CYRILLIC_COMMON],
}
_PATTERNS = {
    language: (
        re.compile(
            "|".join(re.escape(latin) for latin, _ in sorted(pairs, key=lambda p: -len(p[0]))),
            re.IGNORECASE,
        ),
        dict(pairs),
    )
    for language, pairs in _LATIN_TO_CYRILLIC.items()
}


def cyrillic_to_latin(text: str) -> str:
    """Macedonian or Serbian Cyrillic in Latin letters.

    >>> cyrillic_to_latin("Ѓорче Петров, Ќерка, Ђорђе, Џамија")
    'Ǵorče Petrov, Ḱerka, Đorđe, Džamija'
    """
    return text.translate(_TO_LATIN)


def latin_to_cyrillic(text: str, language: str = "mk") -> str:
    """Latin (official or ad-hoc) spelling back in Cyrillic, for ``mk`` or ``sr``.

    >>> latin_to_cyrillic("Barame rabotnici za Germanija, smeshtuvanje i hrana")
    'Бараме работници за Германија, смештување и храна'
    """
    pattern, table = _PATTERNS[language]

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        # Case-insensitive matching also catches letters whose lower case is not plain ASCII
        # ("İ", "ſ"): those are kept as they are.
        cyrillic = table.get(found.lower())
        if cyrillic is None:
            return found
        return cyrillic.upper() if found[0].isupper() else cyrillic

    return pattern.sub(replace, text)
