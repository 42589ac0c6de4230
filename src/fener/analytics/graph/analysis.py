"""Network analysis of money flows: components, communities, key players and paths.

Two ways in. The functions named after a question (:func:`connected_components`,
:func:`communities`, :func:`key_players`, :func:`shortest_path`, :func:`simple_paths`) take a
directed weighted edge list: ``(source, target, weight)`` triples with account (or entity) ids as
non-empty strings and the weight a positive finite amount. The functions ending in ``_of``
(:func:`components_of`, :func:`communities_of`, :func:`key_players_of`) take a
:class:`~fener.analytics.graph.model.TransactionSet` and work on its numpy columns, which is what
national-scale sets need; their answers are arrays indexed by account code. Both give the same
answers on the same transfers (the tests check it), because they share one numpy core.

Parallel edges between the same pair in the same direction are added together, so a list of
single transfers and a list of totals per pair give the same answers. Nodes exist only through
their edges; for a transaction set, transfers from an account to itself and transfers of no money
are left out, as the typology scan leaves them out.

Which view of the graph each question uses:

- **components** and **paths** ignore direction: an investigator following links from one person
  to another does not care which way the money went;
- **communities** use the undirected graph with the weights of both directions added;
- **PageRank** follows the money (directed, weighted by amount); **betweenness** is directed with
  ``1 / weight`` as the length of an edge, so large flows are short, strong ties.

Components are found by a union-find over numpy arrays (several times faster than building a
sparse matrix or an igraph graph first); the other algorithms are igraph's. Nodes are numbered in
the order of their sorted ids before the igraph graph is built, so that every result, including
the order of ties, is the same from run to run and from one way in to the other.
"""

from __future__ import annotations

import functools
import math
import random
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import igraph
import numpy as np
import numpy.typing as npt

from fener.analytics.graph.model import TransactionSet

Edge = tuple[str, str, float]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

UNTIL_STABLE = -1
"""igraph's ``n_iterations`` for "run Leiden until an iteration changes nothing"."""


