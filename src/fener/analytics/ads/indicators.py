"""The fourteen red-flag indicators, each with the words that triggered it.

Most indicators are phrases from :mod:`fener.analytics.ads.lexicon`. Three are decided with the
extracted entities: ``HIGH_PAY`` compares every pay offer, converted to euros a month, with a
reference wage table for the destination country (never a keyword); ``PRIVATE_CHANNEL_ONLY``
fires when the only ways to reach the advertiser are mobile numbers and messenger handles;
``VAGUE_EMPLOYER`` also fires when nothing in the ad identifies a legal employer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fener.analytics.ads.entities import Entities, Span
from fener.analytics.ads.lexicon import PHRASES
from fener.analytics.text.aligned import AlignedText
from fener.analytics.text.phrases import PhraseMatch, PhraseMatcher, Tokens, tokenize

INDICATOR_CODES = (
    "HIGH_PAY",
    "NO_EXPERIENCE",
    "FREE_TRAVEL_HOUSING",
    "UPFRONT_FEE",
    "VAGUE_EMPLOYER",
    "URGENCY",
    "PRIVATE_CHANNEL_ONLY",
    "APPEARANCE_AGE_GENDER",
    "ABROAD_RISKY_SECTOR",
    "DOCUMENTS_REQUEST",
    "DEBT_ADVANCE",
    "NO_CONTRACT",
    "VAGUE_JOB",
    "MINORS",
)

# Typical monthly pay for unskilled work, euros (reference for HIGH_PAY; configurable).
REFERENCE_WAGES_EUR = {
    "MK": 450,
    "AL": 400,
    "XK": 400,
    "RS": 550,
    "BG": 550,
    "HR": 950,
    "SI": 1300,
    "GR": 900,
    "IT": 1500,
    "AT": 2100,
    "DE": 2200,
    "NL": 2200,
    "CH": 4000,
    "GB": 2000,
    "TR": 500,
    "BA": 500,
    "ME": 600,
    "FR": 1800,
    "BE": 2000,
    "PL": 900,
    "CZ": 1000,
    "SE": 2300,
    "NO": 3000,
    "DK": 2800,
}
# Euros per unit of currency (configurable; a rough reference is enough for a red flag).
EUR_PER_UNIT = {
    "EUR": 1.0,
    "MKD": 1 / 61.5,
    "ALL": 1 / 100.0,
    "RSD": 1 / 117.0,
    "CHF": 1.06,
    "USD": 0.92,
    "GBP": 1.17,
    "BAM": 0.51,
    "TRY": 0.027,
}
MONTHLY_FACTOR = {"hour": 173.0, "day": 22.0, "week": 4.33, "month": 1.0, "year": 1 / 12}

_COUNTRY_NAMES = {
    "DE": "германија германиј* немачк* njemack* gjermani* germany german* deutschland germania",
    "AT": "австрија австриј* austrij* austri* austria osterreich",
    "CH": "швајцарија швајцариј* svajcarsk* svajcarij* zvicer* switzerland schweiz svizzera",
    "IT": "италија италиј* italij* itali* italy italien",
    "NL": "холандија холандиј* holandij* holand* netherlands niederlande olanda",
    "GB": "англија англиј* engleska velika britanij* angli* england britain uk londo* london",
    "GR": "грција грциј* grck* greqi* greece griechenland grecia",
    "HR": "хрватска hrvatsk* kroaci* croatia kroatien croazia",
    "SI": "словенија словениј* slovenij* sloveni* slowenien",
    "BG": "бугарија bugarsk* bullgari* bulgaria bulgarien",
    "TR": "турција turska turqi* turkey turkei turchia",
    "FR": "франција francusk* franc* france frankreich francia",
    "BE": "белгија belgij* belgium belgien belgio",
    "PL": "полска poljsk* poloni* poland polen polonia",
    "CZ": "чешка ceska ceki* czech tschechien",
    "SE": "шведска svedsk* suedi* sweden schweden svezia",
    "NO": "норвешка norvesk* norvegji* norway norwegen norvegia",
    "DK": "данска dansk* danimark* denmark danemark danimarca",
}
_FREE_MAIL = re.compile(
    r"@(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|gmx|web|libero|mail|yandex|aol|"
    r"protonmail|proton|abv|t-online|virgilio|alice|tiscali)\.",
)
_SOCIAL_HOSTS = re.compile(
    r"(?:facebook|fb|instagram|tiktok|t\.me|telegram|wa\.me|whatsapp|viber)\.", re.IGNORECASE
)
_LEGAL_ENTITY = re.compile(
    r"\b(?:dooel|doo|d\.o\.o|dooel|ad\b|shpk|sh\.p\.k|gmbh|ag\b|kg\b|ug\b|e\.k\.|srl|s\.r\.l|spa\b|"
    r"s\.p\.a|snc|sas\b|ltd|llc|inc\b|plc|bv\b|b\.v\.|licen\w*|lizenz\w*|licenz\w*|embs|edb\b|nipt|nuis|"
    r"ust-id\w*|handelsregister|hrb\b|p\.\s?iva|partita\s+iva|company\s+(?:no|number)|reg\.\s?no|"
    r"registr\w*\s+(?:no|br|broj|number|nummer|numri)|erlaubnis|agenci\w*\s+za\s+vrabotuvane|"
    r"rabotna\s+agencija|agjenci\w*\s+e\s+licencuar|arbeitnehmeruberlassung)",
)


_LANGUAGE_COUNTRY = {"de": "DE", "it": "IT"}
# Places at home, for reading local phone numbers (an Albanian ad from Prishtina, not Tirana).
_HOME_PLACES = {
    "MK": "скопје skopje shkup* шкуп тетово tetov* гостивар gostivar куманово kumanov* битола bitol* "
    "охрид ohrid ohër ohr струга strug* кичево kicev* kërçov* kercov* дебар debar dibër diber "
    "штип stip прилеп prilep велес veles струмица strumic* гевгелија gevgelij* македониј* "
    "maqedoni* makedonij*",
    "XK": "приштина prishtin* pristin* prizren* пеќ peje pejë gjakov* ferizaj* mitrovic* gjilan* "
    "kosov* косово",
    "AL": "tiran* durres* durrës vlor* shkod* elbasan* korc* korç* fier* berat* albanij* shqiperi* "
    "албаниј*",
    "RS": "београд beograd нови сад novi sad ниш nis крагујевац kragujevac суботица subotica "
    "србиј* srbij*",
}
# One matcher for everything looked up by phrase: indicator phrases (labelled by code),
# destination countries ("country:DE") and places at home ("home:MK"), so a text is
# scanned once.
_MATCHER = PhraseMatcher(
    {
        **PHRASES,
        **{f"country:{country}": names.split() for country, names in _COUNTRY_NAMES.items()},
        **{f"home:{country}": names.split() for country, names in _HOME_PLACES.items()},
    }
)


def phrase_matches(folded_text: str, tokens: Tokens | None = None) -> list[PhraseMatch]:
    """Every indicator phrase, country and home place in ``folded_text``, in text order."""
    return _MATCHER.find(folded_text, tokens)


def _first(matches: list[PhraseMatch], prefix: str) -> str | None:
    for match in matches:
        if match.label.startswith(prefix):
            return match.label[len(prefix) :]
    return None


def home_country(
    folded_text: str, tokens: Tokens | None = None, matches: list[PhraseMatch] | None = None
) -> str | None:
    """The first place at home (North Macedonia, Kosovo, Albania, Serbia) the ad names."""
    return _first(matches if matches is not None else phrase_matches(folded_text, tokens), "home:")


_CODES = frozenset(INDICATOR_CODES)
MIN_WORDS_FOR_ABSENCE = 12


@dataclass(frozen=True, slots=True)
class Indicator:
    """One red flag: its code, its weight in the risk model, and the words that raised it."""

    code: str
    weight: float
    evidence: tuple[Span, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "weight": round(self.weight, 4),
            "evidence": [span.as_dict() for span in self.evidence],
        }


@dataclass(frozen=True)
class IndicatorSettings:
    """Reference tables behind the computed indicators; change them without touching code."""

    reference_wages_eur: dict[str, float] = field(default_factory=lambda: dict(REFERENCE_WAGES_EUR))
    eur_per_unit: dict[str, float] = field(default_factory=lambda: dict(EUR_PER_UNIT))
    high_pay_factor: float = 1.8


def destination_country(
    folded_text: str,
    language: str | None,
    tokens: Tokens | None = None,
    matches: list[PhraseMatch] | None = None,
) -> str:
    """The first foreign country the ad names, else the country its language points to, else MK."""
    found = matches if matches is not None else phrase_matches(folded_text, tokens)
    return _first(found, "country:") or _LANGUAGE_COUNTRY.get(language or "", "MK")


def monthly_eur(
    value: float, currency: str, period: str, settings: IndicatorSettings
) -> float | None:
    rate = settings.eur_per_unit.get(currency)
    if rate is None or period not in MONTHLY_FACTOR:
        return None
    return value * rate * MONTHLY_FACTOR[period]


def find_indicators(
    folded: AlignedText,
    original: str,
    entities: Entities,
    language: str | None,
    weights: dict[str, float] | None = None,
    settings: IndicatorSettings | None = None,
    tokens: Tokens | None = None,
    destination: str | None = None,
    matches: list[PhraseMatch] | None = None,
) -> list[Indicator]:
    """Every indicator the ad shows, in the order of :data:`INDICATOR_CODES`.

    ``tokens`` and ``destination`` may be passed when the caller already computed them.
    """
    settings = settings or IndicatorSettings()
    weights = weights or {}
    evidence: dict[str, list[Span]] = {}
    reasons: dict[str, str] = {}
    text = folded.text
    if matches is None:
        matches = phrase_matches(text, tokens or tokenize(text))
    for match in matches:
        if match.label in _CODES:
            start, end = folded.original_span(match.start, match.end)
            evidence.setdefault(match.label, []).append(Span(start, end, original[start:end]))
    destination = destination or destination_country(text, language, matches=matches)
    reference = settings.reference_wages_eur.get(destination, settings.reference_wages_eur["MK"])
    for amount in entities.amounts:
        if amount.period is None or amount.cost:
            continue
        monthly = monthly_eur(
            amount.maximum or amount.value, amount.currency, amount.period, settings
        )
        if monthly is not None and monthly > settings.high_pay_factor * reference:
            evidence.setdefault("HIGH_PAY", []).append(amount.span)
            reasons["HIGH_PAY"] = (
                f"about {monthly:,.0f} EUR a month against {reference:,.0f} typical in {destination}"
            )
    if _only_private_channels(entities):
        spans = [p.span for p in entities.phones] + [h.span for h in entities.handles]
        evidence.setdefault("PRIVATE_CHANNEL_ONLY", []).extend(spans)
        reasons["PRIVATE_CHANNEL_ONLY"] = "reachable only by mobile phone or messenger"
    # Absence is only telling in a real job ad: a few words say nothing about an employer.
    if (
        "VAGUE_EMPLOYER" not in evidence
        and len(text.split()) >= MIN_WORDS_FOR_ABSENCE
        and _no_identifiable_employer(text, entities)
    ):
        evidence["VAGUE_EMPLOYER"] = []
        reasons["VAGUE_EMPLOYER"] = "no company name, registration, address or website"
    return [
        Indicator(
            code, weights.get(code, 1.0), tuple(_dedupe(evidence[code])), reasons.get(code, "")
        )
        for code in INDICATOR_CODES
        if code in evidence
    ]


def _dedupe(spans: list[Span]) -> list[Span]:
    seen: dict[tuple[int, int], Span] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if not any(a <= span.start and span.end <= b for a, b in seen):
            seen[(span.start, span.end)] = span
    return list(seen.values())


def _only_private_channels(entities: Entities) -> bool:
    if not (entities.phones or entities.handles):
        return False
    if any(not _SOCIAL_HOSTS.search(url.value) for url in entities.urls):
        return False
    if any(not _FREE_MAIL.search(email.value) for email in entities.emails):
        return False
    return all(phone.kind == "mobile" for phone in entities.phones)


def _no_identifiable_employer(folded_text: str, entities: Entities) -> bool:
    if _LEGAL_ENTITY.search(folded_text):
        return False
    if entities.urls or any(not _FREE_MAIL.search(e.value) for e in entities.emails):
        return False
    return not any(phone.kind == "fixed" for phone in entities.phones)
