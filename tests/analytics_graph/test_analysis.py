"""Graph analysis of money flows, checked against networkx on small graphs."""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fener.analytics.graph.analysis import (
    communities,
    connected_components,
    key_players,
    shortest_path,
    simple_paths,
)

Edges = list[tuple[str, str, float]]

AMLSIM_ALERTS = Path("/work/shared/data/amlsim/generated_python_port/alert_transactions.csv")

# Ids from a small alphabet so that random graphs have several components and many paths.
node_ids = st.sampled_from([f"n{number}" for number in range(9)])
# Powers of two: 1 / weight is exact in binary, so equal-length routes tie exactly in both
# libraries and betweenness does not depend on rounding.
weights = st.sampled_from([1.0, 2.0, 4.0])
edge_lists = st.lists(st.tuples(node_ids, node_ids, weights), min_size=1, max_size=25)
# One edge per ordered pair: summed weights such as 1 + 2 would make 1 / weight inexact.
unique_pair_edge_lists = st.lists(
    st.tuples(node_ids, node_ids, weights),
    min_size=1,
    max_size=25,
    unique_by=lambda edge: (edge[0], edge[1]),
)


def summed_digraph(edges: Edges) -> nx.DiGraph:
    """The networkx reference graph: parallel edges added together, as the module does."""
    graph = nx.DiGraph()
    for source, target, weight in edges:
        previous = graph.get_edge_data(source, target, {"weight": 0.0})["weight"]
        graph.add_edge(source, target, weight=previous + weight)
    for _, _, data in graph.edges(data=True):
        data["distance"] = 1.0 / data["weight"]
    return graph


def two_cliques() -> Edges:
    """Two groups of five accounts paying each other a lot, joined by one small transfer."""
    left = [f"L{number}" for number in range(5)]
    right = [f"R{number}" for number in range(5)]
    edges = [(a, b, 100.0) for group in (left, right) for a, b in itertools.combinations(group, 2)]
    return [*edges, ("L0", "R0", 1.0)]


def amlsim_edges(rows: int = 400) -> Edges:
    """The first transfers of the AMLSim laundering alerts (IBM AMLSim, Python port sample)."""
    if not AMLSIM_ALERTS.exists():
        pytest.skip(f"{AMLSIM_ALERTS} is not available")
    with AMLSIM_ALERTS.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            (row["orig_acct"], row["bene_acct"], float(row["base_amt"]))
            for row in itertools.islice(reader, rows)
        ]


# Components ----------------------------------------------------------------------------------


def test_components_are_weak_and_ordered_largest_first_then_by_smallest_id() -> None:
    edges = [("x", "y", 1.0), ("b", "a", 2.0), ("c", "b", 3.0), ("q", "p", 1.0)]

    assert connected_components(edges) == [{"a", "b", "c"}, {"p", "q"}, {"x", "y"}]


def test_components_of_no_edges_is_empty() -> None:
    assert connected_components([]) == []


@settings(max_examples=60, deadline=None)
@given(edge_lists)
def test_components_equal_networkx(edges: Edges) -> None:
    expected = {frozenset(c) for c in nx.weakly_connected_components(summed_digraph(edges))}

    assert {frozenset(component) for component in connected_components(edges)} == expected


def test_components_of_amlsim_sample_equal_networkx() -> None:
    edges = amlsim_edges()
    expected = {frozenset(c) for c in nx.weakly_connected_components(summed_digraph(edges))}

    found = connected_components(edges)

    assert {frozenset(component) for component in found} == expected
    assert [len(component) for component in found] == sorted(map(len, found), reverse=True)


# Communities ---------------------------------------------------------------------------------


def test_leiden_finds_the_two_planted_cliques() -> None:
    membership = communities(two_cliques())

    assert membership == {**{f"L{n}": 0 for n in range(5)}, **{f"R{n}": 1 for n in range(5)}}


def test_leiden_numbers_communities_largest_first() -> None:
    edges = [*two_cliques(), ("R0", "R5", 100.0), ("R5", "R1", 100.0)]

    membership = communities(edges)

    assert membership["R5"] == membership["R0"] == 0
    assert membership["L0"] == 1


def test_leiden_with_the_same_seed_gives_the_same_communities() -> None:
    edges = amlsim_edges()

    first = communities(edges, seed=7)
    second = communities(edges, seed=7)

    assert first == second
    assert set(first) == {name for source, target, _ in edges for name in (source, target)}


def test_leiden_does_not_change_the_global_random_state() -> None:
    import random

    random.seed(123)
    expected = random.random()
    random.seed(123)

    communities(two_cliques(), seed=5)

    assert random.random() == expected


def test_higher_resolution_splits_into_more_communities() -> None:
    edges = amlsim_edges()

    coarse = communities(edges, resolution=0.1)
    fine = communities(edges, resolution=10.0)

    assert len(set(fine.values())) > len(set(coarse.values()))


