"""The statistics dashboard: counts of all cases (all years together), small counts withheld.

A count of one or two people in a category (the only child of a given citizenship, say) can
point at a person, so counts below :data:`SMALL_COUNT` are never shown, nor can they be worked
out from the other counts of the page (:func:`withheld_counts`).
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
"""Counts from 1 to ``SMALL_COUNT - 1`` are never shown (nor deducible) on the dashboard."""


class StatisticsInputError(ValueError):
    """A request for statistics that cannot be answered (a bad k or format); says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def require_statistics(user: User) -> None:
    """Refuse (403) anyone without ``cases.view_statistics``."""
    if not has_permission(user, STATISTICS):
        raise AccessDenied(STATISTICS)


def withheld_counts(counts: Sequence[int]) -> frozenset[int]:
    """The positions of ``counts`` (one table's rows) that must not be shown.

    Every count from 1 to ``SMALL_COUNT - 1`` is withheld. Whenever one is, further counts are
    withheld, the smallest first and equal counts together, until the withheld counts

    - are at least two, and add up to at least ``SMALL_COUNT``, so that the total minus the
      shown counts never gives one of them away;
    - are neither all 1 nor all ``SMALL_COUNT - 1``: the number of withheld rows and their sum
      would then tell each of them.

    Where that cannot be reached the whole table is withheld. A withheld count is shown the same
    way whether it is small or not: a separate label for the small ones would tell the reader
    that the others are at least ``SMALL_COUNT``, and narrow the small ones down. Zeros (rows
    the dashboard leaves out) are never withheld.

    >>> sorted(withheld_counts([40, 1, 1, 9]))
    [1, 2, 3]
    """
    if any(count < 0 for count in counts):
        raise ValueError("a count cannot be negative")
    present = [index for index, count in enumerate(counts) if count > 0]
    withheld = {index for index in present if counts[index] < SMALL_COUNT}

    def protected() -> bool:
        values = [counts[index] for index in withheld]
        return (
            len(values) >= 2
            and sum(values) >= SMALL_COUNT
            and values.count(1) < len(values)
            and values.count(SMALL_COUNT - 1) < len(values)
        )

    others = sorted({counts[index] for index in present} - {counts[i] for i in withheld})
    for smallest in others:
        if not withheld or protected():
            break
        withheld |= {index for index in present if counts[index] == smallest}
    return frozenset(withheld)


@dataclass(frozen=True)
class Cell:
    """One category's count; ``count`` is ``None`` when it is withheld (see
    :func:`withheld_counts`). Nothing says whether a withheld count is small."""

    label: str
    count: int | None

    @property
    def withheld(self) -> bool:
        return self.count is None

    @property
    def shown(self) -> str:
        return _("withheld") if self.count is None else str(self.count)


@dataclass(frozen=True)
class CountTable:
    """Counts of cases by one characteristic. In a ``partition`` each case is counted once."""

    key: str
    title: str
    heading: str
    cells: list[Cell]
    partition: bool

    @property
    def all_withheld(self) -> bool:
        """Every count is withheld: the page then lists no rows (their number would tell)."""
        return bool(self.cells) and all(cell.withheld for cell in self.cells)

    @property
    def charted(self) -> list[Cell]:
        """The cells whose count is shown (a chart never draws a withheld count)."""
        return [cell for cell in self.cells if cell.count is not None]


@dataclass(frozen=True)
class Dashboard:
    total: Cell
    tables: list[CountTable]


def _cells(counts: Sequence[tuple[str, int]], *, ranked: bool = False) -> list[Cell]:
    """Withhold what :func:`withheld_counts` says and drop the zero rows.

    ``ranked``: all rows but the last ("not recorded") go largest first, then the withheld
    ones by label, since their order among themselves would tell which is larger.
    """
    withheld = withheld_counts([count for _label, count in counts])
    rows = [
        (Cell(label, None if index in withheld else count), count)
        for index, (label, count) in enumerate(counts)
    ]
    if ranked:
        rows[:-1] = sorted(
            rows[:-1], key=lambda row: (row[0].withheld, -(row[0].count or 0), row[0].label)
        )
    return [cell for cell, count in rows if count > 0]


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
    rows = [(labels.get(item, item), count) for item, count in counts.items()]
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


def _by_form(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    links = Case.exploitation_forms.through.objects.filter(case__in=cases)
    counts = {
        row["exploitationform"]: int(row["cases"])
        for row in links.order_by()
        .values("exploitationform")
        .annotate(cases=Count("case", distinct=True))
    }
    forms = ExploitationForm.objects.in_bulk(counts)
    rows = [(forms[pk].name, n) for pk, n in counts.items()]
    return [*rows, (_("Not recorded"), cases.filter(exploitation_forms__isnull=True).count())]


def _year_counts(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    rows = _grouped(cases.annotate(year=ExtractYear("registered_on")), "year")
    return sorted((str(values["year"]), count) for values, count in rows)


def statistics_dashboard(user: User) -> Dashboard:
    """Counts of all cases, of every year together.

    There is no page for one year or a range of years: withholding is worked out per table of
    one page, and the all-years counts minus those of the other years' pages would give away a
    year's withheld count. The "Year of registration" table shows the years.

    Needs ``cases.view_statistics``. Nothing identifies a person: no code, no identity value,
    and small counts are withheld (see :func:`withheld_counts`).
    """
    require_statistics(user)
    cases = Case.objects.all()
    recruitment = {str(value): str(label) for value, label in RecruitmentMethod.choices}

    def table(key: str, title: str, heading: str, rows: list[tuple[str, int]]) -> CountTable:
        several = key in {"forms", "citizenship", "recruitment"}  # a case can count more than once
        return CountTable(key, title, heading, _cells(rows, ranked=several), not several)

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
        table("year", _("Year of registration"), _("Year"), _year_counts(cases)),
    ]
    total = _cells([(_("Cases"), cases.count())])
    return Dashboard(total=total[0] if total else Cell(_("Cases"), 0), tables=tables)
