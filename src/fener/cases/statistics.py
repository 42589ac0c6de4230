"""Case statistics without identity data: the dashboard's counts and the anonymised export.

Both read every case in the country (the statistics are national), and neither reads a name, a
case code or any other identity value. The dashboard counts with aggregate queries and hides
small counts, because a count of one or two people in a category can point at a person. The
export writes one row per case in the shape of CTDC's published data with HTCDS value names,
made k-anonymous by :func:`fener.analytics.privacy.anonymise`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fener.analytics.privacy import (
    AgeBandHierarchy,
    CategoryHierarchy,
    CountryHierarchy,
    Hierarchy,
    YearHierarchy,
    anonymise,
)
from fener.cases.models import Case, ExploitationForm, FormStatus, StatusDecision
from fener.cases.policies import STATISTICS
from fener.cases.vocabulary import (
    AgeBand,
    CaseStatus,
    RecruitmentMethod,
    Sex,
    TraffickingStatus,
    age_band,
)
from fener.core.access import AccessDenied, has_permission
from fener.core.audit import audit_record
from fener.core.models import Institution, User
from fener.core.views.audit import spreadsheet_safe

SMALL_COUNT = 5
"""Counts from 1 to ``SMALL_COUNT - 1`` are shown as "fewer than 5", never as a number."""

UNKNOWN = "unknown"
CHILD_AGE_UNKNOWN = "0-17"
"""The age value of a child whose age is not known (CTDC's 0-8 and 9-17 together)."""


class StatisticsInputError(ValueError):
    """A request for statistics that cannot be answered (a bad k or format); says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def require_statistics(user: User) -> None:
    """Refuse (403) anyone without ``cases.view_statistics``."""
    if not has_permission(user, STATISTICS):
        raise AccessDenied(STATISTICS)


# --- The dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One category's count, or why it is not shown.

    ``count`` is ``None`` when the count is small (``hidden="small"``), or when it is withheld
    so that a small count cannot be worked out from the total (``hidden="complement"``).
    """

    label: str
    count: int | None
    hidden: str = ""

    @property
    def shown(self) -> str:
        if self.count is not None:
            return str(self.count)
        if self.hidden == "small":
            return _("fewer than %(limit)d") % {"limit": SMALL_COUNT}
        return _("withheld")


@dataclass(frozen=True)
class CountTable:
    """Counts of cases by one characteristic. In a ``partition`` each case is counted once."""

    key: str
    title: str
    heading: str
    cells: list[Cell]
    partition: bool

    @property
    def charted(self) -> list[Cell]:
        """The cells whose count is shown (a chart never draws a hidden count)."""
        return [cell for cell in self.cells if cell.count is not None]


@dataclass(frozen=True)
class Dashboard:
    total: Cell
    tables: list[CountTable]
    year_from: int | None = None
    year_to: int | None = None


def _cells(counts: Sequence[tuple[str, int]], *, partition: bool) -> list[Cell]:
    """Hide small counts; in a partition with exactly one small count, also withhold the
    smallest other count, since the total minus the others would give the small one away."""
    present = [(label, count) for label, count in counts if count > 0]
    small = {index for index, (_label, count) in enumerate(present) if count < SMALL_COUNT}
    complement: set[int] = set()
    if partition and len(small) == 1:
        others = [(count, index) for index, (_l, count) in enumerate(present) if index not in small]
        if others:
            complement.add(min(others)[1])
    cells = []
    for index, (label, count) in enumerate(present):
        if index in small:
            cells.append(Cell(label, None, "small"))
        elif index in complement:
            cells.append(Cell(label, None, "complement"))
        else:
            cells.append(Cell(label, count))
    return cells


def _grouped(cases: QuerySet[Case], *fields: str) -> list[tuple[dict[str, Any], int]]:
    """Case counts per combination of ``fields`` (one aggregate query)."""
    rows = cases.order_by().values(*fields).annotate(cases=Count("id", distinct=True))
    return [({name: row[name] for name in fields}, int(row["cases"])) for row in rows]


def _by_choice(cases: QuerySet[Case], field_name: str, choices: Any) -> list[tuple[str, int]]:
    counts = {values[field_name]: count for values, count in _grouped(cases, field_name)}
    return [(str(label), counts.get(value, 0)) for value, label in choices.choices]


def _by_list(
    cases: QuerySet[Case], field_name: str, labels: Mapping[str, str]
) -> list[tuple[str, int]]:
    """Counts of a JSON list field: grouped by the whole list in the database, then per item."""
    counts: Counter[str] = Counter()
    for values, count in _grouped(cases, field_name):
        items = values[field_name] or [""]
        for item in set(items):
            counts[item] += count
    not_recorded = counts.pop("", 0)
    rows = [(labels.get(item, item), count) for item, count in counts.most_common()]
    return [*rows, (_("Not recorded"), not_recorded)]


def _age_key(age: int | None, is_child: bool) -> str:
    if age is None:
        return CHILD_AGE_UNKNOWN if is_child else UNKNOWN
    return str(age_band(age))


def _by_age(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for values, count in _grouped(cases, "age_at_registration", "is_child"):
        counts[_age_key(values["age_at_registration"], values["is_child"])] += count
    order = [str(value) for value in AgeBand.values if value != AgeBand.UNKNOWN]
    labels = {str(value): str(label) for value, label in AgeBand.choices}
    rows = [(labels[band], counts[band]) for band in order]
    return [
        *rows,
        (_("Child, age not known"), counts[CHILD_AGE_UNKNOWN]),
        (str(AgeBand.UNKNOWN.label), counts[UNKNOWN]),
    ]


def _by_institution(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    counts = {values["owner_institution"]: n for values, n in _grouped(cases, "owner_institution")}
    names = {
        pk: institution.name for pk, institution in Institution.objects.in_bulk(counts).items()
    }
    return sorted(((names.get(pk, "?"), n) for pk, n in counts.items()), key=lambda row: row[0])


def _by_year(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    rows = _grouped(cases.annotate(year=ExtractYear("registered_on")), "year")
    return sorted((str(values["year"]), count) for values, count in rows)


def _by_form(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    links = Case.exploitation_forms.through.objects.filter(case__in=cases)
    counts = {
        row["exploitationform"]: int(row["cases"])
        for row in links.order_by()
        .values("exploitationform")
        .annotate(cases=Count("case", distinct=True))
    }
    forms = ExploitationForm.objects.in_bulk(counts)
    rows = sorted(((forms[pk].name, n) for pk, n in counts.items()), key=lambda row: -row[1])
    return [*rows, (_("Not recorded"), cases.filter(exploitation_forms__isnull=True).count())]


def statistics_dashboard(
    user: User, *, year_from: int | None = None, year_to: int | None = None
) -> Dashboard:
    """Counts of all cases registered in ``year_from`` … ``year_to`` (both optional).

    Needs ``cases.view_statistics``. Nothing identifies a person: no code, no identity value,
    and counts below :data:`SMALL_COUNT` are hidden (see :class:`Cell`).
    """
    require_statistics(user)
    cases = Case.objects.all()
    if year_from is not None:
        cases = cases.filter(registered_on__year__gte=year_from)
    if year_to is not None:
        cases = cases.filter(registered_on__year__lte=year_to)
    total = cases.count()
    recruitment = {str(value): str(label) for value, label in RecruitmentMethod.choices}

    def table(key: str, title: str, heading: str, rows: list[tuple[str, int]]) -> CountTable:
        partition = key not in {"forms", "citizenship", "recruitment"}
        return CountTable(key, title, heading, _cells(rows, partition=partition), partition)

    tables = [
        table("status", _("Case status"), _("Status"), _by_choice(cases, "status", CaseStatus)),
        table(
            "trafficking_status",
            _("Trafficking status"),
            _("Status"),
            _by_choice(cases, "trafficking_status", TraffickingStatus),
        ),
        table("forms", _("Type of exploitation"), _("Type"), _by_form(cases)),
        table("sex", _("Sex"), _("Sex"), _by_choice(cases, "sex", Sex)),
        table("age", _("Age at registration"), _("Age band"), _by_age(cases)),
        table(
            "citizenship",
            _("Citizenship"),
            _("Country"),
            _by_list(cases, "citizenship", {}),
        ),
        table(
            "recruitment",
            _("Recruitment method"),
            _("Method"),
            _by_list(cases, "recruitment_methods", recruitment),
        ),
        table("institution", _("Owner institution"), _("Institution"), _by_institution(cases)),
        table("year", _("Year of registration"), _("Year"), _by_year(cases)),
    ]
    total_cell = _cells([(_("Cases"), total)], partition=False)
    return Dashboard(
        total=total_cell[0] if total_cell else Cell(_("Cases"), 0),
        tables=tables,
        year_from=year_from,
        year_to=year_to,
    )


# --- The anonymised export ---------------------------------------------------------------

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
QUASI_IDENTIFIERS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "countryOfExploitation",
)
"""What an outsider could know about a person; ``majorityStatus`` follows ``ageBroad``."""

FORMATS = ("csv", "json")
MIN_K = 2
MAX_SUPPRESSION = 0.05
"""At most this share of the cases is withheld; beyond it the columns are generalised more."""

# Fener's codes → HTCDS v2 value names.
GENDER = {
    "female": "Feminine",
    "male": "Masculine",
    "trans_female": "TransgenderFeminine",
    "trans_male": "TransgenderMasculine",
    "non_conforming": "NonConforming",
    "unknown": "NonSpecifiedUnknown",
}
# Level 1 of gender: CTDC's own grouping (transgender and non-conforming people together).
GENDER_GROUPS = {
    "Feminine": "Feminine",
    "Masculine": "Masculine",
    "TransgenderFeminine": "TransgenderOrNonConforming",
    "TransgenderMasculine": "TransgenderOrNonConforming",
    "NonConforming": "TransgenderOrNonConforming",
    "NonSpecifiedUnknown": "NonSpecifiedUnknown",
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

_AGES = AgeBandHierarchy()
_COUNTRIES = CountryHierarchy()
_MINOR = {"0-8", "9-17", CHILD_AGE_UNKNOWN, "minor"}
_DIGITS = re.compile(r"\d{1,6}", re.ASCII)


@dataclass(frozen=True)
class AgeOrChildHierarchy:
    """CTDC's age bands, plus ``0-17`` for a child whose age is not known.

    ``0-17`` is what :class:`AgeBandHierarchy` makes of both child bands at level 1, so it
    generalises with them: ``0-17`` → ``0-17`` → ``minor`` → ``*``.
    """

    levels: int = field(default=4, init=False)

    def generalise(self, value: str, level: int) -> str:
        if value == CHILD_AGE_UNKNOWN:
            generalised = _AGES.generalise("9-17", level)  # also checks the level
            return value if level == 0 else generalised
        return _AGES.generalise(value, level)

    def describe(self, level: int) -> str:
        return _AGES.describe(level)


@dataclass(frozen=True)
class CountriesHierarchy:
    """One or more ISO codes (``;``-joined, e.g. dual citizenship) or ``unknown``: each code
    goes to its UN M49 sub-region, then region, then ``*``; ``unknown`` stays ``unknown``."""

    levels: int = field(default=4, init=False)

    def generalise(self, value: str, level: int) -> str:
        top = _COUNTRIES.generalise("MK", level) == "*"  # also checks the level
        if level == 0:
            return value
        if top:
            return "*"
        if value == UNKNOWN:
            return UNKNOWN
        return ";".join(sorted({_COUNTRIES.generalise(code, level) for code in value.split(";")}))

    def describe(self, level: int) -> str:
        return _COUNTRIES.describe(level)


def quasi_identifier_hierarchies() -> dict[str, Hierarchy]:
    """How far each quasi-identifier may be generalised, most important first."""
    return {
        "yearOfRegistration": YearHierarchy(),
        "gender": CategoryHierarchy(GENDER_GROUPS, name="gender"),
        "ageBroad": AgeOrChildHierarchy(),
        "citizenship": CountriesHierarchy(),
        "countryOfExploitation": CountriesHierarchy(),
    }


_COUNTRY_LEVELS = (
    gettext_lazy("country"),
    gettext_lazy("UN sub-region"),
    gettext_lazy("UN region"),
    gettext_lazy("withheld"),
)
LEVEL_WORDS: dict[str, tuple[Any, ...]] = {
    "yearOfRegistration": (
        gettext_lazy("year"),
        gettext_lazy("two-year span"),
        gettext_lazy("five-year span"),
        gettext_lazy("withheld"),
    ),
    "gender": (
        gettext_lazy("as recorded"),
        gettext_lazy("transgender and gender non-conforming people together"),
        gettext_lazy("withheld"),
    ),
    "ageBroad": (
        gettext_lazy("CTDC age band"),
        gettext_lazy("0–17, 18–29 or 30+"),
        gettext_lazy("minor or adult"),
        gettext_lazy("withheld"),
    ),
    "citizenship": _COUNTRY_LEVELS,
    "countryOfExploitation": _COUNTRY_LEVELS,
}
"""What each level of :func:`quasi_identifier_hierarchies` means, in the reader's language."""


def generalisation_in_words(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each quasi-identifier of an export's report with what it was released as."""
    return [(column, str(LEVEL_WORDS[column][level])) for column, level in report["levels"].items()]


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


def _row(case: Case, deciding_body: str) -> dict[str, str]:
    types = {_exploitation_code(form) for form in case.exploitation_forms.all()}
    return {
        "yearOfRegistration": str(case.registered_on.year),
        "gender": GENDER.get(case.sex, "NonSpecifiedUnknown"),
        "ageBroad": _age_key(case.age_at_registration, case.is_child),
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


def _case_rows() -> list[dict[str, str]]:
    """One HTCDS-shaped row per case, before anonymisation (never leaves this module)."""
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
    return [_row(case, deciding.get(case.pk, "")) for case in cases.iterator(chunk_size=500)]


def _majority(age: str) -> str:
    if age in ("*", UNKNOWN):
        return age
    return "Minor" if age in _MINOR else "Adult"


def export_k(value: object = None) -> int:
    """The k of an export: ``value`` (a whole number or its digits), or ``FENER_STATISTICS_K``.

    Raises :class:`StatisticsInputError` unless it is a whole number from :data:`MIN_K` to
    999999.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        value = getattr(settings, "FENER_STATISTICS_K", 10)
    k: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        k = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        k = int(value.strip())
    if k is None or not MIN_K <= k <= 999999:
        raise StatisticsInputError(
            _("k must be a whole number of at least %(minimum)d, not “%(value)s”.")
            % {"minimum": MIN_K, "value": str(value)[:20]}
        )
    return k


@dataclass(frozen=True)
class StatisticsExport:
    """A k-anonymous release: ``records`` in CTDC's column order, and the ``report`` of what
    was generalised and withheld (counts and levels only, never a withheld row)."""

    k: int
    report: dict[str, Any]
    records: list[dict[str, str]]

    def to_json(self) -> str:
        document = {"k": self.k, "report": self.report, "records": self.records}
        return json.dumps(document, ensure_ascii=False, indent=1)

    def to_csv(self) -> str:
        """The records as CSV; a cell that a spreadsheet would run as a formula is quoted."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for record in self.records:
            writer.writerow([spreadsheet_safe(record[column]) for column in COLUMNS])
        return buffer.getvalue()

    def render(self, file_format: str) -> str:
        _checked_format(file_format)
        return self.to_csv() if file_format == "csv" else self.to_json()


def anonymised_export(*, k: object = None) -> StatisticsExport:
    """Every case as one CTDC/HTCDS row, k-anonymous over :data:`QUASI_IDENTIFIERS`.

    No permission check and no audit: :func:`statistics_export` (web) and
    :func:`statistics_export_command` (shell) are the ways out. Rows come sorted by their
    values, so that their order says nothing about when a case was registered.
    """
    k = export_k(k)
    release = anonymise(
        _case_rows(),
        quasi_identifiers=quasi_identifier_hierarchies(),
        k=k,
        max_suppression=MAX_SUPPRESSION,
    )
    records = []
    for row in release.records:
        row["majorityStatus"] = _majority(row["ageBroad"])
        records.append({column: row[column] for column in COLUMNS})
    records.sort(key=lambda record: tuple(record[column] for column in COLUMNS))
    report: dict[str, Any] = {**release.report(), "max_suppression": MAX_SUPPRESSION}
    return StatisticsExport(k=k, report=report, records=records)


def export_preview(user: User, *, k: object = None) -> dict[str, Any]:
    """The report of the export at ``k`` (no records), for the dashboard."""
    require_statistics(user)
    return anonymised_export(k=k).report


def _audit_export(
    actor: User | None, export: StatisticsExport, file_format: str, purpose: str = ""
) -> None:
    audit_record(
        actor=actor,
        action="cases.statistics_export",
        after={
            "k": export.k,
            "rows": len(export.records),
            "suppressed": export.report["suppressed"],
            "format": file_format,
        },
        purpose=purpose,
        target_label="anonymised case statistics",
    )


def _checked_format(file_format: str) -> str:
    if file_format not in FORMATS:
        raise StatisticsInputError(
            _("The export is written as CSV or JSON, not “%(format)s”.")
            % {"format": str(file_format)[:20]}
        )
    return file_format


def statistics_export(*, actor: User, k: object, file_format: str) -> StatisticsExport:
    """The anonymised export for a user with ``cases.view_statistics``; audited.

    Raises ``AccessDenied`` first, then :class:`StatisticsInputError` for a bad ``k`` or format.
    """
    require_statistics(actor)
    _checked_format(file_format)
    export = anonymised_export(k=k)
    _audit_export(actor, export, file_format)
    return export


def statistics_export_command(*, k: object, file_format: str) -> StatisticsExport:
    """The same export for ``fener cases export-stats`` (the shell's operator); audited."""
    _checked_format(file_format)
    export = anonymised_export(k=k)
    _audit_export(None, export, file_format, purpose="fener cases export-stats")
    return export
