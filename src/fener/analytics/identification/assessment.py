"""Screening answers turned into advice, with the ILO–EC combination rule.

A dimension is positive when its present indicators include at least two strong ones, or one
strong and one medium or weak, or three medium, or two medium and one weak (ILO and European
Commission, 2009). An adult is a presumed victim of trafficking when a recruitment dimension
(deceptive, coercive or by abuse of vulnerability), exploitative conditions and a means at
destination (coercion or abuse of vulnerability) are all positive. For a child no means are
needed: a recruitment element and exploitative conditions are enough.

The result is advice for the case worker. It never decides a person's status: a person does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from fener.analytics.identification.catalogue import (
    DESTINATION_MEANS_DIMENSIONS,
    DIMENSIONS,
    EXPLOITATION_DIMENSION,
    FORCED_LABOUR_INDICATORS,
    RECRUITMENT_DIMENSIONS,
    Indicator,
    IndicatorSet,
    InvalidAnswers,
    _,
    indicator_set,
)

Answer = Literal["present", "absent", "unknown"]
ANSWERS: tuple[Answer, ...] = ("present", "absent", "unknown")
Recommendation = Literal["strong_indication", "further_assessment", "insufficient_indication"]

ADVICE_NOTICE = _(
    "This result is advice for the case worker. It never decides a person's status: "
    "a person decides."
)
# Two or more ILO forced-labour indicators together point to forced labour.
FORCED_LABOUR_THRESHOLD = 2


class Explanation(NamedTuple):
    """One sentence of the explanation: a template marked for translation and its values.

    The web layer translates ``template`` and then formats it with ``params``; :attr:`text`
    is the English sentence.
    """

    template: str
    params: Mapping[str, int]

    @property
    def text(self) -> str:
        """The sentence in English."""
        return self.template.format(**self.params)


@dataclass(frozen=True)
class DimensionResult:
    """One dimension: the indicators found present, counted by strength, and the verdict."""

    dimension: str
    positive: bool
    present: tuple[Indicator, ...]
    strong: int
    medium: int
    weak: int

    @property
    def label(self) -> str:
        """The dimension's label, marked for translation."""
        return DIMENSIONS[self.dimension]

    @property
    def counts(self) -> dict[str, int]:
        """The number of present indicators by strength."""
        return {"strong": self.strong, "medium": self.medium, "weak": self.weak}


@dataclass(frozen=True)
class Assessment:
    """The advice drawn from one screening interview.

    ``recommendation`` is ``"strong_indication"`` when the combination rule is met (advice:
    record the status *presumed victim* and refer the person for formal identification),
    ``"further_assessment"`` when something points to trafficking or forced labour but the
    rule is not met, and ``"insufficient_indication"`` otherwise. ``unknown`` counts the
    indicators answered "unknown" or not asked at all.
    """

    set_code: str
    recommendation: Recommendation
    rule_met: bool
    dimensions: tuple[DimensionResult, ...]
    explanation: tuple[Explanation, ...]
    answered: int
    unknown: int
    forced_labour_present: tuple[Indicator, ...] = field(default=())

    def dimension(self, code: str) -> DimensionResult:
        """The result of one dimension; ``KeyError`` for a code that is not a dimension."""
        for result in self.dimensions:
            if result.dimension == code:
                return result
        raise KeyError(code)

    @property
    def explanation_text(self) -> tuple[str, ...]:
        """The explanation as English sentences."""
        return tuple(line.text for line in self.explanation)


def dimension_is_positive(*, strong: int, medium: int, weak: int) -> bool:
    """The ILO–EC rule for one dimension, from the counts of present indicators.

    Positive with at least two strong indicators, or one strong and one medium or weak, or
    three medium, or two medium and one weak. Weak indicators alone never suffice.

    Parameters
    ----------
    strong, medium, weak : int
        How many indicators of each strength are present.

    Returns
    -------
    bool

    Examples
    --------
    >>> dimension_is_positive(strong=1, medium=0, weak=1)
    True
    >>> dimension_is_positive(strong=1, medium=0, weak=0)
    False
    >>> dimension_is_positive(strong=0, medium=2, weak=1)
    True
    >>> dimension_is_positive(strong=0, medium=1, weak=5)
    False
    """
    return (
        strong >= 2
        or (strong == 1 and medium + weak >= 1)
        or medium >= 3
        or (medium == 2 and weak >= 1)
    )


