"""Each hierarchy: the value at every level, what it refuses, and how it describes itself."""

import pytest

from fener.analytics.privacy import (
    COUNTRY_REGIONS,
    AgeBandHierarchy,
    CategoryHierarchy,
    CountryHierarchy,
    Hierarchy,
    SuppressOnlyHierarchy,
    YearHierarchy,
)

ALL_HIERARCHIES = [
    AgeBandHierarchy(),
    YearHierarchy(),
    CountryHierarchy(),
    CategoryHierarchy({"a": "group"}),
    SuppressOnlyHierarchy(),
]
VALID_VALUE = {
    AgeBandHierarchy: "18-20",
    YearHierarchy: "2021",
    CountryHierarchy: "MK",
    CategoryHierarchy: "a",
    SuppressOnlyHierarchy: "female",
}


@pytest.mark.parametrize("hierarchy", ALL_HIERARCHIES, ids=lambda h: type(h).__name__)
def test_every_hierarchy_keeps_the_value_at_level_0_and_withholds_it_at_the_top(hierarchy):
    value = VALID_VALUE[type(hierarchy)]
    assert isinstance(hierarchy, Hierarchy)
    assert hierarchy.generalise(value, 0) == value
    assert hierarchy.generalise(value, hierarchy.levels - 1) == "*"
    assert hierarchy.describe(hierarchy.levels - 1).endswith("withheld (*)")


@pytest.mark.parametrize("hierarchy", ALL_HIERARCHIES, ids=lambda h: type(h).__name__)
def test_every_hierarchy_refuses_a_level_outside_its_range(hierarchy):
    value = VALID_VALUE[type(hierarchy)]
    top = hierarchy.levels - 1
    name = type(hierarchy).__name__
    for level in (-1, hierarchy.levels):
        with pytest.raises(ValueError, match=rf"{name} has levels 0 to {top}, not {level}"):
            hierarchy.generalise(value, level)
        with pytest.raises(ValueError, match=rf"{name} has levels 0 to {top}, not {level}"):
            hierarchy.describe(level)
    for level in ("1", 1.0, True):
        with pytest.raises(ValueError, match="level must be an integer"):
            hierarchy.generalise(value, level)


@pytest.mark.parametrize(
    ("band", "wider", "majority"),
    [
        ("0-8", "0-17", "minor"),
        ("9-17", "0-17", "minor"),
        ("18-20", "18-29", "adult"),
        ("21-23", "18-29", "adult"),
        ("24-26", "18-29", "adult"),
        ("27-29", "18-29", "adult"),
        ("30-38", "30+", "adult"),
        ("39-47", "30+", "adult"),
        ("48+", "30+", "adult"),
        ("unknown", "unknown", "unknown"),
        ("", "unknown", "unknown"),
    ],
)
def test_age_bands_widen_then_become_minor_or_adult(band, wider, majority):
    ages = AgeBandHierarchy()
    assert ages.levels == 4
    assert [ages.generalise(band, level) for level in range(4)] == [band, wider, majority, "*"]


def test_age_bands_as_written_in_ctdc_files_are_read_the_same():
    ages = AgeBandHierarchy()
    assert ages.generalise("39--47", 0) == "39--47"
    assert ages.generalise("39--47", 1) == "30+"
    assert ages.generalise(" Unknown ", 2) == "unknown"


@pytest.mark.parametrize("value", ["17-20", "adult", "30--38;39--47", "18"])
def test_age_band_refuses_what_is_not_a_ctdc_band_even_at_level_0(value):
    with pytest.raises(ValueError, match=r"is not a CTDC age band \(expected one of 0-8, 9-17"):
        AgeBandHierarchy().generalise(value, 0)


def test_age_band_describes_each_level():
    ages = AgeBandHierarchy()
    assert [ages.describe(level) for level in range(4)] == [
        "age band (CTDC bands)",
        "age band → 0-17/18-29/30+",
        "age band → minor/adult",
        "age band withheld (*)",
    ]


@pytest.mark.parametrize(
    ("year", "two_years", "five_years"),
    [
        ("2021", "2020-2021", "2020-2024"),
        ("2020", "2020-2021", "2020-2024"),
        ("2019", "2018-2019", "2015-2019"),
        ("2024", "2024-2025", "2020-2024"),
        ("unknown", "unknown", "unknown"),
        ("", "unknown", "unknown"),
    ],
)
def test_years_fall_into_aligned_spans(year, two_years, five_years):
    years = YearHierarchy()
    assert years.levels == 4
    assert [years.generalise(year, level) for level in range(4)] == [
        year,
        two_years,
        five_years,
        "*",
    ]


def test_year_spans_can_start_from_another_origin_and_have_other_widths():
    assert YearHierarchy(origin=1).generalise("2021", 1) == "2021-2022"
    assert YearHierarchy(origin=1).generalise("2020", 1) == "2019-2020"
    decades = YearHierarchy(widths=(1, 10, 20))
    assert decades.levels == 5
    assert [decades.generalise("2013", level) for level in range(5)] == [
        "2013",
        "2013",
        "2010-2019",
        "2000-2019",
        "*",
    ]
    assert YearHierarchy(widths=()).levels == 2
    assert YearHierarchy(widths=()).generalise("2013", 1) == "*"


def test_year_describes_each_level():
    years = YearHierarchy()
    assert [years.describe(level) for level in range(4)] == [
        "year",
        "year → 2-year span",
        "year → 5-year span",
        "year withheld (*)",
    ]


