"""The permission gatekeeper: roles × institutions × actions, and denied calls change nothing."""

import pytest

from fener.core import selectors
from fener.core.access import AccessDenied, NotFound, allowed, restrict
from fener.core.models import AuditEvent, Institution, Role, User
from fener.core.permissions import ROLE_LABELS
from fener.core.services.institutions import institution_update
from fener.core.services.roles import role_update
from fener.core.services.users import user_set_active, user_set_roles, user_update

ALL_ROLES = sorted(ROLE_LABELS)

# Who may do what. Anything not listed is denied.
EXPECTED = {
    ("view", "user_same_institution"): set(ALL_ROLES) - {"viewer"},
    ("view", "user_other_institution"): {"system_admin"},
    ("change", "user_same_institution"): {"system_admin"},
    ("change", "user_other_institution"): {"system_admin"},
    ("set_roles", "user_same_institution"): {"system_admin"},
    ("set_roles", "user_other_institution"): {"system_admin"},
    ("deactivate", "user_other_institution"): {"system_admin"},
    ("view", "institution_other"): set(ALL_ROLES),
    ("change", "institution_other"): {"system_admin", "national_coordinator"},
    ("change", "institution_own"): {"system_admin", "national_coordinator"},
    ("view", "audit_event"): {"auditor"},
    ("change", "audit_event"): set(),
    ("delete", "audit_event"): set(),
    ("change", "role"): {"system_admin"},
    ("view", "role"): set(ALL_ROLES),
    ("add", "user_model"): {"system_admin"},
    ("add", "institution_model"): {"system_admin", "national_coordinator"},
    ("reset_two_factor", "user_same_institution"): {"system_admin"},
    ("reset_two_factor", "user_other_institution"): {"system_admin"},
}


@pytest.fixture
def targets(make_user, home_institution, other_institution):
    audit_event = AuditEvent.objects.create(action="test.event")
    return {
        "user_same_institution": make_user("case_worker", username="colleague"),
        "user_other_institution": make_user(
            "police_investigator", username="stranger", institution=other_institution
        ),
        "institution_own": home_institution,
        "institution_other": other_institution,
        "audit_event": audit_event,
        "role": Role.objects.get(code="viewer"),
        "user_model": User,
        "institution_model": Institution,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role_code", ALL_ROLES)
@pytest.mark.parametrize(("action", "target_name"), sorted(EXPECTED))
def test_gatekeeper_matrix(role_code, action, target_name, make_user, targets):
    """Given an account with one role, when it asks to act on a target, the answer matches."""
    actor = make_user(role_code, username=f"actor-{role_code}")
    target = targets[target_name]

    decision = allowed(actor, action, target)

    assert decision is (role_code in EXPECTED[(action, target_name)])
    if isinstance(target, type):
        return
    # The list a selector returns agrees with the single decision.
    in_list = type(target).objects.filter(pk=target.pk)
    assert restrict(in_list, actor, action).exists() is decision


@pytest.mark.django_db
@pytest.mark.parametrize("role_code", ALL_ROLES)
def test_inactive_account_is_denied_everything(role_code, make_user, targets):
    actor = make_user(role_code, username="former", is_active=False)
    for target in targets.values():
        assert not allowed(actor, "view", target)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role_code", sorted(set(ALL_ROLES) - {"system_admin", "national_coordinator"})
)
def test_denied_institution_change_changes_nothing(role_code, make_user, other_institution):
    actor = make_user(role_code)
    audit_rows = AuditEvent.objects.count()

    with pytest.raises(AccessDenied):
        institution_update(actor=actor, institution=other_institution, name_en="Renamed")

    other_institution.refresh_from_db()
    assert other_institution.name_en != "Renamed"
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
@pytest.mark.parametrize("role_code", sorted(set(ALL_ROLES) - {"system_admin"}))
def test_denied_account_changes_change_nothing(role_code, make_user, other_institution):
    actor = make_user(role_code)
    stranger = make_user("case_worker", username="stranger", institution=other_institution)
    audit_rows = AuditEvent.objects.count()

    with pytest.raises((AccessDenied, NotFound)):
        user_set_roles(actor=actor, user=stranger, roles=Role.objects.filter(code="system_admin"))
    with pytest.raises((AccessDenied, NotFound)):
        user_set_active(actor=actor, user=stranger, active=False, reason="test")
    with pytest.raises((AccessDenied, NotFound)):
        user_update(actor=actor, user=stranger, email="changed@example.org")

    stranger.refresh_from_db()
    assert list(stranger.roles.values_list("code", flat=True)) == ["case_worker"]
    assert stranger.is_active
    assert stranger.email != "changed@example.org"
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
@pytest.mark.parametrize("role_code", sorted(set(ALL_ROLES) - {"system_admin"}))
def test_denied_role_change_changes_nothing(role_code, make_user):
    actor = make_user(role_code)
    viewer = Role.objects.get(code="viewer")
    audit_rows = AuditEvent.objects.count()

    with pytest.raises(AccessDenied):
        role_update(actor=actor, role=viewer, permissions=["core.view_audit"])

    viewer.refresh_from_db()
    assert viewer.permissions == ["core.view_directory"]
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_hidden_record_and_missing_record_look_the_same(make_user, other_institution):
    """A case worker cannot tell a stranger's account from one that does not exist."""
    actor = make_user("case_worker")
    stranger = make_user("case_worker", username="stranger", institution=other_institution)
    missing_pk = User.objects.order_by("-pk").first().pk + 100

    for pk in (stranger.pk, missing_pk):
        with pytest.raises(NotFound):
            selectors.user_get(user=actor, pk=pk)
    with pytest.raises(NotFound):
        user_update(actor=actor, user=stranger, email="x@example.org")


