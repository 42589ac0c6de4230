"""Shared fixtures: accounts in two institutions, and a logged-in browser-less client."""

import importlib

import pytest
from django.db import connection

from tests.factories import PASSWORD, InstitutionFactory, UserFactory

pytest_plugins = ["tests.browser"]


@pytest.fixture
def home_institution(db):
    return InstitutionFactory(key="home-institution")


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(key="other-institution")


@pytest.fixture
def make_user(db, home_institution):
    """``make_user("case_worker")`` makes an active account holding that role."""

    def make(*role_codes, institution=None, **fields):
        return UserFactory(
            institution=institution or home_institution, roles=list(role_codes), **fields
        )

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("system_admin", username="root-admin")


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def login(client, password):
    """Log ``user`` in through the real log-in page (no second factor)."""

    def do_login(user):
        response = client.post(
            "/en/accounts/login/", {"username": user.username, "password": password}
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return do_login


_APPEND_ONLY = importlib.import_module("fener.core.migrations.0003_audit_append_only")
_DEFAULT_ROLES = importlib.import_module("fener.core.migrations.0002_default_roles")
_ADWATCH_GRANTS = importlib.import_module("fener.adwatch.migrations.0002_grants")
_ADWATCH_NO_ADMIN_SOURCES = importlib.import_module(
    "fener.adwatch.migrations.0004_sources_not_for_system_admin"
)
_CASES_GRANTS = importlib.import_module("fener.cases.migrations.0002_grants_and_taxonomy")
_NETWORK_GRANTS = importlib.import_module("fener.network.migrations.0002_grants")


def _set_audit_triggers(install: bool) -> None:
    vendor = connection.vendor
    statements = {
        ("sqlite", True): _APPEND_ONLY.SQLITE_REVERSE + _APPEND_ONLY.SQLITE,
        ("sqlite", False): _APPEND_ONLY.SQLITE_REVERSE,
        ("postgresql", True): _APPEND_ONLY.POSTGRESQL_REVERSE + _APPEND_ONLY.POSTGRESQL,
        ("postgresql", False): _APPEND_ONLY.POSTGRESQL_REVERSE,
    }[(vendor, install)]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _database_as_migrations_left_it(request):
    """Every test sees the database as the migrations leave it: roles and append-only audit.

    A transactional test ends with Django's flush, which deletes every row (the roles of
    migration 0002 too) and which the append-only triggers of migration 0003 would refuse.
    So the harness, and only the harness, lifts the triggers for the flush, and puts the
    roles back before the next test.
    """
    marker = request.node.get_closest_marker("django_db")
    fixtures = set(request.fixturenames)
    transactional = bool(
        {"transactional_db", "live_server"} & fixtures
        or (marker is not None and marker.kwargs.get("transaction", False))
    )
    if marker is None and not ({"db"} & fixtures) and not transactional:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    if not apps.get_model("core", "Role").objects.exists():
        _DEFAULT_ROLES.create_roles(apps, None)
        _ADWATCH_GRANTS.grant(apps, None)
        _ADWATCH_NO_ADMIN_SOURCES.revoke(apps, None)
        _CASES_GRANTS.forward(apps, None)
        _NETWORK_GRANTS.forward(apps, None)
    # Migration 0002 of cases makes the roles that read identity data log in with a second
    # factor. The suite logs them in with a password only, as an installation that switched
    # it off would; the tests of the second factor (and of that migration) switch it back on.
    apps.get_model("core", "Role").objects.filter(code__in=_CASES_GRANTS.TWO_FACTOR).update(
        requires_two_factor=False
    )
    if transactional:
        _set_audit_triggers(install=True)
    yield
    if transactional:
        _set_audit_triggers(install=False)
