"""anonymise on worked examples, its helpers, its report and every input it refuses."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from fener.analytics.privacy import (
    AgeBandHierarchy,
    AnonymisationError,
    CategoryHierarchy,
    CountryHierarchy,
    SuppressOnlyHierarchy,
    YearHierarchy,
    anonymise,
    equivalence_classes,
    is_k_anonymous,
)

QUASI_IDENTIFIERS = {
    "gender": SuppressOnlyHierarchy(),
    "ageBroad": AgeBandHierarchy(),
    "citizenship": CountryHierarchy(),
}


def cases(*groups):
    """Rows from (count, gender, age band, citizenship), each with a case number and a
    sensitive column that must come out unchanged."""
    rows = []
    for count, gender, age, citizenship in groups:
        for _ in range(count):
            rows.append(
                {
                    "case": str(len(rows)),
                    "gender": gender,
                    "ageBroad": age,
                    "citizenship": citizenship,
                    "typeOfExploitation": "forced_labour;sexual_exploitation",
                }
            )
    return rows


WORKED_EXAMPLE = cases(
    (2, "female", "18-20", "MK"),
    (2, "female", "21-23", "MK"),
    (3, "female", "24-26", "AL"),
    (3, "male", "30-38", "RS"),
    (2, "male", "39-47", "RS"),
    (1, "male", "9-17", "XK"),
    (1, "female", "48+", "TR"),
)


def test_worked_example_widens_age_bands_and_withholds_two_rare_cases():
    # As recorded, 8 of 14 rows sit in classes smaller than 3 (at most 2 may be withheld).
    # Widening the age band leaves two single cases: (female, 30+, TR) and (male, 0-17, XK).
    # Widening the country instead (MK, AL, RS, XK are all Southern Europe) leaves 8.
    release = anonymise(
        WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=3, max_suppression=0.15
    )
    assert release.levels == {"gender": 0, "ageBroad": 1, "citizenship": 0}
    assert release.generalised_to == {
        "gender": "as recorded",
        "ageBroad": "age band → 0-17/18-29/30+",
        "citizenship": "country (ISO 3166-1 alpha-2)",
    }
    assert (release.total, release.suppressed, release.released) == (14, 2, 12)
    assert release.suppressed_by_class == [
        (("female", "30+", "TR"), 1),
        (("male", "0-17", "XK"), 1),
    ]
    assert equivalence_classes(release.records, ["gender", "ageBroad", "citizenship"]) == {
        ("female", "18-29", "MK"): 4,
        ("female", "18-29", "AL"): 3,
        ("male", "30+", "RS"): 5,
    }
    assert [record["case"] for record in release.records] == [str(n) for n in range(12)]
    assert release.records[0] == {
        "case": "0",
        "gender": "female",
        "ageBroad": "18-29",
        "citizenship": "MK",
        "typeOfExploitation": "forced_labour;sexual_exploitation",
    }


def test_worked_example_report_is_json_safe_and_names_no_withheld_values():
    release = anonymise(
        WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=3, max_suppression=0.15
    )
    report = release.report()
    assert report == {
        "k": 3,
        "levels": {"gender": 0, "ageBroad": 1, "citizenship": 0},
        "generalised_to": release.generalised_to,
        "total": 14,
        "released": 12,
        "suppressed": 2,
        "suppressed_classes": 2,
        "classes": 3,
        "smallest_class": 3,
    }
    text = json.dumps(report)
    assert "TR" not in text
    assert "XK" not in text


def test_numbers_from_numpy_are_accepted_as_settings():
    release = anonymise(
        WORKED_EXAMPLE,
        quasi_identifiers=QUASI_IDENTIFIERS,
        k=np.int64(3),
        max_suppression=np.float64(0.15),
    )
    assert release.levels == {"gender": 0, "ageBroad": 1, "citizenship": 0}
    assert json.loads(json.dumps(release.report()))["k"] == 3


def test_without_room_to_withhold_the_search_generalises_further():
    # The one minor (male, 9-17, XK) is a minor at every age level short of "*", and the one
    # citizen of Turkey (female, 48+, TR) is in Asia at every country level short of "*":
    # with nothing withheld, both columns must go (loss 2); every cheaper choice fails.
    release = anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=3, max_suppression=0)
    assert release.levels == {"gender": 0, "ageBroad": 3, "citizenship": 3}
    assert release.suppressed == 0
    assert equivalence_classes(release.records, list(QUASI_IDENTIFIERS)) == {
        ("female", "*", "*"): 8,
        ("male", "*", "*"): 6,
    }


def test_k_of_1_releases_every_row_as_recorded():
    release = anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=1)
    assert release.records == WORKED_EXAMPLE
    assert release.levels == {"gender": 0, "ageBroad": 0, "citizenship": 0}
    assert release.suppressed == 0
    assert release.suppressed_by_class == []


def test_fewer_records_than_k_releases_nothing():
    release = anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=15)
    assert release.records == []
    assert (release.suppressed, release.total) == (14, 14)
    assert release.levels == {"gender": 1, "ageBroad": 3, "citizenship": 3}
    assert release.suppressed_by_class == [(("*", "*", "*"), 14)]
    assert release.report()["smallest_class"] is None
    assert release.report()["classes"] == 0


def test_exactly_k_records_are_released_fully_generalised():
    release = anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=14)
    assert release.released == 14
    assert {record["gender"] for record in release.records} == {"*"}
    assert release.levels == {"gender": 1, "ageBroad": 3, "citizenship": 3}


def test_no_records_give_an_empty_release():
    release = anonymise([], quasi_identifiers=QUASI_IDENTIFIERS, k=10)
    assert release.records == []
    assert (release.total, release.suppressed) == (0, 0)
    assert release.levels == {"gender": 0, "ageBroad": 0, "citizenship": 0}


def test_equal_loss_goes_to_the_node_that_withholds_fewer_rows():
    # Withholding "first" leaves classes x:3, y:1; withholding "second" leaves p:2, q:1, r:1.
    rows = [{"first": a, "second": b} for a, b in (("p", "x"), ("q", "x"), ("r", "x"), ("p", "y"))]
    both = {"first": SuppressOnlyHierarchy(), "second": SuppressOnlyHierarchy()}
    release = anonymise(rows, quasi_identifiers=both, k=2, max_suppression=0.5)
    assert release.levels == {"first": 1, "second": 0}
    assert release.suppressed == 1
    assert release.suppressed_by_class == [(("*", "y"), 1)]


def test_equal_loss_and_equal_withholding_keep_the_column_listed_first():
    rows = [{"first": a, "second": b} for a, b in (("p", "x"), ("p", "y"), ("q", "x"), ("q", "y"))]
    hierarchies = {"first": SuppressOnlyHierarchy(), "second": SuppressOnlyHierarchy()}
    assert anonymise(rows, quasi_identifiers=hierarchies, k=2).levels == {"first": 0, "second": 1}
    reversed_order = dict(reversed(hierarchies.items()))
    assert anonymise(rows, quasi_identifiers=reversed_order, k=2).levels == {
        "second": 0,
        "first": 1,
    }


def test_year_spans_that_do_not_nest_still_give_the_least_loss():
    # The two-year span 2024-2025 straddles the five-year spans 2020-2024 and 2025-2029, so
    # here two-year spans satisfy k=2 while five-year spans do not: "if a level fails, every
    # finer level fails" does not hold, and the search must not rely on it.
    years = YearHierarchy()
    rows = [{"year": year} for year in ("2024", "2025", "2021", "2020")]
    five_year = equivalence_classes(
        [{"year": years.generalise(r["year"], 2)} for r in rows], ["year"]
    )
    assert min(five_year.values()) == 1
    release = anonymise(rows, quasi_identifiers={"year": years}, k=2, max_suppression=0)
    assert release.levels == {"year": 1}
    assert [record["year"] for record in release.records] == [
        "2024-2025",
        "2024-2025",
        "2020-2021",
        "2020-2021",
    ]


def test_a_hierarchy_of_ones_own_can_be_used():
    class FirstLetter:
        levels = 3

        def generalise(self, value, level):
            return (value, value[:1], "*")[level]

        def describe(self, level):
            return ("name", "first letter", "withheld (*)")[level]

    rows = [{"municipality": name} for name in ("Bitola", "Berovo", "Bogdanci", "Ohrid")]
    release = anonymise(
        rows, quasi_identifiers={"municipality": FirstLetter()}, k=3, max_suppression=0.25
    )
    assert release.generalised_to == {"municipality": "first letter"}
    assert [record["municipality"] for record in release.records] == ["B", "B", "B"]


def test_equivalence_classes_and_is_k_anonymous_count_combinations():
    rows = cases((3, "female", "18-20", "MK"), (1, "male", "18-20", "MK"))
    assert equivalence_classes(rows, ["gender", "citizenship"]) == {
        ("female", "MK"): 3,
        ("male", "MK"): 1,
    }
    assert equivalence_classes(rows, ["citizenship"]) == {("MK",): 4}
    assert is_k_anonymous(rows, ["citizenship"], 4)
    assert not is_k_anonymous(rows, ["gender"], 2)
    assert is_k_anonymous([], ["gender"], 10)


@pytest.mark.parametrize("k", [0, -3])
def test_k_below_1_is_refused(k):
    with pytest.raises(AnonymisationError, match=f"k must be at least 1, got {k}"):
        anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=k)
    with pytest.raises(AnonymisationError, match=f"k must be at least 1, got {k}"):
        is_k_anonymous(WORKED_EXAMPLE, ["gender"], k)


@pytest.mark.parametrize("k", [2.0, "10", True])
def test_k_that_is_not_an_integer_is_refused(k):
    with pytest.raises(AnonymisationError, match="k must be an integer"):
        anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, k=k)


@pytest.mark.parametrize("share", [-0.01, 1.5, float("nan"), float("inf")])
def test_a_suppression_share_outside_0_to_1_is_refused(share):
    with pytest.raises(AnonymisationError, match="max_suppression must be between 0 and 1"):
        anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, max_suppression=share)


def test_a_suppression_share_that_is_not_a_number_is_refused():
    with pytest.raises(AnonymisationError, match="max_suppression must be a number, got str"):
        anonymise(WORKED_EXAMPLE, quasi_identifiers=QUASI_IDENTIFIERS, max_suppression="5%")


def test_the_suppression_share_is_read_as_written():
    # 0.29 * 100 is 28.999999999999996 in floating point; the share means 29 rows.
    rows = [{"gender": "female"}] * 71 + [{"gender": f"other {n}"} for n in range(29)]
    hierarchies = {"gender": SuppressOnlyHierarchy()}
    release = anonymise(rows, quasi_identifiers=hierarchies, k=5, max_suppression=0.29)
    assert release.levels == {"gender": 0}
    assert release.suppressed == 29


def test_an_error_in_the_data_is_an_anonymisation_error_and_a_value_error():
    assert issubclass(AnonymisationError, ValueError)


def test_no_quasi_identifiers_is_refused():
    with pytest.raises(AnonymisationError, match="no quasi-identifier columns given"):
        anonymise(WORKED_EXAMPLE, quasi_identifiers={})
    with pytest.raises(AnonymisationError, match="no quasi-identifier columns given"):
        equivalence_classes(WORKED_EXAMPLE, [])


def test_a_single_column_name_is_not_taken_for_a_list_of_letters():
    with pytest.raises(AnonymisationError, match="not the string 'gender'"):
        equivalence_classes(WORKED_EXAMPLE, "gender")


def test_a_record_without_a_quasi_identifier_column_is_named():
    rows = [dict(row) for row in WORKED_EXAMPLE]
    del rows[7]["gender"]
    with pytest.raises(AnonymisationError, match="record 7 has no column 'gender'"):
        anonymise(rows, quasi_identifiers=QUASI_IDENTIFIERS)
    with pytest.raises(AnonymisationError, match="record 7 has no column 'gender'"):
        equivalence_classes(rows, ["gender"])


def test_a_missing_column_that_is_not_a_quasi_identifier_is_fine():
    rows = [dict(row) for row in WORKED_EXAMPLE]
    del rows[7]["typeOfExploitation"]
    release = anonymise(rows, quasi_identifiers=QUASI_IDENTIFIERS, k=1)
    assert "typeOfExploitation" not in release.records[7]


def test_a_value_that_is_not_a_string_is_named():
    rows = [dict(row) for row in WORKED_EXAMPLE]
    rows[4]["ageBroad"] = None
    with pytest.raises(
        AnonymisationError, match="record 4 column 'ageBroad' holds a NoneType, not a string"
    ):
        anonymise(rows, quasi_identifiers=QUASI_IDENTIFIERS)


def test_a_record_that_is_not_a_mapping_is_named():
    rows = [*WORKED_EXAMPLE[:2], ["female", "18-20", "MK"]]
    with pytest.raises(AnonymisationError, match="record 2 is a list, not a mapping"):
        anonymise(rows, quasi_identifiers=QUASI_IDENTIFIERS)


def test_a_value_a_hierarchy_refuses_is_named_with_its_record_and_column():
    rows = [dict(row) for row in WORKED_EXAMPLE]
    rows[5]["ageBroad"] = "17-20"
    rows[9]["ageBroad"] = "17-20"
    with pytest.raises(
        AnonymisationError,
        match=r"record 5 column 'ageBroad': '17-20' is not a CTDC age band",
    ):
        anonymise(rows, quasi_identifiers=QUASI_IDENTIFIERS, k=1)


def test_an_unmapped_category_is_named_with_its_record():
    rows = [{"exploitation": value} for value in ("labour", "labour", "begging")]
    hierarchies = {"exploitation": CategoryHierarchy({"labour": "labour"}, name="exploitation")}
    with pytest.raises(
        AnonymisationError, match="record 2 column 'exploitation': exploitation 'begging' has no"
    ):
        anonymise(rows, quasi_identifiers=hierarchies)


def test_a_hierarchy_with_fewer_than_two_levels_is_refused():
    class OnlyTheValue:
        levels = 1

        def generalise(self, value, level):
            return value

        def describe(self, level):
            return "as recorded"

    with pytest.raises(
        AnonymisationError, match="the hierarchy of column 'gender' needs at least 2 levels"
    ):
        anonymise(WORKED_EXAMPLE, quasi_identifiers={"gender": OnlyTheValue()})


def test_a_lattice_too_large_to_search_is_refused():
    columns = {f"column {n}": SuppressOnlyHierarchy() for n in range(21)}
    rows = [dict.fromkeys(columns, "x")]
    with pytest.raises(AnonymisationError, match="2097152 level combinations to search"):
        anonymise(rows, quasi_identifiers=columns)


CTDC = Path(__file__).resolve().parents[3] / "shared" / "data" / "ctdc"
CTDC_FILE = CTDC / "CTDC_VPsynthetic_condensed.csv"


@pytest.mark.skipif(not CTDC_FILE.exists(), reason="needs ../shared/data/ctdc beside the checkout")
def test_ctdc_synthetic_records_are_released_10_anonymously():
    # Counter Trafficking Data Collaborative (CTDC), global victim-perpetrator synthetic data.
    with CTDC_FILE.open(newline="", encoding="utf-8") as file:
        rows = [{**row, "row": str(number)} for number, row in enumerate(csv.DictReader(file))]
    years = {"2005-2013": "2005-2018", "2014-2018": "2005-2018", "": "unknown"}
    regions = {"Africa": "Africa", "Asia": "Asia", "Europe": "Europe", "": "unknown"}
    hierarchies = {
        "gender": SuppressOnlyHierarchy(),
        "majorityStatus": SuppressOnlyHierarchy(),
        "yearRegister": CategoryHierarchy(years, name="year", other="2019-2022"),
        "UN_COO_Region": CategoryHierarchy(regions, name="origin", other="elsewhere"),
        "UN_COE_Region": CategoryHierarchy(regions, name="exploitation", other="elsewhere"),
        "IP_Relation": SuppressOnlyHierarchy(),
    }
    release = anonymise(rows, quasi_identifiers=hierarchies, k=10, max_suppression=0.01)
    assert release.total == 21195
    assert release.released + release.suppressed == release.total
    assert release.suppressed <= 211
    assert is_k_anonymous(release.records, list(hierarchies), 10)
    assert release.report()["smallest_class"] >= 10
    for released in release.records:
        original = rows[int(released["row"])]
        assert {c: v for c, v in released.items() if c not in hierarchies} == {
            c: v for c, v in original.items() if c not in hierarchies
        }
