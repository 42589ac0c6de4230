"""Script and language of a short text, for the languages of the region and of destinations.

The detector (lingua) is restricted to the ten languages Fener meets: Macedonian, Albanian,
Serbian, English, German, Italian, Bulgarian, Croatian, Bosnian and Turkish; its models are
trained on Macedonian and Serbian in Cyrillic, so Latin-script South Slavic text is also
transliterated to Cyrillic and scored again, which separates Macedonian typed in Latin letters
from Serbian, Croatian and Bosnian.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fener.analytics.text.translit import latin_to_cyrillic

LANGUAGES = ("mk", "sq", "sr", "en", "de", "it", "bg", "hr", "bs", "tr")
# Enough for a confident guess (measured on the dev set); keeps long ads as fast as short ones.
SAMPLE_CHARACTERS = 250

# UTF-8 lead bytes of Cyrillic (U+0400–U+04FF) and of Latin letters beyond ASCII
# (U+00C0–U+024F, U+1E00–U+1EFF).
_CYRILLIC_LEADS = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")
_LATIN_LEADS = (
    b"\xc3",
    b"\xc4",
    b"\xc5",
    b"\xc6",
    b"\xc7",
    b"\xc8",
    b"\xc9",
    b"\xe1\xb8",
    b"\xe1\xb9",
    b"\xe1\xba",
    b"\xe1\xbb",
)
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MACEDONIAN_LETTERS = re.compile("[ѓќѕЃЌЅ]")
_SERBIAN_LETTERS = re.compile("[ђћЂЋ]")
_BULGARIAN_LETTERS = re.compile("[ъщьюяйЪЩЬЮЯЙ]")
# Ijekavian spellings mark Croatian or Bosnian rather than (ekavian) Serbian.
_IJEKAVIAN = re.compile(
    r"\b(?:njema\w*|mjese\w*|vrijem\w*|rije\w*|dje\w+|lijep\w*|mjest\w*|tjed\w*|tko|gdje|"
    r"bijel\w*|cijen\w*|uvjet\w*|posao\s+u\s+njema\w*)\b",
    re.IGNORECASE,
)
_SOUTH_SLAVIC_LATIN = {"hr", "bs", "sr", "mk"}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """ISO 639-1 language (or ``None`` when unsure), ISO 15924 script, and confidence 0–1."""

    language: str | None
    script: str
    confidence: float


def detect_script(text: str) -> str:
    """``Cyrl``, ``Latn`` or ``Zyyy`` (no letters) by the majority of letters.

    >>> detect_script("Барам работници"), detect_script("Barame rabotnici"), detect_script("070")
    ('Cyrl', 'Latn', 'Zyyy')
    """
    # Counted on the UTF-8 bytes, where every letter of a block starts with known lead bytes
    # (lead bytes never occur inside another character): far faster than a pattern.
    data = text.encode("utf-8", "surrogatepass")
    cyrillic = sum(map(data.count, _CYRILLIC_LEADS))
    latin = len(data) - len(data.translate(None, _ASCII_LETTERS))
    latin += sum(map(data.count, _LATIN_LEADS))
    if cyrillic == latin == 0:
        return "Zyyy"
    return "Cyrl" if cyrillic > latin else "Latn"


@lru_cache(maxsize=1)
def _detectors() -> dict[str, Any]:
    from lingua import Language, LanguageDetectorBuilder

    def build(*languages: Any) -> Any:
        return (
            LanguageDetectorBuilder.from_languages(*languages)
            .with_preloaded_language_models()
            .build()
        )

    return {
        "latin": build(
            Language.ALBANIAN,
            Language.ENGLISH,
            Language.GERMAN,
            Language.ITALIAN,
            Language.CROATIAN,
            Language.BOSNIAN,
            Language.TURKISH,
        ),
        "cyrillic": build(Language.MACEDONIAN, Language.SERBIAN, Language.BULGARIAN),
    }


def _best(detector: Any, text: str) -> tuple[str | None, float]:
    values = detector.compute_language_confidence_values(text)
    if not values:
        return None, 0.0
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)


# Everyday words that give a language away. When one language clearly wins on these, the
# statistical detector is not needed (it is the slowest step of screening).
_MARKERS = {
    "sq": "dhe per ne në me te të nga pune punë eshte është jemi kerkojme kërkojmë rroga paga "
    "shume shumë dite ditë muaj vetem vetëm ju juaj se qe që nje një nuk ose tek kerkohen kërkohen "
    "kerkohet kërkohet punes punës punetore punëtorë punetor punëtor jane janë kemi keni duhet "
    "pervoje përvojë eksperience sigurim akomodim ushqim muaji jave javë mund ofrojme ofrojmë "
    "kushte vitet vjec vjeç",
    "en": "the and for with you we are our of to is will your this that have from be as an "
    "work job apply hires hiring hours week month year salary experience company contract "
    "required must who only paid pay full time part under new team good free call now",
    "de": "und der die das den dem des für fur mit wir sie ist ein eine einen nicht auf bei ihre "
    "sind werden auch zu im oder als nach von sich wird arbeit stelle lohn unterkunft gesucht "
    "sucht suchen aus zum zur am ab bis nur keine kein stunde stunden monat woche brutto uns "
    "unser unsere jetzt sofort arbeiten mitarbeiter wohnung erfahrung",
    "it": "il la le lo gli per con che di del della dei delle non sono siamo una lavoro anche "
    "alla nel nella ai al dal offriamo cerchiamo contratto cerca cercasi mese settimana giorno "
    "esperienza senza anni azienda alloggio vitto presso tempo pieno orario retribuzione "
    "stipendio titolare",
    # Macedonian and Serbian: only words the other language does not use.
    "mk": "во со ќе ги го ние вие јавете бараме барам работници сместување искуство ден денари "
    "работа договор години вработува вработување можност нашата нашиот кои "
    "vo so kje ke gi go nie vie javete barame baram rabotnici smestuvanje iskustvo "
    "smeshtuvanje denari rabotata platata rabota dogovor godini vrabotuva vrabotuvanje "
    "germanija avstrija mnogu zemja zemji deka shto koi pomoshni pomosni gradilishta "
    "gradilista sme ste германија австрија многу земја земји дека што помошни градилишта "
    "сме сте објавува огласот клиниката",
    "sr": "у је са ће који која које посао радник радници јавите потребни тражимо смештај "
    "искуства динара уговор године рад могућност где "
    "u je sa ce će koji koja koje posao radnik radnici javite potrebni tražimo trazimo "
    "smeštaj smestaj iskustva dinara nemačkoj nemackoj ugovor godine rad mogućnost gde "
    "su dan sat sati nemačka nemacka austrija mnogo zaposljava zapošljava konobare konobari "
    "kuvare kuvari radno radnika posla radu су дан сат сати немачка немачкој аустрија много "
    "запошљава запошљавање конобаре конобари куваре кувари радно радника посла раду",
}
_MARKER_LANGUAGE: dict[str, list[str]] = {}
for _language, _words in _MARKERS.items():
    for _word in _words.split():
        _MARKER_LANGUAGE.setdefault(_word, []).append(_language)
_WORDS = re.compile(r"[^\W\d_]+")
_ALBANIAN_LETTERS = re.compile("[ëË]")


def _quick_guess(sample: str) -> str | None:
    """A language decided by letters or marker words alone, or None when it is not clear."""
    if _ALBANIAN_LETTERS.search(sample):
        return "sq"
    counts: dict[str, int] = {}
    words = _WORDS.findall(sample.lower())[:80]
    for word in filter(_MARKER_LANGUAGE.__contains__, words):  # the filter runs in C
        for language in _MARKER_LANGUAGE[word]:
            counts[language] = counts.get(language, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    best, hits = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if hits < 3 or hits < 2.5 * runner_up:
        return None
    return best


def detect_language(text: str) -> LanguageGuess:
    """The language and script of ``text``.

    >>> detect_language("Барам работници за Германија, плата 1800 евра").language
    'mk'
    >>> detect_language("Barame rabotnici za Germanija, plata 1800 evra, smestuvanje").language
    'mk'
    >>> detect_language("Kërkojmë punëtorë për Gjermani, rroga 2000 euro").language
    'sq'
    """
    sample = text[:SAMPLE_CHARACTERS]
    script = detect_script(sample)
    if script == "Zyyy":
        return LanguageGuess(None, script, 0.0)
    detectors = _detectors()
    if script == "Cyrl":
        quick = _quick_guess(sample)
        if quick in {"mk", "sr"}:
            return LanguageGuess(quick, script, 0.9)
        if _MACEDONIAN_LETTERS.search(sample):
            return LanguageGuess("mk", script, 1.0)
        if _SERBIAN_LETTERS.search(sample):
            return LanguageGuess("sr", script, 1.0)
        if _BULGARIAN_LETTERS.search(sample):
            return LanguageGuess("bg", script, 1.0)
        language, confidence = _best(detectors["cyrillic"], sample)
        return LanguageGuess(language, script, confidence)
    quick = _quick_guess(sample)
    if quick is not None and not (quick == "sr" and _IJEKAVIAN.search(sample)):
        return LanguageGuess(quick, script, 0.9)
    language, confidence = _best(detectors["latin"], sample)
    if language not in _SOUTH_SLAVIC_LATIN and confidence >= 0.5:
        return LanguageGuess(language, script, confidence)
    # South Slavic in Latin letters (or an unsure guess): read it back in Cyrillic, once with
    # Macedonian and once with Serbian spelling rules, and keep the reading that fits better.
    macedonian = _confidence_of(detectors["cyrillic"], latin_to_cyrillic(sample, "mk"), "mk")
    serbian = _confidence_of(detectors["cyrillic"], latin_to_cyrillic(sample, "sr"), "sr")
    if macedonian >= serbian and macedonian >= 0.5:
        return LanguageGuess("mk", script, macedonian)
    if language in {"hr", "bs"} and _IJEKAVIAN.search(sample):
        return LanguageGuess(language, script, confidence)
    if serbian >= 0.4 and language in _SOUTH_SLAVIC_LATIN | {None}:
        return LanguageGuess("sr", script, serbian)
    return LanguageGuess(language, script, confidence)


def _confidence_of(detector: Any, text: str, language: str) -> float:
    from lingua import IsoCode639_1

    code = getattr(IsoCode639_1, language.upper())
    for value in detector.compute_language_confidence_values(text):
        if value.language.iso_code_639_1 == code:
            return float(value.value)
    return 0.0
