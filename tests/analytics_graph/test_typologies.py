"""Money-flow typologies: each pattern found with exactly its evidence, near misses left alone."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fener.analytics.graph.model import Transaction, TransactionSet
from fener.analytics.graph.typologies import Flag, ScanParameters, Typology, scan


def transfers(*rows: tuple[str, str, str, float, float]) -> TransactionSet:
    return TransactionSet.from_records(Transaction(*row) for row in rows)


def find(
    rows: list[tuple[str, str, str, float, float]],
    kind: Typology,
    *,
    window: float = 10.0,
    **parameters: object,
) -> list[Flag]:
    return scan(
        transfers(*rows),
        window=window,
        parameters=ScanParameters(**parameters),  # type: ignore[arg-type]
        typologies=[kind],
    )


# --- fan-in and fan-out -------------------------------------------------------------------


def test_fan_in_flags_the_payments_from_distinct_sources_within_the_window() -> None:
    rows = [(f"in{i}", f"S{i}", "HUB", 100.0, float(i)) for i in range(5)]
    rows.append(("late", "S9", "HUB", 100.0, 50.0))
    rows.append(("other", "S1", "ELSEWHERE", 100.0, 2.0))

    flags = find(rows, Typology.FAN_IN, fan_in_min_sources=5)

    assert len(flags) == 1
    assert flags[0].transactions == ("in0", "in1", "in2", "in3", "in4")
    assert flags[0].accounts == ("HUB", "S0", "S1", "S2", "S3", "S4")
    assert (flags[0].start, flags[0].end) == (0.0, 4.0)


def test_fan_in_needs_distinct_sources_not_just_many_payments() -> None:
    rows = [(f"in{i}", f"S{i}", "HUB", 100.0, float(i)) for i in range(4)]
    rows.append(("repeat", "S0", "HUB", 100.0, 5.0))

    assert find(rows, Typology.FAN_IN, fan_in_min_sources=5) == []


def test_fan_in_spread_wider_than_the_window_is_not_flagged() -> None:
    rows = [(f"in{i}", f"S{i}", "HUB", 100.0, 3.0 * i) for i in range(5)]

    assert find(rows, Typology.FAN_IN, window=10.0, fan_in_min_sources=5) == []


def test_overlapping_windows_merge_and_separate_bursts_stay_apart() -> None:
    burst = [(f"a{i}", f"S{i}", "HUB", 1.0, float(i)) for i in range(4)]
    later = [(f"b{i}", f"T{i}", "HUB", 1.0, 100.0 + i) for i in range(3)]

    flags = find(burst + later, Typology.FAN_IN, window=2.0, fan_in_min_sources=3)

    assert [f.transactions for f in flags] == [("a0", "a1", "a2", "a3"), ("b0", "b1", "b2")]


def test_fan_out_flags_payments_to_distinct_targets() -> None:
    rows = [(f"out{i}", "HUB", f"R{i}", 100.0, float(i)) for i in range(3)]
    rows.append(("in", "X", "HUB", 100.0, 1.5))

    flags = find(rows, Typology.FAN_OUT, fan_out_min_targets=3)

    assert [(f.accounts, f.transactions) for f in flags] == [
        (("HUB", "R0", "R1", "R2"), ("out0", "out1", "out2"))
    ]
    assert find(rows[:2], Typology.FAN_OUT, fan_out_min_targets=3) == []


def test_transfers_to_oneself_are_ignored() -> None:
    rows = [(f"out{i}", "HUB", f"R{i}", 1.0, float(i)) for i in range(2)]
    rows.append(("self", "HUB", "HUB", 1.0, 1.0))

    assert find(rows, Typology.FAN_OUT, fan_out_min_targets=3) == []


# --- cycles -------------------------------------------------------------------------------


def test_cycle_in_time_order_is_flagged_with_its_transfers_in_order() -> None:
    rows = [
        ("t1", "A", "B", 500.0, 1.0),
        ("t2", "B", "C", 490.0, 2.0),
        ("t3", "C", "A", 480.0, 3.0),
        ("noise", "C", "D", 10.0, 2.5),
    ]

    flags = find(rows, Typology.CYCLE)

    assert [(f.accounts, f.transactions) for f in flags] == [(("A", "B", "C"), ("t1", "t2", "t3"))]
    assert (flags[0].start, flags[0].end) == (1.0, 3.0)


def test_cycle_against_the_clock_is_not_a_cycle() -> None:
    rows = [("t1", "A", "B", 1.0, 3.0), ("t2", "B", "C", 1.0, 2.0), ("t3", "C", "A", 1.0, 1.0)]

    assert find(rows, Typology.CYCLE) == []


def test_cycle_needs_strictly_increasing_times() -> None:
    rows = [("t1", "A", "B", 1.0, 1.0), ("t2", "B", "A", 1.0, 1.0)]

    assert find(rows, Typology.CYCLE) == []


def test_cycle_longer_than_the_window_is_not_flagged() -> None:
    rows = [("t1", "A", "B", 1.0, 0.0), ("t2", "B", "C", 1.0, 5.0), ("t3", "C", "A", 1.0, 11.0)]

    assert find(rows, Typology.CYCLE, window=10.0) == []
    assert len(find(rows, Typology.CYCLE, window=11.0)) == 1


def test_cycle_length_is_bounded() -> None:
    rows = [
        ("t1", "A", "B", 1.0, 1.0),
        ("t2", "B", "C", 1.0, 2.0),
        ("t3", "C", "D", 1.0, 3.0),
        ("t4", "D", "A", 1.0, 4.0),
    ]

    assert find(rows, Typology.CYCLE, cycle_max_length=3) == []
    assert [f.transactions for f in find(rows, Typology.CYCLE, cycle_max_length=4)] == [
        ("t1", "t2", "t3", "t4")
    ]


def test_two_transfer_round_trip_is_a_cycle() -> None:
    rows = [("go", "A", "B", 1.0, 1.0), ("back", "B", "A", 1.0, 2.0)]

    assert [(f.accounts, f.transactions) for f in find(rows, Typology.CYCLE)] == [
        (("A", "B"), ("go", "back"))
    ]


def test_cycle_does_not_revisit_an_account() -> None:
    # A -> B -> A -> C -> A returns to A twice: two 2-cycles, never one 4-step walk.
    rows = [
        ("t1", "A", "B", 1.0, 1.0),
        ("t2", "B", "A", 1.0, 2.0),
        ("t3", "A", "C", 1.0, 3.0),
        ("t4", "C", "A", 1.0, 4.0),
    ]

    found = {f.transactions for f in find(rows, Typology.CYCLE)}

    assert found == {("t1", "t2"), ("t3", "t4")}


# --- scatter-gather and gather-scatter -----------------------------------------------------


def test_scatter_gather_flags_both_legs_through_each_intermediate() -> None:
    rows = [(f"s{i}", "SRC", f"M{i}", 3000.0, float(i)) for i in range(3)]
    rows += [(f"g{i}", f"M{i}", "DST", 2900.0, 3.0 + i) for i in range(3)]
    rows.append(("noise", "M0", "ELSE", 10.0, 4.0))

    flags = find(rows, Typology.SCATTER_GATHER, scatter_gather_min_intermediates=3)

    assert len(flags) == 1
    assert flags[0].accounts == ("SRC", "DST", "M0", "M1", "M2")
    assert flags[0].transactions == ("s0", "s1", "s2", "g0", "g1", "g2")


def test_scatter_gather_requires_each_intermediate_to_pay_after_being_paid() -> None:
    rows = [(f"s{i}", "SRC", f"M{i}", 3000.0, 1.0 + i) for i in range(3)]
    rows += [("g0", "M0", "DST", 1.0, 5.0), ("g1", "M1", "DST", 1.0, 6.0)]
    rows.append(("g2", "M2", "DST", 1.0, 0.0))  # paid out before it was paid in

    assert find(rows, Typology.SCATTER_GATHER, scatter_gather_min_intermediates=3) == []


def test_gather_scatter_flags_inflows_and_outflows_of_the_hub() -> None:
    rows = [(f"in{i}", f"P{i}", "HUB", 1000.0, float(i)) for i in range(3)]
    rows += [(f"out{i}", "HUB", f"R{i}", 900.0, 3.0 + i) for i in range(3)]

    flags = find(rows, Typology.GATHER_SCATTER, gather_scatter_min_accounts=3)

    assert [(f.accounts, f.transactions) for f in flags] == [
        (
            ("HUB", "P0", "P1", "P2", "R0", "R1", "R2"),
            ("in0", "in1", "in2", "out0", "out1", "out2"),
        )
    ]


def test_gather_scatter_needs_enough_distinct_receivers() -> None:
    rows = [(f"in{i}", f"P{i}", "HUB", 1000.0, float(i)) for i in range(3)]
    rows += [(f"out{i}", "HUB", f"R{i % 2}", 900.0, 3.0 + i) for i in range(3)]

    assert find(rows, Typology.GATHER_SCATTER, gather_scatter_min_accounts=3) == []


# --- structuring and pass-through ----------------------------------------------------------


def test_structuring_flags_transfers_just_under_the_threshold() -> None:
    rows = [
        ("s1", "A", "X", 9500.0, 1.0),
        ("at", "A", "X", 10_000.0, 1.5),
        ("s2", "A", "Y", 9000.0, 2.0),
        ("small", "A", "X", 8999.0, 2.5),
        ("s3", "A", "X", 9999.99, 3.0),
    ]

    flags = scan(transfers(*rows), window=10.0, threshold=10_000, typologies=["structuring"])

    assert [(f.accounts, f.transactions) for f in flags] == [(("A", "X", "Y"), ("s1", "s2", "s3"))]


def test_structuring_near_miss_with_a_transfer_at_the_threshold() -> None:
    rows = [
        ("s1", "A", "X", 9500.0, 1.0),
        ("s2", "A", "X", 9600.0, 2.0),
        ("at", "A", "X", 10_000.0, 3.0),
    ]

    assert scan(transfers(*rows), window=10.0, typologies=[Typology.STRUCTURING]) == []


def test_structuring_spread_wider_than_the_window_is_not_flagged() -> None:
    rows = [(f"s{i}", "A", "X", 9500.0, 6.0 * i) for i in range(3)]

    assert scan(transfers(*rows), window=10.0, typologies=[Typology.STRUCTURING]) == []


def test_structuring_respects_a_custom_threshold_and_margin() -> None:
    rows = [(f"s{i}", "A", "X", 2_600.0, float(i)) for i in range(3)]
    parameters = ScanParameters(structuring_margin=0.2)

    flags = scan(
        transfers(*rows),
        window=10.0,
        threshold=3_000,
        parameters=parameters,
        typologies=["structuring"],
    )

    assert [f.transactions for f in flags] == [("s0", "s1", "s2")]


def test_pass_through_flags_the_arrival_and_the_payments_that_take_the_money_out() -> None:
    rows = [
        ("in", "A", "MULE", 1000.0, 0.0),
        ("o1", "MULE", "B", 500.0, 1.0),
        ("o2", "MULE", "C", 400.0, 2.0),
        ("o3", "MULE", "D", 50.0, 3.0),
    ]

    flags = find(rows, Typology.RAPID_PASS_THROUGH, pass_through_ratio=0.9)

    assert [(f.accounts, f.transactions) for f in flags] == [
        (("MULE", "A", "B", "C"), ("in", "o1", "o2"))
    ]


def test_pass_through_near_misses_too_little_or_too_late() -> None:
    too_little = [("in", "A", "MULE", 1000.0, 0.0), ("o1", "MULE", "B", 899.0, 1.0)]
    too_late = [("in", "A", "MULE", 1000.0, 0.0), ("o1", "MULE", "B", 1000.0, 11.0)]

    assert find(too_little, Typology.RAPID_PASS_THROUGH, pass_through_ratio=0.9) == []
    assert find(too_late, Typology.RAPID_PASS_THROUGH, window=10.0) == []


def test_pass_through_has_its_own_window() -> None:
    rows = [("in", "A", "MULE", 1000.0, 0.0), ("o1", "MULE", "B", 1000.0, 5.0)]

    assert find(rows, Typology.RAPID_PASS_THROUGH, window=10.0, pass_through_window=4.0) == []
    assert len(find(rows, Typology.RAPID_PASS_THROUGH, window=10.0, pass_through_window=5.0)) == 1


def test_money_leaving_before_it_arrives_is_not_a_pass_through() -> None:
    rows = [("o1", "MULE", "B", 1000.0, 0.0), ("in", "A", "MULE", 1000.0, 1.0)]

    assert find(rows, Typology.RAPID_PASS_THROUGH) == []


# --- whole scan and bad input ------------------------------------------------------------------


def test_empty_set_gives_no_flags() -> None:
    assert scan(TransactionSet.from_records([]), window=1.0) == []


def test_scan_without_a_selection_runs_every_typology_and_sorts_by_time() -> None:
    rows = [
        ("c1", "A", "B", 1.0, 20.0),
        ("c2", "B", "A", 0.5, 21.0),  # half comes back: no pass-through
        ("s1", "K", "X", 9500.0, 1.0),
        ("s2", "K", "X", 9500.0, 2.0),
        ("s3", "K", "X", 9500.0, 3.0),
    ]

    flags = scan(transfers(*rows), window=5.0)

    assert [(f.type, f.transactions) for f in flags] == [
        (Typology.STRUCTURING, ("s1", "s2", "s3")),
        (Typology.CYCLE, ("c1", "c2")),
    ]


@pytest.mark.parametrize("window", [0, -1.0, math.nan, math.inf])
def test_window_must_be_positive(window: float) -> None:
    with pytest.raises(ValueError, match="window must be a positive finite number"):
        scan(transfers(("t", "A", "B", 1.0, 0.0)), window=window)


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threshold must be a positive finite number"):
        scan(transfers(("t", "A", "B", 1.0, 0.0)), window=1.0, threshold=0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fan_in_min_sources", 1, "fan_in_min_sources must be an integer of at least 2"),
        ("fan_out_min_targets", 0, "fan_out_min_targets must be an integer of at least 2"),
        ("cycle_max_length", 1, "cycle_max_length must be an integer of at least 2"),
        ("scatter_gather_min_intermediates", 2.5, "must be an integer"),
        ("gather_scatter_min_accounts", True, "must be an integer"),
        ("structuring_min_transfers", -3, "structuring_min_transfers must be"),
        ("structuring_margin", 0.0, "structuring_margin must lie strictly between 0 and 1"),
        ("structuring_margin", 1.0, "structuring_margin must lie strictly between 0 and 1"),
        ("pass_through_ratio", 1.5, r"pass_through_ratio must lie in \(0, 1\]"),
        ("pass_through_ratio", 0.0, r"pass_through_ratio must lie in \(0, 1\]"),
        ("pass_through_window", -1.0, "pass_through_window must be a positive finite number"),
    ],
)
def test_bad_parameters_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ScanParameters(**{field: value})  # type: ignore[arg-type]


def test_unknown_typology_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown typology"):
        scan(transfers(("t", "A", "B", 1.0, 0.0)), window=1.0, typologies=["smurfing"])


# --- properties: every flag is backed by its own transfers ---------------------------------

accounts = st.sampled_from("ABCDEF")
records = st.lists(
    st.tuples(accounts, accounts, st.integers(0, 12), st.integers(0, 30)), max_size=40
).map(
    lambda rows: [
        Transaction(f"t{i}", s, t, float(amount * 1000), float(time))
        for i, (s, t, amount, time) in enumerate(rows)
    ]
)


@settings(max_examples=60, deadline=None)
@given(records)
def test_every_flag_is_proved_by_its_transactions(rows: list[Transaction]) -> None:
    by_id = {row.id: row for row in rows}
    parameters = ScanParameters(
        fan_in_min_sources=2,
        fan_out_min_targets=2,
        cycle_max_length=4,
        scatter_gather_min_intermediates=2,
        gather_scatter_min_accounts=2,
        structuring_min_transfers=2,
    )

    flags = scan(
        TransactionSet.from_records(rows), window=5.0, threshold=10_000, parameters=parameters
    )

    for flag in flags:
        proof = [by_id[i] for i in flag.transactions]
        assert len(set(flag.transactions)) == len(proof)
        assert (flag.start, flag.end) == (
            min(p.timestamp for p in proof),
            max(p.timestamp for p in proof),
        )
        assert all(p.source != p.target for p in proof)
        hub = flag.accounts[0]
        if flag.type is Typology.CYCLE:
            assert [p.source for p in proof] == list(flag.accounts)
            assert proof[-1].target == proof[0].source
            assert all(a.timestamp < b.timestamp for a, b in itertools.pairwise(proof))
            assert flag.end - flag.start <= 5.0
        elif flag.type is Typology.FAN_IN:
            assert all(p.target == hub for p in proof)
            assert len({p.source for p in proof}) >= 2
        elif flag.type is Typology.STRUCTURING:
            assert all(p.source == hub and 9000 <= p.amount < 10_000 for p in proof)
        elif flag.type is Typology.RAPID_PASS_THROUGH:
            arrival, *payments = proof
            assert arrival.target == hub and all(p.source == hub for p in payments)
            assert all(arrival.timestamp < p.timestamp <= arrival.timestamp + 5 for p in payments)
            assert math.fsum(p.amount for p in payments) >= 0.9 * arrival.amount


# --- amount consistency of pass-through, payment hubs --------------------------------------------


def test_pass_through_ignores_a_large_payment_that_merely_follows_a_small_arrival() -> None:
    rows = [("in", "A", "MULE", 100.0, 0.0), ("o1", "MULE", "B", 5000.0, 1.0)]

    assert find(rows, Typology.RAPID_PASS_THROUGH) == []
    assert len(find(rows, Typology.RAPID_PASS_THROUGH, pass_through_max_ratio=50.0)) == 1


def test_pass_through_at_the_ceiling_is_still_flagged() -> None:
    rows = [("in", "A", "MULE", 1000.0, 0.0), ("o1", "MULE", "B", 1100.0, 1.0)]

    assert len(find(rows, Typology.RAPID_PASS_THROUGH, pass_through_max_ratio=1.1)) == 1
    assert find(rows, Typology.RAPID_PASS_THROUGH, pass_through_max_ratio=1.09) == []


def _hub_rows() -> list[tuple[str, str, str, float, float]]:
    # HUB receives from 6 payers and pays 6 receivers within one window: gather-scatter, fan-in.
    rows = [(f"i{k}", f"P{k}", "HUB", 100.0, float(k)) for k in range(6)]
    rows += [(f"o{k}", "HUB", f"R{k}", 100.0, 6.0 + k) for k in range(6)]
    return rows


def test_a_payment_hub_is_not_a_centre_of_patterns() -> None:
    rows = _hub_rows()

    assert len(find(rows, Typology.FAN_IN, window=20.0, hub_transfers=None)) == 1
    assert len(find(rows, Typology.GATHER_SCATTER, window=20.0, hub_transfers=None)) == 1
    # Six transfers in (and six out) within one window: more than five makes a hub.
    assert find(rows, Typology.FAN_IN, window=20.0, hub_transfers=5) == []
    assert find(rows, Typology.GATHER_SCATTER, window=20.0, hub_transfers=5) == []
    assert len(find(rows, Typology.FAN_IN, window=20.0, hub_transfers=6)) == 1


def test_a_hub_is_not_followed_around_a_cycle_but_others_are() -> None:
    rows = [*_hub_rows(), ("c1", "R0", "HUB", 50.0, 13.0), ("x1", "A", "B", 10.0, 0.0)]
    rows += [("x2", "B", "A", 10.0, 1.0)]

    cycles = find(rows, Typology.CYCLE, window=20.0, hub_transfers=5)

    assert [f.transactions for f in cycles] == [("x1", "x2")]
    assert ("o0", "c1") in [
        f.transactions for f in find(rows, Typology.CYCLE, window=20.0, hub_transfers=None)
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hub_transfers", 1, "hub_transfers must be None or an integer of at least 2"),
        ("hub_transfers", True, "hub_transfers must be None or an integer of at least 2"),
        (
            "pass_through_max_ratio",
            0.5,
            "pass_through_max_ratio must be a finite number of at least 1",
        ),
        ("pass_through_max_ratio", math.inf, "pass_through_max_ratio must be a finite number"),
    ],
)
def test_bad_hub_and_ceiling_parameters_are_refused(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ScanParameters(**{field: value})  # type: ignore[arg-type]
