"""Contacts and money in an ad, each with the span of the original text it was read from.

Phones are normalised to E.164 with ``phonenumbers`` (default region North Macedonia, then the
regions the ad's language and text point to); e-mails are read through "[at]"/"(dot)" disguises;
messenger handles get their platform; amounts get a currency (ISO 4217) and a pay period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from fener.analytics.text.aligned import AlignedText
from fener.analytics.text.deobfuscate import digits_from_words, may_hide_digits


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start:end`` of the original ad text."""

    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone number in E.164; ``kind`` is ``mobile``, ``fixed`` or ``other``."""

    e164: str
    span: Span
    kind: str = "other"


@dataclass(frozen=True, slots=True)
class Email:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Url:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Handle:
    platform: str
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money: ``value`` (and ``maximum`` for a range), currency, pay period or None."""

    value: float
    currency: str
    period: str | None
    span: Span
    maximum: float | None = None
    cost: bool = False  # rent, travel, a fee: money the worker pays, never a wage

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "value": _plain_number(self.value),
            "currency": self.currency,
            "period": self.period,
        }
        if self.maximum is not None:
            result["max"] = _plain_number(self.maximum)
        return result


@dataclass(slots=True)
class Entities:
    phones: list[Phone] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    urls: list[Url] = field(default_factory=list)
    handles: list[Handle] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The command-line contract's ``entities`` object (values only, no duplicates)."""
        return {
            "phones": _unique(phone.e164 for phone in self.phones),
            "emails": _unique(email.value for email in self.emails),
            "urls": _unique(url.value for url in self.urls),
            "handles": [
                {"platform": platform, "value": value}
                for platform, value in _unique((h.platform, h.value) for h in self.handles)
            ],
            "amounts": [amount.as_dict() for amount in self.amounts],
        }


def _unique(items: Any) -> list[Any]:
    return list(dict.fromkeys(items))


def _plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


# --- Regions for phone numbers ---------------------------------------------------------------
LANGUAGE_REGIONS = {
    "mk": ("MK",),
    "sq": ("AL", "XK", "MK"),
    "sr": ("RS", "MK", "ME", "BA"),
    "hr": ("HR", "BA"),
    "bs": ("BA", "RS"),
    "bg": ("BG", "MK"),
    "tr": ("TR",),
    "de": ("DE", "AT", "CH"),
    "it": ("IT", "CH"),
    "en": ("GB", "MK"),
}
# Where else a local number may be from (the language's and destination's countries come first).
# Kept short: every region is one more parse for each number-like string that is not a phone.
FALLBACK_REGIONS = ("MK", "AL", "XK", "RS", "DE", "AT", "CH", "IT")


_SOUTH_SLAVIC = frozenset({"sr", "hr", "bs", "bg", "mk"})


def phone_regions(
    language: str | None, destination: str, home: str | None = None
) -> tuple[str, ...]:
    """Where a number written without country code is most likely from.

    The ad's language first (a Macedonian ad about Germany gives a Macedonian mobile), except
    that a destination where the language is spoken comes first (an Italian ad for Lugano gives
    a Swiss number); then the destination, then the region's usual countries.
    """
    own = LANGUAGE_REGIONS.get(language or "", ("MK",))
    if language in _SOUTH_SLAVIC and "MK" not in own[:2]:
        # Short Latin-script ads from North Macedonia are often read as Serbian, Croatian or
        # Bosnian: Macedonian numbers stay the next guess after the language's own country.
        own = (own[0], "MK", *own[1:])
    for preferred in (destination, home):
        if preferred in own:
            own = (preferred, *(region for region in own if region != preferred))
    ordered = (*own, destination, *FALLBACK_REGIONS)
    return tuple(dict.fromkeys(ordered))


