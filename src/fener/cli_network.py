"""``fener network …``: money-flow analysis of a transaction file, no database needed."""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import click


@click.group()
def network() -> None:
    """Networks and money: typologies, communities and key players of transaction files."""


def _account_ids(path: Path) -> list[str]:
    try:
        return _read_account_ids(path)
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text; save it as CSV UTF-8") from None


def _read_account_ids(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        column = next((c for c in ("acct_id", "nodeid", "account", "id") if c in header), None)
        if column is None:
            raise click.ClickException(
                f"{path}: no account id column (acct_id, nodeid, account or id) in {', '.join(header)}"
            )
        return [row[column].strip() for row in reader if (row.get(column) or "").strip()]


@network.command("analyze")
@click.option(
    "--transactions",
    "transactions_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Transactions CSV (generic, or either IBM AMLSim layout, recognised by its header).",
)
@click.option(
    "--accounts",
    "accounts_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Accounts CSV: accounts without transactions are listed too.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="spark: windowed counts and components on Spark, evidence in-process for the "
    "candidate accounts (the same flags; scores on the candidates' transfers).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON Lines file (standard output when left out).",
)
@click.option(
    "--window-days",
    type=float,
    default=7.0,
    show_default=True,
    help="Time window of the typologies.",
)
@click.option(
    "--threshold",
    type=float,
    default=10_000.0,
    show_default=True,
    help="Reporting threshold (structuring stays just under it).",
)
@click.option("--source-column", default="source", show_default=True)
@click.option("--target-column", default="target", show_default=True)
@click.option("--amount-column", default="amount", show_default=True)
@click.option("--timestamp-column", default="timestamp", show_default=True)
@click.option(
    "--id-column",
    default="id",
    show_default=True,
    help="Leave the column out of the file to number rows by line.",
)
def analyze(
    transactions_path: Path,
    accounts_path: Path | None,
    engine: str,
    output: Path | None,
    window_days: float,
    threshold: float,
    source_column: str,
    target_column: str,
    amount_column: str,
    timestamp_column: str,
    id_column: str,
) -> None:
    """One line per account, highest score first:
    {"account", "score", "typologies": [{"type", "transactions"}], "community", "rank"}.

    \b
    Bad rows are reported by line number with the reason, and nothing is analysed.
    """
    from fener.analytics.graph.pipeline import analyze as run
    from fener.analytics.graph.readers import ColumnMapping, TransactionFileError, read_transactions

    if not (math.isfinite(window_days) and 0 < window_days <= 3_660):
        raise click.BadParameter("the window must be a positive number of days, at most 3,660")
    if not (math.isfinite(threshold) and 0 < threshold <= 1e15):
        raise click.BadParameter("the threshold must be a positive amount")
    if output is not None and not output.parent.is_dir():
        raise click.BadParameter(f"the folder {output.parent} does not exist", param_hint="-o")
    mapping = ColumnMapping(
        source_column, target_column, amount_column, timestamp_column, id_column
    )
    try:
        transactions, layout = read_transactions(transactions_path, mapping=mapping)
    except TransactionFileError as error:
        for line, reason in error.problems:
            click.echo(f"{transactions_path}:{line}: {reason}", err=True)
        if error.total > len(error.problems):
            click.echo(f"... and {error.total - len(error.problems)} more bad rows", err=True)
        raise click.ClickException(f"{error.total} bad row(s): nothing was analysed") from None
    accounts = _account_ids(accounts_path) if accounts_path else []
    window = window_days * 86_400
    if engine == "spark":
        from fener.analytics.engines.spark import spark_session
        from fener.analytics.graph.spark_pipeline import analyze_on_spark

        spark_run = analyze_on_spark(
            spark_session(), transactions, window=window, threshold=threshold, accounts=accounts
        )
        results = spark_run.results
        click.echo(
            f"Spark: {spark_run.components:,} connected components, {spark_run.candidates:,} "
            f"candidate accounts, {spark_run.transfers_kept:,} transfers analysed in detail",
            err=True,
        )
    else:
        results = run(transactions, window=window, threshold=threshold, accounts=accounts)
    lines = (json.dumps(result.as_json(), ensure_ascii=False) + "\n" for result in results)
    if output is None:
        sys.stdout.writelines(lines)
    else:
        with output.open("w", encoding="utf-8") as handle:
            handle.writelines(lines)
    flagged = sum(1 for result in results if result.typologies)
    click.echo(
        f"{len(transactions):,} transactions ({layout}), {len(results):,} accounts, {flagged:,} flagged",
        err=True,
    )
