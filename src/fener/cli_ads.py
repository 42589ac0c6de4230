"""``fener ads …``: screening and clustering of recruitment ads from the shell (no database)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

EXIT_REJECTED_LINES = 3


@click.group()
def ads() -> None:
    """Analyse recruitment ads: red flags, contacts, risk, template clusters.

    \b
    Input is JSON Lines: {"id": ..., "text": ..., optional "lang", "channel", "posted_at", "url"}.
    A refused line is reported on stderr with its number and reason; every good line is still
    processed, and the command then exits with status 3.
    """


def _input_and_output(command: Callable[..., None]) -> Callable[..., None]:
    """The INPUT.jsonl argument and the -o/--output option every ads command takes."""
    command = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Output JSON Lines (default: stdout).",
    )(command)
    return click.argument(
        "input_path",
        metavar="INPUT.jsonl",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )(command)


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8") as handle:
        yield handle


def _write(handle: IO[str], record: dict[str, Any]) -> None:
    handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _report(rejected: list[str]) -> None:
    for message in rejected:
        click.echo(message, err=True)
    if rejected:
        click.echo(f"{len(rejected)} line(s) refused; the others were processed.", err=True)
        sys.exit(EXIT_REJECTED_LINES)


@ads.command()
@_input_and_output
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Run here, or on Apache Spark (local[2] unless FENER_SPARK_MASTER is set).",
)
def screen(input_path: Path, output: Path | None, engine: str) -> None:
    """Screen every ad: language, contacts, red-flag indicators with evidence, calibrated risk."""
    from fener.analytics.ads.records import RejectedLine, read_lines

    rejected: list[str] = []
    with _output(output) as handle:
        if engine == "spark":
            from fener.analytics.engines.spark import screen_file, spark_session

            spark = spark_session(_spark_master())
            for number, result, error in screen_file(spark, str(input_path)):
                if error is not None:
                    rejected.append(f"line {number}: {error}")
                else:
                    _write(handle, result)  # type: ignore[arg-type]
            spark.stop()
        else:
            from fener.analytics.engines.local import screen_lines

            with input_path.open("rb") as source:
                for item in screen_lines(read_lines(source)):
                    if isinstance(item, RejectedLine):
                        rejected.append(item.message())
                    else:
                        _write(handle, item)
    _report(rejected)


@ads.command()
@_input_and_output
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True)
def cluster(input_path: Path, output: Path | None, engine: str) -> None:
    """Group ads written from one template, and link clusters sharing contacts into operations.

    Writes one line per ad, {"id", "cluster_id", "operation_id"}, then one line per template of a
    cluster with two or more ads, {"cluster_id", "template", "members", "slot_values"}.
    """
    from fener.analytics.ads.records import RejectedLine, read_ads

    good = []
    rejected: list[str] = []
    seen: set[str] = set()
    with input_path.open("rb") as source:
        for item in read_ads(source):
            if isinstance(item, RejectedLine):
                rejected.append(item.message())
            elif item.id in seen:
                rejected.append(f"ad {item.id!r}: duplicate id, later copy ignored")
            else:
                seen.add(item.id)
                good.append(item)
    if engine == "spark":
        from fener.analytics.engines.local import templates_from_assignment
        from fener.analytics.engines.spark import cluster_ads as spark_cluster
        from fener.analytics.engines.spark import spark_session

        spark = spark_session(_spark_master())
        rows = spark_cluster(spark, [(ad.id, ad.text, ad.lang) for ad in good])
        spark.stop()
        templates = templates_from_assignment(good, {r["id"]: r["cluster_id"] for r in rows})
    else:
        from fener.analytics.engines.local import cluster_ads

        rows, templates = cluster_ads(good)
    with _output(output) as handle:
        for row in rows:
            _write(handle, row)
        for template in templates:
            _write(handle, template)
    _report(rejected)


def _spark_master() -> str:
    import os

    return os.environ.get("FENER_SPARK_MASTER", "local[2]")
