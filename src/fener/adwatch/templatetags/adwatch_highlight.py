"""Ad text with the evidence of each indicator highlighted.

The ad text is untrusted: every piece of it is escaped, and the only markup is the ``<mark>``
elements made here. Evidence spans may overlap (one phrase can be evidence for two indicators);
the text is cut at every span boundary, so marks never nest or cross, and a piece covered by
several indicators names all of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from fener.adwatch.labels import indicator_label
from fener.analytics.ads.indicators import INDICATOR_CODES

register = template.Library()

COLOURS = 7  # distinct highlight colours in review.css (.evidence-0 … .evidence-6)


def _spans(text: str, indicators: Any) -> list[tuple[int, int, str]]:
    """(start, end, code) of every well-formed evidence span inside ``text``."""
    spans: list[tuple[int, int, str]] = []
    if not isinstance(indicators, Iterable):
        return spans
    for indicator in indicators:
        if not isinstance(indicator, Mapping):
            continue
        code = str(indicator.get("code", ""))
        for evidence in indicator.get("evidence") or []:
            if not isinstance(evidence, Mapping):
                continue
            start, end = evidence.get("start"), evidence.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                spans.append((start, end, code))
    return spans


def _colour(codes: list[str]) -> str:
    if len(codes) > 1:
        return "evidence-overlap"
    code = codes[0]
    index = INDICATOR_CODES.index(code) if code in INDICATOR_CODES else 0
    return f"evidence-{index % COLOURS}"


def highlight(text: str, indicators: Any) -> SafeString:
    """``text`` escaped, with each indicator's evidence in ``<mark>`` titled in words."""
    text = str(text)
    spans = _spans(text, indicators)
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    pieces: list[str] = []
    for start, end in itertools.pairwise(cuts):
        codes = list(dict.fromkeys(code for s, e, code in spans if s <= start and end <= e))
        if not codes:
            pieces.append(escape(text[start:end]))
            continue
        pieces.append(
            format_html(
                '<mark class="evidence {}" data-indicators="{}" title="{}">{}</mark>',
                _colour(codes),
                " ".join(codes),
                "; ".join(indicator_label(code) for code in codes),
                text[start:end],
            )
        )
    # Every piece is escaped text or a mark built by format_html (which escapes its values).
    return mark_safe("".join(pieces))  # noqa: S308


@register.filter(name="highlight_evidence")
def highlight_evidence(text: str, indicators: Any) -> SafeString:
    """``{{ ad.text|highlight_evidence:ad.indicators }}``"""
    return highlight(text, indicators)


@register.filter(name="indicator_label")
def indicator_label_filter(code: str) -> str:
    """``{{ indicator.code|indicator_label }}``: the indicator in words."""
    return indicator_label(code)


@register.filter(name="evidence_colour")
def evidence_colour(code: str) -> str:
    """The highlight colour class of an indicator, to match the list with the text."""
    return _colour([code])
