"""Risk of re-trafficking, assessed again at each follow-up of a support plan.

The factors are those that studies of re-trafficking and of victims' return and
reintegration keep finding (debt still owed, no income or safe housing, contact with the
recruiters, a family involved in the trafficking, substance dependence, young age, earlier
trafficking, irregular status, violence at home) and three that protect (stable work or
schooling, a supportive family, continuing psychological support).

The weights are expert weights chosen by the Fener team to be reviewed with case workers and
the national referral mechanism. They are not learnt from data: no Macedonian data set of
re-trafficked people exists to learn them from. The score says where to look first; it never
replaces the case worker's judgement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from fener.analytics.identification.catalogue import InvalidAnswers, _

RiskLevel = Literal["low", "medium", "high"]
Trend = Literal["rising", "falling", "stable", "insufficient"]

# Score thresholds of the levels (expert choice, to be reviewed with the weights).
MEDIUM_FROM = 25
HIGH_FROM = 50
# A change of at least this many points between two assessments is a trend.
TREND_POINTS = 10


@dataclass(frozen=True)
class RiskFactor:
    """One factor. A positive weight raises the risk score; a negative one lowers it.

    An ``acute`` factor (live contact with the traffickers) puts the level at medium at least,
    whatever the score.
    """

    code: str
    label: str
    weight: int
    acute: bool = False

    @property
    def protective(self) -> bool:
        """Whether the factor lowers the risk."""
        return self.weight < 0


# The risk weights add up to 100, so the score is a share of the worst case.
RISK_FACTORS: tuple[RiskFactor, ...] = (
    RiskFactor(
        "contact_with_traffickers",
        _("In contact with the recruiters or traffickers"),
        15,
        acute=True,
    ),
    RiskFactor("debt_owed", _("Still owes a debt, to the traffickers or to others"), 12),
    RiskFactor("family_involved", _("Family members were involved in the trafficking"), 12),
    RiskFactor("no_stable_income", _("No stable income"), 10),
    RiskFactor("no_safe_housing", _("No safe place to live"), 10),
    RiskFactor("prior_trafficking", _("Has been trafficked more than once"), 10),
    RiskFactor("young_age", _("A child or a young adult under 25"), 8),
    RiskFactor("substance_dependence", _("Dependent on alcohol or drugs"), 8),
    RiskFactor("violence_at_home", _("Violence or abuse at home"), 8),
    RiskFactor("irregular_migration_status", _("Irregular migration status"), 7),
    RiskFactor(
        "stable_employment_or_schooling", _("In stable employment, training or school"), -15
    ),
    RiskFactor("supportive_family", _("A family that supports the person"), -10),
    RiskFactor("psychological_support", _("Receiving psychological support"), -10),
)
_BY_CODE = {factor.code: factor for factor in RISK_FACTORS}
_LEVEL_ORDER: dict[RiskLevel, int] = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class RiskResult:
    """A score from 0 to 100, its level, and the present factors, heaviest first."""

    score: int
    level: RiskLevel
    contributing: tuple[RiskFactor, ...]


def assess_risk(factors: Mapping[str, bool]) -> RiskResult:
    """Score the risk of re-trafficking from the factors recorded at one follow-up.

    The score is the sum of the weights of the present factors, protective ones subtracting,
    kept between 0 and 100. Below 25 is low, from 50 high; an acute factor makes it medium at
    least. Adding a risk factor never lowers the score and adding a protective factor never
    raises it. Factors not given count as absent.

    Parameters
    ----------
    factors : Mapping[str, bool]
        Factor code (see :data:`RISK_FACTORS`) -> whether it applies.

    Returns
    -------
    RiskResult

    Raises
    ------
    InvalidAnswers
        For codes that are not factors or values that are not ``True`` or ``False``; the
        message names every one of them.

    Examples
    --------
    >>> result = assess_risk({"debt_owed": True, "no_stable_income": True, "no_safe_housing": True})
    >>> result.score, result.level
    (32, 'medium')
    >>> assess_risk({"debt_owed": True, "supportive_family": True}).score
    2
    >>> [f.code for f in assess_risk({"contact_with_traffickers": True}).contributing]
    ['contact_with_traffickers']
    """
    _validate(factors)
    present = tuple(
        sorted(
            (_BY_CODE[code] for code, applies in factors.items() if applies),
            key=lambda factor: (-abs(factor.weight), factor.code),
        )
    )
    score = min(100, max(0, sum(factor.weight for factor in present)))
    level: RiskLevel = "high" if score >= HIGH_FROM else "medium" if score >= MEDIUM_FROM else "low"
    if level == "low" and any(factor.acute for factor in present):
        level = "medium"
    return RiskResult(score=score, level=level, contributing=present)


def risk_trend(results: Sequence[RiskResult]) -> Trend:
    """How the risk moved between the last two assessments (given oldest first).

    A change of level decides; with the same level, a change of at least 10 points is a trend.

    Parameters
    ----------
    results : Sequence[RiskResult]
        The assessments of one person, oldest first.

    Returns
    -------
    str
        ``"rising"``, ``"falling"``, ``"stable"``, or ``"insufficient"`` with fewer than two.

    Examples
    --------
    >>> earlier = assess_risk({"debt_owed": True})
    >>> later = assess_risk({"debt_owed": True, "no_safe_housing": True, "no_stable_income": True})
    >>> risk_trend([earlier, later])
    'rising'
    >>> risk_trend([later, earlier])
    'falling'
    >>> risk_trend([earlier])
    'insufficient'
    """
    if len(results) < 2:
        return "insufficient"
    previous, latest = results[-2], results[-1]
    level_change = _LEVEL_ORDER[latest.level] - _LEVEL_ORDER[previous.level]
    if level_change:
        return "rising" if level_change > 0 else "falling"
    if latest.score - previous.score >= TREND_POINTS:
        return "rising"
    if previous.score - latest.score >= TREND_POINTS:
        return "falling"
    return "stable"


def _validate(factors: Mapping[str, bool]) -> None:
    unknown = [code for code in factors if code not in _BY_CODE]
    invalid: list[tuple[str, object]] = [
        (code, value)
        for code, value in factors.items()
        if code in _BY_CODE and not isinstance(value, bool)
    ]
    if not unknown and not invalid:
        return
    problems = []
    if unknown:
        problems.append(f"unknown risk factors {', '.join(repr(code) for code in unknown)}")
    problems.extend(
        f"value {value!r} for {code!r} (allowed: True, False)" for code, value in invalid
    )
    raise InvalidAnswers(
        f"Invalid risk factors: {'; '.join(problems)}.",
        unknown_codes=tuple(unknown),
        invalid_values=tuple(invalid),
    )