@pytest.mark.parametrize("resolution", [0.0, -1.0, math.inf, math.nan, True, "1"])
def test_leiden_rejects_a_bad_resolution(resolution: object) -> None:
    with pytest.raises(ValueError, match="resolution"):
        communities(two_cliques(), resolution=resolution)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [1.5, "0", None, False])
def test_leiden_rejects_a_bad_seed(seed: object) -> None:
    with pytest.raises(ValueError, match="seed"):
        communities(two_cliques(), seed=seed)  # type: ignore[arg-type]


# Key players ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(unique_pair_edge_lists)
def test_pagerank_and_betweenness_equal_networkx(edges: Edges) -> None:
    reference = summed_digraph(edges)
    pagerank = nx.pagerank(reference, weight="weight", tol=1e-12, max_iter=10_000)
    betweenness = nx.betweenness_centrality(reference, weight="distance", normalized=True)

    players = {player.account: player for player in key_players(edges)}

    assert set(players) == set(reference)
    for account, player in players.items():
        assert player.pagerank == pytest.approx(pagerank[account], abs=1e-6)
        assert player.betweenness == pytest.approx(betweenness[account], abs=1e-9)


def test_pagerank_of_amlsim_sample_is_close_to_networkx() -> None:
    edges = amlsim_edges()
    expected = nx.pagerank(summed_digraph(edges), weight="weight", tol=1e-12, max_iter=10_000)

    players = key_players(edges)

    assert sum(player.pagerank for player in players) == pytest.approx(1.0)
    for player in players:
        assert player.pagerank == pytest.approx(expected[player.account], abs=1e-6)


def test_the_bridge_between_two_cliques_is_the_top_broker() -> None:
    # Money goes both ways inside each clique and across the bridge.
    edges = [
        *two_cliques(),
        *[(target, source, weight) for source, target, weight in two_cliques()],
    ]

    players = key_players(edges)

    by_account = {player.account: player for player in players}
    assert {players[0].account, players[1].account} == {"L0", "R0"}
    assert by_account["L0"].broker_score == by_account["R0"].broker_score == 1
    assert all(by_account[f"L{n}"].broker_score == 0 for n in range(1, 5))
    assert by_account["L0"].community != by_account["R0"].community


def test_key_players_are_sorted_by_mean_rank_and_numbered() -> None:
    edges = [
        ("w1", "c1", 100.0),
        ("w2", "c1", 80.0),
        ("w3", "c2", 90.0),
        ("w4", "c2", 60.0),
        ("c1", "boss", 150.0),
        ("c2", "boss", 120.0),
        ("boss", "c1", 20.0),
    ]
    groups = {"w1": 0, "w2": 0, "c1": 0, "w3": 1, "w4": 1, "c2": 1, "boss": 2}

    players = key_players(edges, groups)

    boss = players[0]
    assert (boss.account, boss.rank, boss.broker_score, boss.community) == ("boss", 1, 2, 2)
    # boss lies on the strongest route c2 -> c1 (through boss) and w3, w4 -> c1: 3 of 30 pairs.
    assert boss.betweenness == pytest.approx(3 / 30)
    assert boss.mean_rank == pytest.approx(4 / 3)
    assert [player.rank for player in players] == list(range(1, 8))
    assert [player.mean_rank for player in players] == sorted(p.mean_rank for p in players)
    # The four workers tie on every measure and follow in id order.
    assert [player.account for player in players[3:]] == ["w1", "w2", "w3", "w4"]


def test_key_players_use_leiden_when_no_communities_are_given() -> None:
    players = key_players(two_cliques())

    assert {player.account: player.community for player in players} == communities(two_cliques())


def test_key_players_of_no_edges_is_empty() -> None:
    assert key_players([]) == []


def test_key_players_reject_communities_missing_a_node() -> None:
    with pytest.raises(ValueError, match="no entry for 1 node"):
        key_players([("a", "b", 1.0)], {"a": 0})


def test_key_players_reject_a_non_integer_community() -> None:
    with pytest.raises(ValueError, match="must be an integer"):
        key_players([("a", "b", 1.0)], {"a": 0, "b": "zero"})  # type: ignore[dict-item]


# Paths ---------------------------------------------------------------------------------------


def test_shortest_path_ignores_direction() -> None:
    edges = [("a", "b", 1.0), ("c", "b", 1.0), ("c", "d", 1.0), ("a", "x", 1.0)]

    assert shortest_path(edges, "d", "a") == ["d", "c", "b", "a"]


def test_shortest_path_to_itself_and_between_components() -> None:
    edges = [("a", "b", 1.0), ("x", "y", 1.0)]

    assert shortest_path(edges, "a", "a") == ["a"]
    assert shortest_path(edges, "a", "y") == []


@settings(max_examples=60, deadline=None)
@given(edge_lists, node_ids, node_ids)
def test_shortest_path_length_equals_networkx(edges: Edges, a: str, b: str) -> None:
    reference = summed_digraph(edges).to_undirected()
    if a not in reference or b not in reference:
        return
    path = shortest_path(edges, a, b)

    if nx.has_path(reference, a, b):
        assert len(path) - 1 == nx.shortest_path_length(reference, a, b)
        assert path[0] == a and path[-1] == b
        assert all(reference.has_edge(u, v) for u, v in itertools.pairwise(path))
    else:
        assert path == []


