"""Generalisation hierarchies: how far a quasi-identifier's value may be coarsened.

A hierarchy has ``levels`` steps, numbered from 0. Level 0 is the value as recorded, each
level above it says less, and the top level (``levels - 1``) says nothing at all: ``"*"``.
:func:`fener.analytics.privacy.kanonymity.anonymise` picks one level per column.

Every hierarchy checks the value it is given, also at level 0, so that a typing mistake in the
data ("17-20" as an age band) stops the release instead of passing through unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol, runtime_checkable

WITHHELD = "*"
"""The value of every column at the top level of its hierarchy."""

UNKNOWN = "unknown"


@runtime_checkable
class Hierarchy(Protocol):
    """What :func:`~fener.analytics.privacy.kanonymity.anonymise` needs of a hierarchy.

    ``levels`` counts the levels, level 0 included; ``generalise(value, level)`` gives the
    value at that level (level 0: the value itself, top level: ``"*"``) and raises
    ``ValueError`` for a level outside ``0 .. levels - 1`` or a value it does not know;
    ``describe(level)`` says in words what the column becomes at that level.
    """

    @property
    def levels(self) -> int: ...

    def generalise(self, value: str, level: int) -> str: ...

    def describe(self, level: int) -> str: ...


def _check_level(hierarchy: Hierarchy, level: int) -> None:
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValueError(
            f"{type(hierarchy).__name__}: level must be an integer, got {type(level).__name__}"
        )
    if not 0 <= level < hierarchy.levels:
        raise ValueError(
            f"{type(hierarchy).__name__} has levels 0 to {hierarchy.levels - 1}, not {level}"
        )


# CTDC's ``ageBroad`` bands, with their wider band (level 1) and majority status (level 2).
_AGE_BANDS = {
    "0-8": ("0-17", "minor"),
    "9-17": ("0-17", "minor"),
    "18-20": ("18-29", "adult"),
    "21-23": ("18-29", "adult"),
    "24-26": ("18-29", "adult"),
    "27-29": ("18-29", "adult"),
    "30-38": ("30+", "adult"),
    "39-47": ("30+", "adult"),
    "48+": ("30+", "adult"),
}


@dataclass(frozen=True)
class AgeBandHierarchy:
    """CTDC age bands → ``0-17``/``18-29``/``30+`` → ``minor``/``adult`` → ``*``.

    The bands are CTDC's ``ageBroad`` values (``0-8``, ``9-17``, ``18-20``, ``21-23``,
    ``24-26``, ``27-29``, ``30-38``, ``39-47``, ``48+``); CTDC's own files write them with a
    double hyphen (``18--20``), which is read the same. ``unknown`` (or an empty cell) stays
    ``unknown`` until the top level. Anything else is refused with ``ValueError``.

    Examples
    --------
    >>> ages = AgeBandHierarchy()
    >>> [ages.generalise("21-23", level) for level in range(ages.levels)]
    ['21-23', '18-29', 'adult', '*']
    >>> ages.generalise("9--17", 2), ages.generalise("unknown", 2)
    ('minor', 'unknown')
    """

    levels: int = field(default=4, init=False)

    def generalise(self, value: str, level: int) -> str:
        """Give ``value`` (a CTDC age band) at ``level``."""
        _check_level(self, level)
        band = value.strip().lower().replace("--", "-")
        if band in ("", UNKNOWN):
            known = None
        elif band in _AGE_BANDS:
            known = _AGE_BANDS[band]
        else:
            raise ValueError(
                f"{value!r} is not a CTDC age band (expected one of "
                f"{', '.join(_AGE_BANDS)} or 'unknown')"
            )
        if level == 0:
            return value
        if level == self.levels - 1:
            return WITHHELD
        return UNKNOWN if known is None else known[level - 1]

    def describe(self, level: int) -> str:
        """Say what the age band becomes at ``level``."""
        _check_level(self, level)
        return (
            "age band (CTDC bands)",
            "age band → 0-17/18-29/30+",
            "age band → minor/adult",
            "age band withheld (*)",
        )[level]


_YEAR = re.compile(r"\d{1,4}", re.ASCII)


@dataclass(frozen=True)
class YearHierarchy:
    """A year → spans of ``widths[0]`` years → spans of ``widths[1]`` years … → ``*``.

    Spans are aligned: a span of width ``w`` starts at a year ``y`` with
    ``(y - origin) % w == 0``. With the default ``origin=0`` two-year spans start at even years
    (``2020-2021``); ``origin=1`` gives CTDC's ``2021-2022``. Spans of one level need not lie
    inside the spans of the next (two- and five-year spans do not);
    :func:`~fener.analytics.privacy.kanonymity.anonymise` does not rely on it.
    ``unknown`` (or an empty cell) stays ``unknown`` until the top level.

    Examples
    --------
    >>> years = YearHierarchy()
    >>> [years.generalise("2021", level) for level in range(years.levels)]
    ['2021', '2020-2021', '2020-2024', '*']
    >>> YearHierarchy(origin=1).generalise("2021", 1)
    '2021-2022'
    """

    widths: tuple[int, ...] = (2, 5)
    origin: int = 0

    def __post_init__(self) -> None:
        for width in self.widths:
            if isinstance(width, bool) or not isinstance(width, int) or width < 1:
                raise ValueError(f"span widths must be positive integers, got {width!r}")

    @property
    def levels(self) -> int:
        """The year itself, one level per width, and ``*``."""
        return len(self.widths) + 2

    def generalise(self, value: str, level: int) -> str:
        """Give ``value`` (a year such as ``"2021"``) at ``level``."""
        _check_level(self, level)
        text = value.strip()
        if text.lower() in ("", UNKNOWN):
            year = None
        elif _YEAR.fullmatch(text):
            year = int(text)
        else:
            raise ValueError(f"{value!r} is not a year (expected digits such as '2021')")
        if level == 0:
            return value
        if level == self.levels - 1:
            return WITHHELD
        if year is None:
            return UNKNOWN
        width = self.widths[level - 1]
        start = year - (year - self.origin) % width
        return str(start) if width == 1 else f"{start}-{start + width - 1}"

    def describe(self, level: int) -> str:
        """Say what the year becomes at ``level``."""
        _check_level(self, level)
        if level == 0:
            return "year"
        if level == self.levels - 1:
            return "year withheld (*)"
        return f"year → {self.widths[level - 1]}-year span"


# UN M49 (the UN's standard country or area codes for statistical use): every ISO 3166-1
# alpha-2 code under its M49 sub-region, or under its intermediate region where M49 splits the
# sub-region (sub-Saharan Africa into Eastern, Middle, Southern and Western Africa; Latin America
# and the Caribbean into the Caribbean, Central and South America; the Channel Islands, too
# small to be a group of their own, stay in Northern Europe). Antarctica (AQ) has no region and
# is left out, so it becomes "Other". Two codes M49 does not list are added: XK (Kosovo, in ISO's
# user-assigned range, used by the European Commission and others) with its neighbours in
# Southern Europe, and TW with Eastern Asia.
_M49 = {
    "Africa": {
        "Northern Africa": "DZ EG EH LY MA SD TN",
        "Eastern Africa": "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
        "Middle Africa": "AO CD CF CG CM GA GQ ST TD",
        "Southern Africa": "BW LS NA SZ ZA",
        "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    },
    "Americas": {
        "Caribbean": "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC "
        "TT VC VG VI",
        "Central America": "BZ CR GT HN MX NI PA SV",
        "South America": "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",
        "Northern America": "BM CA GL PM US",
    },
    "Asia": {
        "Central Asia": "KG KZ TJ TM UZ",
        "Eastern Asia": "CN HK JP KP KR MN MO TW",
        "South-eastern Asia": "BN ID KH LA MM MY PH SG TH TL VN",
        "Southern Asia": "AF BD BT IN IR LK MV NP PK",
        "Western Asia": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    },
    "Europe": {
        "Eastern Europe": "BG BY CZ HU MD PL RO RU SK UA",
        "Northern Europe": "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",
        "Southern Europe": "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK",
        "Western Europe": "AT BE CH DE FR LI LU MC NL",
    },
    "Oceania": {
        "Australia and New Zealand": "AU CC CX HM NF NZ",
        "Melanesia": "FJ NC PG SB VU",
        "Micronesia": "FM GU KI MH MP NR PW UM",
        "Polynesia": "AS CK NU PF PN TK TO TV WF WS",
    },
}
OTHER = "Other"
COUNTRY_REGIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        code: (subregion, region)
        for region, subregions in _M49.items()
        for subregion, codes in subregions.items()
        for code in codes.split()
    }
)
"""ISO 3166-1 alpha-2 code → (UN M49 sub-region, UN M49 region)."""


@dataclass(frozen=True)
class CountryHierarchy:
    """ISO 3166-1 alpha-2 code → UN M49 sub-region → UN M49 region → ``*``.

    Sub-Saharan Africa and Latin America are split into M49's intermediate regions (Western
    Africa, Caribbean, …). A code the table does not hold (including an empty cell) becomes
    ``Other`` at levels 1 and 2; codes are read without regard to case or surrounding spaces.
    See :data:`COUNTRY_REGIONS`.

    Examples
    --------
    >>> countries = CountryHierarchy()
    >>> [countries.generalise("MK", level) for level in range(countries.levels)]
    ['MK', 'Southern Europe', 'Europe', '*']
    >>> countries.generalise("ly", 1), countries.generalise("ZZ", 2)
    ('Northern Africa', 'Other')
    """

    levels: int = field(default=4, init=False)

    def generalise(self, value: str, level: int) -> str:
        """Give ``value`` (a country code) at ``level``."""
        _check_level(self, level)
        if level == 0:
            return value
        if level == self.levels - 1:
            return WITHHELD
        regions = COUNTRY_REGIONS.get(value.strip().upper())
        return OTHER if regions is None else regions[level - 1]

    def describe(self, level: int) -> str:
        """Say what the country becomes at ``level``."""
        _check_level(self, level)
        return (
            "country (ISO 3166-1 alpha-2)",
            "country → UN M49 sub-region",
            "country → UN M49 region",
            "country withheld (*)",
        )[level]


@dataclass(frozen=True)
class CategoryHierarchy:
    """A category → its group in ``mapping`` → ``*``.

    A value that ``mapping`` does not hold goes to the group ``other`` when one is given, and
    is refused with ``ValueError`` otherwise. A multi-valued cell such as
    ``"forced_labour;sexual_exploitation"`` is one value: give it its own entry in ``mapping``
    (or let ``other`` take it). ``name`` is used in :meth:`describe`.

    Examples
    --------
    >>> exploitation = CategoryHierarchy(
    ...     {"forced_labour": "labour", "forced_begging": "labour", "sexual_exploitation": "sexual"},
    ...     name="type of exploitation",
    ...     other="other or several",
    ... )
    >>> exploitation.generalise("forced_begging", 1)
    'labour'
    >>> exploitation.generalise("forced_labour;sexual_exploitation", 1)
    'other or several'
    >>> exploitation.describe(1)
    'type of exploitation → group'
    """

    mapping: Mapping[str, str] = field(hash=False)
    name: str = "category"
    other: str | None = None
    levels: int = field(default=3, init=False)

    def __post_init__(self) -> None:
        # A private copy: changing the caller's dict later must not change the hierarchy.
        object.__setattr__(self, "mapping", MappingProxyType(dict(self.mapping)))

    def generalise(self, value: str, level: int) -> str:
        """Give ``value`` at ``level``."""
        _check_level(self, level)
        group = self.mapping.get(value, self.other)
        if group is None:
            raise ValueError(f"{self.name} {value!r} has no group in the mapping")
        return (value, group, WITHHELD)[level]

    def describe(self, level: int) -> str:
        """Say what the category becomes at ``level``."""
        _check_level(self, level)
        return (self.name, f"{self.name} → group", f"{self.name} withheld (*)")[level]


@dataclass(frozen=True)
class SuppressOnlyHierarchy:
    """A value → ``*``: the column is either released as recorded or not at all.

    Examples
    --------
    >>> gender = SuppressOnlyHierarchy()
    >>> gender.generalise("female", 0), gender.generalise("female", 1)
    ('female', '*')
    """

    levels: int = field(default=2, init=False)

    def generalise(self, value: str, level: int) -> str:
        """Give ``value`` at ``level``."""
        _check_level(self, level)
        return value if level == 0 else WITHHELD

    def describe(self, level: int) -> str:
        """Say what the column becomes at ``level``."""
        _check_level(self, level)
        return ("as recorded", "withheld (*)")[level]