_POSITIVE = {
    "deceptive_recruitment": _(
        "Deceptive recruitment is positive (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "coercive_recruitment": _(
        "Coercive recruitment is positive (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "recruitment_abuse_of_vulnerability": _(
        "Recruitment by abuse of vulnerability is positive (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "exploitative_conditions": _(
        "Exploitative conditions are positive (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "coercion_at_destination": _(
        "Coercion at destination is positive (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "abuse_of_vulnerability_at_destination": _(
        "Abuse of vulnerability at destination is positive (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
}
_NOT_POSITIVE = {
    "deceptive_recruitment": _(
        "Deceptive recruitment is not established (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "coercive_recruitment": _(
        "Coercive recruitment is not established (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "recruitment_abuse_of_vulnerability": _(
        "Recruitment by abuse of vulnerability is not established (indicators present: "
        "{count}; strong {strong}, medium {medium}, weak {weak})."
    ),
    "exploitative_conditions": _(
        "Exploitative conditions are not established (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "coercion_at_destination": _(
        "Coercion at destination is not established (indicators present: {count}; "
        "strong {strong}, medium {medium}, weak {weak})."
    ),
    "abuse_of_vulnerability_at_destination": _(
        "Abuse of vulnerability at destination is not established (indicators present: "
        "{count}; strong {strong}, medium {medium}, weak {weak})."
    ),
}
_ADULT_RULE_MET = _(
    "A recruitment element, exploitative conditions and coercion or abuse of vulnerability at "
    "destination are all positive: the combination the ILO–EC indicators treat as trafficking."
)
_CHILD_RULE_MET = _(
    "A recruitment element and exploitative conditions are positive. For a child no coercion "
    "or other means are needed: the combination the ILO–EC indicators treat as trafficking."
)
_RECOMMEND_PRESUMED = _(
    "Recommendation: record the status 'presumed victim' and refer the person for formal "
    "identification."
)
_NO_RECRUITMENT = _("No recruitment dimension is positive.")
_NO_EXPLOITATION = _("Exploitative conditions are not positive.")
_NO_DESTINATION_MEANS = _("Neither coercion nor abuse of vulnerability at destination is positive.")
_CHILD_ACT_QUESTION = _(
    "Ask how the child was recruited, moved, housed or received: for a child, any such act "
    "together with exploitation is trafficking, whatever the means."
)
_FURTHER = _(
    "Some indicators point to trafficking but the combination rule is not met: a further "
    "assessment is recommended."
)
_INSUFFICIENT = _("These answers give too few indicators to suggest trafficking.")
_UNKNOWN = _("Answers still unknown: {count}. Learning more may change the result.")
_UNKNOWN_COULD_MEET = _(
    "If the unknown answers turned out to be present, the combination rule would be met: "
    "ask about them."
)
_FORCED_LABOUR = _(
    "ILO indicators of forced labour present: {count}. Together they point to possible "
    "forced labour."
)


def assess(
    set_code: str,
    answers: Mapping[str, str],
    forced_labour_answers: Mapping[str, str] | None = None,
) -> Assessment:
    """Apply the ILO–EC combination rule to the answers of one screening interview.

    The result is advice. It never decides a person's status: the case worker and the
    formal identification body decide, and record who decided and why.

    Parameters
    ----------
    set_code : str
        The indicator set used (see :func:`choose_set`).
    answers : Mapping[str, str]
        Indicator code of that set -> ``"present"``, ``"absent"`` or ``"unknown"``. Codes
        not given count as unknown.
    forced_labour_answers : Mapping[str, str], optional
        The same for the eleven ILO forced-labour indicators.

    Returns
    -------
    Assessment

    Raises
    ------
    UnknownIndicatorSet
        For a set code that does not exist.
    InvalidAnswers
        When any code is not in the set (or not a forced-labour indicator) or any value is
        not one of the three answers; the message names every one of them.

    Examples
    --------
    >>> result = assess(
    ...     "adult_labour",
    ...     {
    ...         "dr_deceived_nature_of_job": "present",
    ...         "dr_deceived_wages": "present",
    ...         "ec_excessive_hours": "present",
    ...         "ec_low_or_no_pay": "present",
    ...         "cd_confiscated_documents": "present",
    ...         "cd_debt_bondage": "present",
    ...     },
    ... )
    >>> result.recommendation
    'strong_indication'
    >>> result.explanation_text[0]
    'Deceptive recruitment is positive (indicators present: 2; strong 1, medium 1, weak 0).'
    >>> assess("adult_labour", {"ec_excessive_hours": "yes"})
    Traceback (most recent call last):
    ...
    fener.analytics.identification.catalogue.InvalidAnswers: Invalid answers for set 'adult_labour': value 'yes' for 'ec_excessive_hours' (allowed: present, absent, unknown).
    """
    chosen = indicator_set(set_code)
    forced = dict(forced_labour_answers or {})
    _validate(chosen, answers, forced)

    dimensions = tuple(_dimension(chosen, code, answers) for code in DIMENSIONS)
    rule_met, missing = _rule(chosen, dimensions)
    forced_present = tuple(i for i in FORCED_LABOUR_INDICATORS if forced.get(i.code) == "present")
    answered = sum(1 for i in chosen.indicators if answers.get(i.code, "unknown") != "unknown")
    unknown = len(chosen.indicators) - answered

    strong_present = any(result.strong for result in dimensions)
    if rule_met:
        recommendation: Recommendation = "strong_indication"
    elif (
        any(result.positive for result in dimensions)
        or strong_present
        or len(forced_present) >= FORCED_LABOUR_THRESHOLD
    ):
        recommendation = "further_assessment"
    else:
        recommendation = "insufficient_indication"

    lines = [_dimension_line(result) for result in dimensions if result.present]
    if rule_met:
        lines.append(Explanation(_CHILD_RULE_MET if chosen.for_children else _ADULT_RULE_MET, {}))
        lines.append(Explanation(_RECOMMEND_PRESUMED, {}))
    else:
        lines.extend(Explanation(template, {}) for template in missing)
        lines.append(
            Explanation(_FURTHER if recommendation == "further_assessment" else _INSUFFICIENT, {})
        )
    if unknown:
        lines.append(Explanation(_UNKNOWN, {"count": unknown}))
        if not rule_met and _rule_met_if_unknown_present(chosen, answers):
            lines.append(Explanation(_UNKNOWN_COULD_MEET, {}))
    if len(forced_present) >= FORCED_LABOUR_THRESHOLD:
        lines.append(Explanation(_FORCED_LABOUR, {"count": len(forced_present)}))

    return Assessment(
        set_code=chosen.code,
        recommendation=recommendation,
        rule_met=rule_met,
        dimensions=dimensions,
        explanation=tuple(lines),
        answered=answered,
        unknown=unknown,
        forced_labour_present=forced_present,
    )


def _validate(chosen: IndicatorSet, answers: Mapping[str, str], forced: Mapping[str, str]) -> None:
    forced_codes = frozenset(indicator.code for indicator in FORCED_LABOUR_INDICATORS)
    unknown_set = [code for code in answers if code not in chosen.codes]
    unknown_forced = [code for code in forced if code not in forced_codes]
    invalid: list[tuple[str, object]] = [
        (code, value)
        for given, known in ((answers, chosen.codes), (forced, forced_codes))
        for code, value in given.items()
        if code in known and value not in ANSWERS
    ]
    if not unknown_set and not unknown_forced and not invalid:
        return
    problems = []
    if unknown_set:
        names = ", ".join(repr(code) for code in unknown_set)
        problems.append(f"codes not in the set {names}")
    if unknown_forced:
        names = ", ".join(repr(code) for code in unknown_forced)
        problems.append(f"codes not among the forced-labour indicators {names}")
    problems.extend(
        f"value {value!r} for {code!r} (allowed: {', '.join(ANSWERS)})" for code, value in invalid
    )
    raise InvalidAnswers(
        f"Invalid answers for set {chosen.code!r}: {'; '.join(problems)}.",
        unknown_codes=(*unknown_set, *unknown_forced),
        invalid_values=tuple(invalid),
    )


def _dimension(chosen: IndicatorSet, code: str, answers: Mapping[str, str]) -> DimensionResult:
    present = tuple(i for i in chosen.in_dimension(code) if answers.get(i.code) == "present")
    strong = sum(1 for i in present if i.strength == "strong")
    medium = sum(1 for i in present if i.strength == "medium")
    weak = sum(1 for i in present if i.strength == "weak")
    positive = dimension_is_positive(strong=strong, medium=medium, weak=weak)
    return DimensionResult(code, positive, present, strong, medium, weak)


def _rule(chosen: IndicatorSet, dimensions: tuple[DimensionResult, ...]) -> tuple[bool, list[str]]:
    """Whether the combination rule is met, and the sentences on what is missing.

    For a child whose exploitation is positive but whose recruitment is not, the sentences
    also say what to ask: the act alone (recruiting, moving, housing or receiving the child)
    is what the interview still has to establish.
    """
    positive = {result.dimension for result in dimensions if result.positive}
    missing = []
    if not positive & set(RECRUITMENT_DIMENSIONS):
        missing.append(_NO_RECRUITMENT)
        if chosen.for_children and EXPLOITATION_DIMENSION in positive:
            missing.append(_CHILD_ACT_QUESTION)
    if EXPLOITATION_DIMENSION not in positive:
        missing.append(_NO_EXPLOITATION)
    if not chosen.for_children and not positive & set(DESTINATION_MEANS_DIMENSIONS):
        missing.append(_NO_DESTINATION_MEANS)
    return not missing, missing


def _rule_met_if_unknown_present(chosen: IndicatorSet, answers: Mapping[str, str]) -> bool:
    hopeful = {
        code: ("absent" if answers.get(code) == "absent" else "present") for code in chosen.codes
    }
    dimensions = tuple(_dimension(chosen, code, hopeful) for code in DIMENSIONS)
    return _rule(chosen, dimensions)[0]


def _dimension_line(result: DimensionResult) -> Explanation:
    templates = _POSITIVE if result.positive else _NOT_POSITIVE
    params = {"count": len(result.present), **result.counts}
    return Explanation(templates[result.dimension], params)
