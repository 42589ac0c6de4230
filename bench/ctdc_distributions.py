"""Aggregate the CTDC files into the distributions the demo case profiles are sampled from.

Run: ``uv run python bench/ctdc_distributions.py`` from the project root. It reads the two CTDC
files in ``../shared/data/ctdc/`` (see PROVENANCE.md there) and rewrites
``src/fener/cases/data/ctdc_distributions.json``. Running it again on the same files writes the
same bytes. Only counts leave the CSVs, never a record.

Where a distribution is conditional, each condition names the subset it was counted in: the
European records when they number at least ``MIN_SUPPORT``, otherwise every record of the file.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CTDC_DIRECTORY = PROJECT_ROOT.parent / "shared" / "data" / "ctdc"
CONDENSED_FILE = "CTDC_VPsynthetic_condensed.csv"
NORTH_AMERICA_FILE = "madiforman_final_data_NA_subset.csv"
OUTPUT_PATH = PROJECT_ROOT / "src" / "fener" / "cases" / "data" / "ctdc_distributions.json"

# A conditional cell counted among European records needs at least this many of them.
MIN_SUPPORT = 50

EXPLOITATIONS = ("forced_labour", "sexual_exploitation", "both")
YEAR_BANDS = ("2005-2013", "2014-2018", "2019", "2020", "2021-2022")
# The derived file's ordinal age codes (0 is "missing"), as its cleaning notebook assigned them.
AGE_BAND_CODES = {
    1: "0-8",
    2: "9-17",
    3: "18-20",
    4: "21-23",
    5: "24-26",
    6: "27-29",
    7: "30-38",
    8: "39-47",
    9: "48+",
}
MINOR_AGE_CODES = frozenset({1, 2})
MEANS_OF_CONTROL = (
    "Means Debt Bondage Earnings",
    "Means Threats",
    "Means Abuse",
    "Means False Promises",
    "Means Drugs Alcohol",
    "Means Deny Basic Needs",
    "Means Excessive Work Hours",
    "Means Withhold Docs",
)
RECRUITER_RELATIONS = (
    "Recruiter Relation Intimate Partner",
    "Recruiter Relation Family",
    "Recruiter Relation Friend",
    "Recruiter Relation Other",
)
PERPETRATOR_ROLES = (
    "IP_Exploiter",
    "IP_RecruiterBroker",
    "IP_TransactionProcess",
    "IP_ControlAbuseKidnap",
)

Row = dict[str, str]


def read_rows(path: Path) -> list[Row]:
    """Every row of a CSV file as a dict of strings (an empty string for a missing value)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def is_european(row: Row) -> bool:
    """Whether the victim came from, or was exploited in, Europe (UN regions)."""
    return "Europe" in (row["UN_COO_Region"], row["UN_COE_Region"])


def exploitation(row: Row) -> str:
    """forced_labour, sexual_exploitation, both, or "" when neither flag is set (the two files
    name the flags alike)."""
    forced_labour = row["isForcedLabour"] == "1"
    sexual_exploitation = row["isSexualExploit"] == "1"
    if forced_labour and sexual_exploitation:
        return "both"
    if forced_labour:
        return "forced_labour"
    if sexual_exploitation:
        return "sexual_exploitation"
    return ""


def shares(counts: Mapping[str, int], total: int) -> dict[str, float]:
    return {key: round(count / total, 4) for key, count in counts.items()}


def ordered_counts(counter: Counter[str], order: Iterable[str] | None = None) -> dict[str, int]:
    """The counter as a plain dict, in ``order`` when given, else by key."""
    keys = list(order) if order is not None else sorted(counter)
    unexpected = set(counter) - set(keys)
    if unexpected:
        raise ValueError(f"values outside the expected categories: {sorted(unexpected)}")
    return {key: counter[key] for key in keys}


def count_cell(
    rows: list[Row], value: Callable[[Row], str], order: Iterable[str] | None = None
) -> dict[str, Any]:
    """Counts of ``value`` over rows where it is known, with their total and shares."""
    counter = Counter(value(row) for row in rows)
    counter.pop("", None)
    total = sum(counter.values())
    counts = ordered_counts(counter, order)
    return {"n": total, "counts": counts, "shares": shares(counts, total) if total else {}}


def europe_or_all(
    rows: list[Row],
    keep: Callable[[Row], bool],
    value: Callable[[Row], str],
    order: Iterable[str] | None = None,
) -> dict[str, Any]:
    """``count_cell`` over the European rows that ``keep`` selects, or over all of them when
    the European ones are fewer than ``MIN_SUPPORT``."""
    selected = [row for row in rows if keep(row)]
    cell = count_cell([row for row in selected if is_european(row)], value, order)
    if cell["n"] >= MIN_SUPPORT:
        return {"subset": "europe", **cell}
    return {"subset": "all", **count_cell(selected, value, order)}


