"""The ILO–EC combination rule on crafted interviews, and answers that are refused."""

import pytest

from fener.analytics.identification import (
    ADVICE_NOTICE,
    DIMENSIONS,
    InvalidAnswers,
    UnknownIndicatorSet,
    assess,
    dimension_is_positive,
    indicator_set,
)

DECEIVED = {"dr_deceived_nature_of_job": "present", "dr_deceived_wages": "present"}
EXPLOITED = {"ec_excessive_hours": "present", "ec_low_or_no_pay": "present"}
COERCED = {"cd_confiscated_documents": "present", "cd_debt_bondage": "present"}


def everything_absent(set_code):
    return {indicator.code: "absent" for indicator in indicator_set(set_code).indicators}


def test_adult_labour_victim_is_a_strong_indication():
    result = assess("adult_labour", {**DECEIVED, **EXPLOITED, **COERCED})

    assert result.recommendation == "strong_indication"
    assert result.rule_met
    positive = {r.dimension for r in result.dimensions if r.positive}
    assert positive == {
        "deceptive_recruitment",
        "exploitative_conditions",
        "coercion_at_destination",
    }
    deceptive = result.dimension("deceptive_recruitment")
    assert deceptive.counts == {"strong": 1, "medium": 1, "weak": 0}
    assert [i.code for i in deceptive.present] == ["dr_deceived_nature_of_job", "dr_deceived_wages"]
    assert any("presumed victim" in line for line in result.explanation_text)
    assert result.answered == 6
    assert result.unknown == len(indicator_set("adult_labour").indicators) - 6


def test_abuse_of_vulnerability_can_stand_for_coercion_at_destination():
    vulnerable = {
        "vd_dependency_on_exploiters": "present",
        "vd_unfamiliar_place": "present",
        "vd_economic_reasons": "present",
    }
    result = assess(
        "adult_sexual",
        {
            **DECEIVED,
            **vulnerable,
            "ec_low_or_no_pay": "present",
            "ec_bad_living_conditions": "present",
            "ec_wage_manipulation": "present",
        },
    )
    assert result.recommendation == "strong_indication"


def test_adult_without_coercion_needs_further_assessment():
    answers = {**everything_absent("adult_labour"), **DECEIVED, **EXPLOITED}
    result = assess("adult_labour", answers)

    assert result.recommendation == "further_assessment"
    assert not result.rule_met
    assert result.unknown == 0
    assert (
        "Neither coercion nor abuse of vulnerability at destination is positive."
        in result.explanation_text
    )
    assert not any("presumed victim" in line for line in result.explanation_text)


def test_child_without_coercion_is_a_strong_indication():
    answers = {**everything_absent("child_labour"), **DECEIVED, **EXPLOITED}
    result = assess("child_labour", answers)

    assert result.recommendation == "strong_indication"
    assert not result.dimension("coercion_at_destination").positive
    assert any("For a child no coercion" in line for line in result.explanation_text)


def test_exploited_child_without_a_recruitment_element_asks_how_the_child_came_there():
    result = assess("child_sexual", EXPLOITED)

    assert result.recommendation == "further_assessment"
    assert any("how the child was recruited" in line for line in result.explanation_text)


def test_nothing_present_is_insufficient():
    result = assess("adult_labour", everything_absent("adult_labour"))

    assert result.recommendation == "insufficient_indication"
    assert not any(r.positive for r in result.dimensions)
    assert (
        result.explanation_text[-1]
        == "These answers give too few indicators to suggest trafficking."
    )


def test_no_answers_at_all_is_insufficient_and_says_what_is_unknown():
    result = assess("child_labour", {})

    assert result.recommendation == "insufficient_indication"
    assert result.answered == 0
    assert result.unknown == len(indicator_set("child_labour").indicators)
    assert "Answers still unknown: 65. Learning more may change the result." in (
        result.explanation_text
    )


def test_one_strong_indicator_alone_asks_for_further_assessment():
    result = assess("adult_labour", {"cd_debt_bondage": "present"})

    assert not result.dimension("coercion_at_destination").positive
    assert result.recommendation == "further_assessment"