@pytest.mark.parametrize("value", ["2014-2018", "twenty", "20.5", "-2021"])
def test_year_refuses_what_is_not_a_year(value):
    with pytest.raises(ValueError, match=r"is not a year \(expected digits such as '2021'\)"):
        YearHierarchy().generalise(value, 1)


@pytest.mark.parametrize("widths", [(0, 5), (2, -5), (2.0,), (True,)])
def test_year_refuses_span_widths_that_are_not_positive_integers(widths):
    with pytest.raises(ValueError, match="span widths must be positive integers"):
        YearHierarchy(widths=widths)


@pytest.mark.parametrize(
    ("code", "subregion", "region"),
    [
        ("MK", "Southern Europe", "Europe"),
        ("AL", "Southern Europe", "Europe"),
        ("XK", "Southern Europe", "Europe"),
        ("RS", "Southern Europe", "Europe"),
        ("BG", "Eastern Europe", "Europe"),
        ("UA", "Eastern Europe", "Europe"),
        ("DE", "Western Europe", "Europe"),
        ("GB", "Northern Europe", "Europe"),
        ("TR", "Western Asia", "Asia"),
        ("SY", "Western Asia", "Asia"),
        ("AE", "Western Asia", "Asia"),
        ("CY", "Western Asia", "Asia"),
        ("MA", "Northern Africa", "Africa"),
        ("LY", "Northern Africa", "Africa"),
        ("SD", "Northern Africa", "Africa"),
        ("NG", "Western Africa", "Africa"),
        ("UZ", "Central Asia", "Asia"),
        ("AF", "Southern Asia", "Asia"),
        ("IR", "Southern Asia", "Asia"),
        ("PH", "South-eastern Asia", "Asia"),
        ("CN", "Eastern Asia", "Asia"),
        ("MX", "Central America", "Americas"),
        ("BR", "South America", "Americas"),
        ("US", "Northern America", "Americas"),
        ("DO", "Caribbean", "Americas"),
        ("AU", "Australia and New Zealand", "Oceania"),
    ],
)
def test_countries_fall_into_their_m49_subregion_then_region(code, subregion, region):
    countries = CountryHierarchy()
    assert [countries.generalise(code, level) for level in range(4)] == [
        code,
        subregion,
        region,
        "*",
    ]


def test_every_european_country_is_in_a_european_subregion():
    europe = [
        "AD",
        "AL",
        "AT",
        "BA",
        "BE",
        "BG",
        "BY",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GB",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MD",
        "ME",
        "MK",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "RS",
        "RU",
        "SE",
        "SI",
        "SK",
        "SM",
        "UA",
        "VA",
        "XK",
    ]
    regions = {code: CountryHierarchy().generalise(code, 2) for code in europe}
    # Cyprus is in Western Asia in M49, whatever its EU membership.
    assert {code for code, region in regions.items() if region != "Europe"} == {"CY"}


def test_the_country_table_covers_iso_3166_and_has_five_regions():
    assert len(COUNTRY_REGIONS) == 249
    assert {region for _, region in COUNTRY_REGIONS.values()} == {
        "Africa",
        "Americas",
        "Asia",
        "Europe",
        "Oceania",
    }
    assert all(len(code) == 2 and code.isupper() for code in COUNTRY_REGIONS)


def test_country_codes_are_read_without_case_and_unknown_codes_become_other():
    countries = CountryHierarchy()
    assert countries.generalise(" mk ", 0) == " mk "
    assert countries.generalise(" mk ", 1) == "Southern Europe"
    for code in ("ZZ", "", "Macedonia", "AQ"):
        assert countries.generalise(code, 1) == "Other"
        assert countries.generalise(code, 2) == "Other"
        assert countries.generalise(code, 3) == "*"


def test_category_goes_to_its_group_then_to_star():
    exploitation = CategoryHierarchy(
        {"forced_labour": "labour", "forced_begging": "labour", "sexual_exploitation": "sexual"},
        name="type of exploitation",
    )
    assert exploitation.levels == 3
    assert [exploitation.generalise("forced_begging", level) for level in range(3)] == [
        "forced_begging",
        "labour",
        "*",
    ]
    assert [exploitation.describe(level) for level in range(3)] == [
        "type of exploitation",
        "type of exploitation → group",
        "type of exploitation withheld (*)",
    ]


def test_category_sends_unmapped_values_to_other_only_when_told_to():
    mapping = {"forced_labour": "labour"}
    with pytest.raises(ValueError, match=r"category 'forced_labour;sexual' has no group"):
        CategoryHierarchy(mapping).generalise("forced_labour;sexual", 0)
    pooled = CategoryHierarchy(mapping, other="several or other")
    assert pooled.generalise("forced_labour;sexual", 1) == "several or other"
    assert pooled.generalise("forced_labour;sexual", 0) == "forced_labour;sexual"


def test_category_keeps_its_own_copy_of_the_mapping():
    mapping = {"forced_labour": "labour"}
    hierarchy = CategoryHierarchy(mapping)
    mapping["forced_labour"] = "changed later"
    assert hierarchy.generalise("forced_labour", 1) == "labour"


def test_suppress_only_releases_the_value_or_nothing():
    gender = SuppressOnlyHierarchy()
    assert gender.levels == 2
    assert [gender.generalise("male", level) for level in range(2)] == ["male", "*"]
    assert [gender.describe(level) for level in range(2)] == ["as recorded", "withheld (*)"]
