"""The audit log: one row per service write, and rows that nothing in the app can alter."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from fener.core.models import AuditEvent, Institution, Role
from fener.core.models.audit import AuditImmutableError
from fener.core.request_context import request_context
from fener.core.services import authentication, institutions, roles, users


def _service_calls(admin, colleague, institution):
    """Each entry: (name, call). Every call is a successful write by ``admin``."""

    def viewer():
        return Role.objects.get(code="viewer")

    return [
        (
            "institution_create",
            lambda: institutions.institution_create(
                actor=admin,
                key="new-ngo",
                type="ngo",
                name_mk="Ново",
                name_sq="E re",
                name_en="New NGO",
            ),
        ),
        (
            "institution_update",
            lambda: institutions.institution_update(
                actor=admin, institution=institution, name_en="Renamed institution"
            ),
        ),
        (
            "user_create",
            lambda: users.user_create(
                actor=admin,
                username="newcomer",
                email="newcomer@example.org",
                institution=institution,
                roles=[viewer()],
            ),
        ),
        (
            "user_update",
            lambda: users.user_update(actor=admin, user=colleague, job_title="Head of unit"),
        ),
        (
            "user_set_roles",
            lambda: users.user_set_roles(actor=admin, user=colleague, roles=[viewer()]),
        ),
        (
            "user_set_active",
            lambda: users.user_set_active(
                actor=admin, user=colleague, active=False, reason="left the institution"
            ),
        ),
        (
            "user_reset_two_factor",
            lambda: users.user_reset_two_factor(actor=admin, user=colleague, reason="lost phone"),
        ),
        (
            "user_change_password",
            lambda: users.user_change_password(
                user=colleague,
                current_password="correct horse battery staple",
                new_password="a much longer new passphrase",
            ),
        ),
        (
            "role_update",
            lambda: roles.role_update(actor=admin, role=viewer(), requires_two_factor=True),
        ),
        ("api_token_create", lambda: authentication.api_token_create(user=colleague, days=30)),
        (
            "api_token_revoke",
            lambda: authentication.api_token_revoke(
                user=colleague,
                token_key=AuthToken.objects.create(user=colleague, expiry=None)[0].token_key,
            ),
        ),
        (
            "user_set_password_from_link",
            lambda: users.user_set_password_from_link(
                user=colleague, new_password="a fresh long passphrase"
            ),
        ),
        ("two_factor_enrolment_confirm", lambda: _enrol(colleague)),
    ]


def _enrol(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert authentication.two_factor_enrolment_confirm(user=user, device=device, token=token)


SERVICE_NAMES = [name for name, _ in _service_calls(None, None, None)]


@pytest.mark.django_db
@pytest.mark.parametrize("service_name", SERVICE_NAMES)
def test_every_service_write_leaves_exactly_one_audit_row(
    service_name, admin_user, make_user, home_institution, django_capture_on_commit_callbacks
):
    colleague = make_user("case_worker", username="colleague")
    call = dict(_service_calls(admin_user, colleague, home_institution))[service_name]
    before = AuditEvent.objects.count()

    with request_context(request_id="req-0000001", client_ip="10.0.0.7"):
        call()

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event.request_id == "req-0000001"
    assert event.ip_address == "10.0.0.7"
    assert event.actor_label in {admin_user.username, colleague.username}
    assert event.institution_id == home_institution.pk


@pytest.mark.django_db
def test_update_records_before_and_after_of_changed_fields_only(admin_user, home_institution):
    institutions.institution_update(
        actor=admin_user, institution=home_institution, name_en="Renamed", phone="+389 2 3100 000"
    )
    event = AuditEvent.objects.get(action="institution.update")
    assert event.before == {"name_en": home_institution.name_en, "phone": ""}
    assert event.after == {"name_en": "Renamed", "phone": "+389 2 3100 000"}
    assert event.target_type == "core.institution"
    assert event.target_id == str(home_institution.pk)


@pytest.mark.django_db
def test_a_change_that_changes_nothing_writes_nothing(admin_user, home_institution):
    before = AuditEvent.objects.count()
    institutions.institution_update(
        actor=admin_user, institution=home_institution, name_en=home_institution.name_en
    )
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_failed_write_leaves_no_audit_row_and_no_change(admin_user, home_institution):
    before = AuditEvent.objects.count()
    with pytest.raises(Exception, match=r"country|Ensure"):
        institutions.institution_update(
            actor=admin_user, institution=home_institution, country="MKD-too-long"
        )
    home_institution.refresh_from_db()
    assert home_institution.country == "MK"
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_through_the_application():
    event = AuditEvent.objects.create(action="test.event", target_label="original")

    event.target_label = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(target_label="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.get(pk=event.pk).target_label == "original"


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_to_alter_audit_rows():
    """Even raw SQL, bypassing the ORM, cannot rewrite history."""
    event = AuditEvent.objects.create(action="test.event", target_label="original")
    table = AuditEvent._meta.db_table
    for statement in (
        f"UPDATE {table} SET target_label = 'tampered' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).target_label == "original"


@pytest.mark.django_db
def test_auditor_searches_the_log_and_others_are_refused(client, make_user, login, admin_user):
    institutions.institution_update(
        actor=admin_user,
        institution=Institution.objects.get(key="home-institution"),
        name_en="Searched for",
    )
    auditor = make_user("auditor", username="the-auditor")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The auditor role requires a second factor; pretend the device was verified.
    TOTPDevice.objects.filter(user=auditor).delete()
    Role.objects.filter(code="auditor").update(requires_two_factor=False)

    login(auditor)
    page = client.get("/en/audit/", {"action": "institution.update"})
    assert page.status_code == 200
    assert "institution.update" in page.content.decode()
    export = client.get("/en/audit/export.csv", {"action": "institution.update"})
    body = b"".join(export.streaming_content).decode()
    assert "Searched for" in body
    assert AuditEvent.objects.filter(action="audit.export", actor=auditor).exists()

    client.logout()
    login(make_user("case_worker", username="curious"))
    assert client.get("/en/audit/").status_code == 403


def _auditor_client(client, make_user, login):
    Role.objects.filter(code="auditor").update(requires_two_factor=False)
    login(make_user("auditor", username="the-auditor"))
    return client


@pytest.mark.django_db
def test_export_cannot_carry_spreadsheet_formulas(client, make_user, login, admin_user):
    institutions.institution_update(
        actor=admin_user,
        institution=Institution.objects.get(key="home-institution"),
        name_en='=HYPERLINK("http://evil.example","click")',
    )
    auditor = _auditor_client(client, make_user, login)
    body = b"".join(auditor.get("/en/audit/export.csv").streaming_content).decode()
    assert "=HYPERLINK" in body
    for line in body.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), cell


@pytest.mark.django_db
def test_invalid_audit_filter_matches_nothing_and_exports_nothing(client, make_user, login):
    AuditEvent.objects.create(action="test.event")
    auditor = _auditor_client(client, make_user, login)
    page = auditor.get("/en/audit/", {"action": "test.", "since": "garbage"})
    assert page.status_code == 200
    assert b"No audit rows match." in page.content
    assert auditor.get("/en/audit/export.csv", {"since": "garbage"}).status_code == 400


@pytest.mark.django_db
def test_failed_log_in_with_an_unknown_name_does_not_store_what_was_typed(client, make_user):
    make_user("case_worker", username="known")
    client.post("/en/accounts/login/", {"username": "MySecretPassw0rd!", "password": "x"})
    client.post("/en/accounts/login/", {"username": "known", "password": "wrong"})
    failures = AuditEvent.objects.filter(action="auth.login_failed")
    labels = set(failures.values_list("target_label", flat=True))
    assert labels == {"(unknown user name)", "known"}
