"""``POST /api/v1/ads/``: crawlers and partners send ads with a source token."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fener.adwatch.api import ingest as ingest_api
from fener.adwatch.models import Ad, Source, SourceToken
from fener.adwatch.services.sources import (
    source_token_create,
    source_token_revoke,
    source_update,
)
from fener.core.models import AuditEvent
from tests.adwatch.conftest import CLEAN, SUSPICIOUS

pytestmark = pytest.mark.django_db
URL = "/api/v1/ads/"


@pytest.fixture
def token(monitor, source):
    return source_token_create(actor=monitor, source=source, name="crawler")


def _post(plain, body, *, raw=False):
    client = APIClient()
    if plain is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Source {plain}", HTTP_ACCEPT_LANGUAGE="en")
    else:
        client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    if raw:
        return client.generic("POST", URL, body, content_type="application/json")
    return client.post(URL, body, format="json")


def run_queued_tasks():
    """Do what the worker does with every queued task, in this test's transaction (the real
    worker command closes database connections, which a test transaction cannot survive)."""
    from django_tasks_db.models import DBTaskResult

    for row in DBTaskResult.objects.ready().order_by("enqueued_at"):
        row.claim("tests")
        queued = row.task_result
        row.set_successful(row.task.call(*queued.args, **queued.kwargs))


def _batch(plain, response):
    """Run the worker over the queued tasks, then read the batch's status."""
    assert response.status_code == 202, response.content
    run_queued_tasks()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Source {plain}", HTTP_ACCEPT_LANGUAGE="en")
    status = client.get(response.json()["status_url"])
    assert status.status_code == 200
    answer = status.json()
    assert answer["status"] == "done"
    return answer


def _sent(plain, body):
    """POST ``body`` and return the batch's final status (what was stored, seen, refused)."""
    return _batch(plain, _post(plain, body))


@pytest.mark.parametrize(
    "body",
    [
        {"id": "a1", "text": SUSPICIOUS, "url": "https://fb.example/1", "lang": "mk"},
        [{"id": "a1", "text": SUSPICIOUS, "url": "https://fb.example/1", "lang": "mk"}],
        {"ads": [{"id": "a1", "text": SUSPICIOUS, "url": "https://fb.example/1", "lang": "mk"}]},
    ],
    ids=["one object", "a list", "ads key"],
)
def test_one_ad_in_each_body_shape_is_stored(token, source, body):
    response = _post(token[1], body)
    assert response.json()["accepted"] == 1 and response.json()["refused"] == []
    assert not Ad.objects.exists()  # stored by the worker, not in the request
    answer = _batch(token[1], response)
    assert {k: answer[k] for k in ("stored", "seen_again", "refused")} == {
        "stored": 1,
        "seen_again": 0,
        "refused": [],
    }
    ad = Ad.objects.get()
    assert (ad.source, ad.external_id, ad.url) == (source, "a1", "https://fb.example/1")
    assert ad.raw_payload["lang"] == "mk"
    event = AuditEvent.objects.get(action="adwatch.ingest")
    assert event.after["channel"] == f"api token {token[0].prefix}"
    assert SourceToken.objects.get().last_used_at is not None


def test_sending_the_same_ads_again_counts_sightings(token):
    body = [{"id": "a1", "text": SUSPICIOUS}, {"text": CLEAN}]
    assert _sent(token[1], body)["stored"] == 2
    again = _sent(token[1], body)
    assert (again["stored"], again["seen_again"], again["refused"]) == (0, 2, [])
    assert Ad.objects.count() == 2
    assert set(Ad.objects.values_list("sightings_count", flat=True)) == {2}


def test_good_ads_are_stored_and_bad_ones_refused_with_line_and_reason(token):
    body = [
        {"id": "a1", "text": SUSPICIOUS},
        {"id": "a2"},
        "just text",
        {"id": "a4", "text": CLEAN, "url": "javascript:alert(1)"},
        {"id": "a5", "text": CLEAN},
    ]
    response = _post(token[1], body)
    assert response.json()["accepted"] == 2
    refused_at_once = response.json()["refused"]
    answer = _batch(token[1], response)
    assert (answer["stored"], answer["seen_again"], answer["refused"]) == (2, 0, [])
    assert [(item["line"], item["reason"]) for item in refused_at_once] == [
        (2, "missing or empty 'text'"),
        (3, "not an object with fields"),
        (4, "'url' must start with http:// or https://"),
    ]
    assert set(Ad.objects.values_list("external_id", flat=True)) == {"a1", "a5"}


