"""Money in ads: value, currency (ISO 4217), pay period, and ranges.

Read from folded text (see :mod:`fener.analytics.text.fold`), so that ``евра``, ``evra`` and
``eura`` are one currency word and ``на ден``, ``na den`` one period.
"""

from __future__ import annotations

import bisect
import re

from fener.analytics.ads.entities import Amount, Span
from fener.analytics.text.aligned import AlignedText


def _bounded(part: str) -> str:
    # Not glued to a preceding letter; a preceding digit is fine ("4000eur"). The check comes
    # after the first letter, so that every alternative starts with a literal, which the
    # regular-expression engine rejects in one comparison (twice as fast on this pattern).
    if not part[:1].isalpha():
        return part
    first = part[0]
    return rf"{first}(?<![^\W\d_]{first}){part[1:]}"


_CURRENCY_WORDS = {
    "EUR": r"€|(?<=\d)e(?!\w)|eur\b|euro\w*|eura\b|evra\b|evro\w*|evri\b|e\.?u\.?r\b",
    "MKD": r"mkd\b|denar\w*|den\b\.?|ден\b",
    "ALL": r"lek\w*|leke\b",
    "RSD": r"rsd\b|dinar\w*|din\b\.?",
    "CHF": r"chf\b|cf\b|sfr\b|fr\.|franken\b|franak\w*|franka\b|franga\b|franci\b|francs?\b",
    "USD": r"\$|usd\b|dolar\w*|dollar\w*",
    "GBP": r"£|gbp\b|pound\w*|paund\w*|funt\w*|sterlin\w*|stg\b",
    "BAM": r"bam\b|konvertibiln\w*",
    "TRY": r"₺|try\b|lira\b",
}
# Words must start at a word boundary ("den" is a currency, "eden" is the number one).
_CURRENCY = "|".join(
    f"(?P<{code}>{'|'.join(_bounded(part) for part in pattern.split('|'))})"
    for code, pattern in _CURRENCY_WORDS.items()
)
_NUMBER = r"\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_RANGE_WORD = r"\s*(?:-|do|to|bis|a|al|deri|deri\s+ne|e)\s*"
_FROM_WORD = r"(?<!\w)(?:od|from|von|da|nga|prej|zwischen|tra|between|ab)\s+"
_AMOUNT = re.compile(
    rf"(?:{_FROM_WORD})?"
    rf"(?:(?P<before>{_CURRENCY.replace('?P<', '?P<b_')})\s*)?"
    rf"(?P<low>{_NUMBER})"
    rf"(?:\s*(?:{_CURRENCY.replace('?P<', '?P<m_')}))?"
    rf"(?:{_RANGE_WORD}(?:(?:{_CURRENCY.replace('?P<', '?P<c_')})\s*)?(?P<high>{_NUMBER}))?"
    rf"(?:\s*(?P<after>{_CURRENCY.replace('?P<', '?P<a_')}))?",
    re.IGNORECASE,
)
_PERIODS = {
    "hour": r"/\s*h\b|/\s*hr\b|/\s*cas\b|na\s+cas|po\s+satu|na\s+sat|/\s*sat\b|po\s+cas|per\s+hour|an\s+hour|"
    r"/\s*hour|pro\s+stunde|/\s*std\b|die\s+stunde|l'ora|all'ora|/\s*ora\b|all\s+ora|per\s+ora|"
    r"ne\s+ore|/\s*ore\b|ora\b|orare|stundenlohn|satnica|na\s+cas|vo\s+cas|h\b",
    "day": r"per\s+nate|ne\s+nate|pro\s+abend|a\s+sera|per\s+sera|ne\s+mbremje|per\s+night|a\s+night|na\s+vecer|po\s+vecer|per\s+evening|pro\s+nacht|a\s+serata|"
    r"per\s+serata|a\s+notte|per\s+shift|na\s+den|dnevno|po\s+danu|na\s+dan|dnevnica|per\s+day|a\s+day|/\s*day|pro\s+tag|am\s+tag|"
    r"/\s*tag\b|taglic\w*|al\s+giorno|/\s*giorno|giornalier\w*|ne\s+dite|/\s*dit\w*|ditore|"
    r"den\b(?!ar)|daily|za\s+den",
    "week": r"nedelno|sedmicno|nedeljno|per\s+week|a\s+week|/\s*week|pro\s+woc\w*|wocentlic\w*|die\s+woc\w*|"
    r"a\s+settimana|settimanal\w*|ne\s+jave|javore|weekly",
    "month": r"mesecn\w*|na\s+mesec|mesecno|po\s+mesec\w*|per\s+month|a\s+month|/\s*month|monthly|"
    r"monatlic\w*|im\s+monat|pro\s+monat|/\s*monat|al\s+mese|/\s*mese|mensil\w*|ne\s+muaj|"
    r"mujor\w*|/\s*muaj|vo\s+mesec|za\s+mesec|mjesecn\w*|mj\.|/\s*mj|mesecna|mese\b|monat\b",
    "year": r"godisn\w*|per\s+year|a\s+year|/\s*year|annual\w*|jahrlic\w*|pro\s+jahr|all'anno|"
    r"annu\w*|ne\s+vit|vjetor\w*",
}
# Between the sum and its period people write "net", "gross", "pocket money", "lordi"…:
# up to three short words are skipped (never a number, never a sentence end).
_PERIOD = re.compile(
    r"(?:\s*(?:eur\w*|net\w*|bruto|brutto|gross|neto|lord[io]|\(\s*neto\s*\)|\+\s*\w+))?"
    r"(?:\s+[^\W\d]{2,15}){0,3}?\s*(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PERIODS.items())
    + ")",
    re.IGNORECASE,
)
_PERIOD_BEFORE = re.compile(
    r"(?<!\w)(?:(?P<hour>po\s+cas\w*|po\s+satu|satnica|stundenlohn|paga\s+oraria|per\s+hour|hourly)"
    r"|(?P<day>dnevnica|dnevno|daily|al\s+giorno|ditore|na\s+den|tageslohn|tagessatz|paga\s+giornaliera)"
    r"|(?P<week>wocenlohn|wochenlohn|weekly|nedelna\s+plata)"
    r"|(?P<month>monatslohn|monatsgehalt|mesecn\w*|monthly|mensile|mujore|monatlic\w*|mjesecn\w*|mesecna\s+plata"
    # A salary word before the sum means a monthly wage unless a period says otherwise.
    r"|plat[aeu]\w*|placa|placu|rrog\w*|page[sn]\w*|salar\w*|lohn|gehalt|verdienst|stipendi\w*"
    r"|retribuzion\w*|zarad\w*|primanj\w*|earn\w*|wage\w*|pag[ae]|paga\s+baze|page\s+baze|ral))"
    r"(?:\s+[^\W\d]{1,12}){0,3}"
    r"\s*:?\s*$",
    re.IGNORECASE,
)