# The look-ahead first lets the engine reject most positions on their first character.
_PHONE_CANDIDATE = re.compile(
    r"(?=[+(\d])(?<![\w+])(?:\+|00)?\(?\d(?:[ \t\-/.()]{0,3}\d){6,15}(?!\d)"
)
# Day.month ranges of seasonal work ("01.06-30.09", "02.06.–03.09.") are dates, not phones.
_DAY_MONTH_RANGE = re.compile(r"^\d{1,2}\.\d{1,2}\.?\s?[-/]\s?\d{1,2}\.\d{1,2}\.?(?:\d{2,4})?$")
_DATE = re.compile(
    r"^\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2,4}$|^\d+\s?/\s?(?:19|20)\d\d$|^(?:19|20)\d\d\s?[/-]\s?\d{2}$"
)
# Numbers right after these words are registrations, licences or postcodes, not phones.
_REGISTRATION_BEFORE = re.compile(
    r"(?:\b(?:licen\w*|lizenz\w*|kvk|gisa\w*|zahl|registr\w*|reg|embs|edb|nipt|nuis|iva|ust\w*|"
    r"hrb|hra|pib|mb|jmbg|iban|zip|plz|cap|postcode|authori[sz]ation|autorizzazione|erlaubnis|"
    r"reseni\w*|resenie|prot)\b\.?\s*:?\s*(?:no\.?|br\.?|nr\.?|broj|numri|number|nummer)?\.?\s*:?\s*$)"
)
_THOUSANDS = re.compile(
    r"^[1-9]\d{0,2}(?:[.,' ]\d{3})+(?:\s?[-/]\s?[1-9]\d{0,2}(?:[.,' ]\d{3})+)?$"
)
_WHATSAPP_LINK = re.compile(
    r"(?:https?://)?(?:wa\s?\.\s?me\s?/\s?|api\.whatsapp\.com/send\?phone=)\+?(\d(?:[ ]?\d){7,14})",
    re.IGNORECASE,
)
_VIBER_LINK = re.compile(r"viber://(?:chat|add)\?number=(?:%2B|\+)?(\d{8,15})", re.IGNORECASE)


def extract_phones(
    folded: AlignedText,
    original: str,
    regions: tuple[str, ...],
    words: list[str] | None = None,
) -> list[Phone]:
    """Phone numbers in E.164, also when written partly in words.

    ``words`` (the folded tokens, when the caller has them) lets texts without any number word
    skip the de-obfuscation pass.
    """
    hidden = words is None or may_hide_digits(words, folded.text)
    digitised = digits_from_words(folded) if hidden else folded
    found: list[Phone] = []
    taken: list[tuple[int, int]] = []
    links = []
    if "me" in digitised.text and ("wa" in digitised.text or "whatsapp" in digitised.text):
        links.append(_WHATSAPP_LINK)
    if "viber://" in digitised.text:
        links.append(_VIBER_LINK)
    for link in links:
        for match in link.finditer(digitised.text):
            number = _parse("+" + match.group(1), regions)
            if number:
                start, end = digitised.original_span(*match.span(1))
                found.append(
                    Phone(number, Span(start, end, original[start:end]), phone_kind(number))
                )
                taken.append(match.span())
    for match in _PHONE_CANDIDATE.finditer(digitised.text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        international = match.group(0).lstrip("(").startswith(("+", "00"))
        if not international and _REGISTRATION_BEFORE.search(
            digitised.text, max(0, match.start() - 30), match.start()
        ):
            continue
        for number, (begin, finish) in _numbers_in(match.group(0), regions):
            start, end = digitised.original_span(match.start() + begin, match.start() + finish)
            found.append(Phone(number, Span(start, end, original[start:end]), phone_kind(number)))
    return found


_GAP = re.compile(r"[ \t\-/.()]+")


def _numbers_in(candidate: str, regions: tuple[str, ...]) -> list[tuple[str, tuple[int, int]]]:
    stripped = candidate.strip("() ")
    if _DATE.match(stripped) or _THOUSANDS.match(stripped) or _DAY_MONTH_RANGE.match(stripped):
        return []
    number = _parse(candidate, regions)
    if number:
        return [(number, (0, len(candidate)))]
    # Two numbers written one after the other ("070 123 456 / 071 234 567"): split at a gap.
    for gap in _GAP.finditer(candidate):
        left, right = candidate[: gap.start()], candidate[gap.end() :]
        first, second = _parse(left, regions), _parse(right, regions)
        if first and second:
            return [(first, (0, gap.start())), (second, (gap.end(), len(candidate)))]
    return []


_NOT_DIGIT_OR_PLUS = re.compile(r"[^\d+]")


def _parse(candidate: str, regions: tuple[str, ...]) -> str | None:
    digits = _NOT_DIGIT_OR_PLUS.sub("", candidate)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if len(digits) - digits.count("+") < 8:
        return None
    if not digits.startswith(("+", "0")):
        # Without a country code, numbers in the region's national formats start with 0; the
        # exception is Italian mobiles (3xx …). Anything else is a price, a range or an id.
        if not (digits.startswith("3") and len(digits) in (9, 10)):
            return None
        regions = ("IT",)
    fallback: str | None = None
    for region in (None,) if digits.startswith("+") else regions:
        try:
            parsed = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        # number_type is UNKNOWN exactly when is_valid_number is False, and it is the costly
        # part of both: ask once.
        number_type = phonenumbers.number_type(parsed)
        if number_type != phonenumbers.PhoneNumberType.UNKNOWN:
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            kind = _KINDS.get(number_type, "other")
            _KIND_CACHE[e164] = kind
            if kind != "other":
                return e164
            # Valid but of no known type (shared-cost, personal …): a later region may read it
            # as the ordinary mobile or landline it almost surely is.
            fallback = fallback or e164
    return fallback


_KIND_CACHE: dict[str, str] = {}


_KINDS = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "mobile",
}


