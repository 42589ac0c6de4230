"""Apache Spark engine for networks: components and windowed counts on DataFrames.

Both functions give the in-process answers (``tests/analytics_graph/test_spark.py`` checks
them in ``local[2]`` mode):

* :func:`spark_components` finds weakly connected components with the large-star / small-star
  alternation of Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014),
  on a DataFrame of edges; the result is the partition that
  :func:`fener.analytics.graph.analysis.connected_components` gives. The growing query plan is
  cut by checkpointing every few rounds.
* :func:`spark_window_counts` computes :func:`fener.analytics.graph.windows.window_counts` by
  range self-joins: each window end is joined, within the same account, to the transfers whose
  time lies in the window. Time is cut into buckets one window long so that the join has an
  equality key and only neighbouring buckets are compared; the exact time conditions are then
  the same float comparisons as in the in-process engine.

Spark is imported inside the functions: importing this module does not need pyspark. The
session is passed in (see :func:`fener.analytics.engines.spark.spark_session`).
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

import numpy as np
import numpy.typing as npt

from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.windows import WindowCounts, checked_arguments, checked_times

__all__ = ["spark_component_labels", "spark_components", "spark_window_counts"]

IntArray = npt.NDArray[np.int64]
MAX_ROUNDS = 200
TEMPORARY_PREFIX = "fener-components-"


def _transfers_frame(spark: Any, transactions: TransactionSet) -> Any:
    """The transfers as a DataFrame ``(row, source, target, amount, time)`` via Arrow."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "row": np.arange(len(transactions), dtype=np.int64),
            "source": transactions.sources,
            "target": transactions.targets,
            "amount": transactions.amounts,
            "time": transactions.timestamps,
        }
    )
    schema = "row long, source long, target long, amount double, time double"
    return spark.createDataFrame(frame, schema)


# --- connected components -------------------------------------------------------------------


def _large_star(edges: Any) -> Any:
    """Link every larger neighbour of a node to the smallest node of its neighbourhood."""
    from pyspark.sql import functions as F

    both = edges.unionByName(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    smallest = both.groupBy("a").agg(F.least(F.min("b"), F.col("a")).alias("m"))
    return (
        both.where(F.col("b") > F.col("a"))
        .join(smallest, "a")
        .select(F.col("b").alias("a"), F.col("m").alias("b"))
        .distinct()
    )


def _small_star(edges: Any) -> Any:
    """Link every node and its smaller neighbours to the smallest of those neighbours."""
    from pyspark.sql import functions as F

    smallest = edges.groupBy("a").agg(F.min("b").alias("m"))
    leaves = (
        edges.join(smallest, "a")
        .where(F.col("b") != F.col("m"))
        .select(F.col("b").alias("a"), F.col("m").alias("b"))
    )
    return leaves.unionByName(smallest.select("a", F.col("m").alias("b"))).distinct()


def _is_forest_of_stars(edges: Any) -> bool:
    """True when no edge points at a node that itself points further (every tree is a star)."""
    from pyspark.sql import functions as F

    centres = edges.select(F.col("b").alias("a")).distinct()
    return bool(centres.join(edges.select("a"), "a", "left_semi").count() == 0)


def spark_component_labels(
    spark: Any, transactions: TransactionSet, *, checkpoint_every: int = 3
) -> IntArray:
    """Label every account code with the smallest account code of its weakly connected component.

    Edges ``(larger code, smaller code)`` are rewritten by rounds of large-star then small-star
    until every component is a star around its smallest node. Each round's edges are kept
    with a local checkpoint, and every ``checkpoint_every`` rounds written to the session's
    checkpoint directory. When the session has none, a temporary directory is set for the call
    and its files are removed afterwards.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session to run on.
    transactions : TransactionSet
        The transfers; their direction, amounts and times do not matter here.
    checkpoint_every : int, default 3
        Rounds between checkpoints (at least 1).

    Returns
    -------
    numpy.ndarray
        ``int64`` label per account code. An account without transfers, or with transfers to
        itself only, is its own component.

    Raises
    ------
    ValueError
        If ``checkpoint_every`` is not a positive integer.
    RuntimeError
        If the rounds do not settle within 200 (the method needs about log² n of them).

    Examples
    --------
    >>> from fener.analytics.engines.spark import spark_session
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records([
    ...     Transaction("t1", "A", "B", 1.0, 0.0),
    ...     Transaction("t2", "C", "B", 1.0, 0.0),
    ...     Transaction("t3", "D", "D", 1.0, 0.0),
    ... ])
    >>> spark_component_labels(spark_session(), ts).tolist()  # doctest: +SKIP
    [0, 0, 0, 3]
    """
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int):
        raise ValueError(f"checkpoint_every must be a positive integer, got {checkpoint_every!r}")
    if checkpoint_every < 1:
        raise ValueError(f"checkpoint_every must be a positive integer, got {checkpoint_every!r}")
    labels = np.arange(len(transactions.account_ids), dtype=np.int64)
    if not len(transactions):
        return labels
    from pyspark.sql import functions as F

    context = spark.sparkContext
    temporary = None
    chosen = context.getCheckpointDir()
    if chosen is None or TEMPORARY_PREFIX in chosen:  # none, or one an earlier call removed
        temporary = tempfile.mkdtemp(prefix=TEMPORARY_PREFIX)
        context.setCheckpointDir(temporary)
    try:
        edges = (
            _transfers_frame(spark, transactions)
            .where(F.col("source") != F.col("target"))
            .select(
                F.greatest("source", "target").alias("a"), F.least("source", "target").alias("b")
            )
            .distinct()
        )
        stars = _rounds(edges, checkpoint_every).toPandas()
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    labels[stars["a"].to_numpy(dtype=np.int64)] = stars["b"].to_numpy(dtype=np.int64)
    return labels


