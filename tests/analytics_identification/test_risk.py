"""Re-trafficking risk: scores, levels, monotone factors, refused input, and trends."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fener.analytics.identification import (
    RISK_FACTORS,
    InvalidAnswers,
    RiskResult,
    assess_risk,
    risk_trend,
)

RISKS = [factor.code for factor in RISK_FACTORS if not factor.protective]
PROTECTIONS = [factor.code for factor in RISK_FACTORS if factor.protective]
FACTORS = st.dictionaries(st.sampled_from([f.code for f in RISK_FACTORS]), st.booleans())


def test_the_catalogue():
    codes = [factor.code for factor in RISK_FACTORS]
    assert len(codes) == len(set(codes))
    assert 10 <= len(codes) <= 14
    assert {"debt_owed", "contact_with_traffickers", "family_involved", "prior_trafficking"} <= set(
        RISKS
    )
    assert set(PROTECTIONS) == {
        "stable_employment_or_schooling",
        "supportive_family",
        "psychological_support",
    }
    assert sum(factor.weight for factor in RISK_FACTORS if not factor.protective) == 100
    assert all(factor.label for factor in RISK_FACTORS)


def test_nothing_present_is_low():
    result = assess_risk({})
    assert result == RiskResult(score=0, level="low", contributing=())


def test_every_risk_factor_is_the_worst_case():
    result = assess_risk(dict.fromkeys(RISKS, True))
    assert (result.score, result.level) == (100, "high")
    assert {factor.code for factor in result.contributing} == set(RISKS)


def test_contributing_factors_come_heaviest_first_with_their_weights():
    result = assess_risk(
        {
            "young_age": True,
            "contact_with_traffickers": True,
            "supportive_family": True,
            "debt_owed": False,
        }
    )
    assert [(f.code, f.weight) for f in result.contributing] == [
        ("contact_with_traffickers", 15),
        ("supportive_family", -10),
        ("young_age", 8),
    ]
    assert result.score == 13


def test_contact_with_traffickers_is_never_low():
    result = assess_risk({"contact_with_traffickers": True, "stable_employment_or_schooling": True})
    assert result.score == 0
    assert result.level == "medium"


def test_protection_never_takes_the_score_below_zero():
    assert assess_risk(dict.fromkeys(PROTECTIONS, True)).score == 0


@given(FACTORS, st.sampled_from(RISKS))
def test_adding_a_risk_factor_never_lowers_the_score_or_level(factors, risk):
    before = assess_risk({**factors, risk: False})
    after = assess_risk({**factors, risk: True})
    order = ["low", "medium", "high"]
    assert after.score >= before.score
    assert order.index(after.level) >= order.index(before.level)
    assert 0 <= after.score <= 100


@given(FACTORS, st.sampled_from(PROTECTIONS))
def test_adding_a_protective_factor_never_raises_the_score(factors, protection):
    before = assess_risk({**factors, protection: False})
    after = assess_risk({**factors, protection: True})
    assert after.score <= before.score


def test_bad_factors_are_refused_naming_every_offender():
    with pytest.raises(InvalidAnswers) as raised:
        assess_risk({"debt": True, "gambling": True, "debt_owed": "yes", "young_age": 1})
    message = str(raised.value)
    for name in ("'debt'", "'gambling'", "'yes' for 'debt_owed'", "1 for 'young_age'"):
        assert name in message
    assert raised.value.unknown_codes == ("debt", "gambling")


def result(score, level):
    return RiskResult(score=score, level=level, contributing=())


@pytest.mark.parametrize(
    ("history", "trend"),
    [
        ([], "insufficient"),
        ([result(40, "medium")], "insufficient"),
        ([result(30, "medium"), result(45, "medium")], "rising"),
        ([result(45, "medium"), result(30, "medium")], "falling"),
        ([result(30, "medium"), result(35, "medium")], "stable"),
        ([result(24, "low"), result(26, "medium")], "rising"),
        ([result(50, "high"), result(48, "medium")], "falling"),
        # Only the last two assessments count.
        ([result(90, "high"), result(30, "medium"), result(32, "medium")], "stable"),
    ],
)
def test_trend(history, trend):
    assert risk_trend(history) == trend


def test_trend_of_real_follow_ups():
    first = assess_risk({"debt_owed": True, "no_safe_housing": True, "no_stable_income": True})
    second = assess_risk(
        {"debt_owed": True, "no_safe_housing": False, "psychological_support": True}
    )
    assert risk_trend([first, second]) == "falling"
    third = assess_risk(
        {
            "debt_owed": True,
            "contact_with_traffickers": True,
            "no_stable_income": True,
            "no_safe_housing": True,
        }
    )
    assert risk_trend([first, second, third]) == "rising"