def phone_kind(e164: str) -> str:
    """``mobile``, ``fixed`` or ``other`` for a number in E.164."""
    kind = _KIND_CACHE.get(e164)
    if kind is None:
        kind = _KINDS.get(phonenumbers.number_type(phonenumbers.parse(e164, None)), "other")
        if len(_KIND_CACHE) < 100_000:
            _KIND_CACHE[e164] = kind
    return kind


# --- E-mails, web addresses and messenger handles --------------------------------------------
_AT = r"(?:@|\s+@\s+|\s*[\[\(\{<]\s*(?:at|et|@|na|chiocciola|affe|klammeraffe)\s*[\]\)\}>]\s*|\s+(?:at|et)\s+)"
_DOT = r"(?:\.|\s+\.\s+|\s*[\[\(\{<]\s*(?:dot|punkt|punto|tocka|točka|pika|\.)\s*[\]\)\}>]\s*|\s+(?:dot|punkt|punto|pika|tocka|točka)\s+)"
_TLD = r"(?:co\.uk|[a-z]{2,24})"
_EMAIL = re.compile(
    rf"(?<![\w.+-])([a-z0-9][a-z0-9._+-]*){_AT}([a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*){_DOT}({_TLD})\b",
    re.IGNORECASE,
)
_URL = re.compile(
    rf"(?:https?://[^\s<>\"']+|www\.[^\s<>\"']+"
    # Bare domains start only where a name can start, which keeps "a.a.a.a…" linear.
    rf"|(?<![\w.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLD}/[^\s<>\"']*"
    rf"|(?<![\w.-])[a-z0-9][a-z0-9-]*\.(?:com|mk|net|org|de|al|rs|it|eu)\b)",
    re.IGNORECASE,
)
_PLATFORM_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:(t\.me|telegram\.me)|(instagram\.com)|(facebook\.com|fb\.com|m\.facebook\.com)"
    r"|(tiktok\.com)|(wa\.me|api\.whatsapp\.com))/(@?[A-Za-z0-9_.+\-]+)",
    re.IGNORECASE,
)
_PLATFORM_OF_GROUP = ("telegram", "instagram", "facebook", "tiktok", "whatsapp")
_AT_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][A-Za-z0-9_.]{2,31})(?<!\.)")
_PLATFORM_WORDS = re.compile(
    r"(telegram|телеграм|\btg\b)|(viber|вибер|вајбер)|(whats\s?app|ватсап|вацап|\bwa\b)"
    r"|(instagram|инстаграм|\binsta\b|\big\b)|(facebook|фејсбук|фејсбук|\bfb\b)|(tik\s?tok|тикток)",
    re.IGNORECASE,
)
_PLATFORM_OF_WORD = ("telegram", "viber", "whatsapp", "instagram", "facebook", "tiktok")
_TRAILING = ".,;:!?)]}'\""