def _rounds(edges: Any, checkpoint_every: int) -> Any:
    """Alternate large-star and small-star until the edges form stars; return those edges.

    A round reads the round before it several times, so a query plan built round on round
    would grow several-fold per round; each round's edges are therefore computed once and kept
    where they were computed (a local checkpoint, which also cuts the plan), and every
    ``checkpoint_every`` rounds they are written to the checkpoint directory instead, which
    also survives the loss of an executor.
    """
    current = edges.localCheckpoint(eager=True)
    for number in range(1, MAX_ROUNDS + 1):
        following = _small_star(_large_star(current))
        if number % checkpoint_every == 0:
            current = following.checkpoint(eager=True)
        else:
            current = following.localCheckpoint(eager=True)
        if _is_forest_of_stars(current):
            return current
    raise RuntimeError(f"components did not settle within {MAX_ROUNDS} rounds")


def spark_components(
    spark: Any, transactions: TransactionSet, *, checkpoint_every: int = 3
) -> list[set[str]]:
    """Weakly connected components of the transfer graph, computed on Spark.

    The result has the shape of :func:`fener.analytics.graph.analysis.connected_components`
    given the transfers as edges: the accounts that take part in some transfer (a transfer to
    itself included), grouped, largest component first, then by smallest account id.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session to run on.
    transactions : TransactionSet
        The transfers.
    checkpoint_every : int, default 3
        Rounds between checkpoints, see :func:`spark_component_labels`.

    Returns
    -------
    list of set of str
        The components.

    Raises
    ------
    ValueError
        If ``checkpoint_every`` is not a positive integer.

    Examples
    --------
    >>> from fener.analytics.engines.spark import spark_session
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records([
    ...     Transaction("t1", "a", "b", 10.0, 0.0),
    ...     Transaction("t2", "c", "b", 5.0, 0.0),
    ...     Transaction("t3", "x", "y", 1.0, 0.0),
    ... ])
    >>> [sorted(c) for c in spark_components(spark_session(), ts)]  # doctest: +SKIP
    [['a', 'b', 'c'], ['x', 'y']]
    """
    labels = spark_component_labels(spark, transactions, checkpoint_every=checkpoint_every)
    used = np.unique(np.concatenate((transactions.sources, transactions.targets)))
    groups: dict[int, set[str]] = {}
    for code, label in zip(used.tolist(), labels[used].tolist(), strict=True):
        groups.setdefault(label, set()).add(transactions.account_ids[code])
    return sorted(groups.values(), key=lambda group: (-len(group), min(group)))


# --- windowed counts ------------------------------------------------------------------------


def _bucket(column: Any, window: float) -> Any:
    """Bucket of a time: ``floor(time / window)``, monotone in the time."""
    from pyspark.sql import functions as F

    return F.floor(column / F.lit(window))


def _window_ends(frame: Any, window: float) -> Any:
    """Distinct ``(account, end)`` with ``start = end - window``, one row per bucket it spans."""
    from pyspark.sql import functions as F

    ends = frame.select("account", F.col("time").alias("end")).distinct()
    ends = ends.withColumn("start", F.col("end") - F.lit(window))
    return ends.withColumn(
        "bucket",
        F.explode(F.sequence(_bucket(F.col("start"), window), _bucket(F.col("end"), window))),
    )


def _in_windows(frame: Any, window: float) -> Any:
    """Rows of ``frame`` (with ``account`` and ``time``) joined to every window that holds them.

    A row at time ``t`` lies in window ``[end - window, end]`` of its account when
    ``end - window <= t <= end``; since bucketing is monotone, its bucket then lies between
    the buckets of the window's two ends, which is what the equality join enumerates.
    """
    from pyspark.sql import functions as F

    rows = frame.withColumn("bucket", _bucket(F.col("time"), window))
    return (
        _window_ends(frame, window)
        .join(rows, ["account", "bucket"])
        .where((F.col("time") >= F.col("start")) & (F.col("time") <= F.col("end")))
    )


