"""Apache Spark engine: the in-process functions, run on partitions.

* Screening: each partition parses its lines and screens them with :class:`Screener`
  (``mapInPandas``), so the answers are the in-process answers.
* Clustering: shingles, MinHash signatures and band keys per ad (``mapInPandas``); candidate
  pairs by a join on band keys; Jaccard verification per pair (``mapInPandas``); then the
  verified pairs go to the driver, where the same leader assignment as the in-process
  clusterer runs in input order (it is linear in the number of pairs).

Tested in ``local[2]`` mode against the in-process engine (``tests/test_ads_spark.py``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from fener.analytics.ads.clustering import ClusterSettings, assign_from_pairs, operations

SCREEN_SCHEMA = "line long, result string, error string"


def spark_session(master: str = "local[2]", app_name: str = "fener") -> Any:
    """A Spark session for Fener's jobs (no UI, Arrow on, the same Python as the driver)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def _lines_frame(spark: Any, path: str, partitions: int = 8) -> Any:
    """(line, raw) rows from the file's bytes, split exactly as the in-process reader splits.

    Spark's text reader decodes lines (replacing bad UTF-8 silently), so the file is read as
    bytes and split here; the lines are then spread over ``partitions`` for screening.
    """
    from fener.analytics.ads.records import split_lines

    files = spark.read.format("binaryFile").load(path).select("content")

    def rows(partition: Iterator[Any]) -> Iterator[tuple[int, bytes, int]]:
        for row in partition:
            for number, raw in split_lines(bytes(row["content"])):
                if isinstance(raw, int):
                    yield number, b"", raw
                else:
                    yield number, raw, -1

    return (
        files.rdd.mapPartitions(rows)
        .toDF("line long, raw binary, oversized long")
        .repartition(partitions)
    )


def _screen_partition(frames: Iterator[Any]) -> Iterator[Any]:
    import pandas as pd

    from fener.analytics.ads.records import RejectedLine, parse_line
    from fener.analytics.ads.screening import Screener, prepare_batch_process

    screener = Screener()
    prepare_batch_process(screener)
    for frame in frames:
        lines: list[int] = []
        results: list[str | None] = []
        errors: list[str | None] = []
        ads, ad_lines = [], []
        for number, raw, oversized in zip(
            frame["line"], frame["raw"], frame["oversized"], strict=True
        ):
            parsed = parse_line(int(number), int(oversized) if oversized >= 0 else bytes(raw))
            if parsed is None:
                continue
            if isinstance(parsed, RejectedLine):
                lines.append(int(number))
                results.append(None)
                errors.append(parsed.reason)
            else:
                ads.append(parsed)
                ad_lines.append(int(number))
        for number, screening in zip(ad_lines, screener.screen_many(ads), strict=True):
            lines.append(number)
            results.append(json.dumps(screening.as_dict(), ensure_ascii=False))
            errors.append(None)
        yield pd.DataFrame({"line": lines, "result": results, "error": errors})


def screen_file(spark: Any, path: str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line, result or None, error or None) for every non-blank line, in line order."""
    frame = _lines_frame(spark, path).mapInPandas(_screen_partition, SCREEN_SCHEMA)
    for row in frame.orderBy("line").toLocalIterator():
        result = json.loads(row["result"]) if row["result"] is not None else None
        yield int(row["line"]), result, row["error"]


def _signature_partition(settings: ClusterSettings) -> Any:
    def run(frames: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        from fener.analytics.ads.analysis import analyse
        from fener.analytics.ads.clustering import (
            band_keys,
            shingle_hashes,
            signature,
            tokens_of_folded,
        )
        from fener.analytics.engines.local import contact_keys

        for frame in frames:
            hashes_column, keys_column, contacts_column = [], [], []
            for text, language in zip(frame["text"], frame["lang"], strict=True):
                analysis = analyse(text, language)  # once: contacts and folded words
                hashes = shingle_hashes(tokens_of_folded(analysis.folded.text))
                hashes_column.append([int(h) for h in hashes])
                keys_column.append(band_keys(signature(hashes, settings), settings))
                contacts_column.append(contact_keys(analysis.entities))
            yield pd.DataFrame(
                {
                    "position": frame["position"],
                    "hashes": hashes_column,
                    "keys": keys_column,
                    "contacts": contacts_column,
                }
            )

    return run


def _verify_partition(settings: ClusterSettings) -> Any:
    def run(frames: Iterator[Any]) -> Iterator[Any]:
        import numpy as np
        import pandas as pd

        from fener.analytics.ads.clustering import jaccard

        for frame in frames:
            similarities = [
                jaccard(np.array(a, dtype=np.uint32), np.array(b, dtype=np.uint32))
                for a, b in zip(frame["hashes_a"], frame["hashes_b"], strict=True)
            ]
            result = pd.DataFrame({"a": frame["a"], "b": frame["b"], "similarity": similarities})
            yield result[result["similarity"] >= settings.threshold]

    return run


def cluster_ads(
    spark: Any,
    ads: list[tuple[str, str, str | None]],
    settings: ClusterSettings | None = None,
) -> list[dict[str, str]]:
    """Cluster ``(id, text, language hint)`` triples (in order) on Spark; the same rows as the
    in-process engine. Signatures, band keys and contacts are computed on the executors."""
    from pyspark.sql import functions as F

    settings = settings or ClusterSettings()
    frame = spark.createDataFrame(
        [(position, text, language) for position, (_, text, language) in enumerate(ads)],
        "position long, text string, lang string",
    )
    signed = frame.mapInPandas(
        _signature_partition(settings),
        "position long, hashes array<long>, keys array<long>, contacts array<string>",
    ).cache()
    bands = signed.select("position", F.explode("keys").alias("key"))
    pairs = (
        bands.alias("x")
        .join(bands.alias("y"), "key")
        .where(F.col("x.position") < F.col("y.position"))
        .select(F.col("x.position").alias("a"), F.col("y.position").alias("b"))
        .distinct()
    )
    hashes = signed.select("position", "hashes")
    with_hashes = pairs.join(
        hashes.withColumnRenamed("position", "a").withColumnRenamed("hashes", "hashes_a"), "a"
    ).join(hashes.withColumnRenamed("position", "b").withColumnRenamed("hashes", "hashes_b"), "b")
    verified = with_hashes.mapInPandas(
        _verify_partition(settings), "a long, b long, similarity double"
    ).collect()
    ids = [ad_id for ad_id, _, _ in ads]
    contacts = {
        ids[int(row["position"])]: list(row["contacts"])
        for row in signed.select("position", "contacts").collect()
    }
    signed.unpersist()
    cluster_of = assign_from_pairs(
        ids, [(int(r["a"]), int(r["b"]), float(r["similarity"])) for r in verified]
    )
    operation_of = operations(cluster_of, contacts)
    return [
        {"id": ad_id, "cluster_id": cluster_of[ad_id], "operation_id": operation_of[ad_id]}
        for ad_id in ids
    ]
