"""Money-flow typologies: patterns of transfers that suggest laundering.

:func:`scan` looks through a :class:`~fener.analytics.graph.model.TransactionSet` for
seven patterns and returns one :class:`Flag` per occurrence, each carrying the
identifiers of exactly the transfers that show the pattern, so that an analyst
(or a prosecutor) can check every flag against the ledger.

How windows work: a pattern is found when enough transfers fall inside some
interval of length ``window`` (both ends included). Where several such
intervals overlap and share transfers they are reported as one flag, whose
``start`` and ``end`` are the first and last time among its transfers; a long
burst can therefore give a flag spanning more than ``window``, while every
transfer in it lies in at least one qualifying interval. Transfers from an
account to itself are ignored.

The work is done with numpy sorting and binary search over the columns; plain
Python only runs on the few places that pass cheap necessary tests.
"""

from __future__ import annotations

import copy
import functools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter
from typing import Literal

import numpy as np
import numpy.typing as npt

from fener.analytics.graph.model import TransactionSet

__all__ = ["Flag", "ScanParameters", "Typology", "scan"]

IntArray = npt.NDArray[np.int64]
_PRUNING_ROUNDS = 6
FloatArray = npt.NDArray[np.float64]


class Typology(StrEnum):
    """The patterns :func:`scan` recognises."""

    FAN_IN = "fan_in"
    FAN_OUT = "fan_out"
    CYCLE = "cycle"
    SCATTER_GATHER = "scatter_gather"
    GATHER_SCATTER = "gather_scatter"
    STRUCTURING = "structuring"
    RAPID_PASS_THROUGH = "rapid_pass_through"  # noqa: S105 - a name, not a secret