@pytest.mark.django_db
def test_administrators_cannot_escalate_or_lock_out_themselves(admin_user):
    with pytest.raises(AccessDenied):
        user_set_roles(actor=admin_user, user=admin_user, roles=Role.objects.all())
    assert not allowed(admin_user, "deactivate", admin_user)
    assert allowed(admin_user, "change", admin_user)


@pytest.mark.django_db
def test_institution_list_is_shared_but_audit_is_not(make_user, other_institution):
    case_worker = make_user("case_worker")
    auditor = make_user("auditor")
    AuditEvent.objects.create(action="test.event")

    assert other_institution in selectors.institution_list(user=case_worker)
    assert not selectors.audit_search(user=case_worker).exists()
    assert selectors.audit_search(user=auditor).exists()
    assert Institution.objects.count() >= 2


@pytest.mark.django_db
@pytest.mark.parametrize("role_code", ALL_ROLES)
def test_accounts_of_a_deactivated_institution_are_denied_everything(
    role_code, make_user, targets, home_institution
):
    actor = make_user(role_code, username=f"actor-{role_code}")
    Institution.objects.filter(pk=home_institution.pk).update(is_active=False)
    actor = User.objects.get(pk=actor.pk)
    for target in targets.values():
        assert not allowed(actor, "view", target)


@pytest.mark.django_db
def test_nobody_changes_a_role_they_hold(admin_user, make_user):
    system_admin = Role.objects.get(code="system_admin")
    with pytest.raises(AccessDenied):
        role_update(
            actor=admin_user,
            role=system_admin,
            permissions=[*system_admin.permissions, "core.view_audit"],
        )
    with pytest.raises(AccessDenied):
        role_update(actor=admin_user, role=system_admin, requires_two_factor=False)
    system_admin.refresh_from_db()
    assert "core.view_audit" not in system_admin.permissions
    assert system_admin.requires_two_factor
    # Another administrator's role is fine to change.
    auditor_role = Role.objects.get(code="auditor")
    role_update(actor=admin_user, role=auditor_role, requires_two_factor=False)
    auditor_role.refresh_from_db()
    assert not auditor_role.requires_two_factor


@pytest.mark.django_db
def test_institution_cannot_be_placed_under_itself(admin_user):
    from django.core.exceptions import ValidationError

    from tests.factories import InstitutionFactory

    ministry = InstitutionFactory(key="ministry")
    unit = InstitutionFactory(key="unit", parent=ministry)
    with pytest.raises(ValidationError):
        institution_update(actor=admin_user, institution=ministry, parent=unit)
    with pytest.raises(ValidationError):
        institution_update(actor=admin_user, institution=ministry, parent=ministry)
    ministry.refresh_from_db()
    assert ministry.parent is None


def test_the_roles_migration_grants_what_the_code_declares():
    """Migration 0002 copies the default grants; the two must not drift apart."""
    import importlib

    from fener.core.permissions import DEFAULT_ROLE_PERMISSIONS, DEFAULT_TWO_FACTOR_ROLES

    migration = importlib.import_module("fener.core.migrations.0002_default_roles")
    assert {code: sorted(grants) for code, (_, grants, _) in migration.ROLES.items()} == {
        code: sorted(grants) for code, grants in DEFAULT_ROLE_PERMISSIONS.items()
    }
    assert {
        code for code, (_, _, two) in migration.ROLES.items() if two
    } == DEFAULT_TWO_FACTOR_ROLES
