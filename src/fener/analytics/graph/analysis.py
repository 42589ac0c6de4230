"""Network analysis of money flows: components, communities, key players and paths.

The input everywhere is a directed weighted edge list: ``(source, target, weight)`` triples with
account (or entity) ids as non-empty strings and the weight a positive finite amount. Parallel
edges between the same pair in the same direction are added together, so a list of single
transfers and a list of totals per pair give the same answers. Nodes exist only through their
edges.

Which view of the graph each question uses:

- **components** and **paths** ignore direction: an investigator following links from one person
  to another does not care which way the money went;
- **communities** use the undirected graph with the weights of both directions added;
- **PageRank** follows the money (directed, weighted by amount); **betweenness** is directed with
  ``1 / weight`` as the length of an edge, so large flows are short, strong ties.

The graph algorithms are those of igraph; node ids are sorted before the graph is built so that
every result, including the order of ties, is the same from run to run.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import igraph

Edge = tuple[str, str, float]


@dataclass(frozen=True)
class _Graph:
    """Sorted node ids and the directed graph of summed weights built over them."""

    names: tuple[str, ...]
    index: Mapping[str, int]
    directed: igraph.Graph
    weights: tuple[float, ...]

    def undirected_weighted(self) -> tuple[igraph.Graph, list[float]]:
        """Return the undirected graph with the weights of both directions added."""
        totals: dict[tuple[int, int], float] = {}
        for (source, target), weight in zip(
            self.directed.get_edgelist(), self.weights, strict=True
        ):
            pair = (min(source, target), max(source, target))
            totals[pair] = totals.get(pair, 0.0) + weight
        pairs = sorted(totals)
        graph = igraph.Graph(n=len(self.names), edges=pairs, directed=False)
        return graph, [totals[pair] for pair in pairs]

    def vertex(self, name: str, role: str) -> int:
        """Return the vertex index of ``name`` or raise ``ValueError`` naming ``role``."""
        if not isinstance(name, str):
            raise ValueError(f"{role} must be a string id, got {type(name).__name__}")
        try:
            return self.index[name]
        except KeyError:
            raise ValueError(f"{role} {name!r} is not a node of the graph") from None


def _checked_edge(position: int, edge: object) -> Edge:
    """Return ``edge`` as an ``(source, target, weight)`` triple or raise ``ValueError``."""
    if isinstance(edge, (str, bytes)) or not isinstance(edge, Sequence) or len(edge) != 3:
        raise ValueError(
            f"edge {position}: expected a (source, target, weight) triple, got {edge!r}"
        )
    source, target, weight = edge
    for role, name in (("source", source), ("target", target)):
        if not isinstance(name, str) or not name:
            raise ValueError(f"edge {position}: {role} must be a non-empty string, got {name!r}")
    if isinstance(weight, bool) or not isinstance(weight, Real):
        raise ValueError(f"edge {position}: weight must be a number, got {weight!r}")
    amount = float(weight)
    if not math.isfinite(amount) or amount <= 0:
        raise ValueError(f"edge {position}: weight must be positive and finite, got {weight!r}")
    return source, target, amount


def _build(edges: Iterable[Sequence[object]]) -> _Graph:
    """Validate ``edges``, add up parallel ones and build the directed igraph graph."""
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Iterable):
        raise ValueError(f"edges must be an iterable of triples, got {type(edges).__name__}")
    totals: dict[tuple[str, str], float] = {}
    for position, edge in enumerate(edges):
        source, target, amount = _checked_edge(position, edge)
        totals[(source, target)] = totals.get((source, target), 0.0) + amount
    names = tuple(sorted({name for pair in totals for name in pair}))
    index = {name: number for number, name in enumerate(names)}
    pairs = sorted((index[source], index[target]) for source, target in totals)
    weights = tuple(totals[(names[source], names[target])] for source, target in pairs)
    graph = igraph.Graph(n=len(names), edges=pairs, directed=True)
    return _Graph(names=names, index=index, directed=graph, weights=weights)


def _ordered_groups(groups: Iterable[Iterable[str]]) -> list[set[str]]:
    """Return the groups as sets, largest first and then by smallest id."""
    sets = [set(group) for group in groups]
    return sorted(sets, key=lambda group: (-len(group), min(group)))


def connected_components(edges: Iterable[Sequence[object]]) -> list[set[str]]:
    """Split the graph into weakly connected components.

    Parameters
    ----------
    edges : iterable of (str, str, float)
        Directed weighted edges ``(source, target, weight)``.

    Returns
    -------
    list of set of str
        The components, largest first; components of equal size are ordered by their smallest id.

    Raises
    ------
    ValueError
        If an edge is not a triple of two non-empty string ids and a positive finite weight.

    Examples
    --------
    >>> components = connected_components([("a", "b", 10.0), ("c", "b", 5.0), ("x", "y", 1.0)])
    >>> [sorted(component) for component in components]
    [['a', 'b', 'c'], ['x', 'y']]
    """
    graph = _build(edges)
    clustering = graph.directed.connected_components(mode="weak")
    return _ordered_groups([graph.names[vertex] for vertex in members] for members in clustering)


def communities(
    edges: Iterable[Sequence[object]], *, resolution: float = 1.0, seed: int = 0
) -> dict[str, int]:
    """Find communities with the Leiden algorithm, maximising weighted modularity.

    The graph is undirected with the weights of both directions of a pair added together. Leiden
    runs until an iteration no longer improves the partition. igraph draws its random numbers from
    a ``random.Random(seed)`` for the run (and from the ``random`` module again afterwards), so
    the same edges and seed always give the same communities.

    Parameters
    ----------
    edges : iterable of (str, str, float)
        Directed weighted edges ``(source, target, weight)``.
    resolution : float, default 1.0
        Positive; higher values give more, smaller communities.
    seed : int, default 0
        Seed of the random number generator.

    Returns
    -------
    dict of str to int
        Community number of every node. Communities are numbered from 0, largest first and then
        by smallest id, so the numbers do not depend on the labels Leiden happened to assign.

    Raises
    ------
    ValueError
        If an edge is malformed, ``resolution`` is not positive and finite, or ``seed`` is not an
        integer.

    Examples
    --------
    >>> edges = [("a", "b", 5.0), ("b", "c", 5.0), ("c", "a", 5.0),
    ...          ("x", "y", 5.0), ("y", "z", 5.0), ("z", "x", 5.0), ("c", "x", 1.0)]
    >>> communities(edges)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1, 'z': 1}
    """
    if isinstance(resolution, bool) or not isinstance(resolution, Real):
        raise ValueError(f"resolution must be a number, got {resolution!r}")
    if not math.isfinite(resolution) or resolution <= 0:
        raise ValueError(f"resolution must be positive and finite, got {resolution!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    return _leiden(_build(edges), float(resolution), seed)


def _leiden(graph: _Graph, resolution: float, seed: int) -> dict[str, int]:
    """Run Leiden on the undirected view of ``graph`` and number the communities by size."""
    undirected, weights = graph.undirected_weighted()
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 - reproducible, not security
    try:
        clustering = undirected.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        igraph.set_random_number_generator(random)
    groups = _ordered_groups([graph.names[vertex] for vertex in members] for members in clustering)
    return {name: number for number, group in enumerate(groups) for name in sorted(group)}


@dataclass(frozen=True)
class KeyPlayer:
    """One account's standing in the network, by the measures that point to organisers.

    Attributes
    ----------
    account : str
        The node id.
    rank : int
        Position in the combined ranking, 1 for the most central account.
    pagerank : float
        Weighted directed PageRank: where the money ends up, following chains of payments.
    betweenness : float
        Directed betweenness with ``1 / weight`` as edge length, normalised by
        ``(n - 1) * (n - 2)`` to lie between 0 and 1: how often the account sits on the strongest
        route between two others.
    broker_score : int
        Number of distinct communities other than its own that the account has a link with, in
        either direction.
    community : int
        The account's community.
    mean_rank : float
        Mean of the account's ranks on the three measures (the sort key, see :func:`key_players`).
    """

    account: str
    rank: int
    pagerank: float
    betweenness: float
    broker_score: int
    community: int
    mean_rank: float


def _competition_ranks(values: Sequence[float]) -> list[int]:
    """Rank ``values`` from the highest (rank 1); equal values share the best rank among them."""
    ordered = sorted(values, reverse=True)
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return [first_position[value] for value in values]


def _broker_scores(graph: _Graph, membership: Mapping[str, int]) -> list[int]:
    """Count, for each node, the other communities among its neighbours."""
    reached: list[set[int]] = [set() for _ in graph.names]
    for source, target in graph.directed.get_edgelist():
        source_community = membership[graph.names[source]]
        target_community = membership[graph.names[target]]
        if source_community != target_community:
            reached[source].add(target_community)
            reached[target].add(source_community)
    return [len(communities_reached) for communities_reached in reached]


def _membership(graph: _Graph, given: Mapping[str, int] | None) -> dict[str, int]:
    """Return the community of every node: ``given`` after checking it, or Leiden's."""
    if given is None:
        return _leiden(graph, resolution=1.0, seed=0)
    if not isinstance(given, Mapping):
        raise ValueError(f"communities must be a mapping of id to int, got {type(given).__name__}")
    missing = [name for name in graph.names if name not in given]
    if missing:
        raise ValueError(
            f"communities has no entry for {len(missing)} node(s), e.g. {missing[0]!r}"
        )
    membership: dict[str, int] = {}
    for name in graph.names:
        community = given[name]
        if isinstance(community, bool) or not isinstance(community, int):
            raise ValueError(f"community of {name!r} must be an integer, got {community!r}")
        membership[name] = community
    return membership