_DECIMAL_PART = re.compile(r"[.,](\d{1,2})$")
_SENTENCE_BREAK = re.compile(r"[.;!?()]\s|[;!?()]")


def parse_number(text: str) -> float:
    """A number as people write prices: ``1.500`` and ``1,500`` are 1500, ``11,50`` is 11.5.

    >>> parse_number("1.500"), parse_number("11,50"), parse_number("4'500"), parse_number("1.500,00")
    (1500.0, 11.5, 4500.0, 1500.0)
    """
    cleaned = text.replace("'", "").replace(" ", "")
    decimal_part = _DECIMAL_PART.search(cleaned)
    if decimal_part:
        integer = cleaned[: decimal_part.start()].replace(".", "").replace(",", "")
        return float(f"{integer or 0}.{decimal_part.group(1)}")
    return float(cleaned.replace(".", "").replace(",", ""))


def extract_amounts(folded: AlignedText, original: str) -> list[Amount]:
    """Sums of money with currency; ranges give ``value`` and ``maximum``.

    >>> from fener.analytics.text import fold, normalize
    >>> text = "Плата од 1.200 до 1.600 евра месечно, такса 200 €"
    >>> [a.as_dict() for a in extract_amounts(fold(normalize(text)), text)]
    [{'value': 1200, 'currency': 'EUR', 'period': 'month', 'max': 1600}, {'value': 200, 'currency': 'EUR', 'period': None}]
    """
    text = folded.text
    amounts: list[Amount] = []
    previous_end = 0
    for match in _candidates(text):
        currency = _currency_of(match)
        if currency is None:
            continue
        low = parse_number(match.group("low"))
        high = parse_number(match.group("high")) if match.group("high") else None
        if high is not None and high <= low:
            high = None
        end = match.end()
        period = None
        period_match = _PERIOD.match(text, end)
        if period_match:
            period = next(name for name in _PERIODS if period_match.group(name))
            end = period_match.end()
        else:
            before = _PERIOD_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if before:
                period = next(
                    name for name in ("hour", "day", "week", "month") if before.group(name)
                )
        cost = _is_cost(text, match.start())
        if period is None and not cost:
            period = _implied_period(text, match, amounts[-1] if amounts else None, previous_end)
        start, stop = folded.original_span(match.start(), match.end())
        amounts.append(
            Amount(low, currency, period, Span(start, stop, original[start:stop]), high, cost)
        )
        previous_end = match.end()
    return amounts


_WAGE_AFTER = re.compile(
    r"\s*(?:net\w*|neto|bruto|brutto|gross|lord[io])\b|\s*\+\s*(?:bonus\w*|baksis\w*|baks\w*|tips|"
    r"trinkgeld|mance|provision\w*|commission\w*|provizion\w*|bakshish)",
)


