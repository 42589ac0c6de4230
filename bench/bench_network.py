"""First figures for the networks engine: AMLSim account-level accuracy and the scan's speed.

Run: ``uv run python bench/bench_network.py [--transfers 1000000]`` (needs ../shared/data/amlsim
beside the checkout). Prints Markdown rows for docs/benchmarks.md. An account counts as flagged
when any typology flag names it (default parameters, 7-day window).
"""

from __future__ import annotations

import argparse
import csv
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import numpy as np

from fener.analytics.graph.analysis import connected_components
from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.readers import read_transactions
from fener.analytics.graph.typologies import scan

AMLSIM = Path(__file__).resolve().parents[2] / "shared" / "data" / "amlsim"
WEEK = 7 * 86_400.0


def _scores(predicted: set[str], truth: set[str]) -> str:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"


def _flagged(transactions: TransactionSet) -> set[str]:
    return {account for flag in scan(transactions, window=WEEK) for account in flag.accounts}


def accuracy() -> list[tuple[str, str]]:
    rows = []
    generated = AMLSIM / "generated_python_port"
    transactions, _ = read_transactions(generated / "transactions.csv")
    by_type: defaultdict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader((generated / "alert_accounts.csv").open()):
        if row["is_sar"] == "True":
            by_type[row["alert_type"]].add(row["acct_id"])
    truth = set().union(*by_type.values())
    flagged = _flagged(transactions)
    rows.append(
        (
            f"AMLSim generated set ({len(transactions):,} transfers, {len(truth)} laundering accounts)",
            _scores(flagged, truth),
        )
    )
    for kind, accounts in sorted(by_type.items()):
        rows.append(
            (f"  recall of {kind} accounts", f"{len(flagged & accounts) / len(accounts):.3f}")
        )
    for folder in sorted((AMLSIM / "ibm_samples_2019").iterdir()):
        if not (folder / "transactions.csv").exists():
            continue
        sample, _ = read_transactions(folder / "transactions.csv")
        fraud = {
            r["nodeid"]
            for r in csv.DictReader((folder / "nodes.csv").open())
            if r["isFraud"] == "1"
        }
        rows.append(
            (
                f"IBM sample {folder.name} ({len(sample):,} transfers, {len(fraud)} fraud accounts)",
                _scores(_flagged(sample), fraud),
            )
        )
    return rows


def synthetic(transfers: int, accounts: int, seed: int = 1) -> TransactionSet:
    """Heavy-tailed (Pareto-weighted) accounts over a year."""
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.5, accounts) + 1
    weights /= weights.sum()
    sources = rng.choice(accounts, transfers, p=weights)
    targets = rng.choice(accounts, transfers, p=weights)
    amounts = np.round(rng.lognormal(6, 1.2, transfers), 2)
    timestamps = np.sort(rng.uniform(0, 365 * 86_400, transfers))
    return TransactionSet(
        sources=sources.astype(np.int64),
        targets=targets.astype(np.int64),
        amounts=amounts.astype(np.float64),
        timestamps=timestamps.astype(np.float64),
        account_ids=[f"A{i}" for i in range(accounts)],
        transaction_ids=[f"T{i}" for i in range(transfers)],
    )


def speed(transfers: int) -> list[tuple[str, str]]:
    data = synthetic(transfers, accounts=transfers // 10)
    tracemalloc.start()
    start = time.perf_counter()
    flags = scan(data, window=86_400.0)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows = [
        (
            f"typology scan, {transfers:,} transfers, {transfers // 10:,} accounts, 1-day window",
            f"{transfers / seconds:,.0f} transfers/s ({seconds:.2f} s, {len(flags):,} flags, peak {peak:,.0f} MB)",
        )
    ]
    ids = data.account_ids
    edges = [
        (ids[s], ids[t], 1.0)
        for s, t in zip(data.sources.tolist(), data.targets.tolist(), strict=True)
        if s != t
    ]
    start = time.perf_counter()
    components = connected_components(edges)
    seconds = time.perf_counter() - start
    rows.append(
        (
            f"connected components (igraph, edges given as Python tuples), {len(edges):,} edges",
            f"{len(edges) / seconds:,.0f} edges/s ({len(components):,} components)",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=1_000_000)
    arguments = parser.parse_args()
    print("| measure | value |\n|---|---|")
    for measure, value in [*accuracy(), *speed(arguments.transfers)]:
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
