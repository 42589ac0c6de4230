"""The ``fener`` command: one entry point for everything a user does from a shell."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import click
from rich.console import Console
from rich.table import Table

console = Console()


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fener.config.settings")
    import django

    django.setup()


def _demo_environment(home: Path) -> dict[str, str]:
    """Keys for the local demo, made once and kept (0600) beside the demo database."""
    home.mkdir(parents=True, exist_ok=True)
    secrets_file = home / "demo-secrets.json"
    if secrets_file.exists():
        values = json.loads(secrets_file.read_text())
    else:
        values = {
            "FENER_SECRET_KEY": secrets.token_urlsafe(64),
            "FENER_DATA_KEY": secrets.token_urlsafe(32),
            "demo_password": "demo-" + secrets.token_urlsafe(9),
        }
        secrets_file.touch(mode=0o600)
        secrets_file.write_text(json.dumps(values, indent=2))
    environment = {
        "FENER_HOME": str(home),
        "FENER_SECRET_KEY": values["FENER_SECRET_KEY"],
        "FENER_DATA_KEY": values["FENER_DATA_KEY"],
        "FENER_TLS": "0",
        "FENER_DEMO_PASSWORD": values["demo_password"],
    }
    return environment


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="fener")
def main() -> None:
    """Fener: the counter-trafficking platform of North Macedonia.

    \b
    Start here:   fener demo          (a working system with demo data, on SQLite)
    Production:   fener migrate, fener createadmin, fener serve and fener worker,
                  with DATABASE_URL, FENER_SECRET_KEY and FENER_DATA_KEY set.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--home",
    type=click.Path(path_type=Path),
    default=Path("var"),
    show_default=True,
    help="Folder for the demo database and keys.",
)
@click.option("--no-serve", is_flag=True, help="Prepare the database and data, then exit.")
def demo(host: str, port: int, home: Path, no_serve: bool) -> None:
    """Set up a demo: database, migrations, demo data, then web server and task worker.

    Running it again reuses the data. Stop with Ctrl-C (or SIGTERM): both processes stop.
    """
    for key, value in _demo_environment(home.resolve()).items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("FENER_BASE_URL", f"http://{host}:{port}")
    _setup_django()
    from django.core.management import call_command

    with console.status("Applying database migrations…"):
        call_command("migrate", interactive=False, verbosity=0)
    from fener.core.demo import foreign_accounts

    if foreign_accounts():
        raise click.ClickException(
            "This database holds accounts that are not demo accounts: refusing to add demo "
            "data (with a printed password) to what looks like a real installation."
        )
    from rich.progress import BarColumn, Progress, TextColumn

    from fener.core.demo import build_demo, demo_builder_names

    with Progress(
        TextColumn("Loading demo data: {task.description}"),
        BarColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(demo_builder_names()))

        def advance(step: str) -> None:
            progress.update(task, description=step, advance=1)

        accounts = build_demo(password=os.environ["FENER_DEMO_PASSWORD"], progress=advance)
    _print_accounts(accounts, os.environ["FENER_DEMO_PASSWORD"], f"http://{host}:{port}/")
    if no_serve:
        console.print("[green]Demo data ready.[/green] (--no-serve: not starting the server)")
        return
    _serve_with_worker(host, port)


def _print_accounts(accounts: list[Any], password: str, url: str) -> None:
    table = Table(title="Demo accounts (one per role)", show_lines=False)
    for column in ("Role", "User name", "Institution", "Two-factor"):
        table.add_column(column)
    for user in accounts:
        role = user.roles.first()
        table.add_row(
            role.label if role else "-",
            user.username,
            user.institution.name_en,
            "enrol at first log-in" if user.requires_two_factor else "-",
        )
    console.print(table)
    console.print(f"Password for every demo account: [bold]{password}[/bold]")
    console.print(f"Open [bold]{url}[/bold]")


def _serve_with_worker(host: str, port: int, threads: int = 8) -> None:
    """Run the web server here and the task worker as a child; stop both on SIGINT/SIGTERM."""
    from waitress.server import create_server

    from fener.config.wsgi import application

    worker = subprocess.Popen([sys.executable, "-m", "fener.cli", "worker"], env=os.environ.copy())
    server = create_server(application, host=host, port=port, threads=threads, **_proxy_options())

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    console.print(f"Serving on http://{host}:{port}/ with a task worker (pid {worker.pid}).")
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        console.print("Stopping…")
        server.close()
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        console.print("Stopped.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, help="Request-handling threads.")
@click.option("--with-worker", is_flag=True, help="Also run a task worker as a child process.")
def serve(host: str, port: int, threads: int, with_worker: bool) -> None:
    """Serve the web interface and API (waitress; put TLS in front of it)."""
    _setup_django()
    if with_worker:
        _serve_with_worker(host, port, threads)
        return
    from waitress import serve as waitress_serve

    from fener.config.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, **_proxy_options())


def _proxy_options() -> dict[str, Any]:
    """waitress options so that, behind the operator's proxy, the client address is real."""
    from django.conf import settings

    if not settings.FENER_TRUSTED_PROXY:
        return {}
    return {
        "trusted_proxy": settings.FENER_TRUSTED_PROXY,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


@main.command()
@click.option("--batch", is_flag=True, help="Run what is queued, then exit.")
@click.option("--queue", "queue_name", default="default", show_default=True)
def worker(batch: bool, queue_name: str) -> None:
    """Run background tasks (django-tasks-db worker)."""
    _setup_django()
    from django.core.management import call_command

    options: dict[str, Any] = {"queue_name": queue_name}
    if batch:
        options["batch"] = True
    call_command("db_worker", **options)


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False)


@main.command()
@click.option("--username", prompt=True, help="Log-in name of the new administrator.")
@click.option("--email", prompt=True, help="E-mail address.")
@click.option(
    "--institution",
    "institution_key",
    prompt="Institution key",
    help="Key of the institution they belong to (created if missing, see --institution-name).",
)
@click.option("--institution-name", default="", help="English name, when the institution is new.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (prompted when not given; at least 12 characters).",
)
def createadmin(
    username: str, email: str, institution_key: str, institution_name: str, password: str
) -> None:
    """Create a system administrator (the first account of a new installation)."""
    _setup_django()
    from django.core.exceptions import ValidationError

    from fener.core.bootstrap import create_first_administrator

    try:
        user = create_first_administrator(
            username=username,
            email=email,
            institution_key=institution_key,
            institution_name=institution_name,
            password=password,
        )
    except ValidationError as error:
        raise click.ClickException("; ".join(error.messages)) from error
    console.print(
        f"[green]Created system administrator {user.username}.[/green] "
        "They enrol an authenticator at first log-in."
    )


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def manage(arguments: tuple[str, ...]) -> None:
    """Run a Django management command (for operators), e.g. ``fener manage check --deploy``."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fener manage", *arguments])


from fener.cli_ads import ads as ads_commands  # noqa: E402 - registered after the group
from fener.cli_adwatch import adwatch as adwatch_commands  # noqa: E402
from fener.cli_cases import cases as cases_commands  # noqa: E402
from fener.cli_network import network as network_commands  # noqa: E402

main.add_command(ads_commands, "ads")
main.add_command(adwatch_commands, "adwatch")
main.add_command(cases_commands, "cases")
main.add_command(network_commands, "network")

if __name__ == "__main__":
    main()
