"""``fener adwatch …``: ad monitoring work run from the shell (for cron or a systemd timer)."""

from __future__ import annotations

import click


@click.group()
def adwatch() -> None:
    """Ad monitoring: pull the feeds of ad sources."""


@adwatch.command("pull-feeds")
@click.option("--all", "pull_all", is_flag=True, help="Pull every active feed, due or not.")
def pull_feeds(pull_all: bool) -> None:
    """Pull every active feed source that is due, now.

    \b
    A feed is due when it was last pulled FENER_FEED_PULL_MINUTES (15) minutes ago or more.
    Run it from cron or a systemd timer, e.g. every 5 minutes. A feed that fails records its
    error on the source (shown on the source's page) and never stops the others; the command
    exits with status 1 when any feed failed.
    """
    from fener.cli import _setup_django

    _setup_django()
    from fener.adwatch.tasks import feeds_pull

    summary = feeds_pull.call(force=pull_all)
    click.echo(
        "Feeds pulled: {pulled}, failed: {failed}; new ads: {stored}, "
        "seen again: {seen_again}".format(**summary)
    )
    if summary["failed"]:
        raise SystemExit(1)
