"""The indicator catalogues: complete, consistent, and looked up with clear errors."""

import pytest

from fener.analytics.identification import (
    DESTINATION_MEANS_DIMENSIONS,
    DIMENSIONS,
    EXPLOITATION_DIMENSION,
    FORCED_LABOUR_INDICATORS,
    INDICATOR_SETS,
    RECRUITMENT_DIMENSIONS,
    STRENGTHS,
    UnknownIndicatorSet,
    choose_set,
    indicator_set,
)

SET_CODES = ("adult_labour", "adult_sexual", "child_labour", "child_sexual")


def test_the_four_sets_and_six_dimensions():
    assert tuple(INDICATOR_SETS) == SET_CODES
    assert tuple(DIMENSIONS) == (
        "deceptive_recruitment",
        "coercive_recruitment",
        "recruitment_abuse_of_vulnerability",
        "exploitative_conditions",
        "coercion_at_destination",
        "abuse_of_vulnerability_at_destination",
    )
    assert set(RECRUITMENT_DIMENSIONS) | {EXPLOITATION_DIMENSION} | set(
        DESTINATION_MEANS_DIMENSIONS
    ) == set(DIMENSIONS)


@pytest.mark.parametrize("code", SET_CODES)
def test_every_set_has_indicators_in_every_dimension_the_rule_needs(code):
    chosen = indicator_set(code)
    for dimension in DIMENSIONS:
        assert chosen.in_dimension(dimension), (code, dimension)
    # The rule needs something that can make each dimension positive without weak indicators
    # alone: at least two indicators graded strong or medium in every dimension.
    for dimension in DIMENSIONS:
        graded = [i for i in chosen.in_dimension(dimension) if i.strength != "weak"]
        assert len(graded) >= 2, (code, dimension)


@pytest.mark.parametrize("code", SET_CODES)
def test_codes_are_unique_prefixed_and_strengths_valid(code):
    chosen = indicator_set(code)
    codes = [indicator.code for indicator in chosen.indicators]
    assert len(codes) == len(set(codes))
    prefixes = {"dr", "cr", "rv", "ec", "cd", "vd"}
    for indicator in chosen.indicators:
        assert indicator.strength in STRENGTHS
        assert indicator.dimension in DIMENSIONS
        assert indicator.code.split("_", 1)[0] in prefixes
        assert indicator.code.isidentifier() and indicator.code == indicator.code.lower()
        assert indicator.label and indicator.label[0].isupper()


def test_published_gradings_that_the_rule_depends_on():
    adult = indicator_set("adult_labour")
    assert adult.indicator("dr_deceived_nature_of_job").strength == "strong"
    assert adult.indicator("ec_excessive_hours").strength == "strong"
    # Taking documents or a debt weigh more at destination than at recruitment.
    assert adult.indicator("cr_confiscated_documents").strength == "medium"
    assert adult.indicator("cd_confiscated_documents").strength == "strong"
    assert adult.indicator("cd_debt_bondage").strength == "strong"
    # For sexual exploitation, being forced to take clients is strong coercion.
    assert indicator_set("adult_sexual").indicator("cd_forced_tasks_or_clients").strength == (
        "strong"
    )
    assert adult.indicator("cd_forced_tasks_or_clients").strength == "medium"


def test_child_lists_differ_from_adult_lists():
    adult, child = indicator_set("adult_labour"), indicator_set("child_labour")
    assert not adult.for_children and child.for_children
    assert all(i.strength != "weak" for i in child.indicators)
    assert adult.indicator("dr_deceived_education").strength == "weak"
    assert child.indicator("dr_deceived_education").strength == "strong"
    assert child.indicator("cr_threats_of_violence").strength == "strong"
    assert "ec_no_social_protection" in adult.codes
    assert "ec_no_social_protection" not in child.codes


def test_the_eleven_forced_labour_indicators_have_questions():
    assert [indicator.code for indicator in FORCED_LABOUR_INDICATORS] == [
        "abuse_of_vulnerability",
        "deception",
        "restriction_of_movement",
        "isolation",
        "physical_and_sexual_violence",
        "intimidation_and_threats",
        "retention_of_identity_documents",
        "withholding_of_wages",
        "debt_bondage",
        "abusive_working_and_living_conditions",
        "excessive_overtime",
    ]
    for indicator in FORCED_LABOUR_INDICATORS:
        assert indicator.strength is None
        assert indicator.label
        assert indicator.question.endswith("?")


def test_unknown_set_raises_naming_it_and_the_known_sets():
    with pytest.raises(UnknownIndicatorSet, match="'adult_begging'") as raised:
        indicator_set("adult_begging")
    assert isinstance(raised.value, ValueError)
    for code in SET_CODES:
        assert code in str(raised.value)


def test_looking_up_a_code_the_set_does_not_have():
    with pytest.raises(KeyError):
        indicator_set("child_labour").indicator("ec_no_social_protection")


@pytest.mark.parametrize(
    ("is_child", "exploitation", "expected"),
    [
        (False, "sexual", "adult_sexual"),
        (False, "SexualExploitation", "adult_sexual"),
        (True, "sexual_exploitation", "child_sexual"),
        (True, "ForcedLabour", "child_labour"),
        (False, "forced begging", "adult_labour"),
        (False, "", "adult_labour"),
    ],
)
def test_choose_set(is_child, exploitation, expected):
    assert choose_set(is_child=is_child, exploitation=exploitation) == expected
    assert expected in INDICATOR_SETS