def test_nothing_valid_answers_400_with_the_refusals(token):
    response = _post(token[1], [{"text": ""}, {"text": "x" * 20_001}])
    assert response.status_code == 400
    assert [item["line"] for item in response.json()["refused"]] == [1, 2]
    assert not Ad.objects.exists()
    assert not AuditEvent.objects.filter(action="adwatch.ingest").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"text": "unterminated', "JSON parse error"),
        (b'"a string"', "one ad object, a list of ads"),
        (b'{"ads": "not a list"}', "one ad object, a list of ads"),
        (b"[]", "no ads"),
    ],
)
def test_malformed_bodies_answer_400(token, body, message):
    response = _post(token[1], body, raw=True)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Ad.objects.exists()


def test_too_many_ads_are_refused_whole_with_a_clear_error(token, monkeypatch):
    monkeypatch.setattr(ingest_api, "MAX_ADS_PER_REQUEST", 3)
    response = _post(token[1], [{"text": f"ad {n}"} for n in range(4)])
    assert response.status_code == 413
    assert "At most 3 ads per request (this one has 4)" in response.json()["detail"]
    assert not Ad.objects.exists()


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(token, monkeypatch):
    monkeypatch.setattr(ingest_api, "MAX_BODY_BYTES", 100)
    response = _post(token[1], json.dumps({"text": "x" * 200}).encode(), raw=True)
    assert response.status_code == 413
    assert not Ad.objects.exists()


def _revoked(monitor, token):
    source_token_revoke(actor=monitor, token=token[0])
    return token[1]


def _expired(monitor, token):
    SourceToken.objects.filter(pk=token[0].pk).update(expires_at=timezone.now())
    return token[1]


def _inactive_source(monitor, token):
    source_update(actor=monitor, source=token[0].source, active=False)
    return token[1]


def _inactive_institution(monitor, token):
    institution = token[0].source.institution
    institution.is_active = False
    institution.save(update_fields=["is_active"])
    return token[1]


@pytest.mark.parametrize(
    "make_credentials",
    [
        lambda monitor, token: None,
        lambda monitor, token: "",
        lambda monitor, token: "not-a-token",
        lambda monitor, token: token[1] + "x",
        lambda monitor, token: token[0].digest,
        _revoked,
        _expired,
        _inactive_source,
        _inactive_institution,
    ],
    ids=[
        "missing",
        "empty",
        "wrong",
        "altered",
        "the digest",
        "revoked",
        "expired",
        "inactive source",
        "inactive institution",
    ],
)
def test_bad_tokens_answer_401_and_store_nothing(monitor, token, make_credentials):
    plain = make_credentials(monitor, token)
    response = _post(plain, {"text": SUSPICIOUS})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Source")
    assert not Ad.objects.exists()
    assert not AuditEvent.objects.filter(action="adwatch.ingest").exists()


def test_a_personal_token_or_session_is_not_a_source_token(client, login, monitor, source):
    login(monitor)
    response = client.post(URL, {"text": SUSPICIOUS}, content_type="application/json")
    assert response.status_code == 401
    other_scheme = APIClient()
    other_scheme.credentials(HTTP_AUTHORIZATION="Token abc")
    assert other_scheme.post(URL, {"text": SUSPICIOUS}, format="json").status_code == 401
    assert not Ad.objects.exists()


def test_a_batch_is_visible_only_with_a_token_of_its_source(token, monitor):
    response = _post(token[1], [{"text": CLEAN}])
    url = response.json()["status_url"]
    queued = APIClient()
    queued.credentials(HTTP_AUTHORIZATION=f"Source {token[1]}")
    assert queued.get(url).json()["status"] == "queued"
    other_source = Source.objects.create(
        name="Other", platform="job_portal", arrival="api", institution=monitor.institution
    )
    _, other_plain = source_token_create(actor=monitor, source=other_source, name="other")
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Source {other_plain}")
    assert stranger.get(url).status_code == 404
    assert stranger.get(URL + "batches/not-a-batch/").status_code == 404
    assert APIClient().get(url).status_code == 401


def test_a_batch_the_worker_stopped_on_reads_failed_and_says_resending_is_safe(token):
    from datetime import timedelta

    from django_tasks_db.models import DBTaskResult

    response = _post(token[1], [{"text": CLEAN}])
    row = DBTaskResult.objects.get()
    row.claim("a worker that was then killed")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(hours=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Source {token[1]}", HTTP_ACCEPT_LANGUAGE="en")
    answer = client.get(response.json()["status_url"]).json()
    assert answer["status"] == "failed" and "Sending it again is safe" in answer["detail"]
