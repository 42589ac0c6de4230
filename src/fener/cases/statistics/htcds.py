"""One case as one row in the shape of CTDC's published data, with HTCDS v2 value names.

The row holds no identity value and no case code. Missing values of the quasi-identifier columns
are ``unknown`` (the generalisation hierarchies keep it apart from real values); other missing
values are empty, as in CTDC's files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fener.cases.models import Case, ExploitationForm, FormStatus, StatusDecision
from fener.cases.vocabulary import age_band

UNKNOWN = "unknown"
CHILD_AGE_UNKNOWN = "0-17"
"""The age value of a child whose age is not known (CTDC's 0-8 and 9-17 together)."""

COLUMNS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "traffickingStatus",
    "decisionMakingOrg",
    "typeOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "forcedLabourIndustry",
    "typeOfSexExploitation",
    "recruitmentMethod",
    "methodsOfControl",
    "relationshipToTrafficker",
    "countryOfExploitation",
    "caseStatus",
)

# Fener's codes → HTCDS v2 value names.
GENDER = {
    "female": "Feminine",
    "male": "Masculine",
    "trans_female": "TransgenderFeminine",
    "trans_male": "TransgenderMasculine",
    "non_conforming": "NonConforming",
    "unknown": "NonSpecifiedUnknown",
}
TRAFFICKING_STATUS = {
    "possible": "PossibleVictimOfTrafficking",
    "presumed": "PossibleVictimOfTrafficking",  # HTCDS has no "presumed"
    "identified": "ActualVictimOfTrafficking",
    "not_a_victim": "NotAVictimOfTrafficking",
}
DECIDING_BODY = {
    "police": "Police",
    "ngo": "NGO",
    "court_or_prosecution": "CourtOrProsecution",
    "government": "NonPoliceGovernmentalOrganization",
    "other": "Other",
}
CASE_STATUS = {
    "active": "Active",
    "follow_up": "FollowUp",
    "closed": "Closed",
    "closed_referred": "ClosedReferred",
}
RECRUITMENT = {
    "place_of_business": "AtAPlaceOfBusiness",
    "educational_institution": "AtAnEducationalInstitution",
    "at_work": "AtWork",
    "online_social_network": "ThroughOnlineSocialNetworks",
    "online_advertisement": "ThroughAnOnlineAdvertisement",
    "television_advert": "ThroughATelevisionAdvert",
    "newspaper_advert": "ThroughANewspaperAdvert",
    "family": "ThroughFamilyOrFamilyEvents",
    "friends": "ThroughFriendsOrSocialEvents",
    "intimate_partner": "Other",  # HTCDS has no "lover boy" method
    "other": "Other",
}
CONTROL = {
    "physical_threats": "PhysicalThreats",
    "threats_law_enforcement": "ThreatsLawEnforcement",
    "threatens_family": "ThreatensChildrenFamily",
    "debt_bondage": "DebtBondage",
    "false_promises": "FalsePromises",
    "physical_abuse": "PhysicalAbuse",
    "sexual_abuse": "SexualAbuse",
    "takes_earnings": "TakesEarnings",
    "restricts_financial_access": "RestrictsFinancialAccess",
    "restricts_medical_care": "RestrictsMedicalCare",
    "withholds_necessities": "WithholdsNecessities",
    "psychological_abuse": "PsychologicalAbuse",
    "psychoactive_substances": "PsychoactiveSubstance",
    "excessive_hours": "ExcessiveWorkingHours",
    "withholds_documents": "WithholdsDocuments",
    "other": "Other",
}
SEX_EXPLOITATION = {
    "prostitution": "Prostitution",
    "pornography": "Pornography",
    "remote_interactive": "RemoteInteractiveServices",
    "private_services": "PrivateSexualServices",
}
RELATIONSHIP = {
    "family": "Familial",
    "intimate_partner": "Acquainted",
    "friend": "Acquainted",
    "stranger": "Unaquainted",  # sic: HTCDS's spelling
}


def age_value(age: int | None, is_child: bool) -> str:
    """The CTDC age band, ``0-17`` for a child of unknown age, else ``unknown``."""
    if age is None:
        return CHILD_AGE_UNKNOWN if is_child else UNKNOWN
    return str(age_band(age))


def _joined(codes: Iterable[str], names: Mapping[str, str]) -> str:
    return ";".join(sorted({names.get(code, "Other") for code in codes}))


def _exploitation_code(form: ExploitationForm) -> str:
    """A form's HTCDS value: its own for the taxonomy, ``Other`` while proposed or rejected."""
    if form.builtin or form.status == FormStatus.PROMOTED:
        return form.htcds_code or "Other"
    return "Other"


def _flag(recorded: set[str], wanted: set[str]) -> str:
    """CTDC's 0/1 flag; empty when no type of exploitation is recorded at all."""
    if not recorded:
        return ""
    return "1" if recorded & wanted else "0"


def htcds_row(case: Case, deciding_body: str) -> dict[str, str]:
    """The case as a row (``majorityStatus`` is added after anonymisation, from the age)."""
    types = {_exploitation_code(form) for form in case.exploitation_forms.all()}
    return {
        "yearOfRegistration": str(case.registered_on.year),
        "gender": GENDER.get(case.sex, "NonSpecifiedUnknown"),
        "ageBroad": age_value(case.age_at_registration, case.is_child),
        "citizenship": ";".join(sorted(case.citizenship or [])) or UNKNOWN,
        "traffickingStatus": TRAFFICKING_STATUS.get(case.trafficking_status, ""),
        "decisionMakingOrg": DECIDING_BODY.get(deciding_body, ""),
        "typeOfExploitation": ";".join(sorted(types)),
        "isForcedLabour": _flag(types, {"ForcedLabour"}),
        "isSexualExploit": _flag(types, {"SexualExploitation"}),
        "isOtherExploit": _flag(types, types - {"ForcedLabour", "SexualExploitation"}),
        "forcedLabourIndustry": case.forced_labour_industry,
        "typeOfSexExploitation": _joined(case.sex_exploitation_types or [], SEX_EXPLOITATION),
        "recruitmentMethod": _joined(case.recruitment_methods or [], RECRUITMENT),
        "methodsOfControl": _joined(case.control_methods or [], CONTROL),
        "relationshipToTrafficker": RELATIONSHIP.get(case.relationship_to_trafficker, ""),
        "countryOfExploitation": case.exploitation_country or UNKNOWN,
        "caseStatus": CASE_STATUS.get(case.status, ""),
    }


def case_rows() -> list[dict[str, str]]:
    """One row per case, before anonymisation: for :mod:`.export` only, never released."""
    deciding: dict[int, str] = {}
    decisions = StatusDecision.objects.order_by("case_id", "decided_on", "recorded_at", "id")
    for case_id, body in decisions.values_list("case_id", "deciding_body"):
        deciding[case_id] = body  # the latest decision wins
    cases = (
        Case.objects.order_by()
        .only(
            "id",
            "registered_on",
            "sex",
            "age_at_registration",
            "is_child",
            "citizenship",
            "trafficking_status",
            "forced_labour_industry",
            "sex_exploitation_types",
            "recruitment_methods",
            "control_methods",
            "relationship_to_trafficker",
            "exploitation_country",
            "status",
        )
        .prefetch_related("exploitation_forms")
    )
    return [htcds_row(case, deciding.get(case.pk, "")) for case in cases.iterator(chunk_size=500)]
