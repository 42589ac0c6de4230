"""Words for the codes shown on the insight pages (platforms, indicators, countries)."""

from __future__ import annotations

from typing import Any

from django import template

from fener.adwatch.labels import indicator_label
from fener.adwatch.models import Platform

register = template.Library()

_PLATFORMS = dict(Platform.choices)


@register.filter
def platform_label(code: Any) -> str:
    """The platform ``code`` in words (the code itself if it is unknown)."""
    label = _PLATFORMS.get(str(code))
    return str(label) if label is not None else str(code)


@register.filter
def indicator_name(code: Any) -> str:
    return indicator_label(str(code))


@register.filter
def metric(value: Any) -> str:
    """A model metric with three decimals, or a dash when it is missing."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.3f}"
    return "—"


@register.simple_tag
def metric_change(candidate: Any, current: Any, name: str) -> str:
    """How the candidate's metric differs from the current model's (signed, 3 decimals)."""
    try:
        difference = float(candidate[name]) - float(current[name])
    except (KeyError, TypeError, ValueError):
        return ""
    # The Brier score is an error: lower is better, so its sign is reported as it is.
    return f"{difference:+.3f}"
