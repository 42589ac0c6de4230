"""Per-account counts over sliding time windows: the numbers behind the windowed typologies.

:func:`window_counts` reduces a :class:`~fener.analytics.graph.model.TransactionSet` to four
integers per account, the quantities that :func:`~fener.analytics.graph.typologies.scan`
compares with its minimums. They are cheap to compute (sorting and binary search, no flag is
built), they are what the Spark engine computes with windowed joins
(:func:`fener.analytics.graph.spark.spark_window_counts`), and they make the two engines
comparable number for number.

Windows are the closed intervals ``[end - window, end]`` whose ``end`` is the time of one of
the account's own transfers, exactly as in :func:`~fener.analytics.graph.typologies.scan`: the
left edge is the float ``end - window``, so both engines and the scan include or leave out a
transfer lying on the edge alike. Transfers from an account to itself are ignored throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fener.analytics.graph.model import TransactionSet

__all__ = ["WindowCounts", "window_counts"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
COUNT_NAMES = ("fan_in", "fan_out", "structuring", "pass_through")


@dataclass(frozen=True, eq=False)
class WindowCounts:
    """Four windowed counts per account code (see :func:`window_counts` for the definitions).

    Parameters
    ----------
    account_ids : list of str
        The account identifier of each code, as in the transaction set.
    fan_in, fan_out, structuring, pass_through : numpy.ndarray
        One ``int64`` per account code.
    """

    account_ids: list[str]
    fan_in: IntArray
    fan_out: IntArray
    structuring: IntArray
    pass_through: IntArray

    def for_account(self, account: str) -> dict[str, int]:
        """The four counts of one account, by name.

        Raises
        ------
        KeyError
            If the account is not in the transaction set.
        """
        try:
            code = self.account_ids.index(account)
        except ValueError:
            raise KeyError(f"account {account!r} is not in the transaction set") from None
        return {name: int(getattr(self, name)[code]) for name in COUNT_NAMES}


def checked_arguments(window: object, threshold: object, margin: object) -> tuple[float, float]:
    """Validate the arguments shared by both engines; return ``(window, lower amount bound)``.

    Raises
    ------
    ValueError
        If ``window`` or ``threshold`` is not a positive finite number, or ``margin`` does not
        lie strictly between 0 and 1.
    """
    length, limit, share = _number(window), _number(threshold), _number(margin)
    for name, value, number in (("window", window, length), ("threshold", threshold, limit)):
        if not (math.isfinite(number) and number > 0):
            raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    if not 0 < share < 1:
        raise ValueError(f"margin must lie strictly between 0 and 1, got {margin!r}")
    # The same expression as typologies.scan, so that both agree on the lower bound to the bit.
    return length, (1 - share) * limit


def checked_times(transactions: TransactionSet) -> None:
    """Refuse timestamps that are not finite: no window can be placed around them.

    Raises
    ------
    ValueError
        If a timestamp is NaN or infinite.
    """
    bad = np.flatnonzero(~np.isfinite(transactions.timestamps))
    if len(bad):
        row = int(bad[0])
        name = transactions.transaction_ids[row] if transactions.transaction_ids else str(row)
        raise ValueError(f"transfer {name!r} has a timestamp that is not a finite number")


def _number(value: object) -> float:
    """The value as a float, or NaN (refused by every check) when it is not a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


