"""k-anonymous release of case statistics (CTDC / HTCDS shaped rows).

:mod:`~fener.analytics.privacy.hierarchies` says how far each quasi-identifier may be
coarsened; :func:`~fener.analytics.privacy.kanonymity.anonymise` chooses the levels and the rows
to withhold so that every released combination of quasi-identifiers appears at least ``k`` times.
"""

from fener.analytics.privacy.hierarchies import (
    COUNTRY_REGIONS,
    AgeBandHierarchy,
    CategoryHierarchy,
    CountryHierarchy,
    Hierarchy,
    SuppressOnlyHierarchy,
    YearHierarchy,
)
from fener.analytics.privacy.kanonymity import (
    AnonymisationError,
    Release,
    ReleaseReport,
    anonymise,
    equivalence_classes,
    is_k_anonymous,
)

__all__ = [
    "COUNTRY_REGIONS",
    "AgeBandHierarchy",
    "AnonymisationError",
    "CategoryHierarchy",
    "CountryHierarchy",
    "Hierarchy",
    "Release",
    "ReleaseReport",
    "SuppressOnlyHierarchy",
    "YearHierarchy",
    "anonymise",
    "equivalence_classes",
    "is_k_anonymous",
]
