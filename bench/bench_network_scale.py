"""Graph analysis at national scale, beside a plain networkx implementation of the same analysis.

Run: ``uv run python bench/bench_network_scale.py --accounts 500000 --transfers 5000000``.
Prints Markdown rows for docs/benchmarks.md.

The transfers come from the heavy-tailed generator of ``bench/bench_network.py`` (Pareto
weighted accounts over a year, seed 1). Every stage runs in a fresh Python process (not a fork)
that builds the set itself and then runs the stage, so that its peak memory can be read from
``ru_maxrss``: the table gives the process's resident memory after building the set and its peak
by the end of the stage (both include the set, its ids and the interpreter). Beside the
wall-clock seconds the table gives the stage's CPU seconds (``time.process_time``), which a busy
machine inflates far less; rates are per CPU second. A stage that runs longer than ``--timeout``
seconds is stopped and reported as such. The Leiden rows give the weighted modularity reached,
computed by igraph after the timing.

networkx has no Leiden; its Louvain (``louvain_communities``) stands in as the baseline for
communities. networkx's PageRank does its power iterations with scipy sparse matrices.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import igraph
import networkx as nx
import numpy as np
import numpy.typing as npt

from fener.analytics.graph.analysis import communities_of, components_of, key_players_of
from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.typologies import scan

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_network import synthetic  # the sibling script, found through sys.path

DAY = 86_400.0
Figures = tuple[float, float, str]
Stage = Callable[[TransactionSet, argparse.Namespace], Figures]
Columns = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]


def _megabytes() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed[T](work: Callable[[], T]) -> tuple[float, float, T]:
    """Run ``work``; return its wall-clock seconds, its CPU seconds and its result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - start, time.process_time() - cpu, result


def _money_edges(data: TransactionSet) -> Columns:
    """The transfers the graph analysis uses: money between two different accounts."""
    keep = (data.sources != data.targets) & (data.amounts > 0)
    return data.sources[keep], data.targets[keep], data.amounts[keep]


def stage_scan(data: TransactionSet, _: argparse.Namespace) -> Figures:
    seconds, cpu, flags = _timed(lambda: scan(data, window=DAY))
    return seconds, cpu, f"{len(data) / cpu:,.0f} transfers/s, {len(flags):,} flags"


def stage_components(data: TransactionSet, _: argparse.Namespace) -> Figures:
    edges = len(_money_edges(data)[0])
    seconds, cpu, labels = _timed(lambda: components_of(data))
    found = int(labels.max()) + 1
    return seconds, cpu, f"{edges / cpu:,.0f} edges/s over {edges:,} edges, {found:,} components"


def _modularity(data: TransactionSet, membership: npt.NDArray[np.int64]) -> float:
    """Weighted modularity of a partition on the undirected graph of summed amounts."""
    sources, targets, amounts = _money_edges(data)
    graph = igraph.Graph(n=len(data.account_ids), edges=np.column_stack((sources, targets)))
    graph.es["weight"] = amounts.tolist()
    graph.to_undirected(mode="collapse", combine_edges="sum")
    alone = np.flatnonzero(membership < 0)  # accounts without transfers: a group each
    labels = membership.copy()
    labels[alone] = membership.max() + 1 + np.arange(len(alone))
    return float(graph.modularity(labels.tolist(), weights="weight"))


def _leiden(data: TransactionSet, iterations: int | None) -> Figures:
    seconds, cpu, membership = _timed(lambda: communities_of(data, max_iterations=iterations))
    sizes = np.bincount(membership[membership >= 0])
    return (
        seconds,
        cpu,
        f"{len(sizes):,} communities, largest {int(sizes.max()):,} accounts, "
        f"modularity {_modularity(data, membership):.4f}",
    )


def stage_leiden_until_stable(data: TransactionSet, _: argparse.Namespace) -> Figures:
    return _leiden(data, None)


def stage_leiden_two_iterations(data: TransactionSet, _: argparse.Namespace) -> Figures:
    return _leiden(data, 2)


def stage_leiden_ten_iterations(data: TransactionSet, _: argparse.Namespace) -> Figures:
    return _leiden(data, 10)


def stage_key_players(data: TransactionSet, options: argparse.Namespace) -> Figures:
    membership = communities_of(data, max_iterations=2)
    sources = options.betweenness_sources
    seconds, cpu, players = _timed(
        lambda: key_players_of(data, communities=membership, betweenness_sources=sources)
    )
    return (
        seconds,
        cpu,
        f"{len(players):,} accounts ranked (communities given, betweenness from {sources} "
        f"sampled sources), top {players[0].account}",
    )


