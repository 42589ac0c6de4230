"""Checks shared by the case services: closed vocabularies, countries, dates."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from fener.cases.services.errors import CaseInputError

# ISO 3166-1 alpha-2 codes are two capital letters; the list itself is not enforced (Kosovo's
# XK is user-assigned and must be accepted).


def code_list(field: str, values: Iterable[Any], choices: type[models.TextChoices]) -> list[str]:
    """Distinct codes in the order given, each one of ``choices``."""
    allowed = set(choices.values)
    result: list[str] = []
    unknown: list[str] = []
    for value in values:
        text = str(value)
        if text not in allowed:
            unknown.append(text)
        elif text not in result:
            result.append(text)
    if unknown:
        raise CaseInputError(
            {field: _("Unknown value(s): %(values)s.") % {"values": ", ".join(unknown)}}
        )
    return result


def country(field: str, value: Any, *, blank: bool = True) -> str:
    text = str(value or "").strip().upper()
    if not text and blank:
        return ""
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise CaseInputError(
            {field: _("Give the country as a two-letter ISO code (for example MK, AL, DE).")}
        )
    return text


def countries(field: str, values: Iterable[Any]) -> list[str]:
    result: list[str] = []
    for value in values:
        code = country(field, value, blank=False)
        if code not in result:
            result.append(code)
    return result


def not_in_future(field: str, value: datetime.date | None, today: datetime.date) -> None:
    if value is not None and value > today:
        raise CaseInputError({field: _("The date cannot be in the future.")})


def required_text(field: str, value: str, *, limit: int = 5000) -> str:
    text = (value or "").strip()
    if not text:
        raise CaseInputError({field: _("This is required.")})
    if len(text) > limit:
        raise CaseInputError({field: _("Keep it under %(limit)d characters.") % {"limit": limit}})
    return text