@dataclass(frozen=True, slots=True)
class Flag:
    """One occurrence of a typology, with its evidence.

    Parameters
    ----------
    type : Typology
        Which pattern was found.
    accounts : tuple of str
        Accounts involved. The central account comes first: the receiver for
        fan-in, the payer for fan-out and structuring, the hub for
        gather-scatter and pass-through (then the payer, then the receivers);
        for scatter-gather the source, then the final target, then the
        intermediates; for a cycle the accounts in the order money visits them.
    transactions : tuple of str
        Identifiers of the transfers that prove the pattern, in time order
        (for a cycle: in the order of the cycle, which is also time order).
    start, end : float
        Earliest and latest timestamp among those transfers.
    """

    type: Typology
    accounts: tuple[str, ...]
    transactions: tuple[str, ...]
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class ScanParameters:
    """Tuning of :func:`scan`; the defaults suit daily or weekly windows.

    Parameters
    ----------
    fan_in_min_sources : int
        Distinct payers into one account needed for fan-in (at least 2).
    fan_out_min_targets : int
        Distinct receivers from one account needed for fan-out (at least 2).
    cycle_max_length : int
        Longest cycle looked for, in transfers (at least 2).
    scatter_gather_min_intermediates : int
        Distinct intermediate accounts needed for scatter-gather (at least 2).
    gather_scatter_min_accounts : int
        Distinct payers into, and distinct receivers from, the hub (at least 2).
    structuring_min_transfers : int
        Transfers just under the threshold needed for structuring (at least 2).
    structuring_margin : float
        A transfer counts as "just under" when its amount lies in
        ``[(1 - margin) * threshold, threshold)``; between 0 and 1.
    pass_through_ratio : float
        Share of an incoming amount that must leave again (0 < ratio <= 1).
    pass_through_window : float or None
        How soon the money must leave; ``None`` uses the scan's ``window``.
    hub_transfers : int or None
        An account that receives, or that pays, more than this many transfers inside
        one window somewhere in the set is a payment hub (a merchant, a payroll, a
        payment processor). Hubs are left out as the central account of fan-in, fan-out,
        gather-scatter and pass-through, as intermediates of scatter-gather and as
        stations of a cycle; they still count as counterparties, and structuring is
        checked for them as for anyone. ``None`` examines every account (slow on
        hub-heavy data: the number of paths through a hub grows with the square of its
        traffic).
    pass_through_max_ratio : float
        The payments that take the money out may add up to at most this multiple of
        the incoming amount (at least 1): money passed on is about the money that came
        in, so one large payment that merely follows a small arrival is not counted.

    Examples
    --------
    >>> ScanParameters(fan_in_min_sources=3).fan_in_min_sources
    3
    """

    fan_in_min_sources: int = 5
    fan_out_min_targets: int = 5
    cycle_max_length: int = 5
    scatter_gather_min_intermediates: int = 3
    gather_scatter_min_accounts: int = 3
    structuring_min_transfers: int = 3
    structuring_margin: float = 0.1
    pass_through_ratio: float = 0.9
    pass_through_window: float | None = None
    pass_through_max_ratio: float = 1.1
    hub_transfers: int | None = 200

    def __post_init__(self) -> None:
        for name in (
            "fan_in_min_sources",
            "fan_out_min_targets",
            "cycle_max_length",
            "scatter_gather_min_intermediates",
            "gather_scatter_min_accounts",
            "structuring_min_transfers",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                msg = f"{name} must be an integer of at least 2, got {value!r}"
                raise ValueError(msg)
        if not 0 < self.structuring_margin < 1:
            msg = f"structuring_margin must lie strictly between 0 and 1, got {self.structuring_margin!r}"
            raise ValueError(msg)
        if not 0 < self.pass_through_ratio <= 1:
            msg = f"pass_through_ratio must lie in (0, 1], got {self.pass_through_ratio!r}"
            raise ValueError(msg)
        if self.pass_through_window is not None:
            _check_positive("pass_through_window", self.pass_through_window)
        hub = self.hub_transfers
        if hub is not None and (isinstance(hub, bool) or not isinstance(hub, int) or hub < 2):
            msg = f"hub_transfers must be None or an integer of at least 2, got {hub!r}"
            raise ValueError(msg)
        ceiling = self.pass_through_max_ratio
        if not (isinstance(ceiling, int | float) and math.isfinite(ceiling) and ceiling >= 1):
            msg = f"pass_through_max_ratio must be a finite number of at least 1, got {ceiling!r}"
            raise ValueError(msg)


def _check_positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        msg = f"{name} must be a positive finite number, got {value!r}"
        raise ValueError(msg)


def scan(
    transactions: TransactionSet,
    *,
    window: float,
    threshold: float = 10_000,
    parameters: ScanParameters | None = None,
    typologies: Iterable[Typology | str] | None = None,
) -> list[Flag]:
    """Find money-flow typologies in a set of transfers.

    Parameters
    ----------
    transactions : TransactionSet
        The transfers to examine.
    window : float
        Length of the time window, in the unit of the timestamps.
    threshold : float, default 10000
        Reporting threshold that structuring stays under.
    parameters : ScanParameters, optional
        Minimum counts, ratios and lengths; defaults when omitted.
    typologies : iterable of Typology or str, optional
        Which patterns to look for; all of them when omitted.

    Returns
    -------
    list of Flag
        Sorted by start time, then end time, then type.

    Raises
    ------
    ValueError
        If ``window`` or ``threshold`` is not a positive finite number, or a
        typology name is unknown.

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records([
    ...     Transaction("t1", "A", "B", 500.0, 0.0),
    ...     Transaction("t2", "B", "C", 480.0, 1.0),
    ...     Transaction("t3", "C", "A", 470.0, 2.0),
    ... ])
    >>> [(f.type.value, f.transactions) for f in scan(ts, window=10, typologies=["cycle"])]
    [('cycle', ('t1', 't2', 't3'))]
    """
    _check_positive("window", window)
    _check_positive("threshold", threshold)
    params = parameters if parameters is not None else ScanParameters()
    try:
        wanted = set(Typology) if typologies is None else {Typology(t) for t in typologies}
    except ValueError as error:
        msg = f"unknown typology: {error}; known: {', '.join(t.value for t in Typology)}"
        raise ValueError(msg) from None
    if len(transactions) == 0:
        return []
    columns = _Columns(transactions)
    flags: list[Flag] = []
    incoming = columns.grouped(columns.target)
    outgoing = columns.grouped(columns.source)
    if params.hub_transfers is not None:
        hubs = _hubs(columns, (incoming, outgoing), params.hub_transfers, window)
        if hubs.any():
            incoming = incoming.restricted(~hubs[columns.target])
            outgoing = outgoing.restricted(~hubs[columns.source])
            if Typology.CYCLE in wanted:
                wanted.discard(Typology.CYCLE)
                away = ~hubs[columns.target] & ~hubs[columns.source]
                cycles = _cycles(
                    columns,
                    incoming.restricted(away),
                    outgoing.restricted(away),
                    params.cycle_max_length,
                    window,
                )
                flags += cycles
    if Typology.FAN_IN in wanted:
        flags += _fan(
            columns, incoming, columns.source, params.fan_in_min_sources, window, Typology.FAN_IN
        )
    if Typology.FAN_OUT in wanted:
        flags += _fan(
            columns, outgoing, columns.target, params.fan_out_min_targets, window, Typology.FAN_OUT
        )
    if Typology.STRUCTURING in wanted:
        flags += _structuring(columns, threshold, params, window)
    if Typology.RAPID_PASS_THROUGH in wanted:
        pass_window = params.pass_through_window or window
        flags += _pass_through(
            columns,
            incoming,
            outgoing,
            (params.pass_through_ratio, params.pass_through_max_ratio),
            pass_window,
        )
    if Typology.GATHER_SCATTER in wanted:
        flags += _gather_scatter(
            columns, incoming, outgoing, params.gather_scatter_min_accounts, window
        )
    if Typology.SCATTER_GATHER in wanted:
        flags += _scatter_gather(
            columns, incoming, outgoing, params.scatter_gather_min_intermediates, window
        )
    if Typology.CYCLE in wanted:
        flags += _cycles(columns, incoming, outgoing, params.cycle_max_length, window)
    flags.sort(key=lambda f: (f.start, f.end, f.type.value, f.transactions))
    return flags


def _hubs(
    columns: _Columns, indexes: tuple[_Grouped, _Grouped], limit: int, window: float
) -> npt.NDArray[np.bool_]:
    """Per account code: does it receive or pay more than ``limit`` transfers in one window?"""
    busy = np.zeros(len(columns.account_ids), dtype=bool)
    for index in indexes:
        # Only accounts with more than ``limit`` transfers in all can be crowded in a window.
        totals = np.bincount(index.group, minlength=len(busy))
        where = np.flatnonzero(totals[index.group] > limit)
        if not len(where):
            continue
        low, _ = index.find(
            index.group[where],
            columns.rank_at_or_after(-window)[index.order[where]],
            columns.rank_after(0.0)[index.order[where]],
        )
        busy[index.group[where[where - low + 1 > limit]]] = True
    return busy


class _Grouped:
    """Rows sorted by (group, time), searchable by group and time range."""

    def __init__(self, columns: _Columns, rows: IntArray, group: IntArray) -> None:
        self.stride = np.int64(len(columns.times) + 1)
        keys = group[rows] * self.stride + columns.rank[rows]
        sort = np.argsort(keys, kind="stable")
        self.order = rows[sort]
        self.keys = keys[sort]
        self.group = group[self.order]
        self.time = columns.time[self.order]

    def find(
        self, group: IntArray, rank_low: IntArray, rank_high: IntArray
    ) -> tuple[IntArray, IntArray]:
        """Positions [lo, hi) of rows of ``group`` whose time rank is in [rank_low, rank_high)."""
        base = group * self.stride
        low = np.searchsorted(self.keys, base + rank_low, side="left")
        high = np.searchsorted(self.keys, base + rank_high, side="left")
        return low.astype(np.int64), high.astype(np.int64)

    def restricted(self, keep: npt.NDArray[np.bool_]) -> _Grouped:
        """The same index over only the rows where ``keep`` is true (order is preserved)."""
        subset = copy.copy(self)
        inside = keep[self.order]
        subset.order, subset.group = self.order[inside], self.group[inside]
        subset.time, subset.keys = self.time[inside], self.keys[inside]
        return subset


class _Columns:
    """The transfer columns without self-transfers, plus a table of distinct times."""

    def __init__(self, transactions: TransactionSet) -> None:
        keep = np.flatnonzero(transactions.sources != transactions.targets)
        self.transaction_ids = transactions.transaction_ids
        self.account_ids = transactions.account_ids
        self.row = keep
        self.source = transactions.sources[keep]
        self.target = transactions.targets[keep]
        self.amount = transactions.amounts[keep]
        self.time = transactions.timestamps[keep]
        # One sort gives the time order, the distinct times and each row's rank among them.
        self.by_time = np.argsort(self.time, kind="stable")
        ordered = self.time[self.by_time]
        new_time = np.empty(len(ordered), dtype=bool)
        new_time[:1] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new_time[1:])
        self.times = ordered[new_time]
        rank = np.empty(len(ordered), dtype=np.int64)
        rank[self.by_time] = np.cumsum(new_time) - 1
        self._ranks: dict[tuple[float, str], IntArray] = {(0.0, "left"): rank}
        self.rank = rank

    def rank_at_or_after(self, offset: float) -> IntArray:
        """Per row, the rank of the first distinct time >= the row's time + offset."""
        return self._shifted_rank(offset, "left")

    def rank_after(self, offset: float) -> IntArray:
        """Per row, the rank of the first distinct time > the row's time + offset."""
        return self._shifted_rank(offset, "right")

    def _shifted_rank(self, offset: float, side: Literal["left", "right"]) -> IntArray:
        key = (offset, side)
        if key not in self._ranks:
            # Searching in time order keeps numpy's binary search cache-friendly.
            ranks = np.empty(len(self.time), dtype=np.int64)
            ranks[self.by_time] = np.searchsorted(
                self.times, self.time[self.by_time] + offset, side=side
            )
            self._ranks[key] = ranks
        return self._ranks[key]

    def grouped(self, group: IntArray, rows: IntArray | None = None) -> _Grouped:
        return _Grouped(self, np.arange(len(self.time)) if rows is None else rows, group)

    @functools.cached_property
    def _id_list(self) -> list[str]:
        if len(self.row) == len(self.transaction_ids):  # no self-transfer was dropped
            return self.transaction_ids
        return [self.transaction_ids[i] for i in self.row.tolist()]

    def flag(self, kind: Typology, accounts: Iterable[int], rows: Sequence[int] | IntArray) -> Flag:
        """Build a flag from account codes (duplicates dropped) and row positions in time order."""
        positions: list[int] = rows.tolist() if isinstance(rows, np.ndarray) else list(rows)
        names = tuple(map(self.account_ids.__getitem__, dict.fromkeys(accounts)))
        ids = self._id_list
        evidence = (ids[positions[0]],) if len(positions) == 1 else itemgetter(*positions)(ids)
        start, end = float(self.time[positions[0]]), float(self.time[positions[-1]])
        return Flag(kind, names, evidence, start, end)


