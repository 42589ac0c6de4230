"""Sources of ads and their API tokens: who may manage them, what is checked, what is audited."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fener.adwatch.models import Arrival, Platform, Source, SourceToken
from fener.adwatch.services.sources import (
    TokenRefused,
    source_create,
    source_token_create,
    source_token_revoke,
    source_token_use,
    source_update,
)
from fener.core.access import AccessDenied, NotFound
from fener.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FEED = {
    "name": "Jobs portal feed",
    "platform": Platform.JOB_PORTAL,
    "arrival": Arrival.FEED,
    "country": "mk",
    "language": "MK",
    "feed_url": "https://jobs.example/rss",
    "feed_format": "rss",
}


def test_a_source_is_created_for_the_actors_institution_and_audited(monitor, home_institution):
    source = source_create(actor=monitor, **FEED)
    assert (source.country, source.language, source.institution) == ("MK", "mk", home_institution)
    event = AuditEvent.objects.get(action="adwatch.source.create")
    assert event.actor == monitor and event.target_id == str(source.pk)
    assert event.after["feed_url"] == "https://jobs.example/rss"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "Macedonia"}, "country"),
        ({"language": "Macedonian"}, "language"),
        ({"feed_url": ""}, "feed_url"),
        ({"feed_url": "ftp://jobs.example/rss"}, "feed_url"),
        ({"feed_format": ""}, "feed_format"),
        ({"platform": "myspace"}, "platform"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_source_details_are_refused_by_field_and_nothing_is_written(monitor, changes, field):
    with pytest.raises(ValidationError) as refused:
        source_create(actor=monitor, **{**FEED, **changes})
    assert field in refused.value.message_dict
    assert not Source.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_source_that_does_not_use_a_feed_keeps_no_feed_address(monitor):
    source = source_create(actor=monitor, **{**FEED, "arrival": Arrival.API})
    assert (source.feed_url, source.feed_format) == ("", "")


def test_an_update_records_only_what_changed(monitor, source):
    source_update(actor=monitor, source=source, name=source.name, active=False)
    event = AuditEvent.objects.get(action="adwatch.source.update")
    assert (event.before, event.after) == ({"active": True}, {"active": False})
    source_update(actor=monitor, source=source, active=False)
    assert AuditEvent.objects.filter(action="adwatch.source.update").count() == 1


def test_people_without_the_permission_change_nothing(make_user, source):
    worker = make_user("case_worker")
    with pytest.raises(AccessDenied):
        source_create(actor=worker, **FEED)
    with pytest.raises(NotFound):
        source_update(actor=worker, source=source, name="Renamed")
    with pytest.raises(NotFound):
        source_token_create(actor=worker, source=source, name="crawler")
    source.refresh_from_db()
    assert source.name == "Jobs abroad group"
    assert not SourceToken.objects.exists() and not AuditEvent.objects.exists()


def test_a_token_is_stored_only_as_its_digest_and_prefix(monitor, source):
    token, plain = source_token_create(actor=monitor, source=source, name="crawler", days=30)
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[:8] and len(plain) >= 40
    assert plain not in str(list(SourceToken.objects.values()))
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    event = AuditEvent.objects.get(action="adwatch.source_token.create")
    assert plain not in str(event.after) and token.digest not in str(event.after)
    assert source_token_use(plain=plain) == token
    assert SourceToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(("name", "days"), [("", 30), ("crawler", 0), ("crawler", 366)])
def test_a_token_needs_a_name_and_at_most_a_year(monitor, source, name, days):
    with pytest.raises(ValidationError):
        source_token_create(actor=monitor, source=source, name=name, days=days)
    assert not SourceToken.objects.exists()


def test_revoked_expired_and_inactive_tokens_are_refused(monitor, source):
    revoked, revoked_plain = source_token_create(actor=monitor, source=source, name="a")
    expired, expired_plain = source_token_create(actor=monitor, source=source, name="b")
    _live, live_plain = source_token_create(actor=monitor, source=source, name="c")
    source_token_revoke(actor=monitor, token=revoked)
    source_token_revoke(actor=monitor, token=revoked)  # twice: one audit row
    SourceToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert AuditEvent.objects.filter(action="adwatch.source_token.revoke").count() == 1
    for plain, reason in [
        (revoked_plain, "revoked"),
        (expired_plain, "expired"),
        ("not-a-token", "Unknown"),
    ]:
        with pytest.raises(TokenRefused, match=reason):
            source_token_use(plain=plain)
    source_update(actor=monitor, source=source, active=False)
    with pytest.raises(TokenRefused, match="inactive"):
        source_token_use(plain=live_plain)


# --- Pages ------------------------------------------------------------------------------------


def test_sources_are_listed_created_and_edited_through_the_pages(client, login, monitor):
    login(monitor)
    assert client.get("/en/ads/sources/").status_code == 200
    response = client.post("/en/ads/sources/new/", FEED)
    source = Source.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{source.pk}/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"https://jobs.example/rss" in page.content
    listing = client.get("/en/ads/sources/")
    assert b"Jobs portal feed" in listing.content
    edited = client.post(f"/en/ads/sources/{source.pk}/edit/", {**FEED, "name": "Renamed"})
    assert edited.status_code == 302
    source.refresh_from_db()
    assert source.name == "Renamed"


def test_the_form_shows_service_errors_next_to_the_field(client, login, monitor):
    login(monitor)
    response = client.post("/en/ads/sources/new/", {**FEED, "feed_url": "", "country": "M1"})
    assert response.status_code == 200
    assert b"A feed needs its address" in response.content
    assert b"two-letter country code" in response.content
    assert not Source.objects.exists()


def test_the_token_is_shown_once_and_can_be_revoked(client, login, monitor, source):
    login(monitor)
    response = client.post(
        f"/en/ads/sources/{source.pk}/tokens/", {"name": "partner crawler", "days": 90}
    )
    token = SourceToken.objects.get()
    html = response.content.decode()
    plain = html.split('<div class="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert hashlib.sha256(plain.encode()).hexdigest() == token.digest
    assert "no-store" in response["Cache-Control"]
    again = client.get(f"/en/ads/sources/{source.pk}/").content.decode()
    assert plain not in again and f"{token.prefix}…" in again
    revoked = client.post(f"/en/ads/sources/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_bad_token_form_creates_nothing(client, login, monitor, source):
    login(monitor)
    response = client.post(f"/en/ads/sources/{source.pk}/tokens/", {"name": "", "days": 999})
    assert response.status_code == 200 and b"new-token" not in response.content
    assert not SourceToken.objects.exists()


def test_people_without_the_permission_see_no_source_pages(
    client, login, make_user, monitor, source
):
    token, _plain = source_token_create(actor=monitor, source=source, name="crawler")
    login(make_user("case_worker"))
    for url in ("/en/ads/sources/", "/en/ads/sources/new/"):
        assert client.get(url).status_code in {403, 404}
    for url in (f"/en/ads/sources/{source.pk}/", f"/en/ads/sources/{source.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/en/ads/sources/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/en/ads/sources/{source.pk}/tokens/", {"name": "x"}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and SourceToken.objects.count() == 1
