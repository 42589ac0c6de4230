"""Synthetic demo case profiles: drawn reproducibly from the CTDC distributions, in the
vocabulary's codes, and consistent within each profile."""

import doctest
from collections import Counter

import pytest
from bench.ctdc_distributions import (
    CONDENSED_FILE,
    CTDC_DIRECTORY,
    NORTH_AMERICA_FILE,
    compute_distributions,
    render,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from fener.cases import demo_profiles, vocabulary
from fener.cases.demo_profiles import (
    DISTRIBUTIONS_PATH,
    EUROPEAN_CITIZENSHIP_WEIGHTS,
    NON_EUROPEAN_CITIZENSHIP_WEIGHTS,
    OLDEST_AGE,
    YOUNGEST_INTIMATE_PARTNER_AGE,
    load_distributions,
    sample_profiles,
)

FORCED_LABOUR = vocabulary.ExploitationType.FORCED_LABOUR
SEXUAL_EXPLOITATION = vocabulary.ExploitationType.SEXUAL_EXPLOITATION
# 5,000 draws put a proportion's standard error under 0.0071: the tolerance is over 3.5 of them.
LARGE_SAMPLE = 5000
TOLERANCE = 0.025


@pytest.fixture(scope="module")
def large_sample():
    return sample_profiles(LARGE_SAMPLE, seed=2024)


@pytest.fixture(scope="module")
def tables():
    return load_distributions()["distributions"]


def expected_shares(tables):
    """Female, child, forced-labour and sexual-exploitation shares implied by the JSON."""
    joint = tables["sex_by_majority"]
    expected = Counter()
    for majority, by_sex in joint["counts"].items():
        for sex, count in by_sex.items():
            weight = count / joint["n"]
            cell = tables["exploitation_given_sex_majority"]["table"][f"{sex}|{majority}"]
            counts = cell["counts"]
            expected["female"] += weight * (sex == "Female")
            expected["child"] += weight * (majority == "Minor")
            expected["forced_labour"] += (
                weight * (counts["forced_labour"] + counts["both"]) / cell["n"]
            )
            expected["sexual_exploitation"] += (
                weight * (counts["sexual_exploitation"] + counts["both"]) / cell["n"]
            )
    return expected


def assert_valid_profile(profile, tables):
    assert profile.sex in vocabulary.Sex.values
    assert profile.exploitation_types
    assert set(profile.exploitation_types) <= set(vocabulary.ExploitationType.values)
    assert set(profile.control_methods) <= set(vocabulary.ControlMethod.values)
    assert profile.control_methods
    assert set(profile.recruitment_methods) <= set(vocabulary.RecruitmentMethod.values)
    assert profile.recruitment_methods
    assert profile.relationship in vocabulary.Relationship.values
    assert set(profile.sex_exploitation_types) <= set(vocabulary.SexExploitationType.values)
    assert profile.citizenship
    assert set(profile.citizenship) <= set(EUROPEAN_CITIZENSHIP_WEIGHTS) | set(
        NON_EUROPEAN_CITIZENSHIP_WEIGHTS
    )
    assert profile.perpetrators
    for perpetrator in profile.perpetrators:
        assert perpetrator.roles
        assert set(perpetrator.roles) <= set(vocabulary.PerpetratorRole.values)
        assert perpetrator.sex in vocabulary.Sex.values
    if FORCED_LABOUR in profile.exploitation_types:
        assert profile.forced_labour_industry in vocabulary.Industry.values
    else:
        assert profile.forced_labour_industry == ""
    assert bool(profile.sex_exploitation_types) == (
        SEXUAL_EXPLOITATION in profile.exploitation_types
    )
    if profile.relationship == vocabulary.Relationship.INTIMATE_PARTNER:
        assert vocabulary.RecruitmentMethod.INTIMATE_PARTNER in profile.recruitment_methods
    assert_age_matches_child_status(profile, tables)
    years = [int(year) for band in tables["year"]["counts"] for year in band.split("-")]
    assert min(years) <= profile.registered_year <= max(years)


def assert_age_matches_child_status(profile, tables):
    majority = "Minor" if profile.is_child else "Adult"
    bands = tables["age_band_given_majority"]["table"][majority]["counts"]
    assert vocabulary.age_band(profile.age) in bands
    if profile.is_child:
        assert 0 <= profile.age < 18
    else:
        assert 18 <= profile.age <= OLDEST_AGE


def test_the_same_seed_gives_the_same_profiles():
    assert sample_profiles(50, seed=7) == sample_profiles(50, seed=7)


def test_another_seed_gives_other_profiles():
    assert sample_profiles(50, seed=7) != sample_profiles(50, seed=8)


def test_a_longer_draw_starts_with_the_shorter_one():
    assert sample_profiles(80, seed=3)[:20] == sample_profiles(20, seed=3)


def test_zero_profiles_is_an_empty_list():
    assert sample_profiles(0) == []


def test_the_default_seed_is_reproducible():
    assert sample_profiles(10) == sample_profiles(10, seed=0)


@pytest.mark.parametrize("n", [-1, -5000])
def test_a_negative_count_is_refused(n):
    with pytest.raises(ValueError, match="n must be zero or more"):
        sample_profiles(n)


@pytest.mark.parametrize("n", [2.0, "3", None, True])
def test_a_count_that_is_not_an_integer_is_refused(n):
    with pytest.raises(TypeError, match="n must be an integer"):
        sample_profiles(n)


@pytest.mark.parametrize("seed", [1.5, "1", None])
def test_a_seed_that_is_not_an_integer_is_refused(seed):
    with pytest.raises(TypeError, match="seed must be an integer"):
        sample_profiles(3, seed=seed)


@pytest.mark.parametrize("share", ["female", "child", "forced_labour", "sexual_exploitation"])
def test_a_large_sample_has_the_ctdc_proportions(large_sample, tables, share):
    observed = {
        "female": sum(p.sex == vocabulary.Sex.FEMALE for p in large_sample),
        "child": sum(p.is_child for p in large_sample),
        "forced_labour": sum(FORCED_LABOUR in p.exploitation_types for p in large_sample),
        "sexual_exploitation": sum(
            SEXUAL_EXPLOITATION in p.exploitation_types for p in large_sample
        ),
    }[share] / LARGE_SAMPLE
    assert observed == pytest.approx(expected_shares(tables)[share], abs=TOLERANCE)


def test_children_are_mostly_nine_to_seventeen(large_sample, tables):
    children = [p for p in large_sample if p.is_child]
    minor_bands = tables["age_band_given_majority"]["table"]["Minor"]
    older = sum(p.age >= 9 for p in children) / len(children)
    assert older == pytest.approx(minor_bands["shares"]["9-17"], abs=0.1)
    assert older > 0.75


def test_the_foreign_share_follows_ctdc_origins_in_europe(large_sample, tables):
    regions = tables["origin_region_exploited_in_europe"]
    non_european = 1 - regions["counts"]["Europe"] / regions["n"]
    citizenships = Counter(p.citizenship[0] for p in large_sample)
    observed = sum(citizenships[code] for code in NON_EUROPEAN_CITIZENSHIP_WEIGHTS) / LARGE_SAMPLE
    assert observed == pytest.approx(non_european, abs=TOLERANCE)
    assert citizenships.most_common(1)[0][0] == "MK"
    assert citizenships["MK"] / LARGE_SAMPLE > 0.5


def test_every_profile_of_a_large_sample_is_valid_and_consistent(large_sample, tables):
    for profile in large_sample:
        assert_valid_profile(profile, tables)


def test_a_large_sample_uses_every_exploitation_and_relationship(large_sample):
    assert {tuple(p.exploitation_types) for p in large_sample} == {
        (FORCED_LABOUR,),
        (SEXUAL_EXPLOITATION,),
        (FORCED_LABOUR, SEXUAL_EXPLOITATION),
    }
    assert {p.relationship for p in large_sample} == {
        vocabulary.Relationship.FAMILY,
        vocabulary.Relationship.INTIMATE_PARTNER,
        vocabulary.Relationship.FRIEND,
        vocabulary.Relationship.STRANGER,
    }


def test_young_children_never_have_an_intimate_partner(large_sample):
    young = [p for p in large_sample if p.age < YOUNGEST_INTIMATE_PARTNER_AGE]
    assert young
    assert all(p.relationship != vocabulary.Relationship.INTIMATE_PARTNER for p in young)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=0, max_value=15), seed=st.integers(min_value=0, max_value=2**64))