def _merged_runs(starts: IntArray, ends: IntArray, size: int) -> list[IntArray]:
    """Merge index ranges [start, end] that share an element; return the merged runs."""
    cover = np.zeros(size + 1, dtype=np.int64)
    np.add.at(cover, starts, 1)
    np.add.at(cover, ends + 1, -1)
    marked = np.flatnonzero(np.cumsum(cover[:size]) > 0)
    if not len(marked):
        return []
    link = np.zeros(size + 1, dtype=np.int64)
    np.add.at(link, starts, 1)
    np.add.at(link, ends, -1)
    joined = np.cumsum(link[:size]) > 0  # joined[i]: some range holds both i and i + 1
    breaks = np.flatnonzero((np.diff(marked) != 1) | ~joined[marked[:-1]]) + 1
    return np.split(marked, breaks)


def _window_starts(columns: _Columns, index: _Grouped, window: float) -> IntArray:
    """For each sorted position, the first position of its group within ``window`` before it."""
    low, _ = index.find(
        index.group,
        columns.rank_at_or_after(-window)[index.order],
        columns.rank_after(0.0)[index.order],
    )
    return low


def _fan(
    columns: _Columns,
    index: _Grouped,
    counterparty: IntArray,
    minimum: int,
    window: float,
    kind: Typology,
) -> list[Flag]:
    starts = _window_starts(columns, index, window)
    ends = np.arange(len(starts), dtype=np.int64)
    candidates = np.flatnonzero(ends - starts + 1 >= minimum)
    others = counterparty[index.order]
    qualifying: list[int] = []
    seen: Counter[int] = Counter()
    low, high = 0, -1  # the window currently counted is positions [low, high]
    for end in candidates.tolist():
        start = int(starts[end])
        if start > high or start < low:
            seen.clear()
            low, high = start, start - 1
        while high < end:
            high += 1
            seen[int(others[high])] += 1
        while low < start:
            party = int(others[low])
            seen[party] -= 1
            if not seen[party]:
                del seen[party]
            low += 1
        if len(seen) >= minimum:
            qualifying.append(end)
    if not qualifying:
        return []
    chosen = np.asarray(qualifying, dtype=np.int64)
    flags = []
    for run in _merged_runs(starts[chosen], chosen, len(starts)):
        rows = index.order[run]
        flags.append(columns.flag(kind, [int(index.group[run[0]]), *others[run].tolist()], rows))
    return flags


