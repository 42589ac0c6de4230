"""Pages as a user meets them: local assets only, own-profile changes, invitations by e-mail."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from fener.core.audit import audit_read
from fener.core.models import AuditEvent, Role, User
from fener.core.services.users import user_create

PAGES = [
    "/en/",
    "/en/directory/",
    "/en/directory/municipalities/",
    "/en/accounts/profile/",
    "/en/administration/accounts/",
    "/en/administration/roles/",
    "/en/accounts/login/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_other_sites(client, make_user, path):
    """The platform must work in a closed government network: no CDN, no web fonts."""
    Role.objects.filter(code="system_admin").update(requires_two_factor=False)
    client.force_login(make_user("system_admin"))
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
    assert external == []


@pytest.mark.django_db
def test_choosing_a_language_on_the_profile_switches_the_interface(client, make_user, login):
    user = make_user("case_worker")
    login(user)
    response = client.post("/en/accounts/profile/", {"preferred_language": "sq"})
    assert response.status_code == 302
    assert response.cookies["fener_language"].value == "sq"
    user.refresh_from_db()
    assert user.preferred_language == "sq"
    assert AuditEvent.objects.filter(action="user.update", actor=user).count() == 1


@pytest.mark.django_db
def test_password_change_checks_the_current_password(client, make_user, login, password):
    user = make_user("case_worker")
    login(user)
    wrong = client.post(
        "/en/accounts/profile/password/",
        {
            "current_password": "not it",
            "new_password": "another long passphrase",
            "new_password_again": "another long passphrase",
        },
    )
    assert wrong.status_code == 200
    assert b"not correct" in wrong.content
    mismatch = client.post(
        "/en/accounts/profile/password/",
        {
            "current_password": password,
            "new_password": "another long passphrase",
            "new_password_again": "a different passphrase",
        },
    )
    assert b"differ" in mismatch.content
    user.refresh_from_db()
    assert user.check_password(password)
    ok = client.post(
        "/en/accounts/profile/password/",
        {
            "current_password": password,
            "new_password": "another long passphrase",
            "new_password_again": "another long passphrase",
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another long passphrase")


@pytest.mark.django_db(transaction=True)
def test_new_account_gets_an_invitation_through_the_task_worker(
    admin_user, home_institution, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = user_create(
            actor=admin_user,
            username="newcomer",
            email="newcomer@example.org",
            institution=home_institution,
            roles=Role.objects.filter(code="case_worker"),
        )
    assert not created.has_usable_password()
    assert mail.outbox == []  # queued, not sent inside the request

    call_command("db_worker", batch=True, verbosity=0)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.org"]
    link = re.search(r"http://\S+/accounts/reset/\S+/", message.body).group(0)
    path = link.split("8000", 1)[1]
    from django.test import Client

    browser = Client()
    form_page = browser.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    browser.post(
        set_url,
        {"new_password1": "my own long passphrase", "new_password2": "my own long passphrase"},
    )
    assert User.objects.get(username="newcomer").check_password("my own long passphrase")
    assert (
        AuditEvent.objects.filter(
            action="user.set_password_from_link", target_id=str(created.pk)
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_user_create_rejects_bad_input_and_keeps_nothing(admin_user, home_institution):
    from django.core.exceptions import ValidationError

    before = (User.objects.count(), AuditEvent.objects.count())
    for bad in (
        {"username": "has space!", "email": "ok@example.org"},
        {"username": "fine", "email": ""},
        {"username": admin_user.username, "email": "dup@example.org"},
    ):
        with pytest.raises(ValidationError):
            user_create(actor=admin_user, institution=home_institution, roles=[], **bad)
    with pytest.raises(ValidationError):
        user_create(
            actor=admin_user,
            username="weak",
            email="w@example.org",
            institution=home_institution,
            roles=[],
            password="123",
        )
    assert (User.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_sensitive_read_is_recorded_with_its_purpose(make_user):
    reader = make_user("case_worker")
    subject = make_user("case_worker", username="subject")
    event = audit_read(actor=reader, target=subject, purpose="verify identity for referral")
    assert event.action == "read"
    assert event.target_id == str(subject.pk)
    assert event.purpose == "verify identity for referral"


@pytest.mark.django_db
def test_demo_builder_loads_everything_and_can_run_twice():
    """Runs on the suite's database, so on PostgreSQL in CI as well as on SQLite."""
    from fener.cases.demo_data import EXTRA_ACCOUNTS
    from fener.cases.models import Case
    from fener.core.demo import DEMO_ACCOUNTS, build_demo
    from fener.core.models import Institution, Municipality

    for _ in range(2):
        accounts = build_demo(password="a demo password long enough")
    # One printed account per role; the case teams' extra colleagues are not printed.
    assert len(accounts) == len(DEMO_ACCOUNTS)
    assert User.objects.count() == len(DEMO_ACCOUNTS) + len(EXTRA_ACCOUNTS)
    assert Case.objects.count() == 300
    assert Municipality.objects.count() == 80
    assert Institution.objects.filter(type="social_work_centre").count() >= 10
    assert {a.roles.get().code for a in accounts} == {spec.role_code for spec in DEMO_ACCOUNTS}