def window_counts(
    transactions: TransactionSet, window: float, threshold: float, margin: float
) -> WindowCounts:
    """Count, per account, the most activity it shows inside any one time window.

    A window of an account is a closed interval ``[end - window, end]`` (both ends included)
    whose ``end`` is the time of one of that account's transfers of the kind being counted;
    the largest count over all such windows is reported. Transfers from an account to itself
    are ignored everywhere. Transfers at the same moment all fall in the same windows.

    * ``fan_in``: the largest number of distinct payers into the account within one window.
      An account is named first in a fan-in flag of ``scan(..., window=w,
      parameters=ScanParameters(fan_in_min_sources=k))`` exactly when ``fan_in >= k`` and the
      account is not a payment hub (``ScanParameters.hub_transfers``, see :func:`busiest`).
    * ``fan_out``: the same for distinct receivers of its outgoing transfers (and fan-out flags,
      hubs again excepted).
    * ``structuring``: the largest number of its outgoing transfers whose amount lies in
      ``[(1 - margin) * threshold, threshold)`` within one window; it is paid first in a
      structuring flag with ``structuring_min_transfers=k`` and ``structuring_margin=margin``
      exactly when ``structuring >= k``.
    * ``pass_through``: the number of transfers into the account that are followed by at least
      one transfer out of it later than the arrival and at most ``window`` after it (the
      interval ``(arrival, arrival + window]``). This is a necessary condition for the
      rapid pass-through flag, which also asks that enough of the amount leaves again; each
      such flag starts from one counted arrival, so an account is the hub of at most this
      many flags.

    Parameters
    ----------
    transactions : TransactionSet
        The transfers.
    window : float
        Length of the window, in the unit of the timestamps (positive).
    threshold : float
        The reporting threshold that structuring stays under (positive).
    margin : float
        How far under the threshold still counts as "just under", as a share (0 < margin < 1).

    Returns
    -------
    WindowCounts
        One count of each kind per account code; accounts without such transfers have 0.

    Raises
    ------
    ValueError
        If ``window`` or ``threshold`` is not a positive finite number, ``margin`` is not
        strictly between 0 and 1, or a timestamp is not finite.

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records([
    ...     Transaction("t1", "A", "C", 9_500.0, 0.0),
    ...     Transaction("t2", "B", "C", 9_600.0, 5.0),
    ...     Transaction("t3", "C", "D", 18_000.0, 8.0),
    ...     Transaction("t4", "A", "C", 9_900.0, 30.0),
    ...     Transaction("t5", "A", "E", 9_100.0, 40.0),
    ... ])
    >>> counts = window_counts(ts, window=10.0, threshold=10_000.0, margin=0.1)
    >>> counts.for_account("C")
    {'fan_in': 2, 'fan_out': 1, 'structuring': 0, 'pass_through': 2}
    >>> counts.for_account("A")
    {'fan_in': 0, 'fan_out': 2, 'structuring': 2, 'pass_through': 0}
    """
    window, lower = checked_arguments(window, threshold, margin)
    checked_times(transactions)
    threshold = float(threshold)
    size = len(transactions.account_ids)
    keep = transactions.sources != transactions.targets
    source, target = transactions.sources[keep], transactions.targets[keep]
    time, amount = transactions.timestamps[keep], transactions.amounts[keep]
    timeline = _Timeline(time)
    just_under = (amount >= lower) & (amount < threshold)
    return WindowCounts(
        account_ids=list(transactions.account_ids),
        fan_in=_most_distinct(timeline, target, source, window, size),
        fan_out=_most_distinct(timeline, source, target, window, size),
        structuring=_most_in_window(timeline, source, just_under, window, size),
        pass_through=_passed_through(timeline, source, target, window, size),
    )


def busiest(transactions: TransactionSet, window: float) -> tuple[IntArray, IntArray]:
    """Per account code, the most transfers it receives, and the most it pays, inside one window.

    The same windows as :func:`window_counts`; what the scan's payment-hub rule
    (``ScanParameters.hub_transfers``) compares with its limit.

    Raises
    ------
    ValueError
        If ``window`` is not a positive finite number or a timestamp is not finite.

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records([
    ...     Transaction("t1", "A", "C", 1.0, 0.0),
    ...     Transaction("t2", "B", "C", 1.0, 5.0),
    ...     Transaction("t3", "A", "C", 1.0, 30.0),
    ... ])
    >>> incoming, outgoing = busiest(ts, window=10.0)
    >>> int(incoming[ts.account_ids.index("C")]), int(outgoing[ts.account_ids.index("A")])
    (2, 1)
    """
    window, _lower = checked_arguments(window, 1.0, 0.5)
    checked_times(transactions)
    size = len(transactions.account_ids)
    keep = transactions.sources != transactions.targets
    source, target = transactions.sources[keep], transactions.targets[keep]
    timeline = _Timeline(transactions.timestamps[keep])
    every = np.ones(len(source), dtype=bool)
    return (
        _most_in_window(timeline, target, every, window, size),
        _most_in_window(timeline, source, every, window, size),
    )


