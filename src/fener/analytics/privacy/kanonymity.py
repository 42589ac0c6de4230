"""k-anonymous release of case statistics by generalisation and suppression.

A release is *k-anonymous* over its quasi-identifier columns (the ones an outsider could know
about a person: year, gender, age band, citizenship, …) when every combination of their values
that appears in it appears at least ``k`` times. :func:`anonymise` makes a release so by
coarsening each quasi-identifier to one level of its :class:`~.hierarchies.Hierarchy` and
withholding the rows that still sit in a class smaller than ``k``, up to a share of the rows.

The search
----------
A *node* gives one level per quasi-identifier; the nodes form a lattice ordered by "each
level at least as high". A node *satisfies* when withholding every row whose class is smaller
than ``k`` withholds at most ``max_suppression`` of the rows. Its information loss is the sum
over columns of ``level / top level`` (0: everything as recorded, one per withheld column);
ties go to the node that withholds fewer rows, then to the node whose levels come first in the
order the quasi-identifiers were given (so list the columns that matter most first).

Nodes are visited in increasing loss and the search stops after the first loss at which some
node satisfies. Every node above a satisfying one has a strictly greater loss, so this is the
pruning that monotonicity offers ("if a node satisfies, so does every node above it") without
depending on it: it stays exact even when a hierarchy's levels do not nest (two- and five-year
spans). Each visit counts class sizes over the distinct combinations of recorded values, not
over the rows.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypedDict

import numpy as np
import numpy.typing as npt

from fener.analytics.privacy.hierarchies import Hierarchy

IntArray = npt.NDArray[np.int64]

MAX_LATTICE_NODES = 1 << 20
"""More nodes than this (a product of level counts) is refused rather than searched."""


class AnonymisationError(ValueError):
    """The records or the settings cannot be anonymised; the message says why."""


class ReleaseReport(TypedDict):
    """The JSON-safe summary of a :class:`Release` (no values of withheld rows)."""

    k: int
    levels: dict[str, int]
    generalised_to: dict[str, str]
    total: int
    released: int
    suppressed: int
    suppressed_classes: int
    classes: int
    smallest_class: int | None


@dataclass(frozen=True)
class Release:
    """The outcome of :func:`anonymise`.

    Attributes
    ----------
    records
        The released rows in their original order: quasi-identifiers generalised, every other
        column as it was, withheld rows left out.
    k
        The class size the release guarantees.
    levels
        The chosen level of each quasi-identifier.
    generalised_to
        What each quasi-identifier became, in words.
    suppressed, total
        Withheld rows and rows given.
    suppressed_by_class
        Each withheld class (its generalised quasi-identifier values) and its row count,
        largest first. It names rare combinations: it is for the publisher, never for release,
        and :meth:`report` leaves it out.
    """

    records: list[dict[str, str]]
    k: int
    levels: dict[str, int]
    generalised_to: dict[str, str]
    suppressed: int
    total: int
    suppressed_by_class: list[tuple[tuple[str, ...], int]]

    @property
    def released(self) -> int:
        """The number of rows released."""
        return len(self.records)

    def report(self) -> ReleaseReport:
        """Summarise the release for a log or a publication note (JSON-safe).

        Examples
        --------
        >>> from fener.analytics.privacy.hierarchies import SuppressOnlyHierarchy
        >>> rows = [{"gender": "female"}] * 3 + [{"gender": "male"}]
        >>> release = anonymise(
        ...     rows, quasi_identifiers={"gender": SuppressOnlyHierarchy()}, k=3,
        ...     max_suppression=0.25,
        ... )
        >>> summary = release.report()
        >>> summary["levels"], summary["suppressed"], summary["smallest_class"]
        ({'gender': 0}, 1, 3)
        """
        sizes = equivalence_classes(self.records, list(self.levels)) if self.records else {}
        return {
            "k": self.k,
            "levels": dict(self.levels),
            "generalised_to": dict(self.generalised_to),
            "total": self.total,
            "released": self.released,
            "suppressed": self.suppressed,
            "suppressed_classes": len(self.suppressed_by_class),
            "classes": len(sizes),
            "smallest_class": min(sizes.values()) if sizes else None,
        }


def equivalence_classes(
    records: Sequence[Mapping[str, str]], columns: Sequence[str]
) -> Counter[tuple[str, ...]]:
    """Count the rows of each combination of values in ``columns``.

    Examples
    --------
    >>> rows = [{"gender": "female", "age": "adult"}] * 2 + [{"gender": "male", "age": "adult"}]
    >>> equivalence_classes(rows, ["gender", "age"])
    Counter({('female', 'adult'): 2, ('male', 'adult'): 1})
    """
    columns = _checked_columns(columns)
    for index, record in enumerate(records):
        _check_record(index, record, columns)
    return Counter(tuple(record[column] for column in columns) for record in records)


def is_k_anonymous(records: Sequence[Mapping[str, str]], columns: Sequence[str], k: int) -> bool:
    """Tell whether every combination of values in ``columns`` occurs at least ``k`` times.

    Examples
    --------
    >>> rows = [{"gender": "female"}] * 2 + [{"gender": "male"}]
    >>> is_k_anonymous(rows, ["gender"], 2), is_k_anonymous(rows, ["gender"], 1)
    (False, True)
    """
    _check_k(k)
    return all(size >= k for size in equivalence_classes(records, columns).values())


def anonymise(
    records: Sequence[Mapping[str, str]],
    *,
    quasi_identifiers: Mapping[str, Hierarchy],
    k: int = 10,
    max_suppression: float = 0.05,
) -> Release:
    """Release ``records`` k-anonymously over ``quasi_identifiers``, losing as little as possible.

    Parameters
    ----------
    records
        One mapping per case, every value a string (a multi-valued cell such as
        ``"forced_labour;sexual_exploitation"`` is one value).
    quasi_identifiers
        Column → hierarchy, most important column first (it wins ties).
    k
        The smallest class size allowed in the release.
    max_suppression
        The largest share of rows (0 to 1) that may be withheld instead of generalising further.

    Returns
    -------
    Release
        When no choice of levels succeeds within ``max_suppression`` (with hierarchies that end
        in ``"*"``: when there are fewer than ``k`` records), it releases nothing: every row
        withheld, every level at the top.

    Raises
    ------
    AnonymisationError
        For ``k`` below 1, ``max_suppression`` outside [0, 1], no quasi-identifiers, a
        hierarchy with fewer than 2 levels or more than :data:`MAX_LATTICE_NODES` level
        combinations, and a record that is not a mapping, lacks a quasi-identifier column, or
        holds a value there that is not a string or that its hierarchy refuses. The message
        names the record (counting from 0) and the column.

    Examples
    --------
    >>> from fener.analytics.privacy.hierarchies import AgeBandHierarchy, SuppressOnlyHierarchy
    >>> rows = (
    ...     [{"gender": "female", "ageBroad": "18-20", "id": "a"}] * 2
    ...     + [{"gender": "female", "ageBroad": "21-23", "id": "b"}] * 2
    ...     + [{"gender": "male", "ageBroad": "9-17", "id": "c"}]
    ... )
    >>> release = anonymise(
    ...     rows,
    ...     quasi_identifiers={"gender": SuppressOnlyHierarchy(), "ageBroad": AgeBandHierarchy()},
    ...     k=3,
    ...     max_suppression=0.2,
    ... )
    >>> release.levels, release.suppressed
    ({'gender': 0, 'ageBroad': 1}, 1)
    >>> release.records[0]
    {'gender': 'female', 'ageBroad': '18-29', 'id': 'a'}
    >>> release.generalised_to["ageBroad"]
    'age band → 0-17/18-29/30+'
    """
    _check_k(k)
    k = int(k)  # a NumPy integer too, so that the report stays JSON-safe
    budget = _suppression_budget(max_suppression, len(records))
    table = _EncodedTable(records, quasi_identifiers)
    chosen = _least_loss_node(table, k, budget)
    succeeded = chosen is not None
    node = chosen if chosen is not None else table.top
    class_of_combination, sizes = table.classes(node)
    withheld = sizes < k if succeeded else np.ones(len(sizes), dtype=bool)
    return Release(
        records=table.released_records(node, class_of_combination, withheld),
        k=k,
        levels=dict(zip(table.columns, node, strict=True)),
        generalised_to={
            column: hierarchy.describe(level)
            for (column, hierarchy), level in zip(quasi_identifiers.items(), node, strict=True)
        },
        suppressed=int(sizes[withheld].sum()),
        total=len(records),
        suppressed_by_class=table.withheld_classes(node, class_of_combination, sizes, withheld),
    )


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise AnonymisationError(f"k must be an integer, got {type(k).__name__}")
    if k < 1:
        raise AnonymisationError(f"k must be at least 1, got {k}")


def _suppression_budget(max_suppression: float, total: int) -> int:
    if isinstance(max_suppression, bool) or not isinstance(max_suppression, numbers.Real):
        raise AnonymisationError(
            f"max_suppression must be a number, got {type(max_suppression).__name__}"
        )
    if not 0 <= max_suppression <= 1:  # also refuses NaN
        raise AnonymisationError(
            f"max_suppression must be between 0 and 1, got {max_suppression!r}"
        )
    # Read the share as written (0.29 of 100 rows is 29, not 28.999… rounded down).
    return math.floor(Fraction(str(max_suppression)) * total)


def _checked_columns(columns: Sequence[str]) -> list[str]:
    if isinstance(columns, str):
        raise AnonymisationError(f"columns must be a list of names, not the string {columns!r}")
    if not columns:
        raise AnonymisationError("no quasi-identifier columns given")
    return list(columns)


def _check_record(index: int, record: Mapping[str, str], columns: Sequence[str]) -> None:
    if not isinstance(record, Mapping):
        raise AnonymisationError(
            f"record {index} is a {type(record).__name__}, not a mapping of column to value"
        )
    for column in columns:
        if column not in record:
            raise AnonymisationError(f"record {index} has no column {column!r}")
        if not isinstance(record[column], str):
            raise AnonymisationError(
                f"record {index} column {column!r} holds a "
                f"{type(record[column]).__name__}, not a string"
            )


def _check_hierarchies(quasi_identifiers: Mapping[str, Hierarchy]) -> None:
    for column, hierarchy in quasi_identifiers.items():
        levels = hierarchy.levels
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
            raise AnonymisationError(
                f"the hierarchy of column {column!r} needs at least 2 levels, has {levels!r}"
            )
    nodes = math.prod(hierarchy.levels for hierarchy in quasi_identifiers.values())
    if nodes > MAX_LATTICE_NODES:
        raise AnonymisationError(
            f"{nodes} level combinations to search (at most {MAX_LATTICE_NODES}): "
            "use fewer quasi-identifiers or hierarchies with fewer levels"
        )


def _least_loss_node(table: _EncodedTable, k: int, budget: int) -> tuple[int, ...] | None:
    """The satisfying node of least loss (then fewest withheld, then first), or None."""
    if table.total == 0:
        return table.bottom
    if table.total < k and budget < table.total:
        return None  # every class is smaller than k at every node
    best: tuple[int, tuple[int, ...]] | None = None
    best_loss: int | None = None
    for loss, node in table.nodes_by_loss():
        if best_loss is not None and loss > best_loss:
            break
        _, sizes = table.classes(node)
        suppressed = int(sizes[sizes < k].sum())
        if suppressed <= budget and (best is None or (suppressed, node) < best):
            best, best_loss = (suppressed, node), loss
    return None if best is None else best[1]


class _EncodedTable:
    """The quasi-identifier columns as integer codes, at every level of their hierarchies.

    ``combinations`` holds each distinct combination of recorded values once (as codes of the
    level-0 values) with its row count in ``weights``; ``combination_of_row`` points each row
    at its combination. ``codes[c][level]`` maps a level-0 code of column ``c`` to the code of
    its generalised value, which is ``values[c][level][code]``.
    """

    def __init__(
        self, records: Sequence[Mapping[str, str]], quasi_identifiers: Mapping[str, Hierarchy]
    ) -> None:
        self.records = records
        self.columns = _checked_columns(list(quasi_identifiers))
        _check_hierarchies(quasi_identifiers)
        self.hierarchies = list(quasi_identifiers.values())
        self.total = len(records)
        numberings, recorded = self._number_recorded_values()
        self.values: list[list[list[str]]] = []
        self.codes: list[list[IntArray]] = []
        for position, (column, hierarchy) in enumerate(quasi_identifiers.items()):
            self._generalise_column(column, hierarchy, numberings[position], recorded[position])
        cardinalities = [len(numbering) for numbering in numberings]
        self.combination_of_row, first_row = _dense_ids(recorded, cardinalities)
        self.combinations = (
            np.stack(recorded, axis=1)[first_row]
            if self.total
            else np.zeros((0, len(self.columns)), dtype=np.int64)
        )
        self.weights: IntArray = np.bincount(
            self.combination_of_row, minlength=len(first_row)
        ).astype(np.int64)

    @property
    def bottom(self) -> tuple[int, ...]:
        return tuple(0 for _ in self.hierarchies)

    @property
    def top(self) -> tuple[int, ...]:
        return tuple(hierarchy.levels - 1 for hierarchy in self.hierarchies)

    def nodes_by_loss(self) -> list[tuple[int, tuple[int, ...]]]:
        """Every node with its loss, least loss first (the loss in units of 1 / lcm of heights,
        so that it is an exact integer)."""
        heights = [hierarchy.levels - 1 for hierarchy in self.hierarchies]
        unit = math.lcm(*heights)
        return sorted(
            (
                sum(level * (unit // height) for level, height in zip(node, heights, strict=True)),
                node,
            )
            for node in itertools.product(*(range(height + 1) for height in heights))
        )

    def classes(self, node: tuple[int, ...]) -> tuple[IntArray, IntArray]:
        """The class of each distinct combination at ``node``, and the row count of each class."""
        generalised = [
            self.codes[position][level][self.combinations[:, position]]
            for position, level in enumerate(node)
        ]
        cardinalities = [len(self.values[position][level]) for position, level in enumerate(node)]
        class_of_combination, _ = _dense_ids(generalised, cardinalities)
        sizes = np.bincount(class_of_combination, weights=self.weights).astype(np.int64)
        return class_of_combination, sizes

    def released_records(
        self, node: tuple[int, ...], class_of_combination: IntArray, withheld: npt.NDArray[np.bool_]
    ) -> list[dict[str, str]]:
        kept_rows = np.flatnonzero(~withheld[class_of_combination[self.combination_of_row]])
        generalised: dict[int, dict[str, str]] = {}  # by combination, each computed once
        released = []
        for row in kept_rows.tolist():
            combination = int(self.combination_of_row[row])
            if combination not in generalised:
                generalised[combination] = self._generalised_values(
                    node, self.combinations[combination]
                )
            released.append({**self.records[row], **generalised[combination]})
        return released

    def withheld_classes(
        self,
        node: tuple[int, ...],
        class_of_combination: IntArray,
        sizes: IntArray,
        withheld: npt.NDArray[np.bool_],
    ) -> list[tuple[tuple[str, ...], int]]:
        _, first_combination = np.unique(class_of_combination, return_index=True)
        classes = [
            (
                tuple(self._generalised_values(node, self.combinations[combination]).values()),
                int(sizes[class_id]),
            )
            for class_id, combination in enumerate(first_combination.tolist())
            if withheld[class_id]
        ]
        return sorted(classes, key=lambda item: (-item[1], item[0]))

    def _generalised_values(self, node: tuple[int, ...], combination: IntArray) -> dict[str, str]:
        return {
            column: self.values[position][level][self.codes[position][level][code]]
            for position, (column, level, code) in enumerate(
                zip(self.columns, node, combination.tolist(), strict=True)
            )
        }

    def _number_recorded_values(self) -> tuple[list[dict[str, int]], list[IntArray]]:
        """Check every record; number each column's distinct values and code every row."""
        numberings: list[dict[str, int]] = [{} for _ in self.columns]
        codes = [np.empty(self.total, dtype=np.int64) for _ in self.columns]
        for index, record in enumerate(self.records):
            _check_record(index, record, self.columns)
            for position, column in enumerate(self.columns):
                numbering = numberings[position]
                codes[position][index] = numbering.setdefault(record[column], len(numbering))
        return numberings, codes

    def _generalise_column(
        self, column: str, hierarchy: Hierarchy, recorded: dict[str, int], rows: IntArray
    ) -> None:
        """Generalise each distinct value of ``column`` once per level."""
        level_values: list[list[str]] = []
        level_codes: list[IntArray] = []
        for level in range(hierarchy.levels):
            numbering: dict[str, int] = {}
            codes = np.empty(len(recorded), dtype=np.int64)
            for value, code in recorded.items():
                try:
                    generalised = hierarchy.generalise(value, level)
                except ValueError as error:
                    first_row = int(np.flatnonzero(rows == code)[0])
                    raise AnonymisationError(
                        f"record {first_row} column {column!r}: {error}"
                    ) from error
                codes[code] = numbering.setdefault(generalised, len(numbering))
            level_values.append(list(numbering))
            level_codes.append(codes)
        self.values.append(level_values)
        self.codes.append(level_codes)


def _dense_ids(
    columns: Sequence[IntArray], cardinalities: Sequence[int]
) -> tuple[IntArray, IntArray]:
    """Number the distinct rows of ``columns`` (codes below ``cardinalities``) from 0.

    Returns the id of each row and the first row of each id. The columns are folded into one
    integer key, renumbered whenever the next column would overflow it.
    """
    length = len(columns[0])
    key: IntArray = np.zeros(length, dtype=np.int64)
    span = 1
    for codes, cardinality in zip(columns, cardinalities, strict=True):
        if span * max(cardinality, 1) >= 1 << 62:
            _, key = np.unique(key, return_inverse=True)
            span = int(key.max()) + 1 if length else 1
        key = key * max(cardinality, 1) + codes
        span *= max(cardinality, 1)
    _, first_row, ids = np.unique(key, return_index=True, return_inverse=True)
    return ids.astype(np.int64).reshape(length), first_row.astype(np.int64)