# Where a web address may be: a dot between name parts, or "://". Addresses never contain
# spaces, quotes or angle brackets, so the costly patterns run only over the run of such
# characters around each of these places.
# Written to start with "." or ":" (literals the engine scans for in C).
_ADDRESS_MARK = re.compile(r"\.(?<=\w\.)(?=[A-Za-z])|://")
_ADDRESS_TAIL = re.compile(r"[^\s<>\"']*")
_ADDRESS_STOP = frozenset(" \t\n\r\f\v<>\"'")


def _address_chunks(text: str) -> list[tuple[int, int]]:
    chunks: list[tuple[int, int]] = []
    previous_end = 0
    for mark in _ADDRESS_MARK.finditer(text):
        if mark.start() < previous_end:
            continue
        start = mark.start()
        while (
            start > previous_end
            and text[start - 1] not in _ADDRESS_STOP
            and not text[start - 1].isspace()
        ):
            start -= 1
        tail = _ADDRESS_TAIL.match(text, mark.start())  # always matches (it may be empty)
        previous_end = tail.end() if tail else mark.end()
        chunks.append((start, previous_end))
    return chunks


_BARE_AT = re.compile(r"\s(?:at|et)\s", re.IGNORECASE)
_SPELLED_DOT = re.compile(r"dot|punkt|punto|tocka|točka|pika|[\[\(\{<]\s*\.", re.IGNORECASE)
_MAIL_HOST = re.compile(
    r"(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|gmx|web|libero|mail|yandex|aol|"
    r"protonmail|proton|abv|t-online)(?:\.|$)"
)
# Spelled-out "at" signs; each pattern starts with a character class, which the engine scans
# for in C ("@" itself is found with str.find).
_BRACKETED_AT = re.compile(r"[\[\(\{<]\s*(?:at|et|na|chiocciola|affe|klammeraffe)\b", re.IGNORECASE)
_SPACED_AT = re.compile(r"\s(?:at|et)\s", re.IGNORECASE)
_LOCAL_PART_REACH = 80  # a local part has at most 64 characters, and "[at]" may be spaced
# A domain written without spaces is taken whole (the window grows to the end of the word);
# this is how far one spelled out with spaces ("gmail dot com") may reach.
_DOMAIN_REACH = 80
_NON_SPACE = re.compile(r"\S*")


def _email_matches(text: str) -> list[re.Match[str]]:
    """:data:`_EMAIL` matches, looked for only around an "@" or a spelled "at": the pattern is
    costly, and every address holds one of them within the reaches above."""
    windows: list[list[int]] = []
    anchors = [match.span() for match in _BRACKETED_AT.finditer(text)]
    anchors += [match.span() for match in _SPACED_AT.finditer(text)]
    position = text.find("@")
    while position != -1:
        anchors.append((position, position + 1))
        position = text.find("@", position + 1)
    for anchor_start, anchor_end in sorted(anchors):
        start = max(0, anchor_start - _LOCAL_PART_REACH)
        end = min(len(text), anchor_end + _DOMAIN_REACH)
        rest = _NON_SPACE.match(text, end)  # never cut a word at the window's end
        end = rest.end() if rest else end
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return [match for start, end in windows for match in _EMAIL.finditer(text, start, end)]


_PLATFORM_HINTS = (
    "t.me",
    "telegram.me",
    "instagram.com",
    "facebook.com",
    "fb.com",
    "tiktok.com",
    "wa.me",
    "whatsapp.com",
)


