"""Victim identification: screening indicators, the ILO–EC rule, and re-trafficking risk.

Case workers record a screening interview as answers to indicators: the eleven ILO
indicators of forced labour and one of the four ILO–EC sets of operational indicators of
trafficking (adults or children, labour or sexual exploitation; :func:`choose_set` picks it).
:func:`assess` applies the ILO–EC combination rule and explains its advice in sentences whose
templates the web layer translates; :func:`assess_risk` scores the risk of re-trafficking at
each follow-up and :func:`risk_trend` says which way it moves.

Everything here is advice. The engine never decides a person's status (possible, presumed or
formally identified victim): a person decides and is recorded as the one who decided.

Pure Python: no Django. Labels are English, wrapped in the no-op marker ``_`` so that
``makemessages`` extracts them into the Macedonian and Albanian catalogues.

>>> chosen = choose_set(is_child=True, exploitation="forced labour")
>>> assess(chosen, {"ec_excessive_hours": "present"}).recommendation
'further_assessment'
"""

from fener.analytics.identification.assessment import (
    ADVICE_NOTICE,
    ANSWERS,
    Answer,
    Assessment,
    DimensionResult,
    Explanation,
    Recommendation,
    assess,
    dimension_is_positive,
)
from fener.analytics.identification.catalogue import (
    DESTINATION_MEANS_DIMENSIONS,
    DIMENSIONS,
    EXPLOITATION_DIMENSION,
    FORCED_LABOUR_INDICATORS,
    INDICATOR_SETS,
    RECRUITMENT_DIMENSIONS,
    STRENGTHS,
    Indicator,
    IndicatorSet,
    InvalidAnswers,
    Strength,
    UnknownIndicatorSet,
    choose_set,
    indicator_set,
)
from fener.analytics.identification.risk import (
    RISK_FACTORS,
    RiskFactor,
    RiskLevel,
    RiskResult,
    Trend,
    assess_risk,
    risk_trend,
)

__all__ = [
    "ADVICE_NOTICE",
    "ANSWERS",
    "DESTINATION_MEANS_DIMENSIONS",
    "DIMENSIONS",
    "EXPLOITATION_DIMENSION",
    "FORCED_LABOUR_INDICATORS",
    "INDICATOR_SETS",
    "RECRUITMENT_DIMENSIONS",
    "RISK_FACTORS",
    "STRENGTHS",
    "Answer",
    "Assessment",
    "DimensionResult",
    "Explanation",
    "Indicator",
    "IndicatorSet",
    "InvalidAnswers",
    "Recommendation",
    "RiskFactor",
    "RiskLevel",
    "RiskResult",
    "Strength",
    "Trend",
    "UnknownIndicatorSet",
    "assess",
    "assess_risk",
    "choose_set",
    "dimension_is_positive",
    "indicator_set",
    "risk_trend",
]