def key_players(
    edges: Iterable[Sequence[object]], communities: Mapping[str, int] | None = None
) -> list[KeyPlayer]:
    """Rank accounts by PageRank on money flow, betweenness and brokerage between communities.

    Each account is ranked on each of the three measures (1 for the highest; ties share the best
    rank). The combined order is by the mean of the three ranks, lowest first, then by higher
    PageRank, then by id. A mean of ranks keeps the three measures on the same footing without
    having to compare a probability, a fraction of routes and a count.

    Parameters
    ----------
    edges : iterable of (str, str, float)
        Directed weighted edges ``(source, target, weight)``; weights are amounts of money.
    communities : mapping of str to int, optional
        Community of every node, for instance from :func:`communities`; computed with its
        defaults when omitted.

    Returns
    -------
    list of KeyPlayer
        Every node, best first.

    Raises
    ------
    ValueError
        If an edge is malformed or ``communities`` lacks a node or has a non-integer community.

    Examples
    --------
    Workers pay two collectors, who pass the money on to the boss:

    >>> edges = [("w1", "c1", 100.0), ("w2", "c1", 80.0), ("w3", "c2", 90.0),
    ...          ("w4", "c2", 60.0), ("c1", "boss", 150.0), ("c2", "boss", 120.0),
    ...          ("boss", "c1", 20.0)]
    >>> groups = {"w1": 0, "w2": 0, "c1": 0, "w3": 1, "w4": 1, "c2": 1, "boss": 2}
    >>> [(player.account, player.broker_score) for player in key_players(edges, groups)[:3]]
    [('boss', 2), ('c2', 1), ('c1', 1)]
    """
    graph = _build(edges)
    if not graph.names:
        return []
    membership = _membership(graph, communities)
    pagerank = [float(value) for value in graph.directed.pagerank(weights=list(graph.weights))]
    lengths = [1.0 / weight for weight in graph.weights]
    count = len(graph.names)
    scale = float((count - 1) * (count - 2)) if count > 2 else 1.0
    betweenness = [
        float(value) / scale for value in graph.directed.betweenness(directed=True, weights=lengths)
    ]
    brokers = _broker_scores(graph, membership)
    ranks = zip(
        _competition_ranks(pagerank),
        _competition_ranks(betweenness),
        _competition_ranks([float(score) for score in brokers]),
        strict=True,
    )
    mean_ranks = [sum(triple) / 3.0 for triple in ranks]
    order = sorted(range(count), key=lambda v: (mean_ranks[v], -pagerank[v], graph.names[v]))
    return [
        KeyPlayer(
            account=graph.names[vertex],
            rank=position,
            pagerank=pagerank[vertex],
            betweenness=betweenness[vertex],
            broker_score=brokers[vertex],
            community=membership[graph.names[vertex]],
            mean_rank=mean_ranks[vertex],
        )
        for position, vertex in enumerate(order, start=1)
    ]


