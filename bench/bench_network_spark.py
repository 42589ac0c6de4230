"""The Spark engine for networks in ``local[2]``: the windowed counts, the payment-hub counts,
the components (large-star/small-star) and the whole ``--engine spark`` pass, against the
in-process engine on the same synthetic heavy-tailed set, with the equality checked.

Run: ``uv run python bench/bench_network_spark.py [--transfers 1000000]``. Prints Markdown rows
for docs/benchmarks.md. ``local[2]`` on one machine measures the engine's overhead, not the
speed of a cluster: the point of the Spark engine is that it runs where the data does not fit.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bench.bench_network import synthetic
from fener.analytics.engines.spark import spark_session
from fener.analytics.graph.analysis import components_of
from fener.analytics.graph.pipeline import analyze
from fener.analytics.graph.spark import spark_busiest, spark_component_labels, spark_window_counts
from fener.analytics.graph.spark_pipeline import analyze_on_spark
from fener.analytics.graph.windows import busiest, window_counts

DAY = 86_400.0


def _timed(function, *arguments, **keywords):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = function(*arguments, **keywords)
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=1_000_000)
    arguments = parser.parse_args()
    data = synthetic(arguments.transfers, accounts=arguments.transfers // 10)
    spark = spark_session("local[2]")
    rows: list[tuple[str, str]] = []
    label = (
        f"{arguments.transfers:,} transfers, {arguments.transfers // 10:,} heavy-tailed accounts"
    )

    local, local_seconds = _timed(window_counts, data, DAY, 10_000.0, 0.1)
    remote, remote_seconds = _timed(spark_window_counts, spark, data, DAY, 10_000.0, 0.1)
    equal = all(
        np.array_equal(getattr(local, n), getattr(remote, n))
        for n in ("fan_in", "fan_out", "structuring", "pass_through")
    )
    rows.append(
        (
            f"windowed counts, {label}, 1-day window",
            f"Spark {remote_seconds:.1f} s, in-process {local_seconds:.1f} s, equal: {equal}",
        )
    )

    local_hubs, local_seconds = _timed(busiest, data, DAY)
    remote_hubs, remote_seconds = _timed(spark_busiest, spark, data, DAY)
    equal = all(np.array_equal(a, b) for a, b in zip(local_hubs, remote_hubs, strict=True))
    rows.append(
        (
            "payment-hub counts",
            f"Spark {remote_seconds:.1f} s, in-process {local_seconds:.1f} s, equal: {equal}",
        )
    )

    labels, remote_seconds = _timed(spark_component_labels, spark, data)
    mine, local_seconds = _timed(components_of, data)
    involved = mine >= 0
    pairs = np.unique(np.stack([labels[involved], mine[involved]]), axis=1).shape[1]
    same = pairs == len(np.unique(labels[involved])) == len(np.unique(mine[involved]))
    rows.append(
        (
            "connected components (large-star/small-star)",
            f"Spark {remote_seconds:.1f} s, in-process {local_seconds:.2f} s, same partition: {same}",
        )
    )

    run, remote_seconds = _timed(analyze_on_spark, spark, data, window=DAY)
    rows.append(
        (
            "whole --engine spark pass",
            f"{remote_seconds:.1f} s: {run.candidates:,} candidate accounts, {run.transfers_kept:,} of {len(data):,} transfers analysed in detail",
        )
    )
    _results, local_seconds = _timed(analyze, data, window=DAY)
    rows.append(("whole local pass (analyze)", f"{local_seconds:.1f} s"))
    spark.stop()
    print("| measure | value |\n|---|---|")
    for measure, value in rows:
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
