"""Networks engine figures: AMLSim account-level accuracy of the scorer, and the scan's speed.

Run: ``uv run python bench/bench_network.py [--transfers 1000000 5000000] [--fit]`` (needs
../shared/data/amlsim beside the checkout). Prints Markdown rows for docs/benchmarks.md.

Accuracy: an account is suspected when its score (``fener.analytics.graph.scoring``; flags
from a 7-day window, default parameters) reaches the scorer's threshold. The scorer is fitted
jointly on the AMLSim generated set and the IBM sample ``20K_cycle200``. Held-out figures:
five-fold grouped cross-validation over the pooled accounts, each fold refitted on the other
four; a group is one alert's accounts on the generated set, one account on the IBM sample
(its laundering accounts form one connected cluster, so no finer grouping exists there:
accounts of one cycle may sit on both sides, which flatters that row). The IBM sample
``20K_fanin200`` is never fitted on: the shipped scorer is applied to it as an unseen set.
``--fit`` refits the shipped scorer on all of both fitting sets and writes
``src/fener/analytics/graph/data/account_scorer.json``.

Speed: :func:`synthetic` (heavy-tailed accounts) scanned with a 1-day window, CPU time of the
process (the machine may be shared) and wall time.
"""

from __future__ import annotations

import argparse
import csv
import time
import tracemalloc
from collections import defaultdict
from dataclasses import replace
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
from fener.analytics.graph.typologies import ScanParameters, scan

AMLSIM = Path(__file__).resolve().parents[2] / "shared" / "data" / "amlsim"
WEEK = 7 * 86_400.0
FOLDS = 5


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


FITTED_ON = ("generated", "20K_cycle200")
UNSEEN = ("20K_fanin200",)


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


def _ibm(name: str) -> tuple[TransactionSet, npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    folder = AMLSIM / "ibm_samples_2019" / name
    transactions, _ = read_transactions(folder / "transactions.csv")
    fraud = {
        r["nodeid"] for r in csv.DictReader((folder / "nodes.csv").open()) if r["isFraud"] == "1"
    }
    labels = np.array([a in fraud for a in transactions.account_ids])
    # One group per account: the fraud accounts form a single connected cluster.
    return transactions, labels, np.arange(len(labels), dtype=np.int64)


def _counts(predicted: npt.NDArray[np.bool_], labels: npt.NDArray[np.bool_]) -> str:
    hits = int((predicted & labels).sum())
    precision = hits / int(predicted.sum()) if predicted.any() else 0.0
    recall = hits / int(labels.sum()) if labels.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"


def _small_sets() -> Scorer:
    """Scorer for sets too small for atypicality: plain columns, generated set only."""
    transactions, labels, _, _ = _generated()
    features = _features(transactions)
    plain = len(FEATURES) // 2
    features[:, plain:] = 0.0
    note = (
        "sets under MIN_ACCOUNTS_FOR_ATYPICALITY accounts: fitted on the AMLSim generated set "
        "only, atypicality columns set to 0"
    )
    return _fit(features, labels, note)


def accuracy(fit: bool) -> list[tuple[str, str]]:
    generated, generated_labels, generated_groups, by_type = _generated()
    sets = {"generated": (generated, generated_labels, generated_groups)}
    for name in (*FITTED_ON[1:], *UNSEEN):
        sets[name] = _ibm(name)
    features = {name: _features(ts) for name, (ts, _, _) in sets.items()}
    stacked = np.vstack([features[name] for name in FITTED_ON])
    labels = np.concatenate([sets[name][1] for name in FITTED_ON])
    groups = np.concatenate([sets[name][2] + index * 10**9 for index, name in enumerate(FITTED_ON)])
    origin = np.concatenate([[name] * len(sets[name][1]) for name in FITTED_ON])
    held_out = np.zeros(len(labels), dtype=bool)
    for train, test in GroupKFold(n_splits=FOLDS).split(stacked, labels, groups):
        fold = _fit(stacked[train], labels[train])
        held_out[test] = fold.scores(stacked[test]) >= fold.threshold
    rows = []
    for name in FITTED_ON:
        ts, truth, _ = sets[name]
        split = "by alert" if name == "generated" else "by account"
        title = "AMLSim generated set" if name == "generated" else f"IBM sample {name}"
        rows.append(
            (
                f"{title} ({len(ts):,} transfers, {int(truth.sum())} laundering accounts), "
                f"held out ({FOLDS}-fold, split {split}, fitted jointly on {' + '.join(FITTED_ON)})",
                _counts(held_out[origin == name], truth),
            )
        )
    generated_held_out = held_out[origin == "generated"]
    ids = generated.account_ids
    for kind, accounts in sorted(by_type.items()):
        members = np.array([a in accounts for a in ids])
        rows.append(
            (
                f"  recall of {kind} accounts on the generated set (held out)",
                f"{(generated_held_out & members).sum() / members.sum():.3f}",
            )
        )
    # The detectors themselves: which alert accounts a flag of the alert's own type names.
    for days, parameters, label in (
        (7, ScanParameters(), "7-day window, default parameters"),
        (
            30,
            ScanParameters(fan_in_min_sources=3, fan_out_min_targets=3),
            "30-day window, fans of 3",
        ),
    ):
        named: defaultdict[str, set[str]] = defaultdict(set)
        for flag in scan(generated, window=days * 86_400.0, parameters=parameters):
            named[flag.type.value].update(flag.accounts)
        rows.append(
            (
                f"  alert accounts named by a flag of their alert's type (the detectors alone, {label})",
                ", ".join(
                    f"{kind} {len(accounts & named[kind]) / len(accounts):.3f}"
                    for kind, accounts in sorted(by_type.items())
                ),
            )
        )
    if fit:
        note = (
            f"fitted jointly on {' + '.join(FITTED_ON)} (AMLSim), 7-day window, default scan "
            "parameters; uv run python bench/bench_network.py --fit --skip-speed"
        )
        DEFAULT_SCORER_PATH.parent.mkdir(exist_ok=True)
        joint = _fit(stacked, labels, note)
        DEFAULT_SCORER_PATH.write_text(replace(joint, small_sets=_small_sets()).to_json() + "\n")
    scorer = load_scorer()
    for name in UNSEEN:
        ts, truth, _ = sets[name]
        rows.append(
            (
                f"IBM sample {name} ({len(ts):,} transfers, {int(truth.sum())} fraud accounts), "
                "shipped scorer, never fitted on (unseen set)",
                _counts(scorer.scores(features[name]) >= scorer.threshold, truth),
            )
        )
    for name in FITTED_ON:
        ts, truth, _ = sets[name]
        rows.append(
            (
                f"{name}, shipped scorer (fitted on it, not held out)",
                _counts(scorer.scores(features[name]) >= scorer.threshold, truth),
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