_COST_WORDS = re.compile(
    r"(?<!\w)(?:taks\w*|tarif\w*|depozit\w*|deposit\w*|fee\w*|gebuhr\w*|kaution|uplat\w*|trosok\w*|"
    r"trosk\w*|kost\w*|quota|costo|spese|rent\w*|miet\w*|kirij\w*|affitt\w*|naem\w*|najam\w*|"
    r"kiri\w*|qira\w*|qera\w*|stanarin\w*|registr\w*|bilet\w*|ticket\w*|fahrt\w*|dozvol\w*|"
    r"permit\w*|dosije\w*|viz[aeu]\w*|visa\w*|smestaj\w*|smestuvan\w*|prevoz\w*|"
    r"transport\w*|hran\w*|ushqim\w*|food|meals?|unterkunft|verpflegung|alloggi\w*|vitto|"
    r"accommodation|housing|room|zimmer|camera|soba|banim\w*|akomodim\w*|strehim\w*|"
    r"se\s+odbiva|se\s+odbija|zbritet|abgezogen|deducted|trattenut\w*|scalat\w*)"
)
_PAY_WORDS = re.compile(
    r"(?<!\w)(?:plat[aeu]\w*|placa|rrog\w*|pag[ae]\b|salar\w*|lohn\w*|gehalt\w*|verdienst|"
    r"stipendi\w*|retribuzion\w*|zarad\w*|zarabot\w*|primanj\w*|earn\w*|wage\w*|pay\b|paid\b|"
    r"guadagn\w*|stundenlohn|tageslohn|ral\b|neto|netto|bruto|brutto)"
)


def _is_cost(text: str, start: int) -> bool:
    """Whether the words just before a sum make it a cost (rent, travel, a fee), not pay:
    the nearer of a cost word and a pay word in the 40 characters before it decides."""
    window_start = max(0, start - 40)
    cost = [m.end() for m in _COST_WORDS.finditer(text, window_start, start)]
    pay = [m.end() for m in _PAY_WORDS.finditer(text, window_start, start)]
    return bool(cost) and (not pay or cost[-1] > pay[-1])


def _implied_period(
    text: str, match: re.Match[str], previous: Amount | None, previous_end: int
) -> str | None:
    """A wage without a stated period: "net"/"+ bonus" after it mean a monthly wage, and a sum
    right after a periodic wage ("450 € a month, after probation 520 €") shares its period.
    Fees, deposits and rents never inherit one."""
    if _WAGE_AFTER.match(text, match.end()):
        return "month"
    if (
        previous is not None
        and previous.period
        and not previous.cost
        and match.start() - previous_end <= 50
    ):
        between = text[previous_end : match.start()]
        if not _SENTENCE_BREAK.search(between):
            return previous.period
    return None


_DIGIT_RUN = re.compile(r"\d[\d.,' ]*")
_LOOK_BACK = 24  # "od", "from", a currency word or sign may come before the number
_FROM_START = re.compile(_FROM_WORD)
_LOOK_AHEAD = 28  # "… до 1.600 евра": the currency may follow the range's second number


# A cheap superset of the currency words, to skip numbers with no money near them. Every
# alternative starts with a literal character, so the engine skips, in C, every position whose
# character starts none of them.
_ANY_CURRENCY = re.compile(
    r"€|\$|£|₺|e(?:ur|vr|(?<=\de)\b)|d(?:en|in|olar|ollar)|mkd|lek|lira|rsd|c(?:hf|(?<!\wc)f\b)"
    r"|f(?:r\.|ran|unt)|p(?:ound|aund)|sterl|bam|konvert|usd|gbp"
)


def _candidates(text: str) -> list[re.Match[str]]:
    """Amount matches, tried only around numbers with a currency nearby (the full pattern is
    costly; phone numbers, dates and counts are skipped by the cheap test first)."""
    found: list[re.Match[str]] = []
    currencies = [match.start() for match in _ANY_CURRENCY.finditer(text)]
    if not currencies:
        return found
    consumed = 0
    for number in _DIGIT_RUN.finditer(text):
        if number.start() < consumed:
            continue
        window_start = max(consumed, number.start() - _LOOK_BACK)
        nearest = bisect.bisect_left(currencies, window_start)
        if nearest == len(currencies) or currencies[nearest] > number.end() + _LOOK_AHEAD:
            continue
        match = None
        # An amount starts at a "from" word, at a currency before the number, or at the number:
        # try the pattern anchored at those places only, earliest first.
        before = bisect.bisect_left(currencies, number.start())
        openers = sorted(
            [
                *currencies[nearest:before],
                *(m.start() for m in _FROM_START.finditer(text, window_start, number.start())),
            ]
        )
        for start in [*openers, number.start()]:
            attempt = _AMOUNT.match(text, start, number.end() + 60)
            if attempt is None:
                continue
            # The first amount with a currency whose first number is this run of digits.
            overlaps = attempt.start("low") < number.end() and attempt.end("low") > number.start()
            if overlaps and _currency_of(attempt) is not None:
                match = attempt
                break
        if match is None:
            continue
        found.append(match)
        consumed = match.end()
    return found


# Group numbers of the currency groups, in the order they decide: the currency right after
# the first number, after the range, after the second number, before the first number.
_CURRENCY_GROUPS = [
    (_AMOUNT.groupindex[prefix + code] - 1, code)
    for prefix in ("m_", "a_", "c_", "b_")
    for code in _CURRENCY_WORDS
]


def _currency_of(match: re.Match[str]) -> str | None:
    groups = match.groups()  # one C call, then plain tuple look-ups
    for index, code in _CURRENCY_GROUPS:
        if groups[index]:
            return code
    return None
