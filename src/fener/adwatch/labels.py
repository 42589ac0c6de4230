"""The engine's codes in words, for every page that shows them (analysts' and the public's).

The engine speaks in stable codes (``HIGH_PAY``, ``suspicious``); people read these labels in
their interface language. An unknown code is shown as itself rather than hidden.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fener.analytics.ads.indicators import INDICATOR_CODES

INDICATOR_LABELS: dict[str, Promise] = {
    "HIGH_PAY": _("Pay far above the market"),
    "NO_EXPERIENCE": _("No experience, qualification or language needed"),
    "FREE_TRAVEL_HOUSING": _('Travel, visa or housing "paid" (often a debt later)'),
    "UPFRONT_FEE": _("A fee or deposit asked from the applicant"),
    "VAGUE_EMPLOYER": _("No verifiable employer"),
    "URGENCY": _("Pressure to decide at once"),
    "PRIVATE_CHANNEL_ONLY": _("Contact only by private messenger or mobile phone"),
    "APPEARANCE_AGE_GENDER": _("Age, gender or looks required"),
    "ABROAD_RISKY_SECTOR": _("Work abroad in a high-risk sector (bars, dancing, massage, care…)"),
    "DOCUMENTS_REQUEST": _('Passport or documents asked for or "kept for safety"'),
    "DEBT_ADVANCE": _("An advance or debt to be paid back from wages"),
    "NO_CONTRACT": _("No contract, cash in hand"),
    "VAGUE_JOB": _('Vague duties ("hostess", "easy work")'),
    "MINORS": _("Aimed at minors"),
}

RISK_LABELS: dict[str, Promise] = {
    "suspicious": _("Suspicious"),
    "legitimate": _("Probably legitimate"),
}

AMOUNT_PERIODS: dict[str, Promise] = {
    "hour": _("per hour"),
    "day": _("per day"),
    "week": _("per week"),
    "month": _("per month"),
    "year": _("per year"),
}


def indicator_label(code: str) -> str:
    """The indicator ``code`` in words (the code itself when the engine adds a new one)."""
    label = INDICATOR_LABELS.get(code)
    return str(label) if label is not None else code


def risk_label(label: str) -> str:
    """The model's label in words."""
    text = RISK_LABELS.get(label)
    return str(text) if text is not None else label


def indicator_choices() -> list[tuple[str, str]]:
    """(code, words) for every indicator, in the engine's order, for filter forms."""
    return [(code, indicator_label(code)) for code in INDICATOR_CODES]
