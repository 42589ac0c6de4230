"""Ads arrive once however often they are seen; bad records are refused one by one."""

import pytest

from fener.adwatch.models import Ad, AdContact, Sighting
from fener.adwatch.services.ingestion import ads_ingest
from fener.core.models import AuditEvent
from tests.adwatch.conftest import CLEAN, SUSPICIOUS

pytestmark = pytest.mark.django_db


def test_ads_are_screened_and_stored_with_their_contacts(source, monitor):
    outcome = ads_ingest(
        source=source,
        records=[(1, {"id": "a1", "text": SUSPICIOUS}), (2, {"id": "a2", "text": CLEAN})],
        actor=monitor,
    )
    assert len(outcome.stored) == 2 and not outcome.refused
    suspicious = Ad.objects.get(external_id="a1")
    assert suspicious.label == "suspicious" and suspicious.risk > 0.5
    assert "HIGH_PAY" in suspicious.indicator_codes
    assert suspicious.entities["phones"] == ["+38970123456"]
    assert AdContact.objects.filter(ad=suspicious, kind="phone", value="+38970123456").exists()
    assert Ad.objects.get(external_id="a2").label == "legitimate"
    assert AuditEvent.objects.filter(action="adwatch.ingest").count() == 1


def test_the_same_ad_twice_is_stored_once_and_seen_twice(source, monitor):
    ads_ingest(source=source, records=[(1, {"id": "a1", "text": SUSPICIOUS})], actor=monitor)
    outcome = ads_ingest(
        source=source,
        records=[(1, {"id": "a1", "text": SUSPICIOUS}), (2, {"text": CLEAN}), (3, {"text": CLEAN})],
        actor=monitor,
    )
    assert len(outcome.stored) == 1 and len(outcome.seen_again) == 2
    assert Ad.objects.count() == 2
    assert Ad.objects.get(external_id="a1").sightings_count == 2
    assert Ad.objects.get(text=CLEAN).sightings_count == 2
    assert Sighting.objects.count() == 4


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ("just a string", "not an object"),
        ({"id": "x"}, "missing or empty 'text'"),
        ({"text": "   "}, "missing or empty 'text'"),
        ({"text": "a" * 20_001}, "longer than 20,000 characters"),
        ({"text": "ok\x00"}, "NUL"),
        ({"text": "ok", "url": "javascript:alert(1)"}, "must start with http"),
        ({"text": "ok", "posted_at": "yesterday"}, "not a date and time"),
        ({"text": "ok", "lang": "Macedonian!"}, "ISO 639-1"),
        ({"text": "ok", "id": {"nested": 1}}, "'id' must be text"),
    ],
)
def test_bad_records_are_refused_with_a_reason_and_the_rest_kept(source, monitor, record, reason):
    outcome = ads_ingest(source=source, records=[(1, record), (2, {"text": CLEAN})], actor=monitor)
    assert [r.line for r in outcome.refused] == [1]
    assert reason in outcome.refused[0].reason
    assert Ad.objects.count() == 1


def test_an_ad_stored_by_another_request_meanwhile_counts_as_seen_again(
    source, monitor, monkeypatch
):
    """Two requests with the same new ad: the one that loses the race records a sighting."""
    from fener.adwatch.services import ingestion

    original = ingestion._screen

    def screen_while_another_request_stores_it(screener, records):
        results = original(screener, records)
        monkeypatch.setattr(ingestion, "_screen", original)  # the other request: no race
        ingestion.ads_ingest(
            source=source, records=[(1, {"id": "race", "text": CLEAN})], actor=None
        )
        return results

    monkeypatch.setattr(ingestion, "_screen", screen_while_another_request_stores_it)
    outcome = ads_ingest(source=source, records=[(1, {"id": "race", "text": CLEAN})], actor=monitor)
    assert (len(outcome.stored), len(outcome.seen_again), outcome.refused) == (0, 1, [])
    assert Ad.objects.get(external_id="race").sightings_count == 2


def test_operations_refresh_is_queued_once_for_many_batches_and_again_after_it_ran(
    source, monitor, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from fener.adwatch.insight_tasks import operations_refresh_task

    def queued():
        return DBTaskResult.objects.filter(task_path__endswith="operations_refresh_task").count()

    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            ads_ingest(source=source, records=[(1, {"text": f"{CLEAN} {number}"})], actor=monitor)
    assert queued() == 1
    operations_refresh_task.call()  # the worker runs it (in another process, same cache)
    with django_capture_on_commit_callbacks(execute=True):
        ads_ingest(source=source, records=[(1, {"text": f"{CLEAN} again"})], actor=monitor)
    assert queued() == 2