def _networkx_digraph(data: TransactionSet) -> nx.DiGraph:
    """The directed graph of summed amounts, built edge by edge as plain networkx code does."""
    graph = nx.DiGraph()
    sources, targets, amounts = (column.tolist() for column in _money_edges(data))
    for source, target, amount in zip(sources, targets, amounts, strict=True):
        if graph.has_edge(source, target):
            graph[source][target]["weight"] += amount
        else:
            graph.add_edge(source, target, weight=amount)
    return graph


def stage_networkx_components(data: TransactionSet, _: argparse.Namespace) -> Figures:
    edges = len(_money_edges(data)[0])
    build, build_cpu, graph = _timed(lambda: _networkx_digraph(data))
    seconds, cpu, found = _timed(lambda: sum(1 for _ in nx.weakly_connected_components(graph)))
    return (
        build + seconds,
        build_cpu + cpu,
        f"{edges / (build_cpu + cpu):,.0f} edges/s including the graph build "
        f"({build_cpu:.1f} s build + {cpu:.1f} s search, CPU), {found:,} components",
    )


def stage_networkx_louvain(data: TransactionSet, _: argparse.Namespace) -> Figures:
    graph = _networkx_digraph(data).to_undirected(as_view=False)
    seconds, cpu, found = _timed(
        lambda: nx.community.louvain_communities(graph, weight="weight", seed=0)
    )
    return seconds, cpu, f"Louvain (networkx has no Leiden), {len(found):,} communities"


def stage_networkx_pagerank(data: TransactionSet, _: argparse.Namespace) -> Figures:
    _wall, build_cpu, graph = _timed(lambda: _networkx_digraph(data))
    seconds, cpu, _ranks = _timed(lambda: nx.pagerank(graph, weight="weight"))
    return seconds, cpu, f"PageRank alone ({build_cpu:.1f} CPU s to build the graph first)"


STAGES: dict[str, tuple[str, Stage]] = {
    "scan": ("typology scan, 1-day window (fener)", stage_scan),
    "components": ("components, components_of (fener, numpy union-find)", stage_components),
    "leiden": ("Leiden until stable, communities_of (fener, igraph)", stage_leiden_until_stable),
    "leiden2": ("Leiden, 2 iterations (fener, igraph)", stage_leiden_two_iterations),
    "leiden10": ("Leiden, 10 iterations (fener, igraph)", stage_leiden_ten_iterations),
    "key_players": ("key players, key_players_of (fener, igraph)", stage_key_players),
    "nx_components": ("connected components (networkx)", stage_networkx_components),
    "nx_louvain": ("communities (networkx Louvain)", stage_networkx_louvain),
    "nx_pagerank": ("PageRank (networkx)", stage_networkx_pagerank),
}


def run_stage(options: argparse.Namespace) -> None:
    """Build the set, run one stage and print its figures as one JSON line."""
    data = synthetic(transfers=options.transfers, accounts=options.accounts)
    before = _megabytes()
    seconds, cpu, detail = STAGES[options.stage][1](data, options)
    figures = {"seconds": seconds, "cpu": cpu, "detail": detail}
    print(json.dumps({**figures, "before": before, "peak": _megabytes()}))


def _stage_row(name: str, options: argparse.Namespace) -> str:
    """Run one stage in its own process and return its Markdown row."""
    title = STAGES[name][0]
    command = [sys.executable, __file__, "--stage", name]
    command += ["--accounts", str(options.accounts), "--transfers", str(options.transfers)]
    command += ["--betweenness-sources", str(options.betweenness_sources)]
    try:
        done = subprocess.run(  # noqa: S603 - this very script
            command, capture_output=True, text=True, timeout=options.timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return f"| {title} | > {options.timeout:,.0f} | | stopped at the time limit | |"
    except subprocess.CalledProcessError as error:
        reason = (error.stderr.strip().splitlines() or ["no message"])[-1]
        return f"| {title} | | | failed: {reason} | |"
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return (
        f"| {title} | {figures['seconds']:.2f} | {figures['cpu']:.2f} | {figures['detail']} "
        f"| {figures['before']:,.0f} / {figures['peak']:,.0f} MiB |"
    )


def run_all(options: argparse.Namespace) -> None:
    """Run every chosen stage in its own process and print the Markdown table."""
    print(
        f"| stage ({options.accounts:,} accounts, {options.transfers:,} transfers) "
        "| wall s | CPU s | result | memory after building the set / peak |\n"
        "|---|---|---|---|---|",
        flush=True,
    )
    for name in options.stages.split(","):
        print(_stage_row(name, options), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--accounts", type=int, default=500_000)
    parser.add_argument("--transfers", type=int, default=5_000_000)
    parser.add_argument("--betweenness-sources", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per stage")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated stage names")
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.stage:
        run_stage(options)
    else:
        run_all(options)


if __name__ == "__main__":
    main()
