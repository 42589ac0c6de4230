"""Account scorer: readable features, a shipped fitted model, bad scorer files refused."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from fener.analytics.graph.model import Transaction, TransactionSet
from fener.analytics.graph.scoring import (
    FEATURES,
    MIN_ACCOUNTS_FOR_ATYPICALITY,
    Scorer,
    account_features,
    load_scorer,
)
from fener.analytics.graph.typologies import Flag, Typology, scan


def transfers(*rows: tuple[str, str, str, float, float]) -> TransactionSet:
    return TransactionSet.from_records(Transaction(*row) for row in rows)


def column(matrix: np.ndarray, name: str) -> list[float]:
    return [round(x, 6) for x in matrix[:, FEATURES.index(name)].tolist()]


def test_features_count_activity_counterparties_and_one_off_pairs() -> None:
    ts = transfers(
        ("1", "A", "B", 100.0, 0.0),
        ("2", "A", "B", 100.0, 1.0),
        ("3", "A", "C", 100.0, 2.0),
        ("4", "C", "C", 999.0, 3.0),  # to oneself: left out
    )

    matrix = account_features(ts, [])

    assert matrix.shape == (3, len(FEATURES))
    assert column(matrix, "log_transfers_out") == [round(math.log1p(3), 6), 0.0, 0.0]
    assert column(matrix, "log_payees") == [round(math.log1p(2), 6), 0.0, 0.0]
    assert column(matrix, "log_payers") == [0.0, round(math.log1p(1), 6), round(math.log1p(1), 6)]
    assert column(matrix, "one_off_share_out") == [round(1 / 3, 6), 0.0, 0.0]
    assert column(matrix, "one_off_share_in") == [0.0, 0.0, 1.0]
    assert column(matrix, "log_one_off_transfers") == [
        round(math.log1p(1), 6),
        0.0,
        0.0 + round(math.log1p(1), 6),
    ]
    assert column(matrix, "log_amount_ratio") == [0.0, 0.0, 0.0]


def test_flags_are_counted_per_type_and_kinds_of_pattern() -> None:
    ts = transfers(
        ("1", "A", "B", 500.0, 0.0), ("2", "B", "C", 480.0, 1.0), ("3", "C", "A", 470.0, 2.0)
    )
    flags = scan(ts, window=10.0)

    matrix = account_features(ts, flags)

    assert column(matrix, "log_flags_cycle") == [round(math.log1p(1), 6)] * 3
    kinds = {f.type for f in flags}
    assert Typology.CYCLE in kinds
    assert max(column(matrix, "typology_kinds")) == len(kinds)


def test_a_flag_naming_an_unknown_account_is_refused() -> None:
    ts = transfers(("1", "A", "B", 1.0, 0.0))
    stranger = Flag(Typology.FAN_IN, ("Z",), ("1",), 0.0, 0.0)

    with pytest.raises(ValueError, match="'Z', which is not in the transaction set"):
        account_features(ts, [stranger])


def test_empty_set_gives_an_empty_matrix() -> None:
    assert account_features(TransactionSet.from_records([]), []).shape == (0, len(FEATURES))


def test_shipped_scorer_loads_and_ranks_a_laundering_ring_above_a_repeated_payment() -> None:
    scorer = load_scorer()
    rows = [
        ("r1", "M1", "M2", 900.0, 0.0),
        ("r2", "M2", "M3", 880.0, 1.0),
        ("r3", "M3", "M1", 860.0, 2.0),
    ]
    rows += [(f"p{i}", "EMPLOYER", "WORKER", 500.0, float(i)) for i in range(10)]
    ts = transfers(*rows)

    scores = scorer.scores(account_features(ts, scan(ts, window=7 * 86_400.0)))

    by_account = dict(zip(ts.account_ids, scores.tolist(), strict=True))
    assert 0 < scorer.threshold < 1 and scorer.features == FEATURES
    assert min(by_account[m] for m in ("M1", "M2", "M3")) > max(
        by_account["EMPLOYER"], by_account["WORKER"]
    )
    assert all(0.0 <= s <= 1.0 for s in by_account.values())


def test_scorer_round_trips_through_json(tmp_path: Path) -> None:
    shipped = load_scorer()
    path = tmp_path / "scorer.json"
    path.write_text(shipped.to_json())

    assert load_scorer(path) == shipped


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"features": list(reversed(FEATURES))}, "fitted on other features"),
        ({"threshold": 1.5}, "threshold must lie strictly between 0 and 1"),
        ({"scale": [0.0] * len(FEATURES)}, "scales must be positive"),
        ({"mean": [1.0]}, "mean has 1 values"),
    ],
)
def test_bad_scorer_files_are_refused(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    data = json.loads(load_scorer().to_json())
    data.update(change)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))

    with pytest.raises(ValueError, match=message):
        load_scorer(path)


def test_a_file_that_is_not_a_scorer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}')

    with pytest.raises(ValueError, match="is not a scorer file"):
        load_scorer(path)


def test_scores_need_one_column_per_feature() -> None:
    scorer = Scorer(("x", "y"), (0.0, 0.0), (1.0, 1.0), (1.0, -1.0), 0.0, 0.5)

    assert scorer.scores(np.array([[1.0, 1.0]])).tolist() == [0.5]
    with pytest.raises(ValueError, match="expected a matrix with 2 columns"):
        scorer.scores(np.array([[1.0]]))


def test_amount_timing_and_balance_features() -> None:
    ts = transfers(
        ("1", "A", "B", 100.0, 0.0),
        ("2", "B", "C", 100.0, 10.0),
        ("3", "A", "B", 1000.0, 20.0),
    )

    matrix = account_features(ts, [])

    # B passes 100 of the 1100 it received on: balance 1 - 1000/1200.
    assert column(matrix, "flow_balance") == [0.0, round(1 - 1000 / 1200, 6), 0.0]
    assert column(matrix, "out_share") == [1.0, round(1 / 3, 6), 0.0]
    assert column(matrix, "amount_spread_out")[0] == round(math.log(1000 / 100) / 2, 6)
    assert column(matrix, "amount_spread_out")[1] == 0.0
    # A moves at 0 and 20: one gap; B at 0, 10, 20: two equal gaps, no spread.
    assert column(matrix, "log_mean_gap")[:2] == [
        round(math.log1p(20), 6),
        round(math.log1p(10), 6),
    ]
    assert column(matrix, "gap_spread")[1] == 0.0
    assert column(matrix, "active_span") == [1.0, 1.0, 0.0]


def test_atypicality_is_measured_only_in_sets_large_enough() -> None:
    rows = [
        (f"s{i}", f"P{i}", f"Q{i}", 100.0, float(i)) for i in range(MIN_ACCOUNTS_FOR_ATYPICALITY)
    ]
    rows.append(("odd", "P0", "Q1", 100_000.0, 5.0))
    small = account_features(transfers(*rows[:10]), [])
    large = account_features(transfers(*rows), [])
    plain = len(FEATURES) // 2

    assert FEATURES[plain:] == tuple(f"atypical_{name}" for name in FEATURES[:plain])
    assert not small[:, plain:].any()
    ratio = FEATURES.index("atypical_log_amount_ratio")
    # P0 and Q1 moved the one outlying amount: they lie furthest from the typical account.
    top = sorted(np.argsort(large[:, ratio])[-2:].tolist())
    ids = transfers(*rows).account_ids
    assert sorted(ids[i] for i in top) == ["P0", "Q1"]


def test_small_sets_are_scored_by_the_nested_scorer() -> None:
    size = len(FEATURES)
    big = Scorer(FEATURES, (0.0,) * size, (1.0,) * size, (0.0,) * size, 5.0, 0.5)
    small = Scorer(FEATURES, (0.0,) * size, (1.0,) * size, (0.0,) * size, -5.0, 0.5)
    scorer = replace(big, small_sets=small)

    few = np.zeros((MIN_ACCOUNTS_FOR_ATYPICALITY - 1, size))
    many = np.zeros((MIN_ACCOUNTS_FOR_ATYPICALITY, size))

    assert scorer.scores(few).max() < 0.01
    assert scorer.scores(many).min() > 0.99


def test_shipped_scorer_carries_a_small_set_scorer() -> None:
    shipped = load_scorer()

    assert shipped.small_sets is not None
    assert shipped.small_sets.features == FEATURES


def test_a_nested_scorer_on_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(load_scorer().to_json())
    data["small_sets"]["features"] = list(reversed(FEATURES))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))

    with pytest.raises(ValueError, match="fitted on other features"):
        load_scorer(path)