def shortest_path(edges: Iterable[Sequence[object]], a: str, b: str) -> list[str]:
    """Find a path with the fewest links between two nodes, ignoring direction.

    Parameters
    ----------
    edges : iterable of (str, str, float)
        Directed weighted edges ``(source, target, weight)``; weights are not used.
    a, b : str
        The two ends.

    Returns
    -------
    list of str
        The node ids from ``a`` to ``b``; ``[a]`` when ``a == b`` and ``[]`` when no path exists.
        When several paths are equally short, igraph's breadth-first search over sorted ids picks
        the same one every time.

    Raises
    ------
    ValueError
        If an edge is malformed or ``a`` or ``b`` is not a node of the graph.

    Examples
    --------
    >>> shortest_path([("a", "b", 1.0), ("c", "b", 1.0), ("c", "d", 1.0)], "a", "d")
    ['a', 'b', 'c', 'd']
    """
    graph = _build(edges)
    start, end = graph.vertex(a, "a"), graph.vertex(b, "b")
    with warnings.catch_warnings():
        # igraph warns when the ends are in different components; the empty path says so.
        warnings.filterwarnings("ignore", message="Couldn't reach some vertices")
        vertices = graph.directed.get_shortest_path(start, end, mode="all", output="vpath")
    return [graph.names[vertex] for vertex in vertices]


