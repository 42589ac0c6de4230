"""The demo data builder.

``fener demo`` calls :func:`build_demo`, which runs every registered builder in order. Each
builder must be idempotent: running the demo again updates or reuses what is there instead of
failing or duplicating. Modules add their demo data with :func:`register_demo_builder`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import transaction

from fener.core.models import Institution, Municipality, Role, User

ProgressCallback = Callable[[str], None]


@dataclass(frozen=True)
class DemoAccount:
    role_code: str
    username: str
    first_name: str
    last_name: str
    institution_key: str
    job_title: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "system_admin", "admin", "Ана", "Петровска", "nat-commission", "System administrator"
    ),
    DemoAccount(
        "national_coordinator",
        "coordinator",
        "Марко",
        "Стојанов",
        "nat-commission",
        "National coordinator",
    ),
    DemoAccount("case_worker", "caseworker", "Елена", "Трајковска", "csw-skopje", "Social worker"),
    DemoAccount("case_supervisor", "supervisor", "Besa", "Rexhepi", "csw-tetovo", "Head of unit"),
    DemoAccount(
        "police_investigator", "police", "Никола", "Јовановски", "moi-thb-unit", "Inspector"
    ),
    DemoAccount(
        "financial_investigator",
        "finpolice",
        "Ivana",
        "Kostova",
        "financial-police",
        "Financial investigator",
    ),
    DemoAccount("prosecutor", "prosecutor", "Arben", "Ademi", "ppo-oc", "Public prosecutor"),
    DemoAccount("ad_monitor", "admonitor", "Сара", "Николовска", "moi-thb-unit", "Analyst"),
    DemoAccount(
        "school_officer", "school", "Drita", "Selmani", "school-zef-lush-marku", "School pedagogue"
    ),
    DemoAccount(
        "municipality_officer",
        "municipality",
        "Горан",
        "Илиевски",
        "mun-kumanovo",
        "Local prevention officer",
    ),
    DemoAccount("trainer", "trainer", "Маја", "Димитрова", "ngo-open-gate", "Trainer"),
    DemoAccount(
        "labour_inspector",
        "inspector",
        "Драган",
        "Стојановски",
        "labour-inspectorate",
        "Labour inspector",
    ),
    DemoAccount("auditor", "auditor", "Fatmir", "Hoxha", "ombudsman", "Auditor"),
    DemoAccount("viewer", "viewer", "Јана", "Георгиева", "io-osce", "Programme officer"),
)


@dataclass(frozen=True)
class DemoBuilder:
    name: str
    order: int
    build: Callable[[ProgressCallback, dict[str, Any]], None]


_BUILDERS: dict[str, DemoBuilder] = {}
# Accounts a module's builder adds besides the printed ones (e.g. colleagues on case teams).
_MODULE_ACCOUNTS: set[str] = set()


def register_demo_usernames(*usernames: str) -> None:
    """Declare user names that a module's demo builder creates, so that a second run of the
    demo recognises them as its own."""
    _MODULE_ACCOUNTS.update(usernames)


def register_demo_builder(name: str, order: int) -> Callable[[Any], Any]:
    """Decorator: register ``build(progress, context)`` to run as part of the demo."""

    def decorator(function: Callable[[ProgressCallback, dict[str, Any]], None]) -> Any:
        _BUILDERS[name] = DemoBuilder(name, order, function)
        return function

    return decorator


def demo_builder_names() -> list[str]:
    """The registered builders, in the order they run."""
    return [b.name for b in sorted(_BUILDERS.values(), key=lambda b: (b.order, b.name))]


def foreign_accounts() -> list[str]:
    """User names in the database that the demo did not create."""
    demo_names = {account.username for account in DEMO_ACCOUNTS} | _MODULE_ACCOUNTS
    return sorted(set(User.objects.values_list("username", flat=True)) - demo_names)


def build_demo(*, password: str, progress: ProgressCallback | None = None) -> list[User]:
    """Run every registered builder; returns the demo accounts (one per role)."""
    report = progress or (lambda message: None)
    context: dict[str, Any] = {"password": password}
    for builder in sorted(_BUILDERS.values(), key=lambda b: (b.order, b.name)):
        report(builder.name)
        with transaction.atomic():
            builder.build(report, context)
    from fener.core.audit import audit_record

    audit_record(actor=None, action="demo.build", target_label=", ".join(sorted(_BUILDERS)))
    return list(context.get("accounts", []))


def _data_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("fener.core").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def municipality_rows() -> list[dict[str, str]]:
    """The packaged list of the 80 municipalities (Census 2021; see data/ATTRIBUTION.md)."""
    return _data_rows("municipalities.csv")


@register_demo_builder("municipalities", order=10)
def load_municipalities(progress: ProgressCallback, context: dict[str, Any]) -> None:
    for row in municipality_rows():
        Municipality.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_mk": row["name_mk"],
                "name_sq": row["name_sq"],
                "name_en": row["name_en"],
                "region": row["region"],
                "city_of_skopje": row["city_of_skopje"] == "true",
                "population": int(row["population"]),
                "naturalearth_hasc": row["naturalearth_hasc"],
            },
        )


@register_demo_builder("institutions", order=20)
def load_institutions(progress: ProgressCallback, context: dict[str, Any]) -> None:
    rows = _data_rows("demo_institutions.csv")
    municipalities = {m.code: m for m in Municipality.objects.all()}
    for row in rows:
        Institution.objects.update_or_create(
            key=row["key"],
            defaults={
                "type": row["type"],
                "name_mk": row["name_mk"],
                "name_sq": row["name_sq"],
                "name_en": row["name_en"],
                "country": row["country"] or "MK",
                "municipality": municipalities.get(row["municipality_code"]),
            },
        )
    by_key = {i.key: i for i in Institution.objects.all()}
    for row in rows:
        if row["parent_key"]:
            Institution.objects.filter(key=row["key"]).update(parent=by_key[row["parent_key"]])


@register_demo_builder("accounts", order=30)
def load_accounts(progress: ProgressCallback, context: dict[str, Any]) -> None:
    roles = {role.code: role for role in Role.objects.all()}
    institutions = {i.key: i for i in Institution.objects.all()}
    accounts = []
    for spec in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.fener.mk",
                "institution": institutions[spec.institution_key],
                "job_title": spec.job_title,
            },
        )
        if created:
            user.set_password(context["password"])
            user.save(update_fields=["password"])
            user.roles.set([roles[spec.role_code]])
        accounts.append(user)
    context["accounts"] = accounts
