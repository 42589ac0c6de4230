"""``fener cases …``: case-management upkeep run from the shell (cron or a systemd timer)."""

from __future__ import annotations

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
