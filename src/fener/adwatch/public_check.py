"""The public check of a job offer: the engine's screening, read out in plain words.

Nothing here writes anything: a check reads the text, screens it with the installation's
current model and returns what to show. Reporting an ad is a separate, explicit step
(:mod:`fener.adwatch.services.public_reports`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from fener.adwatch.public_text import (
    GENERAL_QUESTIONS,
    WARNING_SIGNS,
    RiskInWords,
    WarningSign,
    risk_in_words,
    unknown_sign,
)
from fener.adwatch.scoring import current_screener
from fener.analytics.ads.analysis import MAX_TEXT_CHARACTERS
from fener.analytics.ads.screening import Ad as EngineAd
from fener.core.models import Institution, InstitutionType
from fener.core.models.translated import localized_name_field

_PHONE_DIALLED = re.compile(r"[^\d+]")


class TextRefused(ValueError):
    """The text cannot be checked; the message says why, in the active language."""


def validate_text(value: Any) -> str:
    """``value`` as a text to check, or :class:`TextRefused` with a clear reason."""
    if not isinstance(value, str):
        raise TextRefused(_("Send the ad as text."))
    if not value.strip():
        raise TextRefused(_("Paste the text of an ad or a message first."))
    if len(value) > MAX_TEXT_CHARACTERS:
        raise TextRefused(
            _(
                "The text is too long: at most %(limit)s characters can be checked, and "
                "this one has %(length)s. Paste only the ad itself."
            )
            % {
                "limit": number_format(MAX_TEXT_CHARACTERS, force_grouping=True),
                "length": number_format(len(value), force_grouping=True),
            }
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TextRefused(_("The text holds characters that are not valid.")) from None
    return value


def screen_text(text: str) -> dict[str, Any]:
    """The engine's screening of ``text`` (the contract's JSON), as the API returns it."""
    screener, _version = current_screener()
    return screener.screen(EngineAd("check", text)).as_dict()


@dataclass(frozen=True)
class FoundSign:
    """A warning sign found in the text, numbered as it is marked in the text."""

    number: int
    sign: WarningSign
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Segment:
    """A piece of the text; ``numbers`` are the warning signs that marked it (none: plain)."""

    text: str
    numbers: tuple[int, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    text: str
    screening: dict[str, Any]
    signs: tuple[FoundSign, ...]
    segments: tuple[Segment, ...]
    risk: RiskInWords
    questions: tuple[Promise, ...]
    general_questions: tuple[Promise, ...]


def check_text(text: str) -> CheckResult:
    """Screen ``text`` and say what was found in plain words (nothing is stored)."""
    screening = screen_text(text)
    signs: list[FoundSign] = []
    spans: list[tuple[int, int, int]] = []
    for indicator in screening["indicators"]:
        sign = WARNING_SIGNS.get(indicator["code"]) or unknown_sign(indicator["code"])
        number = len(signs) + 1
        evidence = indicator["evidence"]
        quotes = tuple(dict.fromkeys(item["text"] for item in evidence if item["text"].strip()))
        signs.append(FoundSign(number, sign, quotes))
        spans += [(item["start"], item["end"], number) for item in evidence]
    return CheckResult(
        text=text,
        screening=screening,
        signs=tuple(signs),
        segments=tuple(mark_segments(text, spans)),
        risk=risk_in_words(label=screening["label"], risk=screening["risk"], sign_count=len(signs)),
        questions=tuple(dict.fromkeys(found.sign.question for found in signs)),
        # With many signs the specific questions say it all; the general ones would repeat.
        general_questions=GENERAL_QUESTIONS if len(signs) < 4 else (),
    )


def mark_segments(text: str, spans: Iterable[tuple[int, int, int]]) -> list[Segment]:
    """Cut ``text`` into plain and marked pieces; overlapping spans share a piece.

    >>> [(s.text, s.numbers) for s in mark_segments("pay 5000 euro now", [(4, 13, 1), (9, 17, 2)])]
    [('pay ', ()), ('5000 ', (1,)), ('euro', (1, 2)), (' now', (2,))]
    """
    valid = [(start, end, n) for start, end, n in spans if 0 <= start < end <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in valid), *(e for _, e, _ in valid)})
    segments: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        numbers = tuple(sorted({n for s, e, n in valid if s <= start and end <= e}))
        if segments and segments[-1].numbers == numbers:
            segments[-1] = Segment(segments[-1].text + text[start:end], numbers)
        else:
            segments.append(Segment(text[start:end], numbers))
    return segments


@dataclass(frozen=True)
class HelpContact:
    name: str
    phone: str = ""
    email: str = ""
    url: str = ""

    @property
    def dial(self) -> str:
        """The phone number as a ``tel:`` link dials it (digits and a leading +)."""
        return _PHONE_DIALLED.sub("", self.phone)


def help_contacts() -> list[HelpContact]:
    """Where to get help: the configured hotlines, then the active NGOs of the directory.

    NGO names and contacts are public by nature, so this reads the directory without the
    gatekeeper (which only knows signed-in accounts).
    """
    contacts = [_configured_contact(entry) for entry in settings.FENER_HELP_CONTACTS]
    ngos = Institution.objects.filter(type=InstitutionType.NGO, is_active=True).order_by(
        localized_name_field()
    )
    contacts += [HelpContact(ngo.name, ngo.phone, ngo.email) for ngo in ngos]
    return [contact for contact in contacts if contact.name]


def _configured_contact(entry: Mapping[str, Any]) -> HelpContact:
    name = entry.get("name", "")
    if isinstance(name, Mapping):
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        name = name.get(language) or name.get("en") or next(iter(name.values()), "")
    url = str(entry.get("url", ""))
    return HelpContact(
        name=str(name),
        phone=str(entry.get("phone", "")),
        email=str(entry.get("email", "")),
        url=url if url.lower().startswith(("https://", "http://")) else "",
    )


def signs_in_order(codes: Sequence[str]) -> list[WarningSign]:
    """The warning signs of ``codes``, in the engine's order of the fourteen codes."""
    return [sign for code, sign in WARNING_SIGNS.items() if code in codes]