def _structuring(
    columns: _Columns, threshold: float, params: ScanParameters, window: float
) -> list[Flag]:
    lower = (1 - params.structuring_margin) * threshold
    rows = np.flatnonzero((columns.amount >= lower) & (columns.amount < threshold))
    if len(rows) < params.structuring_min_transfers:
        return []
    index = columns.grouped(columns.source, rows)
    starts = _window_starts(columns, index, window)
    ends = np.arange(len(starts), dtype=np.int64)
    chosen = np.flatnonzero(ends - starts + 1 >= params.structuring_min_transfers)
    flags = []
    for run in _merged_runs(starts[chosen], chosen, len(starts)):
        sorted_rows = index.order[run]
        accounts = [int(index.group[run[0]]), *columns.target[sorted_rows].tolist()]
        flags.append(columns.flag(Typology.STRUCTURING, accounts, sorted_rows))
    return flags


def _pass_through(
    columns: _Columns,
    incoming: _Grouped,
    outgoing: _Grouped,
    ratios: tuple[float, float],
    window: float,
) -> list[Flag]:
    ratio, ceiling = ratios
    arrivals = incoming.order[columns.amount[incoming.order] > 0]
    hub = columns.target[arrivals]
    low, high = outgoing.find(
        hub, columns.rank_after(0.0)[arrivals], columns.rank_after(window)[arrivals]
    )
    totals = np.concatenate(([0.0], np.cumsum(columns.amount[outgoing.order])))
    needed = ratio * columns.amount[arrivals]
    enough = np.searchsorted(totals, totals[low] + needed, side="left")
    chosen = np.flatnonzero((high > low) & (enough <= high))
    if not len(chosen):
        return []
    first, count = low[chosen], np.maximum(enough[chosen] - low[chosen], 1)
    # The running total may round; add each chosen run up again on its own and fix shortfalls.
    starts = np.cumsum(count) - count
    positions = np.repeat(first - starts, count) + np.arange(int(count.sum()))
    sums = np.add.reduceat(columns.amount[outgoing.order[positions]], starts)
    limit = ceiling * columns.amount[arrivals[chosen]]
    # A small slack keeps rounding in the running total from dropping a borderline case;
    # the exact sum is checked again below.
    plausible = sums <= limit * (1 + 1e-9) + 1e-9
    chosen, first, count, sums, limit = (
        chosen[plausible],
        first[plausible],
        count[plausible],
        sums[plausible],
        limit[plausible],
    )
    flags = []
    for i, begin, size, total, most in zip(
        chosen.tolist(), first.tolist(), count.tolist(), sums.tolist(), limit.tolist(), strict=True
    ):
        out = outgoing.order[begin : high[i]].tolist()
        if total < needed[i] or total > most:
            amounts = columns.amount[out].tolist()
            while math.fsum(amounts[:size]) < needed[i] and size < len(out):
                size += 1
            if not needed[i] <= math.fsum(amounts[:size]) <= most:
                continue
        arrival = int(arrivals[i])
        accounts = [int(hub[i]), int(columns.source[arrival]), *columns.target[out[:size]].tolist()]
        flags.append(columns.flag(Typology.RAPID_PASS_THROUGH, accounts, [arrival, *out[:size]]))
    return flags