def test_any_seed_gives_valid_profiles(n, seed):
    tables = load_distributions()["distributions"]
    profiles = sample_profiles(n, seed=seed)
    assert len(profiles) == n
    for profile in profiles:
        assert_valid_profile(profile, tables)


def test_loading_gives_a_fresh_copy():
    first = load_distributions()
    first["distributions"].clear()
    assert load_distributions()["distributions"]


def test_every_distribution_names_its_ctdc_source_and_subset(tables):
    for name, distribution in tables.items():
        assert distribution["source_file"] in (CONDENSED_FILE, NORTH_AMERICA_FILE), name
        cells = distribution.get("table", {"": distribution}).values()
        for cell in cells:
            assert (
                cell.get("subset", distribution.get("subset"))
                in load_distributions()["source"]["subsets"]
            ), name
            assert cell["n"] > 0, name


needs_ctdc = pytest.mark.skipif(
    not (CTDC_DIRECTORY / CONDENSED_FILE).exists(),
    reason=f"the CTDC files are not in {CTDC_DIRECTORY}",
)


@needs_ctdc
def test_the_data_file_is_what_the_bench_script_computes():
    computed = compute_distributions()
    assert computed == load_distributions()
    assert render(computed) == DISTRIBUTIONS_PATH.read_text(encoding="utf-8")


def test_the_documented_examples_run():
    result = doctest.testmod(demo_profiles)
    assert result.attempted > 0
    assert result.failed == 0
