"""Log-in: Argon2, lock-out, mandatory second factor, and session expiry."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fener.core.models import AuditEvent, Role


def _post_login(client, username, password, **extra):
    return client.post("/en/accounts/login/", {"username": username, "password": password}, **extra)


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(make_user):
    user = make_user("case_worker")
    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_successful_log_in_is_audited(client, make_user, password):
    user = make_user("case_worker")
    response = _post_login(client, user.username, password)
    assert response.status_code == 302
    assert client.get("/en/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == 1


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, make_user, password
):
    user = make_user("case_worker")
    for _ in range(2):
        response = _post_login(client, user.username, "wrong password")
        assert response.status_code == 200
        assert b"Please enter a correct" in response.content
    locked = _post_login(client, user.username, "wrong password")
    assert locked.status_code == 429
    assert b"Account locked" in locked.content

    # The right password does not help while the lock holds, from any address.
    again = _post_login(client, user.username, password, REMOTE_ADDR="10.9.9.9")
    assert again.status_code == 429
    assert client.get("/en/").status_code == 302  # still not logged in
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 2
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_lock_lifts_after_the_cool_off_period(client, make_user, password):
    user = make_user("case_worker")
    for _ in range(3):
        _post_login(client, user.username, "wrong password")
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=16)
    ):
        assert _post_login(client, user.username, password).status_code == 302


@pytest.mark.django_db
def test_role_that_requires_two_factor_forces_enrolment_then_verification(
    client, make_user, password
):
    Role.objects.filter(code="prosecutor").update(requires_two_factor=True)
    user = make_user("prosecutor")

    # Password accepted, but nothing is reachable before enrolment.
    response = _post_login(client, user.username, password)
    assert response["Location"].startswith("/en/accounts/two-factor/setup/")
    assert client.get("/en/directory/")["Location"] == (
        "/en/accounts/two-factor/setup/?next=%2Fen%2Fdirectory%2F"
    )
    assert client.get("/api/v1/me/").status_code in (401, 403)

    setup = client.get("/en/accounts/two-factor/setup/")
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/en/accounts/two-factor/setup/", {"token": "000000"}).status_code == 200
    # A wrong code slows the next attempt down (throttling); a right one later succeeds.
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=5)
    ):
        response = client.post("/en/accounts/two-factor/setup/", {"token": _code(device)})
        assert response.status_code == 302
        assert client.get("/en/directory/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enrolled", actor=user).exists()

    # Next time: the code is asked for after the password.
    client.post("/en/accounts/logout/")
    response = _post_login(client, user.username, password)
    assert response["Location"].startswith("/en/accounts/two-factor/")
    assert client.get("/en/directory/").status_code == 302
    device.refresh_from_db()
    bad = client.post("/en/accounts/two-factor/", {"token": "123456"})
    assert b"not valid" in bad.content
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=95)
    ):
        device.refresh_from_db()
        good = client.post("/en/accounts/two-factor/", {"token": _code(device)})
        assert good.status_code == 302
        assert client.get("/en/directory/").status_code == 200


@pytest.mark.django_db
def test_role_without_requirement_logs_in_with_password_only(client, make_user, password):
    user = make_user("trainer")
    _post_login(client, user.username, password)
    assert client.get("/en/directory/").status_code == 200


@pytest.mark.django_db
@override_settings(FENER_SESSION_IDLE_MINUTES=30, FENER_SESSION_MAX_HOURS=10)
def test_idle_session_expires(client, make_user, password):
    user = make_user("case_worker")
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _post_login(client, user.username, password)
        assert client.get("/en/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/en/").status_code == 200  # activity renews the idle timer
    with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
        assert client.get("/en/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
        response = client.get("/en/directory/")
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
        assert client.get("/en/").status_code == 302  # the session is gone, not just hidden


@pytest.mark.django_db
@override_settings(FENER_SESSION_IDLE_MINUTES=30, FENER_SESSION_MAX_HOURS=2)
def test_session_ends_after_its_absolute_lifetime_even_when_active(client, make_user, password):
    user = make_user("case_worker")
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _post_login(client, user.username, password)
    for minutes in range(20, 120, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get("/en/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=125), tick=False):
        assert client.get("/en/").status_code == 302


@pytest.mark.django_db
def test_deactivated_account_cannot_log_in(client, make_user, password):
    user = make_user("case_worker", is_active=False)
    response = _post_login(client, user.username, password)
    assert response.status_code == 200
    assert client.get("/en/").status_code == 302


@pytest.mark.django_db
def test_oversized_or_nul_input_is_refused_cleanly(client):
    response = _post_login(client, "x" * 10_000, "whatever")
    assert response.status_code == 200
    assert b"correct user name and password" in response.content
    assert _post_login(client, "bad\x00name", "whatever").status_code == 400
    assert client.get("/en/directory/?q=%00").status_code == 400
    assert client.get("/api/v1/institutions/?q=%00").status_code == 400


@pytest.mark.django_db
def test_the_page_asked_for_survives_the_second_factor(client, make_user, password):
    Role.objects.filter(code="prosecutor").update(requires_two_factor=True)
    user = make_user("prosecutor")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = client.post(
        "/en/accounts/login/?next=/en/directory/%3Ftype%3Dngo%26municipality%3D0060",
        {
            "username": user.username,
            "password": password,
            "next": "/en/directory/?type=ngo&municipality=0060",
        },
    )
    assert response["Location"] == (
        "/en/accounts/two-factor/?next=%2Fen%2Fdirectory%2F%3Ftype%3Dngo%26municipality%3D0060"
    )


@pytest.mark.django_db
def test_accounts_of_a_deactivated_institution_cannot_log_in(
    client, make_user, password, home_institution
):
    user = make_user("case_worker")
    home_institution.is_active = False
    home_institution.save()
    assert _post_login(client, user.username, password).status_code == 200
    assert client.get("/en/").status_code == 302


@pytest.mark.django_db
def test_log_in_ignores_foreign_next_addresses(client, make_user, password):
    user = make_user("case_worker")
    response = client.post(
        "/en/accounts/login/?next=https://evil.example/",
        {"username": user.username, "password": password, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/en/"