def _gather_scatter(
    columns: _Columns, incoming: _Grouped, outgoing: _Grouped, minimum: int, window: float
) -> list[Flag]:
    in_high = incoming.find(
        incoming.group, columns.rank[incoming.order], columns.rank_after(window)[incoming.order]
    )[1]
    in_low = np.arange(len(in_high), dtype=np.int64)
    out_low, out_high = outgoing.find(
        incoming.group,
        columns.rank_after(0.0)[incoming.order],
        columns.rank_after(window)[incoming.order],
    )
    candidates = np.flatnonzero((in_high - in_low >= minimum) & (out_high - out_low >= minimum))
    payers = columns.source[incoming.order]
    payees = columns.target[outgoing.order]
    flags: list[Flag] = []
    current: list[int] | None = None  # [hub, in_low, in_high, out_low, out_high]

    def emit(span: list[int]) -> None:
        rows = np.concatenate(
            (incoming.order[span[1] : span[2]], outgoing.order[span[3] : span[4]])
        )
        rows = rows[np.argsort(columns.time[rows], kind="stable")]
        accounts = [
            span[0],
            *payers[span[1] : span[2]].tolist(),
            *payees[span[3] : span[4]].tolist(),
        ]
        flags.append(columns.flag(Typology.GATHER_SCATTER, accounts, rows))

    for a in candidates.tolist():
        if len(set(payers[in_low[a] : in_high[a]].tolist())) < minimum:
            continue
        if len(set(payees[out_low[a] : out_high[a]].tolist())) < minimum:
            continue
        span = [int(incoming.group[a]), a, int(in_high[a]), int(out_low[a]), int(out_high[a])]
        if (
            current is not None
            and current[0] == span[0]
            and (span[1] < current[2] or span[3] < current[4])
        ):
            current[2], current[4] = max(current[2], span[2]), max(current[4], span[4])
            continue
        if current is not None:
            emit(current)
        current = span
    if current is not None:
        emit(current)
    return flags