def sex_by_majority(rows: list[Row]) -> dict[str, Any]:
    counter = Counter(
        (row["majorityStatus"], row["gender"])
        for row in rows
        if is_european(row) and row["majorityStatus"] and row["gender"]
    )
    counts = {
        majority: {sex: counter[majority, sex] for sex in ("Female", "Male")}
        for majority in ("Adult", "Minor")
    }
    return {
        "source_file": CONDENSED_FILE,
        "subset": "europe",
        "note": "Joint counts of majorityStatus and gender where both are known.",
        "n": sum(counter.values()),
        "counts": counts,
    }


def exploitation_given_sex_majority(rows: list[Row]) -> dict[str, Any]:
    table = {}
    for majority in ("Adult", "Minor"):
        for sex in ("Female", "Male"):

            def keep(row: Row, majority: str = majority, sex: str = sex) -> bool:
                return row["majorityStatus"] == majority and row["gender"] == sex

            table[f"{sex}|{majority}"] = europe_or_all(rows, keep, exploitation, EXPLOITATIONS)
    return {
        "source_file": CONDENSED_FILE,
        "note": (
            "Records with isForcedLabour or isSexualExploit set; 'both' has the two flags. "
            "Records with neither (other or unknown exploitation) are left out."
        ),
        "table": table,
    }


def age_band_given_majority(rows: list[Row]) -> dict[str, Any]:
    table = {}
    for majority, codes in (
        ("Adult", set(AGE_BAND_CODES) - MINOR_AGE_CODES),
        ("Minor", MINOR_AGE_CODES),
    ):
        counter = Counter(
            AGE_BAND_CODES[int(row["Age Band"])] for row in rows if int(row["Age Band"]) in codes
        )
        counts = ordered_counts(counter, [AGE_BAND_CODES[code] for code in sorted(codes)])
        total = sum(counts.values())
        table[majority] = {"n": total, "counts": counts, "shares": shares(counts, total)}
    return {
        "source_file": NORTH_AMERICA_FILE,
        "subset": "north_america",
        "note": "The condensed file has no age; bands 0-8 and 9-17 are minors. Unknown ages left out.",
        "table": table,
    }


def flags_given_exploitation(rows: list[Row], columns: tuple[str, ...]) -> dict[str, Any]:
    """Per exploitation: how many records have at least one of ``columns`` set, and how many
    of those have each one (the shares do not add up to 1: a record can have several)."""
    table = {}
    for wanted in EXPLOITATIONS:
        recorded = [
            row
            for row in rows
            if exploitation(row) == wanted and any(row[column] == "1" for column in columns)
        ]
        counts = {column: sum(row[column] == "1" for row in recorded) for column in columns}
        table[wanted] = {
            "n": len(recorded),
            "counts": counts,
            "probabilities": shares(counts, len(recorded)),
        }
    return table


def control_methods_given_exploitation(rows: list[Row]) -> dict[str, Any]:
    return {
        "source_file": NORTH_AMERICA_FILE,
        "subset": "north_america",
        "note": "n counts records with at least one means of control recorded.",
        "table": flags_given_exploitation(rows, MEANS_OF_CONTROL),
    }


def recruiter_relation_given_exploitation(rows: list[Row]) -> dict[str, Any]:
    return {
        "source_file": NORTH_AMERICA_FILE,
        "subset": "north_america",
        "note": "n counts records with at least one recruiter relation recorded.",
        "table": flags_given_exploitation(rows, RECRUITER_RELATIONS),
    }


def perpetrator_relation_given_exploitation(rows: list[Row]) -> dict[str, Any]:
    table = {}
    for wanted in EXPLOITATIONS:

        def keep(row: Row, wanted: str = wanted) -> bool:
            return exploitation(row) == wanted

        table[wanted] = europe_or_all(rows, keep, lambda row: row["IP_Relation"])
    return {
        "source_file": CONDENSED_FILE,
        "note": "IP_Relation where known; ';' joins the relations of a victim's perpetrators.",
        "table": table,
    }


def perpetrator_pattern(row: Row) -> str:
    """``gender|role+role`` for a record with the perpetrators' gender and a role known."""
    roles = "+".join(column for column in PERPETRATOR_ROLES if row[column] == "1")
    if not row["IP_Gender"] or not roles:
        return ""
    return f"{row['IP_Gender']}|{roles}"


