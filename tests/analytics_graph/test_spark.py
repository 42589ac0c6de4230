"""Apache Spark (local[2]) gives the in-process network answers: components and window counts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fener.analytics.graph.analysis import connected_components
from fener.analytics.graph.model import Transaction, TransactionSet
from fener.analytics.graph.windows import COUNT_NAMES, WindowCounts, window_counts

pytestmark = pytest.mark.spark

AMLSIM_TRANSACTIONS = Path("/work/shared/data/amlsim/generated_python_port/transactions.csv")
DAY = 86_400.0


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        if os.environ.get("FENER_REQUIRE_JAVA") == "1":
            pytest.fail("Java is required here (FENER_REQUIRE_JAVA=1) but absent")
        pytest.skip("Java is not installed: Spark cannot run")
    from fener.analytics.engines.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def random_transfers(
    seed: int, accounts: int, transfers: int, *, span: float = 100.0
) -> TransactionSet:
    """Random transfers between few accounts, with repeated times and some self-transfers."""
    rng = np.random.default_rng(seed)
    return TransactionSet(
        sources=rng.integers(0, accounts, transfers),
        targets=rng.integers(0, accounts, transfers),
        amounts=rng.choice(
            np.array([500.0, 9_000.0, 9_400.5, 9_999.0, 10_000.0, 12_000.0]), transfers
        ),
        timestamps=np.round(rng.uniform(0, span, transfers), 1),
        account_ids=[f"acct{i:03d}" for i in range(accounts)],
        transaction_ids=[f"t{i}" for i in range(transfers)],
    )


def from_pairs(pairs: list[tuple[str, str]]) -> TransactionSet:
    return TransactionSet.from_records(
        Transaction(f"t{i}", source, target, 100.0, float(i))
        for i, (source, target) in enumerate(pairs)
    )


def in_process_components(transactions: TransactionSet) -> list[set[str]]:
    ids = transactions.account_ids
    return connected_components(
        (ids[s], ids[t], 1.0)
        for s, t in zip(transactions.sources.tolist(), transactions.targets.tolist(), strict=True)
    )


def assert_same_counts(found: WindowCounts, expected: WindowCounts) -> None:
    assert found.account_ids == expected.account_ids
    for name in COUNT_NAMES:
        assert getattr(found, name).tolist() == getattr(expected, name).tolist(), name


# --- components -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "accounts", "transfers"), [(1, 60, 40), (2, 200, 150), (3, 80, 70)]
)
def test_components_on_random_graphs_equal_the_in_process_partition(
    spark: Any, seed: int, accounts: int, transfers: int
) -> None:
    from fener.analytics.graph.spark import spark_components

    data = random_transfers(seed, accounts, transfers)
    expected = in_process_components(data)
    assert len(expected) > 1  # several components: the test can tell them apart
    assert spark_components(spark, data) == expected


def test_long_chains_in_shuffled_order_settle_over_many_checkpointed_rounds(spark: Any) -> None:
    from fener.analytics.graph.spark import spark_component_labels, spark_components

    rng = np.random.default_rng(7)
    names = [f"n{i:04d}" for i in rng.permutation(600)]
    pairs = [(names[i], names[i + 1]) for i in range(399)]  # one chain of 400 accounts
    pairs += [(names[i + 1], names[i]) for i in range(400, 599)]  # a second of 200, reversed
    data = from_pairs(pairs)
    found = spark_components(spark, data, checkpoint_every=1)
    assert found == in_process_components(data)
    assert [len(component) for component in found] == [400, 200]
    labels = spark_component_labels(spark, data, checkpoint_every=2)
    assert len(set(labels.tolist())) == 2
    assert labels.min() == 0  # each label is the smallest code in its component
    used = spark.sparkContext.getCheckpointDir()  # a temporary directory, removed again
    assert used is not None and not Path(used.removeprefix("file:")).parent.exists()


def test_accounts_paying_only_themselves_are_components_of_their_own(spark: Any) -> None:
    from fener.analytics.graph.spark import spark_components

    data = from_pairs([("A", "B"), ("S", "S"), ("B", "C"), ("T", "T"), ("T", "T"), ("C", "A")])
    found = spark_components(spark, data)
    assert found == [{"A", "B", "C"}, {"S"}, {"T"}]
    assert found == in_process_components(data)


def test_an_empty_set_has_no_components_and_every_account_labels_itself(spark: Any) -> None:
    from fener.analytics.graph.spark import spark_component_labels, spark_components

    empty = TransactionSet(
        sources=np.zeros(0, dtype=np.int64),
        targets=np.zeros(0, dtype=np.int64),
        amounts=np.zeros(0),
        timestamps=np.zeros(0),
        account_ids=["A", "B"],
    )
    assert spark_components(spark, empty) == []
    assert spark_component_labels(spark, empty).tolist() == [0, 1]


@pytest.mark.parametrize("every", [0, -2, 1.5, True])
def test_a_bad_checkpoint_interval_is_refused(spark: Any, every: object) -> None:
    from fener.analytics.graph.spark import spark_component_labels

    with pytest.raises(ValueError, match="checkpoint_every must be a positive integer"):
        spark_component_labels(spark, from_pairs([("A", "B")]), checkpoint_every=every)  # type: ignore[arg-type]


# --- window counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "window", "margin"), [(11, 5.0, 0.1), (12, 0.3, 0.1), (13, 12.5, 0.06)]
)
def test_window_counts_on_random_sets_equal_the_in_process_counts(
    spark: Any, seed: int, window: float, margin: float
) -> None:
    from fener.analytics.graph.spark import spark_window_counts

    data = random_transfers(seed, accounts=25, transfers=400)
    expected = window_counts(data, window, 10_000.0, margin)
    assert expected.fan_in.max() >= 3 and expected.structuring.max() >= 2  # not all trivial
    assert expected.pass_through.sum() > 0
    assert_same_counts(spark_window_counts(spark, data, window, 10_000.0, margin), expected)


def test_window_edges_are_decided_alike_where_floats_round(spark: Any) -> None:
    from fener.analytics.graph.spark import spark_window_counts

    # 0.7 - 0.3 is not 0.4 in floating point: the edge case must fall the same way.
    rows = [(f"P{k}", "HUB", 9_500.0, round(k * 0.1, 1)) for k in range(12)]
    rows += [("HUB", f"R{k}", 9_500.0, round(k * 0.1 + 0.05, 2)) for k in range(12)]
    data = TransactionSet.from_records(Transaction(f"t{i}", *row) for i, row in enumerate(rows))
    for window in (0.1, 0.3, 0.7):
        assert_same_counts(
            spark_window_counts(spark, data, window, 10_000.0, 0.1),
            window_counts(data, window, 10_000.0, 0.1),
        )


def test_window_counts_of_an_empty_set_are_zero(spark: Any) -> None:
    from fener.analytics.graph.spark import spark_window_counts

    empty = TransactionSet(
        sources=np.zeros(0, dtype=np.int64),
        targets=np.zeros(0, dtype=np.int64),
        amounts=np.zeros(0),
        timestamps=np.zeros(0),
        account_ids=["A"],
    )
    counts = spark_window_counts(spark, empty, 1.0, 10.0, 0.1)
    assert [int(getattr(counts, name)[0]) for name in COUNT_NAMES] == [0, 0, 0, 0]


def test_bad_window_arguments_are_refused_before_spark_runs(spark: Any) -> None:
    from fener.analytics.graph.spark import spark_window_counts

    data = from_pairs([("A", "B")])
    with pytest.raises(ValueError, match="window must be a positive finite number, got 0"):
        spark_window_counts(spark, data, 0, 10.0, 0.1)
    with pytest.raises(ValueError, match=r"margin must lie strictly between 0 and 1, got 1\.5"):
        spark_window_counts(spark, data, 1.0, 10.0, 1.5)
    data.timestamps[0] = float("nan")
    with pytest.raises(ValueError, match="transfer 't0' has a timestamp that is not a finite"):
        spark_window_counts(spark, data, 1.0, 10.0, 0.1)


# --- AMLSim ---------------------------------------------------------------------------------


@pytest.mark.skipif(not AMLSIM_TRANSACTIONS.exists(), reason=f"{AMLSIM_TRANSACTIONS} is absent")
def test_on_amlsim_transactions_both_engines_agree(spark: Any) -> None:
    from fener.analytics.graph.readers import read_transactions
    from fener.analytics.graph.spark import spark_components, spark_window_counts

    whole, _ = read_transactions(AMLSIM_TRANSACTIONS)
    rows = np.arange(0, len(whole), 4)  # a quarter of the transfers, spread over the year
    data = TransactionSet(
        sources=whole.sources[rows],
        targets=whole.targets[rows],
        amounts=whole.amounts[rows],
        timestamps=whole.timestamps[rows],
        account_ids=whole.account_ids,
        transaction_ids=[whole.transaction_ids[i] for i in rows.tolist()],
    )
    expected_components = in_process_components(data)
    assert len(expected_components) > 1
    assert spark_components(spark, data) == expected_components
    expected = window_counts(data, 7 * DAY, 10_000.0, 0.1)
    assert expected.fan_in.max() >= 3
    assert_same_counts(spark_window_counts(spark, data, 7 * DAY, 10_000.0, 0.1), expected)