def _scatter_gather(
    columns: _Columns, incoming: _Grouped, outgoing: _Grouped, minimum: int, window: float
) -> list[Flag]:
    first = incoming.order  # every transfer S -> I may start a two-step path S -> I -> T
    middle = columns.target[first]
    low, high = outgoing.find(
        middle, columns.rank_after(0.0)[first], columns.rank_after(window)[first]
    )
    counts = high - low
    if not counts.any():
        return []
    step_one = np.repeat(first, counts)
    offsets = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    step_two = outgoing.order[np.repeat(low, counts) + offsets]
    source, target = columns.source[step_one], columns.target[step_two]
    keep = source != target
    step_one, step_two, source, target = step_one[keep], step_two[keep], source[keep], target[keep]
    intermediate = columns.target[step_one]
    order = np.lexsort((columns.time[step_one], intermediate, target, source))
    step_one, step_two = step_one[order], step_two[order]
    source, target, intermediate = source[order], target[order], intermediate[order]
    if not len(source):
        return []
    pair_changes = (np.diff(source) != 0) | (np.diff(target) != 0)
    new_middle = np.concatenate(([True], pair_changes | (np.diff(intermediate) != 0)))
    bounds = np.concatenate(([0], np.flatnonzero(pair_changes) + 1, [len(source)]))
    distinct = np.add.reduceat(new_middle.astype(np.int64), bounds[:-1])
    flags: list[Flag] = []
    for g in np.flatnonzero(distinct >= minimum).tolist():
        part = slice(int(bounds[g]), int(bounds[g + 1]))
        flags += _scatter_gather_pair(
            columns,
            step_one[part],
            step_two[part],
            int(source[part][0]),
            int(target[part][0]),
            minimum,
            window,
        )
    return flags


