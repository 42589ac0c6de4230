"""The statistics dashboard: counts of all cases, small counts hidden.

A count of one or two people in a category (the only child of a given citizenship, say) can
point at a person, so counts below :data:`SMALL_COUNT` are never shown as numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from fener.cases.models import Case, ExploitationForm
from fener.cases.policies import STATISTICS
from fener.cases.statistics.htcds import CHILD_AGE_UNKNOWN, UNKNOWN, age_value
from fener.cases.vocabulary import AgeBand, CaseStatus, RecruitmentMethod, Sex, TraffickingStatus
from fener.core.access import AccessDenied, has_permission
from fener.core.models import Institution, User

SMALL_COUNT = 5
"""Counts from 1 to ``SMALL_COUNT - 1`` are shown as "fewer than 5", never as a number."""


def require_statistics(user: User) -> None:
    """Refuse (403) anyone without ``cases.view_statistics``."""
    if not has_permission(user, STATISTICS):
        raise AccessDenied(STATISTICS)


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


def _by_age(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for values, count in _grouped(cases, "age_at_registration", "is_child"):
        counts[age_value(values["age_at_registration"], values["is_child"])] += count
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
