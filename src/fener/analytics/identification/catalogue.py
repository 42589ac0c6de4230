"""The indicators a screening interview asks about: ILO forced labour and ILO–EC trafficking.

Two published catalogues are kept here as data:

* the eleven ILO indicators of forced labour (ILO, *Indicators of forced labour*, 2012), each
  with a plain question an interviewer can ask. They are not graded;
* the ILO–EC operational indicators of trafficking in human beings (ILO and European
  Commission, *Operational indicators of trafficking in human beings: results from a Delphi
  survey*, 2009, revised September 2009), in four sets: adults and children, each for labour
  and for sexual exploitation. Every indicator belongs to one of six dimensions and is graded
  strong, medium or weak.

The indicator lists and gradings reproduce the published lists as faithfully as the authors
know them; the labels are Fener's own wording. Where an indicator appears in two dimensions
(for example debt bondage at recruitment and at destination) it is two indicators with two
codes, because the experts graded them differently. Codes are a dimension prefix (``dr``,
``cr``, ``rv``, ``ec``, ``cd``, ``vd``) and a short name: ``dr_deceived_nature_of_job``.

Nothing here imports Django. Labels are English strings wrapped in :func:`_`, a marker that
does nothing here so that ``makemessages`` finds them; the web layer translates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Strength = Literal["strong", "medium", "weak"]
STRENGTHS: tuple[Strength, ...] = ("strong", "medium", "weak")


def _(text: str) -> str:
    """Mark text for translation catalogues; translated by the web layer.

    The engine has no Django, so the marker returns ``text`` unchanged. Every label in this
    package is written as a literal ``_("...")`` call so that ``xgettext`` extracts it.

    >>> _("Deception")
    'Deception'
    """
    return text


class UnknownIndicatorSet(ValueError):
    """Raised for an indicator set code that the catalogue does not have."""


class InvalidAnswers(ValueError):
    """Raised when answers name unknown codes or give values that are not allowed.

    The message names every offending key and value; ``unknown_codes`` and ``invalid_values``
    hold them for a form that wants to mark the fields.
    """

    def __init__(
        self,
        message: str,
        *,
        unknown_codes: tuple[str, ...] = (),
        invalid_values: tuple[tuple[str, object], ...] = (),
    ) -> None:
        super().__init__(message)
        self.unknown_codes = unknown_codes
        self.invalid_values = invalid_values


@dataclass(frozen=True)
class Indicator:
    """One indicator: a fact an interviewer records as present, absent or unknown.

    ``strength`` is the ILO–EC grading; the ILO forced-labour indicators are not graded and
    have ``None``. ``question`` is a plain question to ask, where the catalogue has one.
    """

    code: str
    dimension: str
    strength: Strength | None
    label: str
    question: str = ""


@dataclass(frozen=True)
class IndicatorSet:
    """One of the four ILO–EC lists, for adults or children and one kind of exploitation."""

    code: str
    label: str
    indicators: tuple[Indicator, ...]
    for_children: bool = False

    def indicator(self, code: str) -> Indicator:
        """The indicator with this code; ``KeyError`` if the set has none.

        >>> indicator_set("adult_labour").indicator("cd_debt_bondage").strength
        'strong'
        """
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def in_dimension(self, dimension: str) -> tuple[Indicator, ...]:
        """The indicators of one dimension, strongest first.

        >>> [i.code for i in indicator_set("adult_labour").in_dimension("exploitative_conditions")][:2]
        ['ec_excessive_hours', 'ec_bad_living_conditions']
        """
        return tuple(indicator for indicator in self.indicators if indicator.dimension == dimension)

    @property
    def codes(self) -> frozenset[str]:
        """Every indicator code of the set."""
        return frozenset(indicator.code for indicator in self.indicators)


# --- The ILO indicators of forced labour -------------------------------------------------------

FORCED_LABOUR = "forced_labour"

FORCED_LABOUR_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "abuse_of_vulnerability",
        FORCED_LABOUR,
        None,
        _("Abuse of vulnerability"),
        _(
            "Did anyone take advantage of a hard situation you were in, such as having no money, "
            "no papers or not speaking the language?"
        ),
    ),
    Indicator(
        "deception",
        FORCED_LABOUR,
        None,
        _("Deception"),
        _("Was the work, the pay or the place different from what you had been promised?"),
    ),
    Indicator(
        "restriction_of_movement",
        FORCED_LABOUR,
        None,
        _("Restriction of movement"),
        _("Were you stopped from leaving the place where you worked or lived when you wanted to?"),
    ),
    Indicator(
        "isolation",
        FORCED_LABOUR,
        None,
        _("Isolation"),
        _("Were you kept away from other people, from your family or from the outside world?"),
    ),
    Indicator(
        "physical_and_sexual_violence",
        FORCED_LABOUR,
        None,
        _("Physical and sexual violence"),
        _("Did anyone hit or hurt you, or force you into anything sexual?"),
    ),
    Indicator(
        "intimidation_and_threats",
        FORCED_LABOUR,
        None,
        _("Intimidation and threats"),
        _("Did anyone threaten you or your family, for example with harm or with the police?"),
    ),
    Indicator(
        "retention_of_identity_documents",
        FORCED_LABOUR,
        None,
        _("Retention of identity documents"),
        _("Did someone else keep your passport or identity card and refuse to give it back?"),
    ),
    Indicator(
        "withholding_of_wages",
        FORCED_LABOUR,
        None,
        _("Withholding of wages"),
        _("Were you paid less than agreed, paid very late, or not paid at all?"),
    ),
    Indicator(
        "debt_bondage",
        FORCED_LABOUR,
        None,
        _("Debt bondage"),
        _("Did you owe money to the employer or the recruiter that you had to work off?"),
    ),
    Indicator(
        "abusive_working_and_living_conditions",
        FORCED_LABOUR,
        None,
        _("Abusive working and living conditions"),
        _("Were the places where you worked or slept degrading, dangerous or unhealthy?"),
    ),
    Indicator(
        "excessive_overtime",
        FORCED_LABOUR,
        None,
        _("Excessive overtime"),
        _("Did you have to work far more hours or days than the law allows or than was agreed?"),
    ),
)

# --- The ILO–EC dimensions ---------------------------------------------------------------------

DIMENSIONS: dict[str, str] = {
    "deceptive_recruitment": _("Deceptive recruitment"),
    "coercive_recruitment": _("Coercive recruitment"),
    "recruitment_abuse_of_vulnerability": _("Recruitment by abuse of vulnerability"),
    "exploitative_conditions": _("Exploitative conditions"),
    "coercion_at_destination": _("Coercion at destination"),
    "abuse_of_vulnerability_at_destination": _("Abuse of vulnerability at destination"),
}
RECRUITMENT_DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_abuse_of_vulnerability",
)
EXPLOITATION_DIMENSION = "exploitative_conditions"
DESTINATION_MEANS_DIMENSIONS = (
    "coercion_at_destination",
    "abuse_of_vulnerability_at_destination",
)
_PREFIX = {
    "deceptive_recruitment": "dr",
    "coercive_recruitment": "cr",
    "recruitment_abuse_of_vulnerability": "rv",
    "exploitative_conditions": "ec",
    "coercion_at_destination": "cd",
    "abuse_of_vulnerability_at_destination": "vd",
}

# Labels of the indicators, by short name. One label serves every set and dimension where the
# same fact is asked about.
_LABELS: dict[str, str] = {
    # Deception at recruitment.
    "deceived_nature_of_job": _("Deceived about the kind of work, the place or the employer"),
    "deceived_conditions_of_work": _("Deceived about the working conditions"),
    "deceived_conditions_of_prostitution": _("Deceived about the conditions in prostitution"),
    "deceived_conditions_of_sexual_exploitation": _(
        "Deceived about what would be demanded of the child sexually"
    ),
    "deceived_contract": _("Deceived about what the work contract says or whether it is legal"),
    "deceived_family_reunification": _("Deceived about being reunited with family"),
    "deceived_housing": _("Deceived about housing and living conditions"),
    "deceived_legal_documents": _("Deceived about papers or about getting a legal residence"),
    "deceived_travel_recruitment": _("Deceived about the journey or the terms of recruitment"),
    "deceived_wages": _("Deceived about pay or earnings"),
    "deceived_marriage_adoption": _("Lured with a promise of marriage or adoption"),
    "deceived_education": _("Deceived about chances to study or train"),
    # Coercion, at recruitment or at destination.
    "violence_on_victim": _("Violence used against the person"),
    "threats_of_violence": _("Threatened with violence"),
    "abduction_marriage_sale": _("Abducted, forced into marriage or adoption, or sold"),
    "debt_bondage": _("Bound by a debt that has to be worked off"),
    "confiscated_documents": _("Identity or travel documents taken away"),
    "isolation_confinement_surveillance": _("Isolated, locked in or kept under watch"),
    "threat_of_denunciation": _("Threatened with being reported to the authorities"),
    "threat_to_inform_family": _("Threatened that family, community or the public would be told"),
    "violence_on_family": _("Family threatened with violence or harmed"),
    "withholding_money": _("Money held back by the recruiter"),
    "withholding_wages": _("Wages held back to keep the person working"),
    "forced_illicit_activities": _("Forced into illegal or criminal activities"),
    "forced_tasks_or_clients": _("Forced to do tasks or take clients that were not agreed"),
    "forced_against_peers": _("Forced to act against other workers or victims"),
    "forced_to_lie": _("Forced to lie to the authorities, to family or to others"),
    "threat_worse_conditions": _("Threatened with even worse working conditions"),
    "strong_influence": _("Under the strong influence or control of the exploiters"),
    # Abuse of vulnerability, at recruitment or at destination.
    "abuse_difficult_family_situation": _("A difficult family situation was taken advantage of"),
    "abuse_irregular_status": _("An irregular migration status was taken advantage of"),
    "abuse_lack_of_education": _("Little schooling or not knowing the language was exploited"),
    "abuse_lack_of_information": _("Lack of information was taken advantage of"),
    "control_by_exploiters": _("The exploiters already had control over the person"),
    "economic_reasons": _("Economic hardship: poverty, no work or debts"),
    "false_information_law": _("Told false things about the law or about the authorities"),
    "false_information_migration": _("Told false stories of others' successful migration"),
    "family_situation": _("Family situation: dependants or family duties"),
    "personal_situation": _("Personal situation: health, disability, pregnancy or similar"),
    "emotional_dependency": _("Emotional or psychological dependency, for example on a partner"),
    "relationship_with_authorities": _("Position towards the authorities or legal status"),
    "abuse_cultural_religious_beliefs": _("Cultural or religious beliefs were exploited"),
    "difficulties_in_past": _(
        "Hard experiences in the past, such as abuse or earlier exploitation"
    ),
    "difficulty_organising_travel": _("Could not have arranged the journey alone"),
    "general_context": _("General context: conflict, disaster or political situation"),
    "dependency_on_exploiters": _(
        "Depends on the exploiters for housing, food, transport or contacts"
    ),
    "unfamiliar_place": _("Hard to manage in an unfamiliar place or language"),
    "personal_characteristics": _(
        "Personal characteristics, such as belonging to a marginalised group"
    ),
    # Exploitation.
    "excessive_hours": _("Excessive working days or hours"),
    "bad_living_conditions": _("Bad living conditions"),
    "hazardous_work": _("Hazardous work"),
    "low_or_no_pay": _("Little or no pay"),
    "law_or_contract_not_respected": _("Labour law or the signed contract not respected"),
    "no_social_protection": _("No social protection: no contract, no social insurance"),
    "very_bad_working_conditions": _("Very bad working conditions"),
    "wage_manipulation": _("Pay manipulated: fines, deductions, or paid to a middleman"),
    "no_access_to_education": _("No access to education"),
}

# Each set: dimension -> (strong, medium, weak) short names.
_Grades = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]

_ADULT_DECEPTION_MEDIUM = (
    "deceived_contract",
    "deceived_family_reunification",
    "deceived_housing",
    "deceived_legal_documents",
    "deceived_travel_recruitment",
    "deceived_wages",
    "deceived_marriage_adoption",
)
_ADULT_COERCIVE_RECRUITMENT: _Grades = (
    ("violence_on_victim",),
    (
        "abduction_marriage_sale",
        "confiscated_documents",
        "debt_bondage",
        "isolation_confinement_surveillance",
        "threat_of_denunciation",
        "threats_of_violence",
        "threat_to_inform_family",
        "violence_on_family",
        "withholding_money",
    ),
    (),
)
_ADULT_RECRUITMENT_VULNERABILITY: _Grades = (
    (),
    (
        "abuse_difficult_family_situation",
        "abuse_irregular_status",
        "abuse_lack_of_education",
        "abuse_lack_of_information",
        "control_by_exploiters",
        "economic_reasons",
        "false_information_law",
        "false_information_migration",
        "family_situation",
        "personal_situation",
        "emotional_dependency",
        "relationship_with_authorities",
    ),
    (
        "abuse_cultural_religious_beliefs",
        "difficulties_in_past",
        "difficulty_organising_travel",
        "general_context",
    ),
)
_ADULT_DESTINATION_VULNERABILITY: _Grades = (
    (),
    (
        "dependency_on_exploiters",
        "unfamiliar_place",
        "economic_reasons",
        "family_situation",
        "relationship_with_authorities",
    ),
    ("difficulties_in_past", "personal_characteristics"),
)
_EXPLOITATION_MEDIUM = (
    "bad_living_conditions",
    "hazardous_work",
    "low_or_no_pay",
    "law_or_contract_not_respected",
    "no_social_protection",
    "very_bad_working_conditions",
    "wage_manipulation",
)
_DESTINATION_COERCION_MEDIUM = (
    "forced_illicit_activities",
    "forced_against_peers",
    "forced_to_lie",
    "threat_of_denunciation",
    "threat_worse_conditions",
    "strong_influence",
    "violence_on_family",
    "withholding_wages",
)

_ADULT_LABOUR: dict[str, _Grades] = {
    "deceptive_recruitment": (
        ("deceived_nature_of_job",),
        ("deceived_conditions_of_work", *_ADULT_DECEPTION_MEDIUM),
        ("deceived_education",),
    ),
    "coercive_recruitment": _ADULT_COERCIVE_RECRUITMENT,
    "recruitment_abuse_of_vulnerability": _ADULT_RECRUITMENT_VULNERABILITY,
    "exploitative_conditions": (
        ("excessive_hours",),
        _EXPLOITATION_MEDIUM,
        ("no_access_to_education",),
    ),
    "coercion_at_destination": (
        (
            "confiscated_documents",
            "debt_bondage",
            "isolation_confinement_surveillance",
            "violence_on_victim",
        ),
        ("forced_tasks_or_clients", "threats_of_violence", *_DESTINATION_COERCION_MEDIUM),
        ("threat_to_inform_family",),
    ),
    "abuse_of_vulnerability_at_destination": _ADULT_DESTINATION_VULNERABILITY,
}

# For sexual exploitation the experts graded no exploitative condition as strong, and being
# forced to take clients as strong coercion.
_ADULT_SEXUAL: dict[str, _Grades] = {
    "deceptive_recruitment": (
        ("deceived_nature_of_job",),
        ("deceived_conditions_of_prostitution", *_ADULT_DECEPTION_MEDIUM),
        ("deceived_education",),
    ),
    "coercive_recruitment": _ADULT_COERCIVE_RECRUITMENT,
    "recruitment_abuse_of_vulnerability": _ADULT_RECRUITMENT_VULNERABILITY,
    "exploitative_conditions": (
        (),
        ("excessive_hours", *_EXPLOITATION_MEDIUM),
        ("no_access_to_education",),
    ),
    "coercion_at_destination": (
        (
            "confiscated_documents",
            "debt_bondage",
            "forced_tasks_or_clients",
            "isolation_confinement_surveillance",
            "violence_on_victim",
        ),
        ("threats_of_violence", *_DESTINATION_COERCION_MEDIUM),
        ("threat_to_inform_family",),
    ),
    "abuse_of_vulnerability_at_destination": _ADULT_DESTINATION_VULNERABILITY,
}

# The child lists have no weak grade: what is weak for an adult (education, cultural beliefs,
# the general context, past difficulties) weighs more for a child, and threats, abduction or
# sale and debt count as strong. Social protection and false information about the law are
# not on them.
_CHILD_DECEPTION_MEDIUM = _ADULT_DECEPTION_MEDIUM
_CHILD_COERCIVE_RECRUITMENT: _Grades = (
    ("violence_on_victim", "threats_of_violence", "abduction_marriage_sale", "debt_bondage"),
    (
        "confiscated_documents",
        "isolation_confinement_surveillance",
        "threat_of_denunciation",
        "threat_to_inform_family",
        "violence_on_family",
        "withholding_money",
    ),
    (),
)
_CHILD_RECRUITMENT_VULNERABILITY: _Grades = (
    (),
    tuple(
        name
        for name in _ADULT_RECRUITMENT_VULNERABILITY[1] + _ADULT_RECRUITMENT_VULNERABILITY[2]
        if name != "false_information_law"
    ),
    (),
)
_CHILD_EXPLOITATION_MEDIUM = (
    "bad_living_conditions",
    "low_or_no_pay",
    "law_or_contract_not_respected",
    "very_bad_working_conditions",
    "wage_manipulation",
    "no_access_to_education",
)
_CHILD_DESTINATION_COERCION: _Grades = (
    (
        "confiscated_documents",
        "debt_bondage",
        "isolation_confinement_surveillance",
        "violence_on_victim",
        "threats_of_violence",
        "forced_illicit_activities",
        "forced_tasks_or_clients",
        "strong_influence",
    ),
    (
        "forced_against_peers",
        "forced_to_lie",
        "threat_of_denunciation",
        "threat_worse_conditions",
        "violence_on_family",
        "withholding_wages",
        "threat_to_inform_family",
    ),
    (),
)
_CHILD_DESTINATION_VULNERABILITY: _Grades = (
    (),
    _ADULT_DESTINATION_VULNERABILITY[1] + _ADULT_DESTINATION_VULNERABILITY[2],
    (),
)

_CHILD_LABOUR: dict[str, _Grades] = {
    "deceptive_recruitment": (
        ("deceived_nature_of_job", "deceived_education"),
        ("deceived_conditions_of_work", *_CHILD_DECEPTION_MEDIUM),
        (),
    ),
    "coercive_recruitment": _CHILD_COERCIVE_RECRUITMENT,
    "recruitment_abuse_of_vulnerability": _CHILD_RECRUITMENT_VULNERABILITY,
    "exploitative_conditions": (
        ("excessive_hours",),
        ("hazardous_work", *_CHILD_EXPLOITATION_MEDIUM),
        (),
    ),
    "coercion_at_destination": _CHILD_DESTINATION_COERCION,
    "abuse_of_vulnerability_at_destination": _CHILD_DESTINATION_VULNERABILITY,
}

_CHILD_SEXUAL: dict[str, _Grades] = {
    "deceptive_recruitment": (
        ("deceived_nature_of_job", "deceived_education"),
        ("deceived_conditions_of_sexual_exploitation", *_CHILD_DECEPTION_MEDIUM),
        (),
    ),
    "coercive_recruitment": _CHILD_COERCIVE_RECRUITMENT,
    "recruitment_abuse_of_vulnerability": _CHILD_RECRUITMENT_VULNERABILITY,
    "exploitative_conditions": (
        ("excessive_hours", "hazardous_work"),
        _CHILD_EXPLOITATION_MEDIUM,
        (),
    ),
    "coercion_at_destination": _CHILD_DESTINATION_COERCION,
    "abuse_of_vulnerability_at_destination": _CHILD_DESTINATION_VULNERABILITY,
}


def _build(code: str, label: str, grades: dict[str, _Grades], *, children: bool) -> IndicatorSet:
    indicators = tuple(
        Indicator(f"{_PREFIX[dimension]}_{name}", dimension, strength, _LABELS[name])
        for dimension in DIMENSIONS
        for strength, names in zip(STRENGTHS, grades[dimension], strict=True)
        for name in names
    )
    return IndicatorSet(code, label, indicators, for_children=children)


INDICATOR_SETS: dict[str, IndicatorSet] = {
    "adult_labour": _build(
        "adult_labour",
        _("Adults: trafficking for labour exploitation"),
        _ADULT_LABOUR,
        children=False,
    ),
    "adult_sexual": _build(
        "adult_sexual",
        _("Adults: trafficking for sexual exploitation"),
        _ADULT_SEXUAL,
        children=False,
    ),
    "child_labour": _build(
        "child_labour",
        _("Children: trafficking for labour exploitation"),
        _CHILD_LABOUR,
        children=True,
    ),
    "child_sexual": _build(
        "child_sexual",
        _("Children: trafficking for sexual exploitation"),
        _CHILD_SEXUAL,
        children=True,
    ),
}


def indicator_set(code: str) -> IndicatorSet:
    """The ILO–EC indicator set with this code.

    Parameters
    ----------
    code : str
        ``"adult_labour"``, ``"adult_sexual"``, ``"child_labour"`` or ``"child_sexual"``.

    Returns
    -------
    IndicatorSet

    Raises
    ------
    UnknownIndicatorSet
        For any other code; the message lists the codes that exist.

    Examples
    --------
    >>> chosen = indicator_set("child_labour")
    >>> chosen.label, chosen.for_children
    ('Children: trafficking for labour exploitation', True)
    >>> indicator_set("adult_begging")
    Traceback (most recent call last):
    ...
    fener.analytics.identification.catalogue.UnknownIndicatorSet: Unknown indicator set 'adult_begging'; the sets are: adult_labour, adult_sexual, child_labour, child_sexual.
    """
    try:
        return INDICATOR_SETS[code]
    except KeyError:
        known = ", ".join(INDICATOR_SETS)
        raise UnknownIndicatorSet(
            f"Unknown indicator set {code!r}; the sets are: {known}."
        ) from None


def choose_set(*, is_child: bool, exploitation: str) -> str:
    """The code of the indicator set to use for one person.

    The ILO–EC lists exist for labour and for sexual exploitation only. Sexual exploitation
    (in any spelling, such as the HTCDS value ``"SexualExploitation"``) takes the sexual
    list; every other form (forced labour, begging, criminal activities, servitude, domestic
    work) takes the labour list.

    Parameters
    ----------
    is_child : bool
        True for a person under 18 (or presumed to be, while the age is not certain).
    exploitation : str
        The form of exploitation, as recorded.

    Returns
    -------
    str
        A key of :data:`INDICATOR_SETS`.

    Examples
    --------
    >>> choose_set(is_child=False, exploitation="SexualExploitation")
    'adult_sexual'
    >>> choose_set(is_child=True, exploitation="forced begging")
    'child_labour'
    """
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", exploitation).casefold()
    kind = "sexual" if "sexual" in words else "labour"
    return f"{'child' if is_child else 'adult'}_{kind}"
