"""One ad read once: normalised, folded, its language, entities and indicators.

Everything here is deterministic and needs no model, so that the in-process and Spark engines
give the same answers and the risk model can be trained on exactly what screening sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from fener.analytics.ads.amounts import extract_amounts
from fener.analytics.ads.entities import (
    Email,
    Entities,
    Handle,
    Span,
    Url,
    extract_contacts,
    extract_phones,
    phone_regions,
)
from fener.analytics.ads.indicators import (
    Indicator,
    IndicatorSettings,
    destination_country,
    find_indicators,
    home_country,
    phrase_matches,
)
from fener.analytics.text.aligned import AlignedText
from fener.analytics.text.fold import fold
from fener.analytics.text.language import LANGUAGES, LanguageGuess, detect_language, detect_script
from fener.analytics.text.normalize import normalize
from fener.analytics.text.phrases import tokenize

# An ad is a few hundred characters, a long one a few thousand. Longer texts are refused, never
# cut: evidence past a cut would be lost without a word. Every reader uses this one limit.
MAX_TEXT_CHARACTERS = 20_000


class TextTooLong(ValueError):
    """The text is longer than :data:`MAX_TEXT_CHARACTERS`."""

    def __init__(self, length: int) -> None:
        super().__init__(
            f"text longer than {MAX_TEXT_CHARACTERS:,} characters ({length:,}); "
            "an ad this long is not an ad: split it or check the input"
        )
        self.length = length


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the rules find in one ad, before any scoring."""

    text: str
    folded: AlignedText
    language: LanguageGuess
    entities: Entities
    indicators: tuple[Indicator, ...]


def analyse(
    text: str,
    language_hint: str | None = None,
    settings: IndicatorSettings | None = None,
) -> Analysis:
    """Normalise ``text`` and find its language, entities and indicators.

    ``language_hint`` (an ISO 639-1 code given with the ad) is trusted when it is one of
    :data:`~fener.analytics.text.language.LANGUAGES`; otherwise the language is detected.
    A text longer than :data:`MAX_TEXT_CHARACTERS` raises :class:`TextTooLong`.

    >>> result = analyse("Барам работници за Германија, плата 4.500 евра, без искуство. Viber 070 123 456")
    >>> result.language.language, result.entities.as_dict()["phones"]
    ('mk', ['+38970123456'])
    >>> [indicator.code for indicator in result.indicators]
    ['HIGH_PAY', 'NO_EXPERIENCE', 'VAGUE_EMPLOYER', 'PRIVATE_CHANNEL_ONLY']
    """
    if len(text) > MAX_TEXT_CHARACTERS:
        raise TextTooLong(len(text))
    normalised = normalize(text)
    folded = fold(normalised)
    if language_hint in LANGUAGES:
        language = LanguageGuess(language_hint, detect_script(normalised.text), 1.0)
    else:
        language = detect_language(normalised.text)
    tokens = tokenize(folded.text)
    matches = phrase_matches(folded.text, tokens)
    destination = destination_country(folded.text, language.language, matches=matches)
    home = home_country(folded.text, matches=matches)
    regions = phone_regions(language.language, destination, home)
    entities = Entities(phones=extract_phones(folded, text, regions, tokens[0]))
    entities.emails, entities.urls, entities.handles = extract_contacts(normalised.text)
    _map_spans_to_original(entities, normalised, text)
    entities.amounts = extract_amounts(folded, text)
    indicators = find_indicators(
        folded,
        text,
        entities,
        language.language,
        settings=settings,
        destination=destination,
        matches=matches,
    )
    return Analysis(text, folded, language, entities, tuple(indicators))


def _map_spans_to_original(entities: Entities, normalised: AlignedText, text: str) -> None:
    """Contacts are read from the normalised text; report their spans in the original."""
    if normalised.pieces is None and normalised.text == text:
        return  # normalisation changed nothing: the spans are already the original's

    def mapped(span: Span) -> Span:
        start, end = normalised.original_span(span.start, span.end)
        return Span(start, end, text[start:end])

    entities.emails = [Email(item.value, mapped(item.span)) for item in entities.emails]
    entities.urls = [Url(item.value, mapped(item.span)) for item in entities.urls]
    entities.handles = [
        Handle(item.platform, item.value, mapped(item.span)) for item in entities.handles
    ]