@dataclass(frozen=True)
class _Graph:
    """Directed graph of summed weights over nodes numbered in the order of their sorted ids.

    Edge ``i`` goes from node ``sources[i]`` to node ``targets[i]`` and carries ``weights[i]``;
    the pairs are distinct and sorted.
    """

    names: Sequence[str]
    sources: IntArray
    targets: IntArray
    weights: FloatArray

    @property
    def count(self) -> int:
        """Return the number of nodes."""
        return len(self.names)

    @functools.cached_property
    def directed(self) -> igraph.Graph:
        """Return the directed igraph graph (one edge per pair, in the order of the arrays)."""
        edges = np.column_stack((self.sources, self.targets))
        return igraph.Graph(n=self.count, edges=edges, directed=True)

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Return the node number of every id."""
        return {name: number for number, name in enumerate(self.names)}

    def undirected_weighted(self) -> tuple[igraph.Graph, list[float]]:
        """Return the undirected graph with the weights of both directions added."""
        count = max(self.count, 1)
        low = np.minimum(self.sources, self.targets)
        high = np.maximum(self.sources, self.targets)
        pairs, position = np.unique(low * count + high, return_inverse=True)
        totals = np.bincount(position, weights=self.weights, minlength=len(pairs))
        edges = np.column_stack((pairs // count, pairs % count))
        return igraph.Graph(n=self.count, edges=edges, directed=False), totals.tolist()

    def vertex(self, name: str, role: str) -> int:
        """Return the vertex index of ``name`` or raise ``ValueError`` naming ``role``."""
        if not isinstance(name, str):
            raise ValueError(f"{role} must be a string id, got {type(name).__name__}")
        try:
            return self.index[name]
        except KeyError:
            raise ValueError(f"{role} {name!r} is not a node of the graph") from None


def _graph_of_codes(
    sources: IntArray, targets: IntArray, amounts: FloatArray, names: Sequence[str]
) -> tuple[_Graph, IntArray]:
    """Build the graph over the codes that take part in an edge; return it and each node's code.

    Parallel edges are added up in the order they come, as a running total would be.
    """
    used = np.zeros(len(names), dtype=bool)
    used[sources] = True
    used[targets] = True
    codes = np.array(sorted(np.flatnonzero(used).tolist(), key=names.__getitem__), dtype=np.int64)
    node_of = np.full(len(names), -1, dtype=np.int64)
    node_of[codes] = np.arange(len(codes), dtype=np.int64)
    count = max(len(codes), 1)
    pairs, position = np.unique(node_of[sources] * count + node_of[targets], return_inverse=True)
    weights = np.bincount(position, weights=amounts, minlength=len(pairs)).astype(np.float64)
    graph = _Graph(
        names=[names[code] for code in codes.tolist()],
        sources=pairs // count,
        targets=pairs % count,
        weights=weights,
    )
    return graph, codes


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
    """Validate ``edges``, add up parallel ones and build the directed graph."""
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Iterable):
        raise ValueError(f"edges must be an iterable of triples, got {type(edges).__name__}")
    codes: dict[str, int] = {}
    sources: list[int] = []
    targets: list[int] = []
    amounts: list[float] = []
    for position, edge in enumerate(edges):
        source, target, amount = _checked_edge(position, edge)
        sources.append(codes.setdefault(source, len(codes)))
        targets.append(codes.setdefault(target, len(codes)))
        amounts.append(amount)
    graph, _ = _graph_of_codes(
        np.array(sources, dtype=np.int64),
        np.array(targets, dtype=np.int64),
        np.array(amounts, dtype=np.float64),
        list(codes),
    )
    return graph


def _money_transfers(transactions: object) -> tuple[IntArray, IntArray, FloatArray]:
    """Return the columns of the transfers that move money between two different accounts."""
    if not isinstance(transactions, TransactionSet):
        raise TypeError(f"transactions must be a TransactionSet, got {type(transactions).__name__}")
    amounts = np.asarray(transactions.amounts, dtype=np.float64)
    bad = ~np.isfinite(amounts) | (amounts < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"transfer {row} ({transactions.transaction_ids[row]!r}): amount must be finite "
            f"and not negative, got {amounts[row]!r}"
        )
    sources = np.asarray(transactions.sources, dtype=np.int64)
    targets = np.asarray(transactions.targets, dtype=np.int64)
    keep = (sources != targets) & (amounts > 0)
    return sources[keep], targets[keep], amounts[keep]


def _numbered_largest_first(
    labels: IntArray, name_of: Callable[[int], str] | None = None
) -> IntArray:
    """Renumber groups from 0, largest first and then by smallest id.

    ``name_of`` gives the id of a node; without it nodes are numbered in id order already, so the
    smallest id of a group is its smallest node. Ids are only looked up for groups whose size
    another group shares.
    """
    if len(labels) == 0:
        return np.empty(0, dtype=np.int64)
    _, labels = np.unique(labels, return_inverse=True)
    sizes = np.bincount(labels)
    if name_of is None:
        _, first = np.unique(labels, return_index=True)
        order = np.lexsort((first, -sizes))
    else:
        tied = np.bincount(sizes)[sizes] > 1
        smallest: list[str | None] = [None] * len(sizes)
        for node in np.flatnonzero(tied[labels]).tolist():
            group, name = int(labels[node]), name_of(node)
            current = smallest[group]
            if current is None or name < current:
                smallest[group] = name
        order = np.array(
            sorted(range(len(sizes)), key=lambda group: (-sizes[group], smallest[group] or "")),
            dtype=np.int64,
        )
    number = np.empty(len(sizes), dtype=np.int64)
    number[order] = np.arange(len(sizes), dtype=np.int64)
    return number[labels].astype(np.int64)


def _component_roots(sources: IntArray, targets: IntArray, count: int) -> IntArray:
    """Return, for every node, the smallest node of its weakly connected component.

    Union-find over whole arrays: in each round every edge whose ends lie in different trees
    hooks the larger root under the smaller one, and then every node jumps straight to its root.
    Each round removes at least one root per edge still crossing two trees, and edges inside one
    tree are dropped, so the rounds are few and get cheaper. Hooks always point to a smaller
    node, so the root of a tree is its smallest node.
    """
    parent = np.arange(count, dtype=np.int64)
    low, high = sources, targets
    while len(low):
        low, high = parent[low], parent[high]
        crossing = low != high
        low, high = low[crossing], high[crossing]
        low, high = np.minimum(low, high), np.maximum(low, high)
        np.minimum.at(parent, high, low)
        while True:
            grandparent = parent[parent]
            if np.array_equal(grandparent, parent):
                break
            parent = grandparent
    return parent


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
    labels = _numbered_largest_first(_component_roots(graph.sources, graph.targets, graph.count))
    groups: list[set[str]] = [set() for _ in range(int(labels.max()) + 1 if len(labels) else 0)]
    for node, group in enumerate(labels.tolist()):
        groups[group].add(graph.names[node])
    return groups


def components_of(transactions: TransactionSet) -> IntArray:
    """Label every account with its weakly connected component, from the columns directly.

    Parameters
    ----------
    transactions : TransactionSet
        The transfers; those from an account to itself and those of no money are left out.

    Returns
    -------
    numpy.ndarray of int64
        For each account code (index into ``transactions.account_ids``), its component: 0 for
        the largest, components of equal size ordered by their smallest account id, as in
        :func:`connected_components`. Accounts without a transfer to or from another account
        have ``-1``.

    Raises
    ------
    TypeError
        If ``transactions`` is not a TransactionSet.
    ValueError
        If an amount is negative or not finite.

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> transfers = TransactionSet.from_records([
    ...     Transaction("t1", "x", "y", 5.0, 0.0), Transaction("t2", "a", "b", 9.0, 1.0),
    ...     Transaction("t3", "c", "b", 2.0, 2.0), Transaction("t4", "q", "q", 1.0, 3.0)])
    >>> transfers.account_ids, components_of(transfers).tolist()
    (['x', 'y', 'a', 'b', 'c', 'q'], [1, 1, 0, 0, 0, -1])
    """
    sources, targets, _ = _money_transfers(transactions)
    ids = transactions.account_ids
    result = np.full(len(ids), -1, dtype=np.int64)
    if len(sources) == 0:
        return result
    roots = _component_roots(sources, targets, len(ids))
    used = np.zeros(len(ids), dtype=bool)
    used[sources] = True
    used[targets] = True
    codes = np.flatnonzero(used)
    code_list = codes.tolist()
    result[codes] = _numbered_largest_first(roots[codes], lambda node: ids[code_list[node]])
    return result


def _checked_leiden_options(resolution: object, seed: object, max_iterations: object) -> int:
    """Check the options of Leiden; return igraph's ``n_iterations`` for ``max_iterations``."""
    if isinstance(resolution, bool) or not isinstance(resolution, Real):
        raise ValueError(f"resolution must be a number, got {resolution!r}")
    if not math.isfinite(resolution) or resolution <= 0:
        raise ValueError(f"resolution must be positive and finite, got {resolution!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if max_iterations is None:
        return UNTIL_STABLE
    return _positive_int(max_iterations, "max_iterations")


def communities(
    edges: Iterable[Sequence[object]],
    *,
    resolution: float = 1.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> dict[str, int]:
    """Find communities with the Leiden algorithm, maximising weighted modularity.

    The graph is undirected with the weights of both directions of a pair added together. Leiden
    runs until an iteration no longer changes the partition, or for ``max_iterations``
    iterations. igraph draws its random numbers from a ``random.Random(seed)`` for the run (and
    from the ``random`` module again afterwards), so the same edges and seed always give the
    same communities.

    Parameters
    ----------
    edges : iterable of (str, str, float)
        Directed weighted edges ``(source, target, weight)``.
    resolution : float, default 1.0
        Positive; higher values give more, smaller communities.
    seed : int, default 0
        Seed of the random number generator.
    max_iterations : int, optional
        Stop after this many iterations. On large graphs the last iterations before the
        partition is stable move few nodes and gain little modularity, but take most of the time.

    Returns
    -------
    dict of str to int
        Community number of every node. Communities are numbered from 0, largest first and then
        by smallest id, so the numbers do not depend on the labels Leiden happened to assign.

    Raises
    ------
    ValueError
        If an edge is malformed, ``resolution`` is not positive and finite, ``seed`` is not an
        integer or ``max_iterations`` is not a positive integer.

    Examples
    --------
    >>> edges = [("a", "b", 5.0), ("b", "c", 5.0), ("c", "a", 5.0),
    ...          ("x", "y", 5.0), ("y", "z", 5.0), ("z", "x", 5.0), ("c", "x", 1.0)]
    >>> communities(edges)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1, 'z': 1}
    """
    iterations = _checked_leiden_options(resolution, seed, max_iterations)
    graph = _build(edges)
    membership = _leiden(graph, float(resolution), seed, iterations)
    order = np.argsort(membership, kind="stable").tolist()
    numbers = membership.tolist()
    return {graph.names[node]: numbers[node] for node in order}


def communities_of(
    transactions: TransactionSet,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> IntArray:
    """Find communities with Leiden, from the columns of a transaction set.

    The same graph, algorithm and numbering as :func:`communities`, which gives the same answer
    for the same transfers given as ``(source id, target id, amount)`` triples.

    Parameters
    ----------
    transactions : TransactionSet
        The transfers; those from an account to itself and those of no money are left out.
    resolution : float, default 1.0
        Positive; higher values give more, smaller communities.
    seed : int, default 0
        Seed of the random number generator.
    max_iterations : int, optional
        Stop after this many iterations instead of when the partition is stable.

    Returns
    -------
    numpy.ndarray of int64
        For each account code, its community (0 for the largest); ``-1`` for accounts without a
        transfer to or from another account.

    Raises
    ------
    TypeError
        If ``transactions`` is not a TransactionSet.
    ValueError
        If an amount is negative or not finite, or an option is out of range (as in
        :func:`communities`).

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> pairs = [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")]
    >>> records = [Transaction(f"t{i}", s, t, 5.0, 0.0) for i, (s, t) in enumerate(pairs)]
    >>> transfers = TransactionSet.from_records([*records, Transaction("u", "c", "x", 1.0, 0.0)])
    >>> communities_of(transfers).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    iterations = _checked_leiden_options(resolution, seed, max_iterations)
    sources, targets, amounts = _money_transfers(transactions)
    graph, codes = _graph_of_codes(sources, targets, amounts, transactions.account_ids)
    result = np.full(len(transactions.account_ids), -1, dtype=np.int64)
    result[codes] = _leiden(graph, float(resolution), seed, iterations)
    return result


def _leiden(graph: _Graph, resolution: float, seed: int, iterations: int) -> IntArray:
    """Run Leiden on the undirected view of ``graph``; return each node's numbered community."""
    if graph.count == 0:
        return np.empty(0, dtype=np.int64)
    undirected, weights = graph.undirected_weighted()
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 - reproducible, not security
    try:
        clustering = undirected.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=iterations,
        )
    finally:
        igraph.set_random_number_generator(random)
    return _numbered_largest_first(np.asarray(clustering.membership, dtype=np.int64))


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
        route between two others (an estimate when only some sources are followed, see
        :func:`key_players_of`).
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


def _competition_ranks(values: npt.NDArray[np.float64] | IntArray) -> IntArray:
    """Rank ``values`` from the highest (rank 1); equal values share the best rank among them."""
    higher = len(values) - np.searchsorted(np.sort(values), values, side="right")
    return (higher + 1).astype(np.int64)


def _broker_scores(graph: _Graph, membership: IntArray) -> IntArray:
    """Count, for each node, the other communities among its neighbours."""
    _, community = np.unique(membership, return_inverse=True)
    groups = int(community.max()) + 1
    source_community = community[graph.sources]
    target_community = community[graph.targets]
    across = source_community != target_community
    reached = np.unique(
        np.concatenate(
            (
                graph.sources[across] * groups + target_community[across],
                graph.targets[across] * groups + source_community[across],
            )
        )
    )
    return np.bincount(reached // groups, minlength=graph.count).astype(np.int64)


def _membership(graph: _Graph, given: Mapping[str, int] | None) -> IntArray:
    """Return the community of every node: ``given`` after checking it, or Leiden's."""
    if given is None:
        return _leiden(graph, 1.0, 0, UNTIL_STABLE)
    if not isinstance(given, Mapping):
        raise ValueError(f"communities must be a mapping of id to int, got {type(given).__name__}")
    missing = [name for name in graph.names if name not in given]
    if missing:
        raise ValueError(
            f"communities has no entry for {len(missing)} node(s), e.g. {missing[0]!r}"
        )
    membership: list[int] = []
    for name in graph.names:
        community = given[name]
        if isinstance(community, bool) or not isinstance(community, int):
            raise ValueError(f"community of {name!r} must be an integer, got {community!r}")
        membership.append(community)
    return np.array(membership, dtype=np.int64)


def _ranked_players(
    graph: _Graph, membership: IntArray, betweenness_sources: IntArray | None = None
) -> list[KeyPlayer]:
    """Measure and rank every node of a non-empty graph (see :func:`key_players`)."""
    count = graph.count
    pagerank = np.array(graph.directed.pagerank(weights=graph.weights.tolist()), dtype=np.float64)
    lengths = (1.0 / graph.weights).tolist()
    scale = float((count - 1) * (count - 2)) if count > 2 else 1.0
    if betweenness_sources is None:
        routes = graph.directed.betweenness(directed=True, weights=lengths)
        betweenness = np.array(routes, dtype=np.float64) / scale
    else:
        routes = graph.directed.betweenness(
            directed=True, weights=lengths, sources=betweenness_sources.tolist()
        )
        betweenness = np.array(routes, dtype=np.float64) * (count / len(betweenness_sources))
        betweenness /= scale
    brokers = _broker_scores(graph, membership)
    ranks = (
        _competition_ranks(pagerank) + _competition_ranks(betweenness) + _competition_ranks(brokers)
    )
    mean_ranks = ranks / 3.0
    order = np.lexsort((np.arange(count), -pagerank, mean_ranks)).tolist()
    pageranks, routes_through = pagerank.tolist(), betweenness.tolist()
    broker_list, community_list, mean_list = (
        brokers.tolist(),
        membership.tolist(),
        mean_ranks.tolist(),
    )
    return [
        KeyPlayer(
            account=graph.names[node],
            rank=position,
            pagerank=pageranks[node],
            betweenness=routes_through[node],
            broker_score=broker_list[node],
            community=community_list[node],
            mean_rank=mean_list[node],
        )
        for position, node in enumerate(order, start=1)
    ]


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
    if not graph.count:
        return []
    return _ranked_players(graph, _membership(graph, communities))


def key_players_of(
    transactions: TransactionSet,
    *,
    communities: npt.ArrayLike | None = None,
    betweenness_sources: int | None = None,
    seed: int = 0,
) -> list[KeyPlayer]:
    """Rank accounts as :func:`key_players` does, from the columns of a transaction set.

    Exact betweenness follows the shortest routes from every account, which is out of reach for
    hundreds of thousands of accounts. With ``betweenness_sources=k`` the routes from ``k``
    accounts drawn at random (seeded) are followed and the counts scaled by ``n / k``: an unbiased
    estimate whose error shrinks as ``k`` grows. PageRank and brokerage are always exact.

    Parameters
    ----------
    transactions : TransactionSet
        The transfers; those from an account to itself and those of no money are left out.
    communities : array of int, optional
        Community per account code, such as :func:`communities_of` returns; every account in the
        graph needs one (not negative). Leiden with its defaults and ``seed`` when omitted.
    betweenness_sources : int, optional
        Number of accounts whose routes are followed; all of them (exact) when omitted or when
        it is at least the number of accounts in the graph.
    seed : int, default 0
        Seed for Leiden and for drawing the sources.

    Returns
    -------
    list of KeyPlayer
        Every account with a transfer to or from another account, best first.

    Raises
    ------
    TypeError
        If ``transactions`` is not a TransactionSet.
    ValueError
        If an amount is negative or not finite, ``communities`` does not hold an integer (not
        negative) for every account of the graph, ``betweenness_sources`` is not a positive
        integer or ``seed`` is not an integer.

    Examples
    --------
    ``c1`` collects from two workers and passes the money on, so it outranks ``boss``:

    >>> from fener.analytics.graph.model import Transaction
    >>> flows = [("w1", "c1"), ("w2", "c1"), ("c1", "boss"), ("c2", "boss"), ("w3", "c2")]
    >>> transfers = TransactionSet.from_records(
    ...     [Transaction(f"t{i}", s, t, 100.0, 0.0) for i, (s, t) in enumerate(flows)])
    >>> [player.account for player in key_players_of(transfers)[:3]]
    ['c1', 'boss', 'c2']
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if betweenness_sources is not None:
        _positive_int(betweenness_sources, "betweenness_sources")
    sources, targets, amounts = _money_transfers(transactions)
    graph, codes = _graph_of_codes(sources, targets, amounts, transactions.account_ids)
    if not graph.count:
        return []
    if communities is None:
        membership = _leiden(graph, 1.0, seed, UNTIL_STABLE)
    else:
        membership = _given_communities(communities, codes, transactions.account_ids)
    chosen = None
    if betweenness_sources is not None and betweenness_sources < graph.count:
        generator = np.random.default_rng(seed)
        chosen = np.sort(generator.choice(graph.count, size=betweenness_sources, replace=False))
    return _ranked_players(graph, membership, chosen)


def _given_communities(communities: npt.ArrayLike, codes: IntArray, ids: Sequence[str]) -> IntArray:
    """Return the given community of every node (by account code) or raise ``ValueError``."""
    given = np.asarray(communities)
    if given.shape != (len(ids),) or given.dtype.kind not in "iu":
        raise ValueError(
            f"communities must be an integer array with one entry per account ({len(ids)}), "
            f"got shape {given.shape} and dtype {given.dtype}"
        )
    membership = given[codes].astype(np.int64)
    negative = np.flatnonzero(membership < 0)
    if len(negative):
        account = ids[int(codes[negative[0]])]
        raise ValueError(
            f"communities has no community for account {account!r}, which has transfers"
        )
    return membership


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
