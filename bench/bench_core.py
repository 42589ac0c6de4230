"""Baseline figures for the shared machinery: audited writes, scoped reads, page query counts.

Run: ``PYTHONPATH=. uv run python bench/bench_core.py`` (uses a throw-away SQLite database, or PostgreSQL when
``DATABASE_URL`` is set). Prints a Markdown table to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("FENER_HOME", tempfile.mkdtemp(prefix="fener-bench-"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from fener.core import selectors  # noqa: E402
from fener.core.demo import build_demo  # noqa: E402
from fener.core.models import Institution, User  # noqa: E402
from fener.core.services.institutions import institution_update  # noqa: E402

WRITES = 2000
READS = 2000


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    build_demo(password="bench-password-long-enough")  # noqa: S106 - throw-away database
    admin = User.objects.get(username="admin")
    case_worker = User.objects.get(username="caseworker")
    institution = Institution.objects.get(key="csw-bitola")

    start = time.perf_counter()
    for number in range(WRITES):
        institution_update(actor=admin, institution=institution, phone=f"+389 47 {number:06d}")
    write_rate = WRITES / (time.perf_counter() - start)

    start = time.perf_counter()
    for _ in range(READS):
        selectors.user_get(user=case_worker, pk=case_worker.pk)
    read_rate = READS / (time.perf_counter() - start)

    client = Client()
    client.force_login(case_worker)
    counts = {}
    for path in (
        "/en/",
        "/en/directory/",
        "/en/administration/accounts/",
        "/en/directory/municipalities/",
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[path] = len(queries)

    print(f"database: {connection.vendor}")
    print("| measure | value |\n|---|---|")
    print(f"| audited service writes (institution_update + audit row) | {write_rate:,.0f} /s |")
    print(f"| gatekeeper-scoped single reads (user_get) | {read_rate:,.0f} /s |")
    for path, count in counts.items():
        print(f"| SQL queries for {path} (case worker) | {count} |")


if __name__ == "__main__":
    main()
