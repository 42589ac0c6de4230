"""The anonymised export: every case as one CTDC/HTCDS row, k-anonymous, in CSV or JSON.

Year of registration, gender, age band, citizenship and country of exploitation are the
quasi-identifiers: :func:`fener.analytics.privacy.anonymise` generalises them and withholds the
rarest rows until every combination is shared by at least k cases. ``majorityStatus`` is worked
out from the released age band, so it never says more than that band.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fener.analytics.privacy import (
    AgeBandHierarchy,
    CategoryHierarchy,
    CountryHierarchy,
    Hierarchy,
    YearHierarchy,
    anonymise,
)
from fener.cases.statistics.dashboard import StatisticsInputError, require_statistics
from fener.cases.statistics.htcds import CHILD_AGE_UNKNOWN, COLUMNS, UNKNOWN, case_rows
from fener.core.audit import audit_record
from fener.core.models import User
from fener.core.views.audit import spreadsheet_safe

QUASI_IDENTIFIERS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "countryOfExploitation",
)
"""What an outsider could know about a person; ``majorityStatus`` follows ``ageBroad``."""


FORMATS = ("csv", "json")
MIN_K = 2
"""The smallest k at all, for the operator's command line; the web's one k is :func:`web_k`."""
MAX_K = 999_999
MAX_SUPPRESSION = 0.05
"""At most this share of the cases is withheld; beyond it the columns are generalised more."""

# Level 1 of gender: CTDC's own grouping (transgender and non-conforming people together).
GENDER_GROUPS = {
    "Feminine": "Feminine",
    "Masculine": "Masculine",
    "TransgenderFeminine": "TransgenderOrNonConforming",
    "TransgenderMasculine": "TransgenderOrNonConforming",
    "NonConforming": "TransgenderOrNonConforming",
    "NonSpecifiedUnknown": "NonSpecifiedUnknown",
}

_AGES = AgeBandHierarchy()
_COUNTRIES = CountryHierarchy()
_MINOR = {"0-8", "9-17", CHILD_AGE_UNKNOWN, "minor"}
_DIGITS = re.compile(r"\d{1,6}", re.ASCII)


@dataclass(frozen=True)
class AgeOrChildHierarchy:
    """CTDC's age bands, plus ``0-17`` for a child whose age is not known.

    ``0-17`` is what :class:`AgeBandHierarchy` makes of both child bands at level 1, so it
    generalises with them: ``0-17`` → ``0-17`` → ``minor`` → ``*``.
    """

    levels: int = field(default=4, init=False)

    def generalise(self, value: str, level: int) -> str:
        if value == CHILD_AGE_UNKNOWN:
            generalised = _AGES.generalise("9-17", level)  # also checks the level
            return value if level == 0 else generalised
        return _AGES.generalise(value, level)

    def describe(self, level: int) -> str:
        return _AGES.describe(level)


@dataclass(frozen=True)
class CountriesHierarchy:
    """One or more ISO codes (``;``-joined, e.g. dual citizenship) or ``unknown``: each code
    goes to its UN M49 sub-region, then region, then ``*``; ``unknown`` stays ``unknown``."""

    levels: int = field(default=4, init=False)

    def generalise(self, value: str, level: int) -> str:
        top = _COUNTRIES.generalise("MK", level) == "*"  # also checks the level
        if level == 0:
            return value
        if top:
            return "*"
        if value == UNKNOWN:
            return UNKNOWN
        return ";".join(sorted({_COUNTRIES.generalise(code, level) for code in value.split(";")}))

    def describe(self, level: int) -> str:
        return _COUNTRIES.describe(level)


def quasi_identifier_hierarchies() -> dict[str, Hierarchy]:
    """How far each quasi-identifier may be generalised, most important first."""
    return {
        "yearOfRegistration": YearHierarchy(),
        "gender": CategoryHierarchy(GENDER_GROUPS, name="gender"),
        "ageBroad": AgeOrChildHierarchy(),
        "citizenship": CountriesHierarchy(),
        "countryOfExploitation": CountriesHierarchy(),
    }


_COUNTRY_LEVELS = (
    gettext_lazy("country"),
    gettext_lazy("UN sub-region"),
    gettext_lazy("UN region"),
    gettext_lazy("withheld"),
)
LEVEL_WORDS: dict[str, tuple[Any, ...]] = {
    "yearOfRegistration": (
        gettext_lazy("year"),
        gettext_lazy("two-year span"),
        gettext_lazy("five-year span"),
        gettext_lazy("withheld"),
    ),
    "gender": (
        gettext_lazy("as recorded"),
        gettext_lazy("transgender and gender non-conforming people together"),
        gettext_lazy("withheld"),
    ),
    "ageBroad": (
        gettext_lazy("CTDC age band"),
        gettext_lazy("0–17, 18–29 or 30+"),
        gettext_lazy("minor or adult"),
        gettext_lazy("withheld"),
    ),
    "citizenship": _COUNTRY_LEVELS,
    "countryOfExploitation": _COUNTRY_LEVELS,
}
"""What each level of :func:`quasi_identifier_hierarchies` means, in the reader's language."""