def perpetrators_given_exploitation(rows: list[Row]) -> dict[str, Any]:
    table = {}
    for wanted in EXPLOITATIONS:

        def keep(row: Row, wanted: str = wanted) -> bool:
            return exploitation(row) == wanted

        table[wanted] = europe_or_all(rows, keep, perpetrator_pattern)
    return {
        "source_file": CONDENSED_FILE,
        "note": (
            "Keys are IP_Gender|roles: the perpetrators' gender ('Female;Male' means both) and "
            "the IP_* role flags set, joined by '+'. Records lacking either are left out."
        ),
        "table": table,
    }


def registration_year(rows: list[Row]) -> dict[str, Any]:
    counter = Counter(
        row["yearRegister"] for row in rows if is_european(row) and row["yearRegister"]
    )
    counts = ordered_counts(counter, YEAR_BANDS)
    total = sum(counts.values())
    return {
        "source_file": CONDENSED_FILE,
        "subset": "europe",
        "note": "yearRegister bands where known.",
        "n": total,
        "counts": counts,
        "shares": shares(counts, total),
    }


def origin_region_exploited_in_europe(rows: list[Row]) -> dict[str, Any]:
    cell = count_cell(
        [row for row in rows if row["UN_COE_Region"] == "Europe"],
        lambda row: row["UN_COO_Region"],
    )
    return {
        "source_file": CONDENSED_FILE,
        "subset": "exploited_in_europe",
        "note": "UN_COO_Region of victims whose UN_COE_Region is Europe, where known.",
        **cell,
    }


def citizen_of_country_of_exploitation(rows: list[Row]) -> dict[str, Any]:
    citizens = sum(row["Is Citizen of Country"] == "1" for row in rows)
    counts = {"citizen": citizens, "not_citizen_or_unknown": len(rows) - citizens}
    return {
        "source_file": NORTH_AMERICA_FILE,
        "subset": "north_america",
        "note": (
            "The derived file codes a missing citizenship as 0, so the second count mixes "
            "foreign and unknown; kept for reference, not sampled from."
        ),
        "n": len(rows),
        "counts": counts,
        "shares": shares(counts, len(rows)),
    }


def compute_distributions(directory: Path = CTDC_DIRECTORY) -> dict[str, Any]:
    """Every distribution, computed from the two CTDC files in ``directory``."""
    condensed = read_rows(directory / CONDENSED_FILE)
    north_america = read_rows(directory / NORTH_AMERICA_FILE)
    return {
        "source": {
            "attribution": "Counter Trafficking Data Collaborative (CTDC)",
            "files": {
                CONDENSED_FILE: {
                    "what": "CTDC Global Victim-Perpetrator Synthetic Dataset, condensed file",
                    "records": len(condensed),
                },
                NORTH_AMERICA_FILE: {
                    "what": (
                        "Derived from CTDC_global_synthetic_data_v2025 by madiforman/CTDC_analysis: "
                        "records exploited in the USA, Mexico or Canada with an exploitation type"
                    ),
                    "records": len(north_america),
                },
            },
            "subsets": {
                "europe": "condensed records whose UN_COO_Region or UN_COE_Region is Europe",
                "all": f"every condensed record (used when Europe has fewer than {MIN_SUPPORT})",
                "exploited_in_europe": "condensed records whose UN_COE_Region is Europe",
                "north_america": "every record of the derived North America file",
            },
            "min_support": MIN_SUPPORT,
            "generated_by": "bench/ctdc_distributions.py",
        },
        "distributions": {
            "sex_by_majority": sex_by_majority(condensed),
            "exploitation_given_sex_majority": exploitation_given_sex_majority(condensed),
            "age_band_given_majority": age_band_given_majority(north_america),
            "control_methods_given_exploitation": control_methods_given_exploitation(north_america),
            "recruiter_relation_given_exploitation": recruiter_relation_given_exploitation(
                north_america
            ),
            "perpetrator_relation_given_exploitation": perpetrator_relation_given_exploitation(
                condensed
            ),
            "perpetrators_given_exploitation": perpetrators_given_exploitation(condensed),
            "year": registration_year(condensed),
            "origin_region_exploited_in_europe": origin_region_exploited_in_europe(condensed),
            "citizen_of_country_of_exploitation": citizen_of_country_of_exploitation(north_america),
        },
    }


def render(distributions: Mapping[str, Any]) -> str:
    """The JSON text written to the data file."""
    return json.dumps(distributions, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else CTDC_DIRECTORY
    OUTPUT_PATH.write_text(render(compute_distributions(directory)), encoding="utf-8")
    print(f"wrote {OUTPUT_PATH.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