def _positive_int(value: object, role: str) -> int:
    """Return ``value`` if it is an integer of at least 1, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{role} must be an integer of at least 1, got {value!r}")
    return value


def simple_paths(
    edges: Iterable[Sequence[object]], a: str, b: str, *, max_length: int = 4, limit: int = 100
) -> list[list[str]]:
    """List the simple paths between two nodes, ignoring direction, shortest first.

    A simple path visits no node twice. Paths are enumerated length by length (in links) and,
    within a length, in order of their ids; enumeration stops as soon as ``limit`` paths are
    found, so the result is always the ``limit`` first paths in that order. A branch is followed
    only while ``b`` is still within reach in the links left, which keeps the search small
    around hubs.

    Parameters
    ----------
    edges : iterable of (str, str, float)
        Directed weighted edges ``(source, target, weight)``; weights are not used.
    a, b : str
        The two ends.
    max_length : int, default 4
        Longest path to report, in links.
    limit : int, default 100
        Most paths to report.

    Returns
    -------
    list of list of str
        The paths, each from ``a`` to ``b``; ``[[a]]`` when ``a == b``.

    Raises
    ------
    ValueError
        If an edge is malformed, ``a`` or ``b`` is not a node, or ``max_length`` or ``limit`` is
        not a positive integer.

    Examples
    --------
    >>> edges = [("a", "b", 1.0), ("b", "d", 1.0), ("a", "c", 1.0), ("d", "c", 1.0)]
    >>> simple_paths(edges, "a", "d")
    [['a', 'b', 'd'], ['a', 'c', 'd']]
    """
    longest = _positive_int(max_length, "max_length")
    most = _positive_int(limit, "limit")
    graph = _build(edges)
    start, end = graph.vertex(a, "a"), graph.vertex(b, "b")
    if start == end:
        return [[a]]
    neighbours = [sorted(set(row) - {v}) for v, row in enumerate(graph.directed.get_adjlist("all"))]
    to_end = [float(hops) for hops in graph.directed.distances(source=end, mode="all")[0]]
    if to_end[start] > longest:
        return []
    found: list[list[int]] = []
    for length in range(int(to_end[start]), longest + 1):
        _extend([start], length, end, neighbours, to_end, found, most)
        if len(found) >= most:
            break
    return [[graph.names[vertex] for vertex in path] for path in found]


def _extend(
    path: list[int],
    length: int,
    end: int,
    neighbours: Sequence[Sequence[int]],
    to_end: Sequence[float],
    found: list[list[int]],
    most: int,
) -> None:
    """Depth-first search for simple paths of exactly ``length`` links from ``path`` to ``end``."""
    left = length - (len(path) - 1)
    for vertex in neighbours[path[-1]]:
        if len(found) >= most:
            return
        if vertex == end:
            if left == 1:
                found.append([*path, end])
            continue
        if vertex in path or to_end[vertex] > left - 1:
            continue
        path.append(vertex)
        _extend(path, length, end, neighbours, to_end, found, most)
        path.pop()