class _Timeline:
    """The distinct times of the transfers; times become ranks so that keys are integers."""

    def __init__(self, time: FloatArray) -> None:
        self.time = time
        self.times = np.unique(time)
        self.rank = np.searchsorted(self.times, time).astype(np.int64)
        self.stride = np.int64(len(self.times) + 1)

    def rank_at_or_after(self, offset: float) -> IntArray:
        """Per transfer, the rank of the first distinct time >= its time + ``offset``."""
        return np.searchsorted(self.times, self.time + offset, side="left").astype(np.int64)

    def rank_after(self, offset: float) -> IntArray:
        """Per transfer, the rank of the first distinct time > its time + ``offset``."""
        return np.searchsorted(self.times, self.time + offset, side="right").astype(np.int64)


def _group_maximum(group: IntArray, values: IntArray, size: int) -> IntArray:
    """Largest value per group; ``group`` must be sorted."""
    result = np.zeros(size, dtype=np.int64)
    if len(group):
        starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
        result[group[starts]] = np.maximum.reduceat(values, starts)
    return result


def _most_in_window(
    timeline: _Timeline, group: IntArray, selected: npt.NDArray[np.bool_], window: float, size: int
) -> IntArray:
    """Per group, the most selected transfers inside one window."""
    rows = np.flatnonzero(selected)
    order = rows[np.lexsort((timeline.rank[rows], group[rows]))]
    base = group[order] * timeline.stride
    keys = base + timeline.rank[order]
    first = np.searchsorted(keys, base + timeline.rank_at_or_after(-window)[order], side="left")
    last = np.searchsorted(keys, keys, side="right")
    return _group_maximum(group[order], (last - first).astype(np.int64), size)


def _most_distinct(
    timeline: _Timeline, group: IntArray, other: IntArray, window: float, size: int
) -> IntArray:
    """Per group, the most distinct ``other`` values inside one window.

    Sorted by (group, time), window ``e`` (ending at the time of position ``e``) holds
    position ``j`` when ``j``'s time is at most ``e``'s and at least ``e``'s time less the
    window. For fixed ``j`` those windows form a run of positions ``[first[j], last[j]]``.
    The runs of one (group, other) pair are merged where they overlap; every window is then
    covered once per distinct ``other`` in it, and a running sum of run starts and ends gives
    the count at every window.
    """
    if not len(group):
        return np.zeros(size, dtype=np.int64)
    order = np.lexsort((timeline.rank, group))
    sorted_group = group[order]
    base = sorted_group * timeline.stride
    keys = base + timeline.rank[order]
    low_keys = base + timeline.rank_at_or_after(-window)[order]  # non-decreasing
    first = np.searchsorted(keys, keys, side="left")
    last = np.searchsorted(low_keys, keys, side="right") - 1
    pairs = np.lexsort((keys, other[order], sorted_group))
    pair_group, pair_other = sorted_group[pairs], other[order][pairs]
    run_first, run_last = first[pairs], last[pairs]
    new_run = np.ones(len(pairs), dtype=bool)
    new_run[1:] = (
        (pair_group[1:] != pair_group[:-1])
        | (pair_other[1:] != pair_other[:-1])
        | (run_first[1:] > run_last[:-1])
    )
    starts = np.flatnonzero(new_run)
    ends = np.append(starts[1:], len(pairs)) - 1
    change = np.bincount(run_first[starts], minlength=len(order) + 1)
    change -= np.bincount(run_last[ends] + 1, minlength=len(order) + 1)
    coverage = np.cumsum(change[: len(order)]).astype(np.int64)
    return _group_maximum(sorted_group, coverage, size)


def _passed_through(
    timeline: _Timeline, source: IntArray, target: IntArray, window: float, size: int
) -> IntArray:
    """Per account, the arrivals followed by a departure in ``(arrival, arrival + window]``."""
    departures = np.sort(source * timeline.stride + timeline.rank)
    base = target * timeline.stride
    low = np.searchsorted(departures, base + timeline.rank_after(0.0), side="left")
    high = np.searchsorted(departures, base + timeline.rank_after(window), side="left")
    return np.bincount(target[high > low], minlength=size).astype(np.int64)
