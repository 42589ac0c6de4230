"""Unicode clean-up that keeps a map back to the original text.

What ads do to text: invisible characters, "fancy font" letters from the mathematical alphabet
(𝐁𝐚𝐫𝐚𝐦𝐞), full-width forms, emoji and circled digits (0️⃣7️⃣0️⃣, ①, ➐), decomposed accents
(e + combining diaeresis), typographic quotes, dashes and spaces. :func:`normalize` turns all of
that into plain composed text of the same meaning.
"""

from __future__ import annotations

import re
import unicodedata

from fener.analytics.text.aligned import AlignedText

# Invisible or decorative code points: zero-width spaces and joiners, BOM, soft hyphen,
# variation selectors and the combining keycap (0️⃣ is "0" + U+FE0F + U+20E3).
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\ufe0e\ufe0f\u20e3]+")
# Letters and digits that NFKC maps to ASCII: full-width forms and mathematical alphanumerics.
_COMPATIBILITY = re.compile("[\uff01-\uff5e\U0001d400-\U0001d7ff]")
_COMBINING = re.compile("[^\\W\\d_][\u0300-\u036f]+")
_KEYCAP_TEN = re.compile("\U0001f51f")  # 🔟

_ONE_TO_ONE: dict[int, str] = {}
for offset in range(10):
    _ONE_TO_ONE[0x2080 + offset] = str(offset)  # subscript digits
for offset in range(1, 10):
    _ONE_TO_ONE[0x2460 + offset - 1] = str(offset)  # ① … ⑨
    _ONE_TO_ONE[0x2776 + offset - 1] = str(offset)  # ❶ … ❾
    _ONE_TO_ONE[0x2780 + offset - 1] = str(offset)  # ➀ … ➈
    _ONE_TO_ONE[0x278A + offset - 1] = str(offset)  # ➊ … ➒
_ONE_TO_ONE.update({0x24EA: "0", 0x24FF: "0", 0x2070: "0", 0x00B9: "1", 0x00B2: "2", 0x00B3: "3"})
for offset in range(4, 10):
    _ONE_TO_ONE[0x2070 + offset] = str(offset)  # superscript ⁴ … ⁹
for code_point in (0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x00B4, 0x0060):
    _ONE_TO_ONE[code_point] = "'"
for code_point in (0x201C, 0x201D, 0x201E, 0x201F, 0x00AB, 0x00BB, 0x2033):
    _ONE_TO_ONE[code_point] = '"'
for code_point in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212):
    _ONE_TO_ONE[code_point] = "-"
for code_point in (
    0x00A0,
    0x2002,
    0x2003,
    0x2004,
    0x2005,
    0x2006,
    0x2007,
    0x2008,
    0x2009,
    0x200A,
    0x202F,
    0x205F,
    0x3000,
):
    _ONE_TO_ONE[code_point] = " "
_ONE_TO_ONE[0x2024] = "."
_ONE_TO_ONE[0xFF0E] = "."
# str.translate reads a list indexed by code point much faster than a dict; code points past
# its end raise IndexError, which translate reads as "unchanged". The two mapped code points
# beyond it (ideographic space, full-width full stop) are replaced separately.
_TABLE_END = 0x2800
_TRANSLATION: list[int | str] = list(range(_TABLE_END))
_BEYOND_TABLE: dict[str, str] = {}
for _code, _replacement in _ONE_TO_ONE.items():
    if _code < _TABLE_END:
        _TRANSLATION[_code] = _replacement
    else:
        _BEYOND_TABLE[chr(_code)] = _replacement
_TRANSLATABLE = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(_ONE_TO_ONE)) + "]"
)
_NEEDS_WORK = re.compile(
    "[\u200b-\u200f\u2060\ufeff\u00ad\ufe0e\ufe0f\u20e3\uff01-\uff5e\U0001d400-\U0001d7ff"
    "\u0300-\u036f\U0001f51f]"
)


def normalize(text: str) -> AlignedText:
    """Clean ``text`` for analysis, remembering the original position of every character.

    Examples
    --------
    >>> normalize("Плата 1️⃣5️⃣0️⃣0️⃣ €").text
    'Плата 1500 €'
    >>> normalize("𝐁𝐚𝐫𝐚𝐦𝐞 – 𝐩𝐥𝐚𝐭𝐚").text
    'Barame - plata'
    """
    # str.translate walks every character; most ads have nothing it would change.
    translated = text
    if _TRANSLATABLE.search(text):
        translated = text.translate(_TRANSLATION)
        for character, replacement in _BEYOND_TABLE.items():
            if character in translated:
                translated = translated.replace(character, replacement)
    aligned = AlignedText.of(text).map_same_length(translated)
    if not _NEEDS_WORK.search(aligned.text):
        return aligned
    aligned = aligned.sub(_INVISIBLE, lambda match: "")
    aligned = aligned.sub(_KEYCAP_TEN, lambda match: "10")
    aligned = aligned.sub(
        _COMPATIBILITY, lambda match: unicodedata.normalize("NFKC", match.group(0))
    )
    return aligned.sub(_COMBINING, lambda match: unicodedata.normalize("NFC", match.group(0)))
