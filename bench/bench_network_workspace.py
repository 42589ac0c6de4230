"""Figures for the network workspace: importing a bank statement (check + all-or-nothing write),
running an analysis on an investigation, and the chart's graph and the pages' query counts.

Run: ``PYTHONPATH=. uv run python bench/bench_network_workspace.py [--transfers 100000]`` (a
throw-away SQLite database, or PostgreSQL when ``DATABASE_URL`` is set). Prints Markdown rows for
docs/benchmarks.md. The statement is synthetic: ``--transfers`` transfers among
``transfers / 10`` accounts with heavy-tailed activity, over 90 days.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import tempfile
import time
import tracemalloc
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("FENER_HOME", tempfile.mkdtemp(prefix="fener-bench-"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from fener.core.demo import load_accounts, load_institutions, load_municipalities  # noqa: E402
from fener.core.models import Role, User  # noqa: E402
from fener.network import selectors  # noqa: E402
from fener.network.services import analysis, imports, investigations  # noqa: E402


def statement(transfers: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)  # noqa: S311 - bench data
    accounts = max(transfers // 10, 10)
    weights = [1 / (i + 1) ** 0.8 for i in range(accounts)]
    sources = rng.choices(range(accounts), weights=weights, k=transfers)
    targets = rng.choices(range(accounts), weights=weights, k=transfers)
    start = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    lines = ["reference,payer,payee,amount,date"]
    for i, (a, b) in enumerate(zip(sources, targets, strict=True)):
        if a == b:
            b = (b + 1) % accounts
        moment = start + datetime.timedelta(seconds=rng.randrange(90 * 86_400))
        lines.append(
            f"B{i},ACC-{a},ACC-{b},{rng.lognormvariate(6, 1.2):.2f},{moment:%Y-%m-%d %H:%M:%S}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=100_000)
    arguments = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    context = {"password": "a bench password 1234"}
    for builder in (load_municipalities, load_institutions, load_accounts):
        builder(lambda message: None, context)
    police = User.objects.get(username="police")
    investigation = investigations.investigation_open(actor=police, name="Bench")
    content = statement(arguments.transfers)
    rows: list[tuple[str, str]] = []

    started = time.perf_counter()
    batch = imports.import_create(
        actor=police, investigation=investigation, file_name="s.csv", content=content
    )
    mapping = {
        "reference": "reference",
        "source": "payer",
        "target": "payee",
        "amount": "amount",
        "timestamp": "date",
    }
    imports.import_set_mapping(actor=police, batch=batch, mapping=mapping, currency="EUR")
    upload_seconds = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    batch = imports.import_run(import_id=batch.pk)
    import_seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert batch is not None and batch.status == "done", batch and batch.problems[:3]
    rows.append(
        (
            f"import of {arguments.transfers:,} transfers ({len(content) / 1e6:.1f} MB CSV, {investigation.entities.count():,} accounts), {connection.vendor}",
            f"upload check {upload_seconds:.1f} s; check + write {import_seconds:.1f} s = "
            f"{arguments.transfers / import_seconds:,.0f} rows/s, peak {peak / 1e6:.0f} MB (tracemalloc)",
        )
    )

    run = analysis.analysis_request(
        actor=police,
        investigation=investigation,
        window_days=7.0,
        threshold=Decimal(10_000),
    )
    started = time.perf_counter()
    run = analysis.analysis_execute(run_id=run.pk)
    seconds = time.perf_counter() - started
    assert run is not None and run.status == "done", run and run.error
    rows.append(
        (
            "analysis of the same investigation (7-day window)",
            f"{seconds:.1f} s, {run.result['flagged_accounts']:,} accounts flagged",
        )
    )

    started = time.perf_counter()
    graph = selectors.graph(investigation)
    rows.append(
        (
            "link chart data (merges applied, money aggregated per pair)",
            f"{time.perf_counter() - started:.2f} s for {len(graph['nodes']):,} nodes and {len(graph['edges']):,} edges",
        )
    )

    Role.objects.update(requires_two_factor=False)  # the bench's client has no authenticator
    client = Client()
    client.force_login(police)
    for name, path in (
        ("overview page", f"/en/network/{investigation.pk}/"),
        ("analysis page", f"/en/network/analyses/{run.pk}/"),
        ("entities page (100 per page)", f"/en/network/{investigation.pk}/entities/"),
        ("evidence summary", f"/en/network/{investigation.pk}/evidence/"),
    ):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        rows.append((name, f"{len(queries)} queries, {seconds * 1000:.0f} ms"))

    print("| measure | value |\n|---|---|")
    for measure, value in rows:
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