def _most_distinct(transfers: Any, account: str, other: str, window: float) -> Any:
    from pyspark.sql import functions as F

    frame = transfers.select(
        F.col(account).alias("account"), F.col(other).alias("other"), "time"
    ).distinct()
    per_window = (
        _in_windows(frame, window)
        .groupBy("account", "end")
        .agg(F.countDistinct("other").alias("count"))
    )
    return per_window.groupBy("account").agg(F.max("count").alias("value"))


def _most_in_window(transfers: Any, window: float) -> Any:
    from pyspark.sql import functions as F

    frame = transfers.select(F.col("source").alias("account"), "time", "row")
    per_window = _in_windows(frame, window).groupBy("account", "end").count()
    return per_window.groupBy("account").agg(F.max("count").alias("value"))


def _passed_through(transfers: Any, window: float) -> Any:
    from pyspark.sql import functions as F

    arrivals = transfers.select(
        "row",
        F.col("target").alias("account"),
        F.col("time").alias("arrival"),
        (F.col("time") + F.lit(window)).alias("latest"),
    )
    arrivals = arrivals.withColumn(
        "bucket",
        F.explode(F.sequence(_bucket(F.col("arrival"), window), _bucket(F.col("latest"), window))),
    )
    departures = transfers.select(F.col("source").alias("account"), "time").distinct()
    departures = departures.withColumn("bucket", _bucket(F.col("time"), window))
    condition = [
        F.col("x.account") == F.col("y.account"),
        F.col("x.bucket") == F.col("y.bucket"),
        F.col("y.time") > F.col("x.arrival"),
        F.col("y.time") <= F.col("x.latest"),
    ]
    followed = (
        arrivals.alias("x")
        .join(departures.alias("y"), condition, "left_semi")
        .select("account", "row")
    )
    return followed.distinct().groupBy("account").agg(F.count("*").alias("value"))


def spark_busiest(
    spark: Any, transactions: TransactionSet, window: float
) -> tuple[IntArray, IntArray]:
    """:func:`fener.analytics.graph.windows.busiest` by windowed joins on Spark: per account
    code, the most transfers received, and paid, inside one window."""
    from pyspark.sql import functions as F

    window, _lower = checked_arguments(window, 1.0, 0.5)
    checked_times(transactions)
    size = len(transactions.account_ids)
    if not len(transactions):
        return np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    transfers = (
        _transfers_frame(spark, transactions).where(F.col("source") != F.col("target")).cache()
    )
    try:
        received = transfers.select(F.col("target").alias("source"), "time", "row")
        return (
            _collected(_most_in_window(received, window), size),
            _collected(_most_in_window(transfers, window), size),
        )
    finally:
        transfers.unpersist()


def _collected(frame: Any, size: int) -> IntArray:
    values = np.zeros(size, dtype=np.int64)
    table = frame.toPandas()
    values[table["account"].to_numpy(dtype=np.int64)] = table["value"].to_numpy(dtype=np.int64)
    return values


def spark_window_counts(
    spark: Any, transactions: TransactionSet, window: float, threshold: float, margin: float
) -> WindowCounts:
    """:func:`fener.analytics.graph.windows.window_counts`, computed by windowed joins on Spark.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session to run on.
    transactions : TransactionSet
        The transfers.
    window, threshold, margin : float
        As for :func:`~fener.analytics.graph.windows.window_counts`.

    Returns
    -------
    WindowCounts
        Equal, count for count, to the in-process result.

    Raises
    ------
    ValueError
        If ``window`` or ``threshold`` is not a positive finite number, ``margin`` is not
        strictly between 0 and 1, or a timestamp is not finite (checked before Spark runs).

    Examples
    --------
    >>> from fener.analytics.engines.spark import spark_session
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records([
    ...     Transaction("t1", "A", "C", 9_500.0, 0.0),
    ...     Transaction("t2", "B", "C", 9_600.0, 5.0),
    ... ])
    >>> counts = spark_window_counts(spark_session(), ts, 10.0, 10_000.0, 0.1)  # doctest: +SKIP
    >>> counts.for_account("C")["fan_in"]  # doctest: +SKIP
    2
    """
    window, lower = checked_arguments(window, threshold, margin)
    checked_times(transactions)
    size = len(transactions.account_ids)
    if not len(transactions):
        zeros = np.zeros(size, dtype=np.int64)
        return WindowCounts(
            list(transactions.account_ids), zeros, zeros.copy(), zeros.copy(), zeros.copy()
        )
    from pyspark.sql import functions as F

    transfers = (
        _transfers_frame(spark, transactions).where(F.col("source") != F.col("target")).cache()
    )
    try:
        just_under = transfers.where(
            (F.col("amount") >= F.lit(lower)) & (F.col("amount") < F.lit(float(threshold)))
        )
        return WindowCounts(
            account_ids=list(transactions.account_ids),
            fan_in=_collected(_most_distinct(transfers, "target", "source", window), size),
            fan_out=_collected(_most_distinct(transfers, "source", "target", window), size),
            structuring=_collected(_most_in_window(just_under, window), size),
            pass_through=_collected(_passed_through(transfers, window), size),
        )
    finally:
        transfers.unpersist()
