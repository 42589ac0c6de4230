"""REST API v1: token and session authentication, the same gatekeeper, the OpenAPI schema."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from fener.core.models import AuditEvent, Institution, Role
from fener.core.services.authentication import api_token_create
from fener.core.services.users import user_change_password, user_reset_two_factor, user_set_active


@pytest.fixture
def api():
    return APIClient()


def _token_client(user):
    _instance, token = api_token_create(user=user, days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.django_db
def test_anonymous_requests_are_refused(api):
    assert api.get("/api/v1/me/").status_code == 401
    assert api.get("/api/v1/institutions/").status_code == 401


@pytest.mark.django_db
def test_token_authenticates_and_reports_permissions(make_user):
    user = make_user("national_coordinator")
    response = _token_client(user).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert "core.manage_institutions" in response.json()["permissions"]


@pytest.mark.django_db
def test_revoked_or_bogus_token_is_refused(make_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_hidden_and_missing_accounts_answer_identically(make_user, other_institution):
    client = _token_client(make_user("case_worker"))
    stranger = make_user("case_worker", username="stranger", institution=other_institution)
    hidden = client.get(f"/api/v1/users/{stranger.pk}/")
    missing = client.get(f"/api/v1/users/{stranger.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


@pytest.mark.django_db
def test_coordinator_creates_and_edits_institution_through_the_service(make_user):
    client = _token_client(make_user("national_coordinator"))
    created = client.post(
        "/api/v1/institutions/",
        {
            "key": "ngo-new",
            "type": "ngo",
            "name_mk": "Ново здружение",
            "name_sq": "Shoqatë e re",
            "name_en": "New association",
            "country": "mk",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["country"] == "MK"
    pk = created.json()["id"]
    changed = client.patch(
        f"/api/v1/institutions/{pk}/", {"phone": "+389 2 000 000"}, format="json"
    )
    assert changed.status_code == 200
    assert Institution.objects.get(pk=pk).phone == "+389 2 000 000"
    assert (
        AuditEvent.objects.filter(target_id=str(pk), action__startswith="institution.").count() == 2
    )


@pytest.mark.django_db
def test_case_worker_cannot_create_or_edit_institutions(make_user, other_institution):
    client = _token_client(make_user("case_worker"))
    before = Institution.objects.count()
    response = client.post(
        "/api/v1/institutions/",
        {"key": "x", "type": "ngo", "name_mk": "x", "name_sq": "x", "name_en": "x"},
        format="json",
    )
    assert response.status_code == 403
    patched = client.patch(
        f"/api/v1/institutions/{other_institution.pk}/", {"name_en": "Hacked"}, format="json"
    )
    assert patched.status_code == 403
    assert Institution.objects.count() == before
    other_institution.refresh_from_db()
    assert other_institution.name_en != "Hacked"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "not-a-type"}, "type"),
        ({"country": "Macedonia"}, "country"),
        ({"key": "has spaces"}, "key"),
        ({"name_en": ""}, "name_en"),
        ({"email": "not-an-email"}, "email"),
        ({"municipality": "9999"}, "municipality"),
    ],
)
def test_bad_institution_input_is_rejected_with_the_field_named(payload, field, make_user):
    client = _token_client(make_user("national_coordinator"))
    body = {
        "key": "ok-key",
        "type": "ngo",
        "name_mk": "а",
        "name_sq": "b",
        "name_en": "c",
        "country": "MK",
        **payload,
    }
    before = Institution.objects.count()
    response = client.post("/api/v1/institutions/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Institution.objects.count() == before


@pytest.mark.django_db
def test_audit_endpoint_is_for_auditors_only(make_user):
    AuditEvent.objects.create(action="test.event")
    assert _token_client(make_user("case_worker")).get("/api/v1/audit/").status_code == 403
    auditor = make_user("auditor", username="aud")
    TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    auditor_view = _token_client(auditor).get("/api/v1/audit/", {"action": "test."})
    assert auditor_view.status_code == 200
    assert auditor_view.json()["count"] == 1


@pytest.mark.django_db
def test_openapi_schema_is_served_to_authenticated_clients_and_valid(api, make_user):
    import yaml
    from drf_spectacular.validation import validate_schema

    assert api.get("/api/schema/").status_code == 401
    response = _token_client(make_user("viewer")).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert "/api/v1/institutions/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"] or any(
        "knox" in name.lower() or "token" in name.lower()
        for name in schema["components"]["securitySchemes"]
    )


@pytest.mark.django_db
def test_api_docs_page_uses_local_assets_only(make_user):
    import re

    page = _token_client(make_user("viewer")).get("/api/docs/").content.decode()
    # Every address the page loads or links (not the random CSRF token, which may hold "cdn").
    addresses = re.findall(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)["']""", page)
    assert addresses
    for address in addresses:
        assert "cdn" not in address.lower(), address
        assert not address.startswith(("http://", "https://", "//")), address
    assert "/static/drf_spectacular_sidecar/" in page


@pytest.mark.django_db
def test_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")


@pytest.mark.django_db
def test_token_is_refused_once_the_role_requires_a_second_factor_not_enrolled(make_user):
    user = make_user("case_worker")
    client = _token_client(user)
    assert client.get("/api/v1/me/").status_code == 200

    Role.objects.filter(code="case_worker").update(requires_two_factor=True)
    assert client.get("/api/v1/me/").status_code == 401

    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("event", ["password_change", "two_factor_reset", "deactivation"])
def test_tokens_die_with_the_events_that_end_access(event, make_user, admin_user, password):
    user = make_user("case_worker")
    client = _token_client(user)
    if event == "password_change":
        user_change_password(
            user=user, current_password=password, new_password="a brand new passphrase"
        )
    elif event == "two_factor_reset":
        user_reset_two_factor(actor=admin_user, user=user, reason="lost phone")
    else:
        user_set_active(actor=admin_user, user=user, active=False, reason="left")
    assert client.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_token_of_a_deactivated_institution_is_refused(make_user, home_institution):
    client = _token_client(make_user("case_worker"))
    Institution.objects.filter(pk=home_institution.pk).update(is_active=False)
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_institution_key_cannot_be_changed_through_the_api(make_user, other_institution):
    client = _token_client(make_user("national_coordinator"))
    response = client.patch(
        f"/api/v1/institutions/{other_institution.pk}/", {"key": "renamed"}, format="json"
    )
    assert response.status_code == 400
    assert "key" in response.json()
    other_institution.refresh_from_db()
    assert other_institution.key == "other-institution"


@pytest.mark.django_db
def test_token_lifetime_is_bounded(make_user):
    user = make_user("case_worker")
    for days in (0, 91, -5):
        with pytest.raises(ValueError, match="between"):
            api_token_create(user=user, days=days)
