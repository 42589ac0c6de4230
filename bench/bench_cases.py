"""Figures for victim case management: the identity vault's cost, audited reads, key rotation,
the k-anonymous export at national scale, and the query counts of the busiest pages.

Run: ``PYTHONPATH=. uv run python bench/bench_cases.py [--cases 50000]`` (a throw-away SQLite
database, or PostgreSQL when ``DATABASE_URL`` is set). Prints a Markdown table to paste into
docs/benchmarks.md. The demo (300 cases) is built first; ``--cases`` adds cloned pseudonymous
cases (no identity) for the export figure.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import tempfile
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("FENER_HOME", tempfile.mkdtemp(prefix="fener-bench-"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from fener.cases import selectors, vault  # noqa: E402
from fener.cases.models import Case, IdentityRecord  # noqa: E402
from fener.cases.services import cases as case_services  # noqa: E402
from fener.cases.services import identity as identity_services  # noqa: E402
from fener.cases.services.keys import rotate_key  # noqa: E402
from fener.cases.statistics import anonymised_export  # noqa: E402
from fener.core.demo import build_demo  # noqa: E402
from fener.core.models import User  # noqa: E402

ROUNDS = 1000


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} /s"


def _clone_cases(total: int) -> None:
    """Copy the demo's pseudonymous profiles until there are ``total`` cases (no identity)."""
    rng = random.Random(1)  # noqa: S311 - bench data
    templates = list(Case.objects.all())
    forms = {case.pk: list(case.exploitation_forms.all()) for case in templates}
    made = []
    through = Case.exploitation_forms.through

    number = Case.objects.count()
    while number < total:
        template = rng.choice(templates)
        clone = Case(
            code=f"FN-BENCH-{number:07d}",
            owner_institution_id=template.owner_institution_id,
            registered_on=template.registered_on - datetime.timedelta(days=rng.randint(0, 3000)),
            **{
                field: getattr(template, field)
                for field in (
                    "status",
                    "trafficking_status",
                    "sex",
                    "age_at_registration",
                    "is_child",
                    "citizenship",
                    "recruitment_methods",
                    "control_methods",
                    "forced_labour_industry",
                    "sex_exploitation_types",
                    "exploitation_country",
                    "relationship_to_trafficker",
                )
            },
        )
        made.append((clone, forms[template.pk]))
        number += 1
        if len(made) == 5000 or number == total:
            Case.objects.bulk_create([c for c, _ in made])
            saved = {c.code: c.pk for c in Case.objects.filter(code__in=[c.code for c, _ in made])}
            links = [
                through(case_id=saved[c.code], exploitationform_id=f.pk)
                for c, fs in made
                for f in fs
            ]
            through.objects.bulk_create(links)
            made = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    arguments = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    rows: list[tuple[str, str]] = []

    start = time.perf_counter()
    build_demo(password="bench-password-long-enough")  # noqa: S106 - throw-away database
    rows.append(
        (
            "whole demo build (ads and 300 cases, through the services)",
            f"{time.perf_counter() - start:,.1f} s",
        )
    )
    worker = User.objects.get(username="caseworker")

    value = "Ана Петровска, ул. Македонија 12, Битола".encode()
    start = time.perf_counter()
    for _ in range(20 * ROUNDS):
        vault.decrypt(vault.encrypt(value))
    rows.append(
        (
            "vault: encrypt + decrypt one field value",
            _rate(20 * ROUNDS, time.perf_counter() - start),
        )
    )

    case = case_services.case_open(
        actor=worker, profile={"sex": "female", "age_at_registration": 30}
    )
    data = identity_services.IdentityInput(
        given_name="Ана",
        family_name="Петровска",
        birth_date=datetime.date(1996, 5, 1),
        phones=["070 123 456"],
        emails=["ana@example.org"],
        addresses=["ул. Македонија 12"],
    )
    record = identity_services.identity_save(actor=worker, case=case, data=data)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        record = identity_services.identity_save(
            actor=worker, case=case, data=data, expected_version=record.version
        )
    rows.append(
        (
            "identity saves (8 encrypted fields, blind index, version check, audit row)",
            _rate(ROUNDS, time.perf_counter() - start),
        )
    )
    start = time.perf_counter()
    for _ in range(ROUNDS):
        selectors.identity_for(worker, case, purpose="assistance")
    rows.append(
        (
            "identity reads (gatekeeper, purpose, audit row, decryption)",
            _rate(ROUNDS, time.perf_counter() - start),
        )
    )
    start = time.perf_counter()
    for _ in range(200):
        case_services.case_open(
            actor=worker, profile={"sex": "male", "age_at_registration": 25, "citizenship": ["MK"]}
        )
    rows.append(
        ("cases opened (profile checks, team, audit row)", _rate(200, time.perf_counter() - start))
    )

    os.environ["FENER_DATA_KEY"] = "rotated-" + "r" * 40 + "," + os.environ["FENER_DATA_KEY"]
    from django.conf import settings

    settings.FENER_DATA_KEY = os.environ["FENER_DATA_KEY"]
    start = time.perf_counter()
    result = rotate_key()
    seconds = time.perf_counter() - start
    rows.append(
        (
            f"key rotation ({result.values:,} values, {IdentityRecord.objects.count()} identity records)",
            f"{seconds:,.2f} s, {_rate(result.values, seconds)}",
        )
    )

    client = Client()
    client.force_login(worker)
    code = selectors.caseload(worker).filter(support_plan__isnull=False).first().code
    for label, path in (
        ("worklist (caseload, follow-ups, referrals)", "/en/cases/"),
        ("case page", f"/en/cases/{code}/"),
        ("support plan page", f"/en/cases/{code}/support/"),
        ("case list (50 per page)", "/en/cases/all/"),
    ):
        client.get(path)  # the first request loads templates and catalogues
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, path
        rows.append(
            (
                f"SQL queries / time (second request) for {label}",
                f"{len(queries)} / {elapsed:,.0f} ms",
            )
        )

    for total in (Case.objects.count(), arguments.cases):
        _clone_cases(total)
        tracemalloc.start()
        start = time.perf_counter()
        export = anonymised_export(k=10)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        report = export.report
        rows.append(
            (
                f"k-anonymous export, k=10, {report['total']:,} cases",
                f"{seconds:,.2f} s, peak {peak:,.0f} MB; {report['suppressed']} rows withheld, levels {report['levels']}",
            )
        )

    print(f"database: {connection.vendor}")
    print("| measure | value |\n|---|---|")
    for measure, value in rows:
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