def extract_contacts(text: str) -> tuple[list[Email], list[Url], list[Handle]]:
    """E-mails, web addresses and messenger handles in a normalised ``text``."""
    emails = []
    email_spans: list[tuple[int, int]] = []
    has_at = "@" in text
    for match in _email_matches(text):
        domain = re.sub(_DOT, ".", match.group(2), flags=re.IGNORECASE)
        if domain.lower().startswith("www."):
            continue  # "apply at www.example.com" is a web address
        if _BARE_AT.search(match.group(0)) and not (
            _SPELLED_DOT.search(match.group(0)) or _MAIL_HOST.match(domain.lower())
        ):
            continue  # "Jobs at Amazon.de" is a sentence, not an address
        value = f"{match.group(1)}@{domain}.{match.group(3)}".lower()
        emails.append(Email(value, Span(match.start(), match.end(), match.group(0))))
        email_spans.append(match.span())
    handles = []
    platform_spans: list[tuple[int, int]] = []
    # Web addresses (and platform links) never contain spaces: the costly patterns run only
    # over the runs of non-space characters that have a dot between name parts or a "://".
    chunks = _address_chunks(text)
    addresses = " ".join(text[start:end] for start, end in chunks).lower()
    platform_hint = any(hint in addresses for hint in _PLATFORM_HINTS)
    platform_matches = (
        [m for start, end in chunks for m in _PLATFORM_URL.finditer(text, start, end)]
        if platform_hint
        else []
    )
    for match in platform_matches:
        platform = next(
            name
            for name, group in zip(_PLATFORM_OF_GROUP, match.groups()[:5], strict=True)
            if group
        )
        raw = match.group(6).rstrip(_TRAILING)
        value = raw.lstrip("@").lower()
        if platform == "whatsapp":
            link = _WHATSAPP_LINK.match(text, match.start())
            digits = re.sub(r"\D", "", link.group(1)) if link else ""
            if len(digits) < 8:
                continue  # not a number: no handle (it would tie unrelated ads together)
            value = "+" + digits
            raw = text[match.start(6) : link.end()] if link else raw
        if platform == "facebook" and value in {"groups", "profile.php", "pages"}:
            continue
        end = match.start(6) + len(raw)
        handles.append(Handle(platform, value, Span(match.start(), end, text[match.start() : end])))
        platform_spans.append((match.start(), end))
    for match in _AT_HANDLE.finditer(text) if has_at else ():
        if _inside(match.start(), email_spans) or _inside(match.start(), platform_spans):
            continue
        platform = _nearest_platform(text, match.start(), match.end())
        handles.append(
            Handle(
                platform, match.group(1).lower(), Span(match.start(), match.end(), match.group(0))
            )
        )
        platform_spans.append(match.span())
    urls = []
    for match in (m for start, end in chunks for m in _URL.finditer(text, start, end)):
        if _inside(match.start(), email_spans) or _inside(match.start(), platform_spans):
            continue
        raw = match.group(0).rstrip(_TRAILING)
        if "@" in raw:
            continue
        urls.append(Url(_normalise_url(raw), Span(match.start(), match.start() + len(raw), raw)))
    return emails, urls, handles


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _nearest_platform(text: str, start: int, end: int) -> str:
    window_start = max(0, start - 40)
    best: tuple[int, str] | None = None
    for match in _PLATFORM_WORDS.finditer(text, window_start, min(len(text), end + 25)):
        name = next(n for n, g in zip(_PLATFORM_OF_WORD, match.groups(), strict=True) if g)
        distance = start - match.end() if match.end() <= start else match.start() - end
        if best is None or distance < best[0]:
            best = (distance, name)
    return best[1] if best else "unknown"


def _normalise_url(raw: str) -> str:
    scheme, separator, rest = raw.partition("://")
    if not separator:
        host, slash, path = raw.partition("/")
        return host.lower() + slash + path
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"
