"""Synthetic victim case profiles for the demo, drawn from CTDC's published distributions.

``data/ctdc_distributions.json`` holds counts aggregated from two CTDC files (see
``data/ATTRIBUTION.md``; ``bench/ctdc_distributions.py`` recomputes it). A profile is drawn in
this order, each step from the CTDC table named in brackets:

1. sex and majority, jointly [``sex_by_majority``, Europe];
2. the type of exploitation given both [``exploitation_given_sex_majority``];
3. an age band given majority [``age_band_given_majority``, North America], then an age
   uniformly inside the band (48+ is capped at ``OLDEST_AGE``);
4. methods of control given the exploitation [``control_methods_given_exploitation``]: each
   CTDC means is kept with its observed probability (at least one is kept), then stands for one
   of the finer HTCDS methods it merges, chosen uniformly;
5. the victim's relations to the perpetrators given the exploitation
   [``perpetrator_relation_given_exploitation``]; CTDC's "family or intimate partner" is split
   by the recruiter-relation counts [``recruiter_relation_given_exploitation``];
6. the perpetrators' gender and roles given the exploitation
   [``perpetrators_given_exploitation``];
7. the registration year [``year``], uniformly inside its band;
8. whether the victim is of European origin [``origin_region_exploited_in_europe``].

Steps are independent of each other except where a condition is named. What CTDC does not
record is the project's assumption, kept in the ``*_WEIGHTS`` constants below and not measured:
the forced-labour industry (sectors that country reports on North Macedonia name), the form of
sexual exploitation, the recruitment channel when the recruiter was a stranger, and which
country stands for a European or non-European origin (domestic victims dominate in North
Macedonia). Children under ``YOUNGEST_INTIMATE_PARTNER_AGE`` are never given an intimate partner.

This module must stay free of Django models: it only reads the vocabulary's codes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from fener.cases.vocabulary import (
    ControlMethod,
    ExploitationType,
    Industry,
    PerpetratorRole,
    RecruitmentMethod,
    Relationship,
    Sex,
    SexExploitationType,
)

DISTRIBUTIONS_PATH = Path(__file__).parent / "data" / "ctdc_distributions.json"

OLDEST_AGE = 65
YOUNGEST_INTIMATE_PARTNER_AGE = 14

SEXES = {"Female": Sex.FEMALE.value, "Male": Sex.MALE.value}
EXPLOITATION_TYPES = {
    "forced_labour": (ExploitationType.FORCED_LABOUR.value,),
    "sexual_exploitation": (ExploitationType.SEXUAL_EXPLOITATION.value,),
    "both": (ExploitationType.FORCED_LABOUR.value, ExploitationType.SEXUAL_EXPLOITATION.value),
}
# Each merged CTDC means of control stands for the HTCDS methods it merges.
CONTROL_METHODS = {
    "Means Debt Bondage Earnings": (
        ControlMethod.DEBT_BONDAGE.value,
        ControlMethod.TAKES_EARNINGS.value,
    ),
    "Means Threats": (
        ControlMethod.PHYSICAL_THREATS.value,
        ControlMethod.THREATENS_FAMILY.value,
        ControlMethod.THREATS_LAW_ENFORCEMENT.value,
    ),
    "Means Abuse": (
        ControlMethod.PSYCHOLOGICAL_ABUSE.value,
        ControlMethod.PHYSICAL_ABUSE.value,
        ControlMethod.SEXUAL_ABUSE.value,
    ),
    "Means False Promises": (ControlMethod.FALSE_PROMISES.value,),
    "Means Drugs Alcohol": (ControlMethod.PSYCHOACTIVE_SUBSTANCES.value,),
    "Means Deny Basic Needs": (
        ControlMethod.RESTRICTS_FINANCIAL_ACCESS.value,
        ControlMethod.RESTRICTS_MEDICAL_CARE.value,
        ControlMethod.WITHHOLDS_NECESSITIES.value,
    ),
    "Means Excessive Work Hours": (ControlMethod.EXCESSIVE_HOURS.value,),
    "Means Withhold Docs": (ControlMethod.WITHHOLDS_DOCUMENTS.value,),
}
# Each CTDC perpetrator role flag stands for these HTCDS roles, with relative weights.
PERPETRATOR_ROLE_WEIGHTS = {
    "IP_Exploiter": {PerpetratorRole.EXPLOITER.value: 1},
    "IP_RecruiterBroker": {PerpetratorRole.RECRUITER.value: 3, PerpetratorRole.BROKER.value: 1},
    "IP_TransactionProcess": {
        PerpetratorRole.TRANSPORTER.value: 1,
        PerpetratorRole.HARBOURER.value: 1,
        PerpetratorRole.SELLER.value: 1,
        PerpetratorRole.BUYER.value: 1,
        PerpetratorRole.RECEIVER.value: 1,
    },
    "IP_ControlAbuseKidnap": {
        PerpetratorRole.CONTROLLER.value: 5,
        PerpetratorRole.ABUSER.value: 4,
        PerpetratorRole.KIDNAPPER.value: 1,
    },
}
# Assumptions (not CTDC): see the module docstring.
FORCED_LABOUR_INDUSTRY_WEIGHTS = {
    Industry.A.value: 30,  # agriculture
    Industry.F.value: 25,  # construction
    Industry.I.value: 20,  # accommodation and food service
    Industry.T.value: 15,  # domestic work
    Industry.C.value: 10,  # manufacturing
}
SEX_EXPLOITATION_WEIGHTS = {
    SexExploitationType.PROSTITUTION.value: 75,
    SexExploitationType.PRIVATE_SERVICES.value: 10,
    SexExploitationType.PORNOGRAPHY.value: 8,
    SexExploitationType.REMOTE_INTERACTIVE.value: 7,
}
STRANGER_RECRUITMENT_WEIGHTS = {
    RecruitmentMethod.ONLINE_SOCIAL_NETWORK.value: 45,
    RecruitmentMethod.ONLINE_ADVERTISEMENT.value: 35,
    RecruitmentMethod.PLACE_OF_BUSINESS.value: 20,
}
EUROPEAN_CITIZENSHIP_WEIGHTS = {"MK": 85, "AL": 4, "XK": 4, "RS": 3, "BG": 2, "UA": 2}
NON_EUROPEAN_CITIZENSHIP_WEIGHTS = {"SY": 40, "AF": 35, "PK": 25}

RELATIONSHIPS = {
    "intimate_partner": Relationship.INTIMATE_PARTNER.value,
    "family": Relationship.FAMILY.value,
    "friend": Relationship.FRIEND.value,
    "stranger": Relationship.STRANGER.value,
}
RECRUITMENT_BY_RELATION = {
    "intimate_partner": RecruitmentMethod.INTIMATE_PARTNER.value,
    "family": RecruitmentMethod.FAMILY.value,
    "friend": RecruitmentMethod.FRIENDS.value,
}


class PerpetratorProfile(NamedTuple):
    """One perpetrator: PerpetratorRole codes and a Sex code."""

    roles: tuple[str, ...]
    sex: str


@dataclass(frozen=True)
class CaseProfile:
    """A synthetic victim case. Codes are those of :mod:`fener.cases.vocabulary`; citizenship
    holds ISO 3166-1 alpha-2 codes ("XK" for Kosovo). Sequences are tuples, in the vocabulary's
    order; the industry is "" unless the exploitation includes forced labour."""

    registered_year: int
    sex: str
    is_child: bool
    age: int
    exploitation_types: tuple[str, ...]
    forced_labour_industry: str
    sex_exploitation_types: tuple[str, ...]
    control_methods: tuple[str, ...]
    recruitment_methods: tuple[str, ...]
    relationship: str
    citizenship: tuple[str, ...]
    perpetrators: tuple[PerpetratorProfile, ...]


def load_distributions() -> dict[str, Any]:
    """The CTDC distributions the profiles are drawn from, as stored in the data file.

    Returns
    -------
    dict
        ``{"source": ..., "distributions": {name: table}}``; a fresh copy on every call.

    Examples
    --------
    >>> load_distributions()["source"]["attribution"]
    'Counter Trafficking Data Collaborative (CTDC)'
    """
    loaded: dict[str, Any] = json.loads(DISTRIBUTIONS_PATH.read_text(encoding="utf-8"))
    return loaded


def sample_profiles(n: int, *, seed: int = 0) -> list[CaseProfile]:
    """Draw ``n`` synthetic case profiles; the same ``n`` and ``seed`` give the same list.

    Parameters
    ----------
    n : int
        How many profiles (0 gives an empty list).
    seed : int
        Seed of the random generator. A longer draw with the same seed starts with the
        profiles of a shorter one.

    Returns
    -------
    list of CaseProfile

    Raises
    ------
    TypeError
        If ``n`` or ``seed`` is not an integer.
    ValueError
        If ``n`` is negative.

    Examples
    --------
    >>> profiles = sample_profiles(3, seed=7)
    >>> len(profiles), profiles == sample_profiles(3, seed=7)
    (3, True)
    >>> all(profile.age < 18 for profile in profiles if profile.is_child)
    True
    """
    for name, value in (("n", n), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}")
    sampler = _ProfileSampler(load_distributions()["distributions"], random.Random(seed))  # noqa: S311 - demo data, not security
    return [sampler.profile() for _ in range(n)]


def _in_vocabulary_order(codes: Sequence[str], choices: Sequence[str]) -> tuple[str, ...]:
    """The distinct ``codes`` in the order the vocabulary declares them."""
    wanted = set(codes)
    return tuple(choice for choice in choices if choice in wanted)


class _ProfileSampler:
    """Draws one profile after another from a single generator."""

    def __init__(self, distributions: Mapping[str, Any], rng: random.Random) -> None:
        self.tables = distributions
        self.rng = rng

    def weighted(self, weights: Mapping[str, int | float]) -> str:
        keys = [key for key, weight in weights.items() if weight > 0]
        return self.rng.choices(keys, weights=[weights[key] for key in keys])[0]

    def conditional(self, name: str, condition: str) -> Mapping[str, Any]:
        cell: Mapping[str, Any] = self.tables[name]["table"][condition]
        return cell

    def profile(self) -> CaseProfile:
        majority, ctdc_sex = self.sex_and_majority()
        exploitation = self.weighted(
            self.conditional("exploitation_given_sex_majority", f"{ctdc_sex}|{majority}")["counts"]
        )
        age = self.age(majority)
        relationship, recruitment = self.relations(exploitation, age)
        types = EXPLOITATION_TYPES[exploitation]
        return CaseProfile(
            registered_year=self.year(),
            sex=SEXES[ctdc_sex],
            is_child=majority == "Minor",
            age=age,
            exploitation_types=types,
            forced_labour_industry=(
                self.weighted(FORCED_LABOUR_INDUSTRY_WEIGHTS)
                if ExploitationType.FORCED_LABOUR in types
                else ""
            ),
            sex_exploitation_types=(
                (self.weighted(SEX_EXPLOITATION_WEIGHTS),)
                if ExploitationType.SEXUAL_EXPLOITATION in types
                else ()
            ),
            control_methods=self.control_methods(exploitation),
            recruitment_methods=recruitment,
            relationship=relationship,
            citizenship=(self.citizenship(),),
            perpetrators=self.perpetrators(exploitation),
        )

    def sex_and_majority(self) -> tuple[str, str]:
        counts = self.tables["sex_by_majority"]["counts"]
        joint = {
            f"{majority}|{sex}": n for majority in counts for sex, n in counts[majority].items()
        }
        majority, sex = self.weighted(joint).split("|")
        return majority, sex

    def age(self, majority: str) -> int:
        band = self.weighted(self.conditional("age_band_given_majority", majority)["counts"])
        if band.endswith("+"):
            return self.rng.randint(int(band[:-1]), OLDEST_AGE)
        youngest, oldest = band.split("-")
        return self.rng.randint(int(youngest), int(oldest))

    def year(self) -> int:
        band = self.weighted(self.tables["year"]["counts"])
        first, _, last = band.partition("-")
        return self.rng.randint(int(first), int(last or first))

    def control_methods(self, exploitation: str) -> tuple[str, ...]:
        cell = self.conditional("control_methods_given_exploitation", exploitation)
        means = [m for m, p in cell["probabilities"].items() if self.rng.random() < p]
        if not means:
            means = [self.weighted(cell["counts"])]
        codes = [self.rng.choice(CONTROL_METHODS[m]) for m in means]
        return _in_vocabulary_order(codes, ControlMethod.values)

    def relations(self, exploitation: str, age: int) -> tuple[str, tuple[str, ...]]:
        """The closest relationship to a perpetrator, and the recruitment methods."""
        cell = self.conditional("perpetrator_relation_given_exploitation", exploitation)
        relations = []
        for part in self.weighted(cell["counts"]).split(";"):
            if part == "FamilyIntimatePartner":
                relations.append(self.family_or_partner(exploitation, age))
            else:
                relations.append("friend" if part == "FriendAcquaintance" else "stranger")
        closest = min(relations, key=list(RELATIONSHIPS).index)
        methods = [
            RECRUITMENT_BY_RELATION.get(relation) or self.weighted(STRANGER_RECRUITMENT_WEIGHTS)
            for relation in relations
        ]
        return RELATIONSHIPS[closest], _in_vocabulary_order(methods, RecruitmentMethod.values)

    def family_or_partner(self, exploitation: str, age: int) -> str:
        if age < YOUNGEST_INTIMATE_PARTNER_AGE:
            return "family"
        counts = self.conditional("recruiter_relation_given_exploitation", exploitation)["counts"]
        return self.weighted(
            {
                "intimate_partner": counts["Recruiter Relation Intimate Partner"],
                "family": counts["Recruiter Relation Family"],
            }
        )

    def perpetrators(self, exploitation: str) -> tuple[PerpetratorProfile, ...]:
        cell = self.conditional("perpetrators_given_exploitation", exploitation)
        genders, _, flags = self.weighted(cell["counts"]).partition("|")
        roles = [self.weighted(PERPETRATOR_ROLE_WEIGHTS[flag]) for flag in flags.split("+")]
        main_roles = _in_vocabulary_order(roles, PerpetratorRole.values)
        sexes = [SEXES[gender] for gender in genders.split(";")]
        if len(sexes) == 1:
            return (PerpetratorProfile(main_roles, sexes[0]),)
        # Perpetrators of both sexes: a man holds every role, a woman one of them.
        accomplice = PerpetratorProfile((self.rng.choice(main_roles),), Sex.FEMALE.value)
        return PerpetratorProfile(main_roles, Sex.MALE.value), accomplice

    def citizenship(self) -> str:
        regions = self.tables["origin_region_exploited_in_europe"]["counts"]
        european = self.rng.random() < regions["Europe"] / sum(regions.values())
        if european:
            return self.weighted(EUROPEAN_CITIZENSHIP_WEIGHTS)
        return self.weighted(NON_EUROPEAN_CITIZENSHIP_WEIGHTS)
