"""``fener cases …``: case-management upkeep run from the shell (cron or a systemd timer)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group()
def cases() -> None:
    """Victim cases: retention, reminders, key rotation and anonymised statistics."""


@cases.command("apply-retention")
def apply_retention() -> None:
    """Anonymise closed cases whose retention period (FENER_CASE_RETENTION) has ended.

    \b
    Identity data, documents and free texts are erased; the anonymised case stays for
    statistics. Every anonymisation is written to the audit log. Run it daily.
    """
    from fener.cli import _setup_django

    _setup_django()
    from fener.cases.services.retention import retention_apply

    result = retention_apply()
    click.echo(f"Cases anonymised: {len(result.anonymised)}")
    for code in result.anonymised:
        click.echo(f"  {code}")


@cases.command("rotate-key")
def rotate_key() -> None:
    """Re-encrypt every identity value with the first secret of FENER_DATA_KEY.

    \b
    To rotate: set FENER_DATA_KEY="NEW,OLD", run this command, then set FENER_DATA_KEY="NEW".
    Safe to run again; an error names a value no configured secret can read.
    """
    from fener.cli import _setup_django

    _setup_django()
    from fener.cases import vault
    from fener.cases.services.keys import rotate_key as rotate

    secrets = vault.configured_secrets()
    result = rotate()
    click.echo(
        f"Re-encrypted {result.values} values in {result.tables} tables with the first of "
        f"{len(secrets)} configured secret(s)."
    )
    if len(secrets) > 1:
        click.echo("Now remove the old secret(s) from FENER_DATA_KEY.")


@cases.command("export-stats")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (FILE.csv or FILE.json); standard output when left out.",
)
@click.option(
    "--k",
    "k",
    type=int,
    default=None,
    help="Smallest group of look-alike cases (default FENER_STATISTICS_K, 10; at least 2).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "json"]),
    default=None,
    help="csv or json (default: from the file's extension, else csv).",
)
def export_stats(output: Path | None, k: int | None, file_format: str | None) -> None:
    """Write the anonymised, k-anonymous case statistics (CTDC/HTCDS shape).

    \b
    The same export as the statistics page. With a CSV file, the report of what was
    generalised and withheld goes to FILE.report.json beside it; on standard output it goes
    to standard error. JSON carries its report inside. Every export is audited.
    """
    if file_format is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else "csv"
        if suffix not in ("csv", "json"):
            raise click.BadParameter(
                "the file name must end in .csv or .json, or give --format",
                param_hint="-o/--output",
            )
        file_format = suffix
    from fener.cli import _setup_django

    _setup_django()
    from fener.cases.statistics import StatisticsInputError, statistics_export_command

    try:
        export = statistics_export_command(k=k, file_format=file_format)
    except StatisticsInputError as error:
        raise click.BadParameter(error.message, param_hint="--k") from None
    text = export.render(file_format)
    report = json.dumps(export.report, ensure_ascii=False, indent=1)
    if output is None:
        click.echo(text, nl=False)
        if file_format == "csv":
            click.echo(report, err=True)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if file_format == "csv":
            output.with_suffix(".report.json").write_text(report + "\n", encoding="utf-8")
    click.echo(
        f"Released {export.report['released']} of {export.report['total']} cases at "
        f"k={export.k}; withheld {export.report['suppressed']}.",
        err=True,
    )


@cases.command("send-reminders")
def send_reminders() -> None:
    """E-mail reminders of follow-ups due within 3 days or overdue, and of referrals whose
    answer is due within a day or late. Each reminder is sent once; run it daily."""
    from fener.cli import _setup_django

    _setup_django()
    from fener.cases.tasks import case_reminders_send

    summary = case_reminders_send.call()
    click.echo(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in summary.items()))