def test_weak_indicators_alone_are_insufficient():
    weak = {
        i.code: "present" for i in indicator_set("adult_labour").indicators if i.strength == "weak"
    }
    result = assess("adult_labour", weak)

    assert not any(r.positive for r in result.dimensions)
    assert result.recommendation == "insufficient_indication"


def test_unknown_answers_that_could_complete_the_rule_are_pointed_out():
    answers = {**everything_absent("adult_labour"), **DECEIVED, **EXPLOITED}
    answers["cd_confiscated_documents"] = "unknown"
    answers["cd_debt_bondage"] = "unknown"

    result = assess("adult_labour", answers)

    assert result.recommendation == "further_assessment"
    assert result.unknown == 2
    assert any("would be met" in line for line in result.explanation_text)


def test_forced_labour_indicators_are_reported_and_two_add_a_line():
    one = assess("adult_labour", {}, {"deception": "present", "isolation": "absent"})
    two = assess("adult_labour", {}, {"deception": "present", "debt_bondage": "present"})

    assert [i.code for i in one.forced_labour_present] == ["deception"]
    assert not any("forced labour" in line for line in one.explanation_text)
    assert [i.code for i in two.forced_labour_present] == ["deception", "debt_bondage"]
    assert (
        "ILO indicators of forced labour present: 2. Together they point to possible forced labour."
        in two.explanation_text
    )
    assert two.recommendation == "further_assessment"


def test_explanations_are_templates_with_parameters_for_translation():
    result = assess("adult_labour", {**DECEIVED, **EXPLOITED, **COERCED})
    first = result.explanation[0]

    template, params = first
    assert template == (
        "Deceptive recruitment is positive (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    )
    assert params == {"count": 2, "strong": 1, "medium": 1, "weak": 0}
    assert first.text == template.format(**params)
    assert ADVICE_NOTICE.endswith("a person decides.")


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "positive"),
    [
        (2, 0, 0, True),
        (1, 1, 0, True),
        (1, 0, 1, True),
        (0, 3, 0, True),
        (0, 2, 1, True),
        (1, 0, 0, False),
        (0, 2, 0, False),
        (0, 1, 4, False),
        (0, 0, 9, False),
        (0, 0, 0, False),
    ],
)
def test_the_dimension_rule(strong, medium, weak, positive):
    assert dimension_is_positive(strong=strong, medium=medium, weak=weak) is positive


def test_every_dimension_is_reported_in_order():
    result = assess("adult_sexual", {})
    assert tuple(r.dimension for r in result.dimensions) == tuple(DIMENSIONS)
    assert result.dimension("exploitative_conditions").label == "Exploitative conditions"
    with pytest.raises(KeyError):
        result.dimension("transport")


def test_unknown_set_is_refused():
    with pytest.raises(UnknownIndicatorSet, match="'child_begging'"):
        assess("child_begging", {})


def test_bad_answers_are_refused_naming_every_offender():
    with pytest.raises(InvalidAnswers) as raised:
        assess(
            "child_labour",
            {
                "ec_no_social_protection": "present",  # an adult-only indicator
                "dr_made_up": "absent",
                "ec_excessive_hours": "yes",
                "ec_hazardous_work": True,
            },
            {"deception": "maybe", "slavery": "present"},
        )
    message = str(raised.value)
    for name in (
        "'ec_no_social_protection'",
        "'dr_made_up'",
        "'slavery'",
        "'yes' for 'ec_excessive_hours'",
        "True for 'ec_hazardous_work'",
        "'maybe' for 'deception'",
        "present, absent, unknown",
    ):
        assert name in message
    assert isinstance(raised.value, ValueError)
    assert set(raised.value.unknown_codes) == {"ec_no_social_protection", "dr_made_up", "slavery"}
    assert ("ec_excessive_hours", "yes") in raised.value.invalid_values


def test_a_valid_code_with_an_empty_value_is_refused():
    with pytest.raises(InvalidAnswers, match="'' for 'dr_deceived_wages'"):
        assess("adult_labour", {"dr_deceived_wages": ""})
