"""Case statistics without identity data: the dashboard's counts and the anonymised export.

Both read every case in the country (the statistics are national), and neither reads a name, a
case code or any other identity value. :mod:`.dashboard` counts with aggregate queries and
withholds small counts, and enough others that they cannot be worked out, because a count of one
or two people in a category can point at a person. :mod:`.export` writes one row per case in the
shape of CTDC's published data with HTCDS value names (:mod:`.htcds`), made k-anonymous by
:func:`fener.analytics.privacy.anonymise`; on the web always at the configured k (:func:`.web_k`).
"""

from fener.cases.statistics.dashboard import (
    SMALL_COUNT,
    Cell,
    CountTable,
    Dashboard,
    StatisticsInputError,
    require_statistics,
    statistics_dashboard,
    withheld_counts,
)
from fener.cases.statistics.export import (
    FORMATS,
    LEVEL_WORDS,
    MAX_K,
    MAX_SUPPRESSION,
    MIN_K,
    QUASI_IDENTIFIERS,
    StatisticsExport,
    anonymised_export,
    export_k,
    export_preview,
    generalisation_in_words,
    quasi_identifier_hierarchies,
    statistics_export,
    statistics_export_command,
    web_k,
)
from fener.cases.statistics.htcds import COLUMNS

__all__ = [
    "COLUMNS",
    "FORMATS",
    "LEVEL_WORDS",
    "MAX_K",
    "MAX_SUPPRESSION",
    "MIN_K",
    "QUASI_IDENTIFIERS",
    "SMALL_COUNT",
    "Cell",
    "CountTable",
    "Dashboard",
    "StatisticsExport",
    "StatisticsInputError",
    "anonymised_export",
    "export_k",
    "export_preview",
    "generalisation_in_words",
    "quasi_identifier_hierarchies",
    "require_statistics",
    "statistics_dashboard",
    "statistics_export",
    "statistics_export_command",
    "web_k",
    "withheld_counts",
]
