"""The array entry points of graph analysis give the answers of the edge-list ones, at any size."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fener.analytics.graph.analysis import (
    communities,
    communities_of,
    components_of,
    connected_components,
    key_players,
    key_players_of,
)
from fener.analytics.graph.model import Transaction, TransactionSet

Edges = list[tuple[str, str, float]]

# Account ids deliberately not in code order, so that the name sorting inside the engine matters.
ACCOUNT_IDS = ["m", "b", "z", "a", "q", "c", "y", "d", "k", "e"]
transfer_rows = st.lists(
    st.tuples(
        st.integers(0, len(ACCOUNT_IDS) - 1),
        st.integers(0, len(ACCOUNT_IDS) - 1),
        st.sampled_from([0.0, 1.0, 2.5, 4.0, 700.0]),
    ),
    min_size=1,
    max_size=30,
)


def transaction_set(rows: list[tuple[int, int, float]]) -> TransactionSet:
    """A set over all of ACCOUNT_IDS (some may have no transfer) from (source, target, amount)."""
    return TransactionSet(
        sources=np.array([row[0] for row in rows], dtype=np.int64),
        targets=np.array([row[1] for row in rows], dtype=np.int64),
        amounts=np.array([row[2] for row in rows], dtype=np.float64),
        timestamps=np.arange(len(rows), dtype=np.float64),
        account_ids=list(ACCOUNT_IDS),
        transaction_ids=[f"t{number}" for number in range(len(rows))],
    )


def money_edges(transactions: TransactionSet) -> Edges:
    """The same transfers as an edge list, leaving out self-transfers and transfers of nothing."""
    ids = transactions.account_ids
    return [
        (ids[source], ids[target], amount)
        for source, target, amount in zip(
            transactions.sources.tolist(),
            transactions.targets.tolist(),
            transactions.amounts.tolist(),
            strict=True,
        )
        if source != target and amount > 0
    ]


def groups_of(labels: np.ndarray, ids: list[str]) -> list[set[str]]:
    """Turn labels per account code into the groups they number, in label order."""
    count = int(labels.max()) + 1 if (labels >= 0).any() else 0
    return [{ids[code] for code in np.flatnonzero(labels == label)} for label in range(count)]


def two_cliques_set() -> TransactionSet:
    """Two groups of five accounts paying each other a lot, joined by small transfers both ways."""
    pairs = [
        (f"{side}{first}", f"{side}{second}")
        for side in ("L", "R")
        for first in range(5)
        for second in range(first + 1, 5)
    ]
    records = [Transaction(f"t{n}", a, b, 100.0, 0.0) for n, (a, b) in enumerate(pairs)]
    records += [Transaction(f"u{n}", b, a, 100.0, 0.0) for n, (a, b) in enumerate(pairs)]
    records += [Transaction("bridge", "L0", "R0", 1.0, 0.0)]
    records += [Transaction("back", "R0", "L0", 1.0, 0.0)]
    return TransactionSet.from_records(records)


# Components ----------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(transfer_rows)
def test_components_of_equal_connected_components_in_the_same_order(
    rows: list[tuple[int, int, float]],
) -> None:
    transactions = transaction_set(rows)

    labels = components_of(transactions)

    assert groups_of(labels, ACCOUNT_IDS) == connected_components(money_edges(transactions))


def test_accounts_without_money_to_or_from_another_account_have_no_component() -> None:
    transactions = TransactionSet.from_records(
        [
            Transaction("t1", "x", "y", 5.0, 0.0),
            Transaction("t2", "self", "self", 50.0, 1.0),
            Transaction("t3", "x", "nothing", 0.0, 2.0),
        ]
    )

    labels = dict(zip(transactions.account_ids, components_of(transactions).tolist(), strict=True))

    assert labels == {"x": 0, "y": 0, "self": -1, "nothing": -1}


def test_components_of_a_large_random_set_equal_networkx() -> None:
    rng = np.random.default_rng(3)
    accounts, transfers = 3_000, 2_400
    transactions = TransactionSet(
        sources=rng.integers(0, accounts, transfers),
        targets=rng.integers(0, accounts, transfers),
        amounts=rng.uniform(1, 1_000, transfers),
        timestamps=np.zeros(transfers),
        account_ids=[f"acct{number}" for number in rng.permutation(accounts)],
        transaction_ids=[f"t{number}" for number in range(transfers)],
    )
    reference = nx.Graph()
    reference.add_edges_from((source, target) for source, target, _ in money_edges(transactions))
    expected = {frozenset(component) for component in nx.connected_components(reference)}

    found = groups_of(components_of(transactions), transactions.account_ids)

    assert {frozenset(component) for component in found} == expected
    assert [len(component) for component in found] == sorted(map(len, found), reverse=True)


def test_long_chains_in_shuffled_order_are_joined_whole() -> None:
    # Account codes in random order along two chains: the worst case for joining by rounds.
    rng = np.random.default_rng(5)
    order = rng.permutation(5_000)
    first, second = order[:3_000], order[3_000:]
    sources = np.concatenate((first[:-1], second[:-1]))
    targets = np.concatenate((first[1:], second[1:]))
    transactions = TransactionSet(
        sources=sources,
        targets=targets,
        amounts=np.ones(len(sources)),
        timestamps=np.zeros(len(sources)),
        account_ids=[f"acct{number:04d}" for number in range(5_000)],
        transaction_ids=[f"t{number}" for number in range(len(sources))],
    )

    labels = components_of(transactions)

    assert (labels[first] == 0).all()
    assert (labels[second] == 1).all()


# Communities ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(transfer_rows, st.integers(0, 3), st.sampled_from([None, 1, 2]))
def test_communities_of_equal_communities(
    rows: list[tuple[int, int, float]], seed: int, max_iterations: int | None
) -> None:
    transactions = transaction_set(rows)
    expected = communities(money_edges(transactions), seed=seed, max_iterations=max_iterations)

    labels = communities_of(transactions, seed=seed, max_iterations=max_iterations)

    found = {ACCOUNT_IDS[code]: label for code, label in enumerate(labels.tolist()) if label >= 0}
    assert found == expected
    assert all(ACCOUNT_IDS[code] not in expected for code in np.flatnonzero(labels < 0))


def test_communities_of_finds_the_two_planted_cliques() -> None:
    transactions = two_cliques_set()

    labels = communities_of(transactions)

    by_account = dict(zip(transactions.account_ids, labels.tolist(), strict=True))
    assert by_account == {**{f"L{n}": 0 for n in range(5)}, **{f"R{n}": 1 for n in range(5)}}


def test_one_leiden_iteration_still_gives_every_account_a_community() -> None:
    transactions = two_cliques_set()

    labels = communities_of(transactions, max_iterations=1, seed=4)

    assert (labels >= 0).all()
    assert labels.tolist() == communities_of(transactions, max_iterations=1, seed=4).tolist()


# Key players ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(transfer_rows)
def test_key_players_of_equal_key_players(rows: list[tuple[int, int, float]]) -> None:
    transactions = transaction_set(rows)
    edges = money_edges(transactions)
    groups = communities(edges)
    given_labels = np.array([groups.get(name, -1) for name in ACCOUNT_IDS], dtype=np.int64)

    with_leiden = key_players_of(transactions)
    with_given = key_players_of(transactions, communities=given_labels)

    assert with_leiden == key_players(edges)
    assert with_given == key_players(edges, groups)


def test_the_bridge_accounts_lead_the_key_players_of_two_cliques() -> None:
    players = key_players_of(two_cliques_set())

    assert {players[0].account, players[1].account} == {"L0", "R0"}
    assert players[0].broker_score == 1


def test_as_many_betweenness_sources_as_accounts_is_exact() -> None:
    transactions = two_cliques_set()

    assert key_players_of(transactions, betweenness_sources=10) == key_players_of(transactions)
    assert key_players_of(transactions, betweenness_sources=99) == key_players_of(transactions)


def test_sampled_betweenness_is_an_unbiased_estimate() -> None:
    # A hub through which much of the money runs, plus a side chain.
    rng = np.random.default_rng(11)
    edges = [(f"s{n}", "hub", 10.0) for n in range(6)] + [("hub", f"r{n}", 10.0) for n in range(6)]
    edges += [("r0", "x", 3.0), ("x", "y", 3.0), ("y", "s1", 3.0)]
    records = [
        Transaction(f"t{n}", source, target, amount, float(rng.integers(100)))
        for n, (source, target, amount) in enumerate(edges)
    ]
    transactions = TransactionSet.from_records(records)
    exact = {p.account: p.betweenness for p in key_players_of(transactions)}

    draws = 400
    mean = dict.fromkeys(exact, 0.0)
    for seed in range(draws):
        for player in key_players_of(transactions, betweenness_sources=8, seed=seed):
            mean[player.account] += player.betweenness / draws

    # Fixed seeds: the mean over 400 draws lands within 0.0065 of the exact values.
    for account, value in exact.items():
        assert mean[account] == pytest.approx(value, abs=0.015)
    assert exact["hub"] > 0.3


def test_sampling_sources_repeats_with_the_seed_and_leaves_the_other_measures_exact() -> None:
    transactions = two_cliques_set()
    exact = {player.account: player for player in key_players_of(transactions)}

    sampled = key_players_of(transactions, betweenness_sources=3, seed=2)

    assert sampled == key_players_of(transactions, betweenness_sources=3, seed=2)
    for player in sampled:
        assert player.pagerank == exact[player.account].pagerank
        assert player.broker_score == exact[player.account].broker_score


# Empty graphs and bad input ------------------------------------------------------------------


def test_a_set_of_only_self_transfers_has_no_graph() -> None:
    transactions = TransactionSet.from_records([Transaction("t1", "a", "a", 10.0, 0.0)])

    assert components_of(transactions).tolist() == [-1]
    assert communities_of(transactions).tolist() == [-1]
    assert key_players_of(transactions) == []


@pytest.mark.parametrize("analyse", [components_of, communities_of, key_players_of])
@pytest.mark.parametrize("transactions", [None, [("a", "b", 1.0)], "a,b,1"])
def test_only_a_transaction_set_is_accepted(analyse: object, transactions: object) -> None:
    assert callable(analyse)
    with pytest.raises(TypeError, match="transactions must be a TransactionSet"):
        analyse(transactions)


@pytest.mark.parametrize("analyse", [components_of, communities_of, key_players_of])
@pytest.mark.parametrize("amount", [-1.0, math.nan, math.inf])
def test_a_bad_amount_is_rejected_with_its_transfer(analyse: object, amount: float) -> None:
    transactions = transaction_set([(0, 1, 5.0), (1, 2, amount)])

    assert callable(analyse)
    with pytest.raises(ValueError, match=r"transfer 1 \('t1'\): amount must be finite"):
        analyse(transactions)


BAD_LEIDEN_OPTIONS = [
    *[("resolution", value) for value in (0, -1.0, math.nan, math.inf, True, "1")],
    *[("seed", value) for value in (1.5, "0", None, False)],
    *[("max_iterations", value) for value in (0, -1, 1.5, True, "2")],
]


@pytest.mark.parametrize(("option", "value"), BAD_LEIDEN_OPTIONS)
def test_communities_of_rejects_a_bad_option(option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        communities_of(two_cliques_set(), **{option: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4"])
def test_communities_rejects_a_bad_iteration_count(value: object) -> None:
    with pytest.raises(ValueError, match="max_iterations must be an integer of at least 1"):
        communities([("a", "b", 1.0)], max_iterations=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"betweenness_sources": 0}, "betweenness_sources must be an integer of at least 1"),
        ({"betweenness_sources": 2.0}, "betweenness_sources must be an integer"),
        ({"seed": "0"}, "seed must be an integer"),
        ({"communities": [0, 0, 0]}, r"one entry per account \(10\), got shape \(3,\)"),
        ({"communities": np.zeros(10)}, "integer array .* dtype float64"),
        ({"communities": np.array([0, -1] + [0] * 8)}, "no community for account 'L1'"),
    ],
)
def test_key_players_of_rejects_bad_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        key_players_of(two_cliques_set(), **options)  # type: ignore[arg-type]
