"""Windowed counts per account: their definitions, their edges, and their agreement with scan."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fener.analytics.graph.model import Transaction, TransactionSet
from fener.analytics.graph.typologies import ScanParameters, Typology, scan
from fener.analytics.graph.windows import WindowCounts, window_counts

Row = tuple[str, str, float, float]  # source, target, amount, time


def transfers(rows: list[Row]) -> TransactionSet:
    return TransactionSet.from_records(
        Transaction(f"t{i}", source, target, amount, time)
        for i, (source, target, amount, time) in enumerate(rows)
    )


def counts_of(rows: list[Row], window: float = 10.0, margin: float = 0.1) -> WindowCounts:
    return window_counts(transfers(rows), window=window, threshold=10_000.0, margin=margin)


def counted_by_hand(
    rows: list[Row], window: float, threshold: float, margin: float
) -> dict[str, dict[str, int]]:
    """The definitions of window_counts written out literally, one account at a time."""
    rows = [row for row in rows if row[0] != row[1]]
    lower = (1 - margin) * threshold
    accounts = {name for row in rows for name in row[:2]}
    result = {}
    for account in accounts:
        incoming = [row for row in rows if row[1] == account]
        outgoing = [row for row in rows if row[0] == account]
        under = [row for row in outgoing if lower <= row[2] < threshold]

        def inside(end: float, row: Row) -> bool:
            return end - window <= row[3] <= end

        result[account] = {
            "fan_in": max(
                (len({r[0] for r in incoming if inside(e[3], r)}) for e in incoming), default=0
            ),
            "fan_out": max(
                (len({r[1] for r in outgoing if inside(e[3], r)}) for e in outgoing), default=0
            ),
            "structuring": max((sum(inside(e[3], r) for r in under) for e in under), default=0),
            "pass_through": sum(
                any(arrival[3] < r[3] <= arrival[3] + window for r in outgoing)
                for arrival in incoming
            ),
        }
    return result


# Times on a grid of tenths: sums and differences of such floats round, which is where two
# definitions of "inside the window" would part ways if they were not the same to the bit.
ROWS = st.lists(
    st.tuples(
        st.sampled_from("ABCDE"),
        st.sampled_from("ABCDE"),
        st.sampled_from([500.0, 8_999.99, 9_000.0, 9_500.0, 9_999.99, 10_000.0]),
        st.integers(0, 40).map(lambda k: k * 0.1),
    ),
    max_size=30,
)
WINDOWS = st.sampled_from([0.1, 0.3, 0.7, 1.0, 2.5])


# --- definitions on hand-made examples ------------------------------------------------------


def test_fan_in_counts_distinct_payers_in_the_busiest_window() -> None:
    rows = [
        ("P1", "HUB", 100.0, 0.0),
        ("P2", "HUB", 100.0, 4.0),
        ("P1", "HUB", 100.0, 6.0),  # P1 again: still two distinct payers
        ("P3", "HUB", 100.0, 10.0),  # 0..10 holds P1, P2, P3 (both ends included)
        ("P4", "HUB", 100.0, 21.0),
    ]
    counts = counts_of(rows)
    assert counts.for_account("HUB")["fan_in"] == 3
    assert counts.for_account("P1") == {
        "fan_in": 0,
        "fan_out": 1,
        "structuring": 0,
        "pass_through": 0,
    }


def test_a_payer_just_outside_the_window_is_not_counted() -> None:
    rows = [("P1", "HUB", 100.0, 0.0), ("P2", "HUB", 100.0, 10.5), ("P3", "HUB", 100.0, 12.0)]
    assert counts_of(rows).for_account("HUB")["fan_in"] == 2


def test_fan_out_counts_distinct_receivers_and_transfers_at_one_moment_count_together() -> None:
    rows = [("HUB", f"R{i}", 100.0, 5.0) for i in range(4)] + [("HUB", "R0", 100.0, 5.0)]
    assert counts_of(rows).for_account("HUB")["fan_out"] == 4


def test_structuring_counts_transfers_just_under_the_threshold_in_one_window() -> None:
    rows = [
        ("S", "X", 9_000.0, 0.0),  # (1 - 0.1) * 10000 is included
        ("S", "Y", 9_999.99, 3.0),
        ("S", "X", 9_999.99, 3.0),  # the same receiver twice still counts twice
        ("S", "Z", 10_000.0, 4.0),  # at the threshold: not under it
        ("S", "Z", 8_999.99, 5.0),  # below the margin
        ("S", "W", 9_500.0, 30.0),
    ]
    assert counts_of(rows).for_account("S")["structuring"] == 3


def test_pass_through_counts_arrivals_followed_by_a_departure_within_the_window() -> None:
    rows = [
        ("P", "M", 1_000.0, 0.0),  # followed at 10.0: counted (the end is included)
        ("P", "M", 1_000.0, 10.0),  # a departure at the same moment is not "after"
        ("M", "R", 990.0, 10.0),
        ("Q", "M", 500.0, 20.0),  # the next departure is 10.5 later: not counted
        ("M", "R", 490.0, 30.5),
    ]
    assert counts_of(rows).for_account("M")["pass_through"] == 1


def test_self_transfers_are_ignored() -> None:
    rows = [("A", "A", 9_500.0, float(i)) for i in range(5)] + [("B", "A", 100.0, 1.0)]
    assert counts_of(rows).for_account("A") == {
        "fan_in": 1,
        "fan_out": 0,
        "structuring": 0,
        "pass_through": 0,
    }


def test_an_empty_set_gives_zeros_for_every_account() -> None:
    empty = TransactionSet(
        sources=np.zeros(0, dtype=np.int64),
        targets=np.zeros(0, dtype=np.int64),
        amounts=np.zeros(0),
        timestamps=np.zeros(0),
        account_ids=["A", "B"],
    )
    counts = window_counts(empty, window=1.0, threshold=10.0, margin=0.5)
    for array in (counts.fan_in, counts.fan_out, counts.structuring, counts.pass_through):
        assert array.tolist() == [0, 0]


def test_an_unknown_account_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="'nobody' is not in the transaction set"):
        counts_of([("A", "B", 1.0, 0.0)]).for_account("nobody")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"window": 0.0}, "window must be a positive finite number, got 0.0"),
        ({"window": -1.0}, "window must be a positive finite number"),
        ({"window": float("nan")}, "window must be a positive finite number"),
        ({"window": float("inf")}, "window must be a positive finite number"),
        ({"window": "7"}, "window must be a positive finite number, got '7'"),
        ({"window": True}, "window must be a positive finite number, got True"),
        ({"threshold": 0}, "threshold must be a positive finite number, got 0"),
        ({"threshold": None}, "threshold must be a positive finite number, got None"),
        ({"margin": 0.0}, "margin must lie strictly between 0 and 1, got 0.0"),
        ({"margin": 1.0}, "margin must lie strictly between 0 and 1, got 1.0"),
        ({"margin": -0.2}, "margin must lie strictly between 0 and 1"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(
    arguments: dict[str, object], message: str
) -> None:
    given_arguments: dict[str, object] = {"window": 1.0, "threshold": 100.0, "margin": 0.1}
    given_arguments.update(arguments)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        window_counts(transfers([("A", "B", 1.0, 0.0)]), **given_arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("moment", [float("nan"), float("inf"), float("-inf")])
def test_a_timestamp_that_is_not_finite_is_refused_naming_the_transfer(moment: float) -> None:
    data = TransactionSet(
        sources=np.array([0, 1], dtype=np.int64),
        targets=np.array([1, 0], dtype=np.int64),
        amounts=np.array([1.0, 1.0]),
        timestamps=np.array([0.0, moment]),
        account_ids=["A", "B"],
        transaction_ids=["ok", "broken"],
    )
    with pytest.raises(ValueError, match="transfer 'broken' has a timestamp that is not a finite"):
        window_counts(data, window=1.0, threshold=10.0, margin=0.1)


# --- against the literal definitions and against scan ---------------------------------------


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, window=WINDOWS, margin=st.sampled_from([0.05, 0.1, 0.2]))
def test_counts_equal_the_definitions_applied_by_hand(
    rows: list[Row], window: float, margin: float
) -> None:
    counts = counts_of(rows, window=window, margin=margin)
    expected = counted_by_hand(rows, window, 10_000.0, margin)
    for account in counts.account_ids:
        assert counts.for_account(account) == expected.get(
            account, {"fan_in": 0, "fan_out": 0, "structuring": 0, "pass_through": 0}
        )


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, window=WINDOWS, minimum=st.integers(2, 4))
def test_scan_flags_fans_and_structuring_exactly_where_the_counts_reach_the_minimum(
    rows: list[Row], window: float, minimum: int
) -> None:
    data = transfers(rows)
    counts = window_counts(data, window=window, threshold=10_000.0, margin=0.1)
    parameters = ScanParameters(
        fan_in_min_sources=minimum,
        fan_out_min_targets=minimum,
        structuring_min_transfers=minimum,
        structuring_margin=0.1,
    )
    flags = scan(
        data,
        window=window,
        threshold=10_000.0,
        parameters=parameters,
        typologies=[Typology.FAN_IN, Typology.FAN_OUT, Typology.STRUCTURING],
    )
    flagged = {(flag.type, flag.accounts[0]) for flag in flags}
    for kind, values in (
        (Typology.FAN_IN, counts.fan_in),
        (Typology.FAN_OUT, counts.fan_out),
        (Typology.STRUCTURING, counts.structuring),
    ):
        expected = {data.account_ids[code] for code in np.flatnonzero(values >= minimum)}
        assert {account for flag_kind, account in flagged if flag_kind == kind} == expected


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, window=WINDOWS)
def test_scan_flags_one_pass_through_per_counted_arrival_when_amounts_are_equal(
    rows: list[Row], window: float
) -> None:
    # With equal amounts the first departure alone passes the money on, whatever the ratios,
    # so the flags are exactly the counted arrivals.
    data = transfers([(source, target, 500.0, time) for source, target, _, time in rows])
    counts = window_counts(data, window=window, threshold=10_000.0, margin=0.1)
    flags = scan(data, window=window, typologies=[Typology.RAPID_PASS_THROUGH])
    hubs = Counter(flag.accounts[0] for flag in flags)
    assert {
        account: int(counts.pass_through[code])
        for code, account in enumerate(data.account_ids)
        if counts.pass_through[code]
    } == dict(hubs)
