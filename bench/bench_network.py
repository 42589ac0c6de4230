"""Networks engine figures: AMLSim account-level accuracy of the scorer, and the scan's speed.

Run: ``uv run python bench/bench_network.py [--transfers 1000000 5000000] [--fit]`` (needs
../shared/data/amlsim beside the checkout). Prints Markdown rows for docs/benchmarks.md.

Accuracy: an account is suspected when its score (``fener.analytics.graph.scoring``; flags
from a 7-day window, default parameters) reaches the scorer's threshold. On the generated set
the figures are held out: five-fold cross-validation, each fold refitted on the other four,
with the accounts of one alert on one side only. ``--fit`` refits the shipped scorer on the
whole generated set and writes ``src/fener/analytics/graph/data/account_scorer.json``; the IBM
samples are never used for fitting, only scored.

Speed: :func:`synthetic` (heavy-tailed accounts) scanned with a 1-day window, CPU time of the
process (the machine may be shared) and wall time.
"""

from __future__ import annotations

import argparse
import csv
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from fener.analytics.graph.analysis import connected_components
from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.readers import read_transactions
from fener.analytics.graph.scoring import (
    DEFAULT_SCORER_PATH,
    FEATURES,
    Scorer,
    account_features,
    load_scorer,
)
from fener.analytics.graph.typologies import scan

AMLSIM = Path(__file__).resolve().parents[2] / "shared" / "data" / "amlsim"
WEEK = 7 * 86_400.0
FOLDS = 5


def _scores(predicted: set[str], truth: set[str]) -> str:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"


def _features(transactions: TransactionSet) -> npt.NDArray[np.float64]:
    return account_features(transactions, scan(transactions, window=WEEK))


def _fit(
    features: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_], note: str = ""
) -> Scorer:
    """Logistic regression on standardised features; threshold maximising F1 on the same rows."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    model.fit((features - mean) / scale, labels)
    scorer = Scorer(
        features=FEATURES,
        mean=tuple(mean.tolist()),
        scale=tuple(scale.tolist()),
        coefficients=tuple(model.coef_[0].tolist()),
        intercept=float(model.intercept_[0]),
        threshold=0.5,
        fitted_on=note,
    )
    scores = scorer.scores(features)
    best, best_f1 = 0.5, -1.0
    for cut in np.unique(np.round(scores, 4)).tolist():
        if not 0 < cut < 1:
            continue
        predicted = scores >= cut
        hits = int((predicted & labels).sum())
        f1 = 2 * hits / (int(predicted.sum()) + int(labels.sum())) if hits else 0.0
        if f1 > best_f1:
            best, best_f1 = cut, f1
    return Scorer(
        scorer.features,
        scorer.mean,
        scorer.scale,
        scorer.coefficients,
        scorer.intercept,
        best,
        note,
    )


def _generated() -> tuple[
    TransactionSet, npt.NDArray[np.bool_], npt.NDArray[np.int64], dict[str, set[str]]
]:
    folder = AMLSIM / "generated_python_port"
    transactions, _ = read_transactions(folder / "transactions.csv")
    by_type: defaultdict[str, set[str]] = defaultdict(set)
    alert_of: dict[str, int] = {}
    for row in csv.DictReader((folder / "alert_accounts.csv").open()):
        if row["is_sar"] == "True":
            by_type[row["alert_type"]].add(row["acct_id"])
            alert_of[row["acct_id"]] = int(row["alert_id"])
    ids = transactions.account_ids
    labels = np.array([a in alert_of for a in ids])
    # One group per alert; every other account is a group of its own.
    groups = np.array(
        [alert_of[a] if a in alert_of else 1_000_000 + i for i, a in enumerate(ids)],
        dtype=np.int64,
    )
    return transactions, labels, groups, dict(by_type)


def accuracy(fit: bool) -> list[tuple[str, str]]:
    transactions, labels, groups, by_type = _generated()
    features = _features(transactions)
    ids = np.array(transactions.account_ids)
    held_out = np.zeros(len(ids), dtype=bool)
    for train, test in GroupKFold(n_splits=FOLDS).split(features, labels, groups):
        fold = _fit(features[train], labels[train])
        held_out[test] = fold.scores(features[test]) >= fold.threshold
    truth = set(ids[labels].tolist())
    predicted = set(ids[held_out].tolist())
    rows = [
        (
            f"AMLSim generated set ({len(transactions):,} transfers, {len(truth)} laundering "
            f"accounts), held out ({FOLDS}-fold, split by alert)",
            _scores(predicted, truth),
        )
    ]
    for kind, accounts in sorted(by_type.items()):
        rows.append(
            (
                f"  recall of {kind} accounts (held out)",
                f"{len(predicted & accounts) / len(accounts):.3f}",
            )
        )
    if fit:
        note = (
            "AMLSim generated_python_port, 7-day window, default scan parameters; "
            "uv run python bench/bench_network.py --fit"
        )
        DEFAULT_SCORER_PATH.parent.mkdir(exist_ok=True)
        DEFAULT_SCORER_PATH.write_text(_fit(features, labels, note).to_json() + "\n")
    scorer = load_scorer()
    fitted = set(ids[scorer.scores(features) >= scorer.threshold].tolist())
    rows.append(
        ("AMLSim generated set, shipped scorer (fitted on all of it)", _scores(fitted, truth))
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
        names = np.array(sample.account_ids)
        suspected = set(names[scorer.scores(_features(sample)) >= scorer.threshold].tolist())
        rows.append(
            (
                f"IBM sample {folder.name} ({len(sample):,} transfers, {len(fraud)} fraud "
                "accounts), shipped scorer, not fitted on IBM",
                _scores(suspected, fraud),
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


def speed(transfers: int, components: bool = True) -> list[tuple[str, str]]:
    data = synthetic(transfers, accounts=transfers // 10)
    wall, cpu = time.perf_counter(), time.process_time()
    flags = scan(data, window=86_400.0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.start()
    scan(data, window=86_400.0)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows = [
        (
            f"typology scan, {transfers:,} transfers, {transfers // 10:,} heavy-tailed accounts, "
            "1-day window",
            f"{transfers / cpu:,.0f} transfers/s of CPU time ({cpu:.2f} s CPU, {wall:.2f} s wall, "
            f"{len(flags):,} flags, peak {peak:,.0f} MB traced)",
        )
    ]
    if components:
        ids = data.account_ids
        edges = [
            (ids[s], ids[t], 1.0)
            for s, t in zip(data.sources.tolist(), data.targets.tolist(), strict=True)
            if s != t
        ]
        start = time.perf_counter()
        found = connected_components(edges)
        seconds = time.perf_counter() - start
        rows.append(
            (
                f"connected components (igraph, edges given as Python tuples), {len(edges):,} edges",
                f"{len(edges) / seconds:,.0f} edges/s ({len(found):,} components)",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, nargs="*", default=[1_000_000, 5_000_000])
    parser.add_argument("--fit", action="store_true", help="refit the shipped scorer first")
    parser.add_argument("--skip-speed", action="store_true")
    arguments = parser.parse_args()
    rows = accuracy(arguments.fit)
    if not arguments.skip_speed:
        for count in arguments.transfers:
            rows += speed(count, components=count == arguments.transfers[0])
    print("| measure | value |\n|---|---|")
    for measure, value in rows:
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
