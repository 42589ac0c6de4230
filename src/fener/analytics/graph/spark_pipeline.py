"""``fener network analyze --engine spark``: the national-scale pass, with Spark doing the
heavy windowed joins and the in-process engine the evidence.

1. Spark computes, per account, the windowed counts behind the typologies
   (:func:`~fener.analytics.graph.spark.spark_window_counts`: most distinct payers and payees in
   one window, most transfers just under the threshold, arrivals followed by a departure) and
   the payment-hub counts (:func:`~fener.analytics.graph.spark.spark_busiest`), and the
   connected components by large-star/small-star (reported, and used to size the work).
2. An account is a *candidate* when a count reaches the scan's minimum for a typology in which
   it would be the central account (fan-in, fan-out, structuring), when money passes through
   it (the necessary condition of pass-through, gather-scatter, scatter-gather intermediates and
   cycle stations), or when it is a payment hub. These are necessary conditions: every flag the
   full scan finds has its central account among the candidates, and all its transfers touch a
   candidate.
3. Only the transfers that touch a candidate are brought to the driver, and
   :func:`~fener.analytics.graph.pipeline.analyze` runs on them.

What this gives: the **same typology flags, with the same proving transfers**, as the local
engine on the whole set (tested in ``local[2]``: ``tests/analytics_graph/test_spark_pipeline.py``).
The score, community and rank of an account are computed on the candidates' transfers, not on
the whole set (the scorer's set-wide statistics, Leiden and PageRank see the smaller graph);
accounts with no transfer touching a candidate are listed with score 0. The input is still
read and checked on the driver, so that a bad row is reported by its line as the contract asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.pipeline import AccountResult, analyze
from fener.analytics.graph.typologies import ScanParameters
from fener.analytics.graph.windows import WindowCounts, busiest, window_counts

__all__ = ["SparkRun", "analyze_on_spark", "candidates"]

BoolArray = npt.NDArray[np.bool_]


def candidates(
    counts: WindowCounts,
    busiest_in: npt.NDArray[np.int64],
    busiest_out: npt.NDArray[np.int64],
    parameters: ScanParameters,
) -> BoolArray:
    """Which accounts may be the centre of a flag (see the module docstring).

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records(
    ...     [Transaction(f"t{i}", f"P{i}", "C", 100.0, float(i)) for i in range(5)]
    ... )
    >>> counts = window_counts(ts, 10.0, 10_000.0, 0.1)
    >>> mask = candidates(counts, *busiest(ts, 10.0), ScanParameters())
    >>> [ts.account_ids[i] for i in np.flatnonzero(mask)]
    ['C']
    """
    mask = (
        (counts.fan_in >= parameters.fan_in_min_sources)
        | (counts.fan_out >= parameters.fan_out_min_targets)
        | (counts.structuring >= parameters.structuring_min_transfers)
        | (counts.pass_through >= 1)
    )
    if parameters.hub_transfers is not None:
        mask |= (busiest_in > parameters.hub_transfers) | (busiest_out > parameters.hub_transfers)
    return np.asarray(mask, dtype=bool)


def local_candidates(
    transactions: TransactionSet, window: float, threshold: float, parameters: ScanParameters
) -> BoolArray:
    """:func:`candidates` from the in-process counts (what the Spark pass must equal)."""
    counts = window_counts(transactions, window, threshold, parameters.structuring_margin)
    return candidates(counts, *busiest(transactions, window), parameters)


@dataclass(frozen=True)
class SparkRun:
    """What the Spark pass found, besides the per-account results."""

    results: list[AccountResult]
    candidates: int
    transfers_kept: int
    components: int


def _subset(transactions: TransactionSet, keep: BoolArray) -> TransactionSet:
    rows = np.flatnonzero(keep)
    ids = transactions.transaction_ids
    return TransactionSet(
        sources=transactions.sources[rows],
        targets=transactions.targets[rows],
        amounts=transactions.amounts[rows],
        timestamps=transactions.timestamps[rows],
        account_ids=list(transactions.account_ids),
        transaction_ids=[ids[i] for i in rows.tolist()],
    )


def analyze_on_spark(
    spark: Any,
    transactions: TransactionSet,
    *,
    window: float,
    threshold: float = 10_000,
    parameters: ScanParameters | None = None,
    accounts: Iterable[str] = (),
    seed: int = 0,
) -> SparkRun:
    """The Spark pass described in the module docstring.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
    transactions : TransactionSet
    window, threshold, parameters, accounts, seed
        As for :func:`fener.analytics.graph.pipeline.analyze`.

    Returns
    -------
    SparkRun
        One result per account (highest score first, as the local engine orders them), and
        how many accounts were candidates, how many transfers were analysed and how many
        connected components the set has.

    Raises
    ------
    ValueError
        For a window or threshold that is not a positive finite number, or a pass-through
        window longer than ``window``.
    """
    from fener.analytics.graph.spark import (
        spark_busiest,
        spark_component_labels,
        spark_window_counts,
    )

    params = parameters if parameters is not None else ScanParameters()
    if params.pass_through_window is not None and params.pass_through_window > window:
        # The candidates are counted over ``window``: a longer pass-through window could find
        # money passed on that the counts did not see.
        raise ValueError("the Spark engine needs pass_through_window to be at most the window")
    counts = spark_window_counts(spark, transactions, window, threshold, params.structuring_margin)
    busiest_in, busiest_out = spark_busiest(spark, transactions, window)
    mask = candidates(counts, busiest_in, busiest_out, params)
    labels = spark_component_labels(spark, transactions)
    involved = np.zeros(len(transactions.account_ids), dtype=bool)
    involved[transactions.sources] = True
    involved[transactions.targets] = True
    components = len(np.unique(labels[involved])) if involved.any() else 0
    keep = mask[transactions.sources] | mask[transactions.targets]
    subset = _subset(transactions, keep)
    results = analyze(
        subset,
        window=window,
        threshold=threshold,
        parameters=params,
        accounts=[*accounts, *transactions.account_ids],
        seed=seed,
    )
    return SparkRun(
        results=results,
        candidates=int(mask.sum()),
        transfers_kept=len(subset),
        components=components,
    )