@settings(max_examples=80, deadline=None)
@given(edge_lists, node_ids, node_ids, st.integers(min_value=1, max_value=5))
def test_simple_paths_equal_networkx(edges: Edges, a: str, b: str, max_length: int) -> None:
    reference = summed_digraph(edges).to_undirected()
    if a not in reference or b not in reference or a == b:
        return
    expected = {tuple(p) for p in nx.all_simple_paths(reference, a, b, cutoff=max_length)}

    paths = simple_paths(edges, a, b, max_length=max_length, limit=10_000)

    assert {tuple(path) for path in paths} == expected
    assert len(paths) == len(expected)
    assert [len(path) for path in paths] == sorted(len(path) for path in paths)


def test_simple_paths_stop_at_the_limit_keeping_the_shortest() -> None:
    # a reaches d directly, through b, through c, and through b and c.
    edges = [("a", "d", 1.0), ("a", "b", 1.0), ("b", "d", 1.0), ("a", "c", 1.0), ("c", "d", 1.0)]
    edges.append(("b", "c", 1.0))

    assert simple_paths(edges, "a", "d", limit=3) == [["a", "d"], ["a", "b", "d"], ["a", "c", "d"]]
    assert len(simple_paths(edges, "a", "d")) == 5
    assert simple_paths(edges, "a", "d", max_length=1) == [["a", "d"]]


def test_simple_paths_to_itself_and_out_of_reach() -> None:
    edges = [("a", "b", 1.0), ("b", "c", 1.0), ("c", "d", 1.0), ("x", "y", 1.0)]

    assert simple_paths(edges, "a", "a") == [["a"]]
    assert simple_paths(edges, "a", "d", max_length=2) == []
    assert simple_paths(edges, "a", "x") == []


@pytest.mark.parametrize("function", [shortest_path, simple_paths])
@pytest.mark.parametrize(("a", "b", "message"), [("a", "zz", "b 'zz'"), ("zz", "a", "a 'zz'")])
def test_paths_reject_an_unknown_node(function: object, a: str, b: str, message: str) -> None:
    assert callable(function)
    with pytest.raises(ValueError, match=f"{message} is not a node"):
        function([("a", "b", 1.0)], a, b)


@pytest.mark.parametrize("option", ["max_length", "limit"])
@pytest.mark.parametrize("value", [0, -1, 2.0, True, None])
def test_simple_paths_reject_a_bad_option(option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        simple_paths([("a", "b", 1.0)], "a", "b", **{option: value})  # type: ignore[arg-type]


# Bad edges -----------------------------------------------------------------------------------

BAD_EDGES: list[tuple[object, str]] = [
    ([("a", "b")], "edge 0: expected a \\(source, target, weight\\) triple"),
    ([("a", "b", 1.0), "abc"], "edge 1: expected a"),
    ([("a", "b", 1.0, 2.0)], "edge 0: expected a"),
    ([("", "b", 1.0)], "edge 0: source must be a non-empty string"),
    ([("a", 7, 1.0)], "edge 0: target must be a non-empty string"),
    ([("a", "b", 0.0)], "edge 0: weight must be positive"),
    ([("a", "b", -5.0)], "edge 0: weight must be positive"),
    ([("a", "b", math.nan)], "edge 0: weight must be positive and finite"),
    ([("a", "b", math.inf)], "edge 0: weight must be positive and finite"),
    ([("a", "b", "10")], "edge 0: weight must be a number"),
    ([("a", "b", True)], "edge 0: weight must be a number"),
    ("a,b,1", "edges must be an iterable of triples"),
    (None, "edges must be an iterable of triples"),
]


@pytest.mark.parametrize(("edges", "message"), BAD_EDGES)
@pytest.mark.parametrize(
    "analyse",
    [
        connected_components,
        communities,
        key_players,
        lambda edges: shortest_path(edges, "a", "b"),
        lambda edges: simple_paths(edges, "a", "b"),
    ],
    ids=["components", "communities", "key_players", "shortest_path", "simple_paths"],
)
def test_bad_edges_are_rejected_with_the_position_and_reason(
    analyse: object, edges: Sequence[object], message: str
) -> None:
    assert callable(analyse)
    with pytest.raises(ValueError, match=message):
        analyse(edges)


def test_parallel_transfers_count_as_one_summed_flow() -> None:
    split = [("a", "b", 30.0), ("a", "b", 70.0), ("b", "c", 100.0), ("c", "a", 50.0)]
    summed = [("a", "b", 100.0), ("b", "c", 100.0), ("c", "a", 50.0)]

    assert key_players(split, {"a": 0, "b": 0, "c": 0}) == key_players(
        summed, {"a": 0, "b": 0, "c": 0}
    )