def _scatter_gather_pair(
    columns: _Columns,
    first: IntArray,
    second: IntArray,
    source: int,
    target: int,
    minimum: int,
    window: float,
) -> list[Flag]:
    """Windows in which ``source`` reaches ``target`` through enough distinct intermediates."""
    out_time, in_time, middle = columns.time[first], columns.time[second], columns.target[first]
    order = np.argsort(out_time, kind="stable")
    flags: list[Flag] = []
    group: set[int] = set()
    for anchor in np.unique(out_time).tolist():
        inside = order[(out_time[order] >= anchor) & (in_time[order] <= anchor + window)]
        if len(set(middle[inside].tolist())) < minimum:
            continue
        paths = set(inside.tolist())
        if group and group.isdisjoint(paths):
            flags.append(_scatter_gather_flag(columns, first, second, source, target, group))
            group = set()
        group |= paths
    if group:
        flags.append(_scatter_gather_flag(columns, first, second, source, target, group))
    return flags


def _scatter_gather_flag(
    columns: _Columns, first: IntArray, second: IntArray, source: int, target: int, paths: set[int]
) -> Flag:
    chosen = np.asarray(sorted(paths), dtype=np.int64)
    rows = np.unique(np.concatenate((first[chosen], second[chosen])))
    rows = rows[np.argsort(columns.time[rows], kind="stable")]
    return columns.flag(
        Typology.SCATTER_GATHER, [source, target, *columns.target[first[chosen]].tolist()], rows
    )


def _cycle_candidates(
    columns: _Columns, incoming: _Grouped, outgoing: _Grouped, window: float
) -> _Grouped:
    """Transfers that could lie on a cycle: their payer is paid, and their payee pays, near in time.

    Returns the outgoing index restricted to them. A few rounds of pruning remove most
    transfers; the search that follows checks cycles exactly, so stopping early is safe.
    """
    alive = np.ones(len(columns.time), dtype=bool)
    for _ in range(_PRUNING_ROUNDS):
        low_rank, high_rank = columns.rank_at_or_after(-window), columns.rank_after(window)
        # Ask about payers in payer order and payees in payee order: sorted queries are fast.
        by_payer, by_payee = outgoing.order, incoming.order
        paid_low, paid_high = incoming.find(
            columns.source[by_payer], low_rank[by_payer], high_rank[by_payer]
        )
        pays_low, pays_high = outgoing.find(
            columns.target[by_payee], low_rank[by_payee], high_rank[by_payee]
        )
        paid = np.zeros(len(columns.time), dtype=bool)
        pays = np.zeros(len(columns.time), dtype=bool)
        paid[by_payer] = paid_high > paid_low
        pays[by_payee] = pays_high > pays_low
        keep = alive & paid & pays
        if np.array_equal(keep, alive):
            break
        alive = keep
        incoming, outgoing = incoming.restricted(alive), outgoing.restricted(alive)
    return outgoing.restricted(alive)


def _cycles(
    columns: _Columns, incoming: _Grouped, outgoing: _Grouped, max_length: int, window: float
) -> list[Flag]:
    outgoing = _cycle_candidates(columns, incoming, outgoing, window)
    keys, order, stride = outgoing.keys, outgoing.order, int(outgoing.stride)
    time, target = columns.time, columns.target
    times = columns.times
    flags: list[Flag] = []
    for root in order.tolist():
        home, deadline = int(columns.source[root]), float(time[root]) + window
        last_rank = int(np.searchsorted(times, deadline, side="right"))
        stack = [(int(target[root]), float(time[root]), [home, int(target[root])], [root])]
        while stack:
            node, moment, path, edges = stack.pop()
            base = node * stride
            low = int(
                np.searchsorted(keys, base + int(np.searchsorted(times, moment, side="right")))
            )
            high = int(np.searchsorted(keys, base + last_rank))
            visited: set[int] = set()
            for edge in order[low:high].tolist():
                nxt = int(target[edge])
                if nxt in visited:
                    continue  # the earliest transfer to an account is the one worth following
                visited.add(nxt)
                if nxt == home:
                    flags.append(columns.flag(Typology.CYCLE, path, [*edges, edge]))
                elif nxt not in path and len(edges) + 1 < max_length:
                    stack.append((nxt, float(time[edge]), [*path, nxt], [*edges, edge]))
    return flags