def generalisation_in_words(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each quasi-identifier of an export's report with what it was released as."""
    return [(column, str(LEVEL_WORDS[column][level])) for column, level in report["levels"].items()]


def _majority(age: str) -> str:
    if age in ("*", UNKNOWN):
        return age
    return "Minor" if age in _MINOR else "Adult"


def web_k(value: object = None) -> int:
    """The one k of the web: ``FENER_STATISTICS_K``, the operator's choice.

    Several releases of the same cases at different k could be combined to narrow down the
    rows each one withholds, so the web releases at this k only; only the operator's command
    line may choose another (down to :data:`MIN_K`). ``value`` (a request's ``k``) may be left
    out or blank, or be that same k; anything else raises :class:`StatisticsInputError`. A
    setting that is not a whole number from :data:`MIN_K` to :data:`MAX_K` raises
    ``ImproperlyConfigured``.
    """
    configured = getattr(settings, "FENER_STATISTICS_K", 10)
    if (
        isinstance(configured, bool)
        or not isinstance(configured, int)
        or not MIN_K <= configured <= MAX_K
    ):
        raise ImproperlyConfigured(
            f"FENER_STATISTICS_K must be a whole number from {MIN_K} to {MAX_K}, "
            f"not {configured!r}."
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        return configured
    asked: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        asked = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        asked = int(value.strip())
    if asked != configured:
        raise StatisticsInputError(
            _("This site releases statistics at k = %(k)d only.") % {"k": configured}
        )
    return configured


def export_k(value: object = None) -> int:
    """The k of an export: ``value`` (a whole number or its digits), or ``FENER_STATISTICS_K``.

    Raises :class:`StatisticsInputError` unless it is a whole number from :data:`MIN_K` to
    :data:`MAX_K`. The web does not choose: it uses :func:`web_k`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        value = getattr(settings, "FENER_STATISTICS_K", 10)
    k: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        k = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        k = int(value.strip())
    if k is None or not MIN_K <= k <= MAX_K:
        raise StatisticsInputError(
            _("k must be a whole number from %(minimum)d to %(maximum)d, not “%(value)s”.")
            % {"minimum": MIN_K, "maximum": MAX_K, "value": str(value)[:20]}
        )
    return k


@dataclass(frozen=True)
class StatisticsExport:
    """A k-anonymous release: ``records`` in CTDC's column order, and the ``report`` of what
    was generalised and withheld (counts and levels only, never a withheld row)."""

    k: int
    report: dict[str, Any]
    records: list[dict[str, str]]

    def to_json(self) -> str:
        document = {"k": self.k, "report": self.report, "records": self.records}
        return json.dumps(document, ensure_ascii=False, indent=1)

    def to_csv(self) -> str:
        """The records as CSV; a cell that a spreadsheet would run as a formula is quoted."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for record in self.records:
            writer.writerow([spreadsheet_safe(record[column]) for column in COLUMNS])
        return buffer.getvalue()

    def render(self, file_format: str) -> str:
        _checked_format(file_format)
        return self.to_csv() if file_format == "csv" else self.to_json()


def anonymised_export(*, k: object = None) -> StatisticsExport:
    """Every case as one CTDC/HTCDS row, k-anonymous over :data:`QUASI_IDENTIFIERS`.

    No permission check and no audit: :func:`statistics_export` (web) and
    :func:`statistics_export_command` (shell) are the ways out. Rows come sorted by their
    values, so that their order says nothing about when a case was registered.
    """
    k = export_k(k)
    release = anonymise(
        case_rows(),
        quasi_identifiers=quasi_identifier_hierarchies(),
        k=k,
        max_suppression=MAX_SUPPRESSION,
    )
    records = []
    for row in release.records:
        row["majorityStatus"] = _majority(row["ageBroad"])
        records.append({column: row[column] for column in COLUMNS})
    records.sort(key=lambda record: tuple(record[column] for column in COLUMNS))
    report: dict[str, Any] = {**release.report(), "max_suppression": MAX_SUPPRESSION}
    return StatisticsExport(k=k, report=report, records=records)


def export_preview(user: User) -> dict[str, Any]:
    """The report of the web's export (at :func:`web_k`, no records), for the dashboard."""
    require_statistics(user)
    return anonymised_export(k=web_k()).report


def _audit_export(
    actor: User | None, export: StatisticsExport, file_format: str, purpose: str = ""
) -> None:
    audit_record(
        actor=actor,
        action="cases.statistics_export",
        after={
            "k": export.k,
            "rows": len(export.records),
            "suppressed": export.report["suppressed"],
            "format": file_format,
        },
        purpose=purpose,
        target_label="anonymised case statistics",
    )


def _checked_format(file_format: str) -> str:
    if file_format not in FORMATS:
        raise StatisticsInputError(
            _("The export is written as CSV or JSON, not “%(format)s”.")
            % {"format": str(file_format)[:20]}
        )
    return file_format


def statistics_export(*, actor: User, k: object, file_format: str) -> StatisticsExport:
    """The anonymised export for a user with ``cases.view_statistics`` (the web); audited.

    Raises ``AccessDenied`` first, then :class:`StatisticsInputError` for a bad format or a
    ``k`` other than :func:`web_k` (``None`` or blank means that k). Nothing is audited then.
    """
    require_statistics(actor)
    _checked_format(file_format)
    export = anonymised_export(k=web_k(k))
    _audit_export(actor, export, file_format)
    return export


def statistics_export_command(*, k: object, file_format: str) -> StatisticsExport:
    """The same export for ``fener cases export-stats``; audited.

    The operator who runs the command may choose another k than ``FENER_STATISTICS_K`` (the
    web's only one), from :data:`MIN_K` to :data:`MAX_K`.
    """
    _checked_format(file_format)
    export = anonymised_export(k=k)
    _audit_export(None, export, file_format, purpose="fener cases export-stats")
    return export
