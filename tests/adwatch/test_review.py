"""The analysts' review pages: who sees what, decisions and referrals, watches, highlighting."""

import datetime
import itertools
import re

import pytest
from django.utils import timezone

from fener.adwatch.labels import INDICATOR_LABELS
from fener.adwatch.models import (
    Ad,
    AdStatus,
    Arrival,
    Decision,
    Notification,
    Operation,
    Platform,
    Referral,
    ReferralStatus,
    Source,
    Watch,
)
from fener.adwatch.services.decisions import ad_decide
from fener.adwatch.services.ingestion import ads_ingest
from fener.adwatch.templatetags.adwatch_highlight import highlight
from fener.analytics.ads.indicators import INDICATOR_CODES
from fener.core.models import AuditEvent, InstitutionType
from tests.adwatch.conftest import CLEAN, SUSPICIOUS
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Hostess job in a night club in Switzerland, 6000 euro per month, no experience needed, "
    "we pay the ticket and flat. Write only on WhatsApp +41 79 123 45 67"
)


_NUMBERS = itertools.count(1)


def ingest(source, actor, *texts):
    """Store ``texts`` as new ads (each with its own id) through the ingestion service."""
    records = [
        (line, {"id": f"ad-{next(_NUMBERS)}", "text": text}) for line, text in enumerate(texts, 1)
    ]
    outcome = ads_ingest(source=source, records=records, actor=actor)
    assert not outcome.refused and len(outcome.stored) == len(texts)
    return outcome.stored


def text_of(response):
    return response.content.decode()


def ad_links(response):
    return {int(pk) for pk in re.findall(r'href="/en/ads/(\d+)/"', text_of(response))}


@pytest.fixture
def ads(source, monitor):
    suspicious, clean = ingest(source, monitor, SUSPICIOUS, CLEAN)
    return suspicious, clean


@pytest.fixture
def other_officer(make_user):
    other_police = InstitutionFactory(key="police-two", type=InstitutionType.POLICE)
    return make_user("police_investigator", username="other-officer", institution=other_police)


@pytest.fixture
def case_worker(make_user):
    return make_user("case_worker", username="case-worker")


@pytest.fixture
def referred(ads, monitor, police, officer):
    """The suspicious ad referred to the officer's police unit."""
    suspicious, _ = ads
    ad_decide(
        actor=monitor,
        ad=suspicious,
        action="refer_police",
        reason="Passport kept, night club abroad",
        to_institution=police,
    )
    return suspicious


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "queue", "queue_ads", "referred_ad", "other_ad", "referrals", "referral_rows"),
    [
        ("monitor", 200, {"suspicious", "clean"}, 200, 200, 200, 1),
        ("officer", 200, {"suspicious"}, 200, 404, 200, 1),
        ("other_officer", 200, set(), 404, 404, 200, 0),
        ("case_worker", 403, None, 404, 404, 403, None),
        ("anonymous", 302, None, 302, 302, 302, None),
    ],
)
def test_permission_matrix_of_the_review_pages(
    client,
    request,
    referred,
    ads,
    who,
    queue,
    queue_ads,
    referred_ad,
    other_ad,
    referrals,
    referral_rows,
):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    as_user(client, user)
    suspicious, clean = ads
    named = {"suspicious": suspicious.pk, "clean": clean.pk}

    response = client.get("/en/ads/")
    assert response.status_code == queue
    if queue_ads is not None:
        assert ad_links(response) == {named[name] for name in queue_ads}
    if who == "anonymous":
        assert response["Location"].startswith("/en/accounts/login/")

    assert client.get(f"/en/ads/{referred.pk}/").status_code == referred_ad
    assert client.get(f"/en/ads/{clean.pk}/").status_code == other_ad
    # A hidden ad answers exactly like one that does not exist.
    if other_ad == 404:
        assert client.get("/en/ads/999999/").status_code == 404

    response = client.get("/en/ads/referrals/")
    assert response.status_code == referrals
    if referral_rows is not None:
        assert text_of(response).count('class="referral referral-open"') == referral_rows

    for path in ("/en/ads/notifications/",):
        expected = {"case_worker": 403, "anonymous": 302}.get(who, 200)
        assert client.get(path).status_code == expected


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 403), ("other_officer", 404), ("case_worker", 404), ("anonymous", 302)],
)
def test_only_monitors_decide_and_a_refused_decision_changes_nothing(
    client, request, referred, police, who, status
):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    as_user(client, user)
    decisions, audit_rows = Decision.objects.count(), AuditEvent.objects.count()
    response = client.post(
        f"/en/ads/{referred.pk}/decide/", {"action": "dismiss", "reason": "looks fine to me"}
    )
    assert response.status_code == status
    referred.refresh_from_db()
    assert referred.status == AdStatus.REFERRED_POLICE
    assert Decision.objects.count() == decisions
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.parametrize(
    ("who", "status"), [("monitor", 403), ("other_officer", 404), ("case_worker", 404)]
)
def test_only_the_receiving_institution_answers_a_referral(client, request, referred, who, status):
    as_user(client, request.getfixturevalue(who))
    referral = Referral.objects.get()
    audit_rows = AuditEvent.objects.count()
    response = client.post(
        f"/en/ads/referrals/{referral.pk}/respond/",
        {"status": "closed", "response": "not ours"},
    )
    assert response.status_code == status
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN and referral.response == ""
    assert AuditEvent.objects.count() == audit_rows


# --- Decisions and referrals ------------------------------------------------------------------


def test_referring_an_ad_records_everything_and_reaches_the_police_unit(
    client, ads, monitor, police, officer, other_officer
):
    suspicious, _ = ads
    as_user(client, monitor)
    response = client.post(
        f"/en/ads/{suspicious.pk}/decide/",
        {
            "action": "refer_police",
            "to_institution": str(police.pk),
            "reason": "Passport kept, night club in Germany",
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"/en/ads/{suspicious.pk}/", 302)]
    assert "Decision recorded." in text_of(response)
    suspicious.refresh_from_db()
    assert suspicious.status == AdStatus.REFERRED_POLICE
    decision = Decision.objects.get(ad=suspicious)
    assert decision.training_label == "suspicious" and decision.actor == monitor
    assert AuditEvent.objects.filter(action="adwatch.decide", target_id=str(suspicious.pk)).exists()
    referral = Referral.objects.get(ad=suspicious)
    assert referral.to_institution == police and referral.status == ReferralStatus.OPEN
    assert AuditEvent.objects.filter(action="adwatch.refer").count() == 1
    assert Notification.objects.filter(user=officer, ad=suspicious).count() == 1
    assert not Notification.objects.filter(user=other_officer).exists()
    # The history on the ad page names who decided, where from, and why.
    page = text_of(response)
    assert "Passport kept, night club in Germany" in page
    assert monitor.institution.name in page and "Referred to police" in page


def test_dismissing_gives_a_legitimate_label_and_watching_none(client, ads, monitor):
    _, clean = ads
    as_user(client, monitor)
    client.post(f"/en/ads/{clean.pk}/decide/", {"action": "dismiss", "reason": "real bakery"})
    client.post(f"/en/ads/{clean.pk}/decide/", {"action": "watch", "reason": "check again"})
    clean.refresh_from_db()
    assert clean.status == AdStatus.WATCHING
    assert list(Decision.objects.filter(ad=clean).values_list("action", "training_label")) == [
        ("watch", ""),
        ("dismiss", "legitimate"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "dismiss", "reason": "   "}, "This field is required."),
        ({"action": "dismiss"}, "This field is required."),
        ({"action": "ban_forever", "reason": "x"}, "Select a valid choice"),
        ({"action": "refer_police", "to": "labour", "reason": "x"}, "cannot receive this kind"),
        ({"action": "refer_labour", "to": "police", "reason": "x"}, "cannot receive this kind"),
        ({"action": "refer_police", "to": "home", "reason": "x"}, "Select a valid choice"),
        ({"action": "refer_labour", "reason": "x"}, "Choose the institution to refer to."),
        ({"action": "dismiss", "to": "police", "reason": "x"}, "Only referrals go to"),
        ({"action": "dismiss", "reason": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_decisions_are_refused_on_the_form_and_change_nothing(
    client, ads, monitor, police, labour, home_institution, data, message
):
    suspicious, _ = ads
    institutions = {"police": police, "labour": labour, "home": home_institution}
    data = dict(data)
    if "to" in data:
        data["to_institution"] = str(institutions[data.pop("to")].pk)
    as_user(client, monitor)
    audit_rows = AuditEvent.objects.count()
    response = client.post(f"/en/ads/{suspicious.pk}/decide/", data)
    assert response.status_code == 200
    assert message in text_of(response)
    suspicious.refresh_from_db()
    assert suspicious.status == AdStatus.NEW
    assert not Decision.objects.exists() and not Referral.objects.exists()
    assert not Notification.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_an_inactive_institution_is_not_offered_and_cannot_receive(client, ads, monitor, police):
    suspicious, _ = ads
    police.is_active = False
    police.save()
    as_user(client, monitor)
    page = text_of(client.get(f"/en/ads/{suspicious.pk}/"))
    assert f'value="{police.pk}"' not in page
    client.post(
        f"/en/ads/{suspicious.pk}/decide/",
        {"action": "refer_police", "to_institution": str(police.pk), "reason": "x"},
    )
    assert not Referral.objects.exists()


def test_the_receiving_unit_acknowledges_then_closes_a_referral(client, referred, officer, monitor):
    referral = Referral.objects.get()
    as_user(client, officer)
    page = text_of(client.get("/en/ads/referrals/"))
    assert "Passport kept, night club abroad" in page
    assert f"/en/ads/referrals/{referral.pk}/respond/" in page
    response = client.post(
        f"/en/ads/referrals/{referral.pk}/respond/",
        {"status": "acknowledged", "response": "Case opened", "next": f"/en/ads/{referred.pk}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/en/ads/{referred.pk}/"
    referral.refresh_from_db()
    assert (referral.status, referral.response) == ("acknowledged", "Case opened")
    assert AuditEvent.objects.filter(action="adwatch.referral_respond").count() == 1

    # An address on another site is never followed.
    response = client.post(
        f"/en/ads/referrals/{referral.pk}/respond/",
        {"status": "closed", "response": "Done", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/en/ads/referrals/"
    response = client.post(
        f"/en/ads/referrals/{referral.pk}/respond/", {"status": "acknowledged", "response": "x"}
    )
    assert response.status_code == 200
    assert "already closed" in text_of(response)
    referral.refresh_from_db()
    assert (referral.status, referral.response) == ("closed", "Done")

    # The monitor sees the answer on the ad page and in the referral list.
    as_user(client, monitor)
    assert "Done" in text_of(client.get(f"/en/ads/{referred.pk}/"))
    assert "Closed" in text_of(client.get("/en/ads/referrals/?status=closed"))
    assert "No referrals." in text_of(client.get("/en/ads/referrals/?status=open"))


def test_a_bad_answer_is_shown_on_the_form(client, referred, officer):
    referral = Referral.objects.get()
    as_user(client, officer)
    response = client.post(
        f"/en/ads/referrals/{referral.pk}/respond/", {"status": "open", "response": ""}
    )
    assert response.status_code == 200 and "Select a valid choice" in text_of(response)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN


def test_receivers_do_not_see_the_decision_form_or_watch_buttons(client, referred, officer):
    as_user(client, officer)
    page = text_of(client.get(f"/en/ads/{referred.pk}/"))
    assert f"/en/ads/{referred.pk}/decide/" not in page
    assert "/en/ads/watches/add/" not in page
    assert "Passport kept, night club abroad" in page  # the decision behind the referral


# --- The ad page ------------------------------------------------------------------------------


def test_the_ad_page_explains_the_ad_in_words(client, source, monitor):
    first, second, _ = ingest(
        source,
        monitor,
        SUSPICIOUS,
        SUSPICIOUS.replace("Германија", "Австрија") + " x@jobs.example www.jobs.example",
        CLEAN,
    )
    Ad.objects.filter(pk__in=[first.pk, second.pk]).update(cluster_key="c-template")
    as_user(client, monitor)
    page = text_of(client.get(f"/en/ads/{second.pk}/"))
    assert str(INDICATOR_LABELS["HIGH_PAY"]) in page and "HIGH_PAY" in page
    assert second.model_label in page
    assert "+38970123456" in page and "x@jobs.example" in page
    # Web addresses in an ad are shown as text, never as links.
    assert "www.jobs.example" in page and 'href="www.jobs.example"' not in page
    assert 'href="http://www.jobs.example' not in page
    assert "5000 EUR per month" in page
    # The other ad with the same phone, and the same template.
    assert f'href="/en/ads/{first.pk}/"' in page
    assert "1 other ad was written from the same template." in page
    assert 'class="evidence ' in page and "<mark" in page


def test_ad_text_is_escaped_and_highlighted(client, source, monitor):
    hostile = "<script>alert('x')</script> " + SUSPICIOUS + ' <img src=x onerror="alert(1)">'
    (ad,) = ingest(source, monitor, hostile)
    as_user(client, monitor)
    page = text_of(client.get(f"/en/ads/{ad.pk}/"))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    queue = text_of(client.get("/en/ads/"))
    assert "<script>alert" not in queue


def test_highlighting_survives_overlaps_bad_spans_and_markup_in_evidence():
    text = 'Pay <b>5000</b> "euro" now'
    indicators = [
        {"code": "HIGH_PAY", "evidence": [{"start": 4, "end": 22}]},
        {"code": "URGENCY", "evidence": [{"start": 15, "end": 26}, {"start": 20, "end": 999}]},
        {"code": "<x>", "evidence": [{"start": "1", "end": 3}, {"start": 3, "end": 2}]},
        "not a dict",
    ]
    html = str(highlight(text, indicators))
    assert "<b>" not in html and "&lt;b&gt;5000&lt;/b&gt;" in html
    # The overlap names both indicators; marks never nest.
    assert re.search(
        r'<mark class="evidence evidence-overlap" data-indicators="HIGH_PAY URGENCY"', html
    )
    assert "<mark" not in re.sub(r"<mark[^>]*>[^<]*</mark>", "", html)
    assert html.count("<mark") == 3
    assert f'title="{INDICATOR_LABELS["HIGH_PAY"]}; {INDICATOR_LABELS["URGENCY"]}"' in html
    # The visible text is the ad's text, whole and in order.
    visible = re.sub(r"<[^>]+>", "", html)
    assert visible == "Pay &lt;b&gt;5000&lt;/b&gt; &quot;euro&quot; now"
    assert str(highlight("plain", None)) == "plain"


def test_every_indicator_has_words():
    assert set(INDICATOR_LABELS) == set(INDICATOR_CODES)


# --- The queue --------------------------------------------------------------------------------


@pytest.fixture
def varied(source, monitor, home_institution):
    telegram = Source.objects.create(
        name="Telegram channel",
        platform=Platform.TELEGRAM,
        country="AL",
        language="en",
        arrival=Arrival.API,
        institution=home_institution,
    )
    suspicious, clean = ingest(source, monitor, SUSPICIOUS, CLEAN)
    (english,) = ingest(telegram, monitor, ENGLISH)
    return {"suspicious": suspicious, "clean": clean, "english": english}


def queue_ads(client, query=""):
    response = client.get(f"/en/ads/{query}")
    assert response.status_code == 200
    return response


def test_the_queue_is_riskiest_first_and_counts_matches(client, varied, monitor):
    as_user(client, monitor)
    response = queue_ads(client)
    page = text_of(response)
    assert "3 ads match." in page
    order = [int(pk) for pk in re.findall(r'href="/en/ads/(\d+)/"', page)]
    risks = [Ad.objects.get(pk=pk).risk for pk in order]
    assert risks == sorted(risks, reverse=True)
    assert order[-1] == varied["clean"].pk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?language=mk", {"suspicious", "clean"}),
        ("?platform=telegram", {"english"}),
        ("?indicator=DOCUMENTS_REQUEST", {"suspicious"}),
        ("?indicator=HIGH_PAY&platform=facebook_group", {"suspicious"}),
        ("?status=dismissed", {"clean"}),
        ("?status=new", {"suspicious", "english"}),
        ("?first_seen_from=2020-01-01&first_seen_to=2020-01-31", {"english"}),
        ("?first_seen_to=2020-01-31", {"english"}),
        ("?operation=OPERATION", {"suspicious", "english"}),
        ("?first_seen_from=2020-02-01&first_seen_to=2020-01-01", set()),
        ("?indicator=NOT_A_CODE", set()),
    ],
)
def test_queue_filters(client, varied, monitor, query, expected):
    clean = varied["clean"]
    ad_decide(actor=monitor, ad=clean, action="dismiss", reason="a real bakery")
    old = timezone.make_aware(datetime.datetime(2020, 1, 15, 12, 0))
    Ad.objects.filter(pk=varied["english"].pk).update(first_seen=old)
    operation = Operation.objects.create(key="op-1", first_seen=old, last_seen=old, ad_count=2)
    Ad.objects.filter(pk__in=[varied["suspicious"].pk, varied["english"].pk]).update(
        operation=operation
    )
    as_user(client, monitor)
    response = queue_ads(client, query.replace("OPERATION", str(operation.pk)))
    assert ad_links(response) == {varied[name].pk for name in expected}
    if not expected:
        assert "0 ads match." in text_of(response)


def test_the_queue_pages_keep_the_filter(client, source, monitor):
    texts = [f"{SUSPICIOUS} вариант {number}" for number in range(55)]
    ingest(source, monitor, *texts)
    as_user(client, monitor)
    page = text_of(queue_ads(client, "?language=mk"))
    assert "55 ads match." in page and "Page 1 of 2" in page
    assert "?language=mk&amp;page=2" in page
    assert len(ad_links(queue_ads(client, "?language=mk&page=2"))) == 5


def test_receivers_land_on_their_referrals_from_the_queue(client, referred, officer):
    as_user(client, officer)
    page = text_of(queue_ads(client))
    assert "Ads referred to your institution" in page
    assert "1 open referral" in page and "/en/ads/referrals/?status=open" in page
    assert "1 unread notification" in page


# --- Watches and notifications ----------------------------------------------------------------


def test_a_watch_on_a_phone_notifies_of_new_ads_only_those_who_may_see_them(
    client, source, monitor, officer, ads
):
    suspicious, _ = ads
    as_user(client, monitor)
    response = client.post(
        "/en/ads/watches/add/",
        {"kind": "phone", "value": "+38970123456", "next": f"/en/ads/{suspicious.pk}/"},
    )
    assert response["Location"] == f"/en/ads/{suspicious.pk}/"
    assert Watch.objects.filter(user=monitor, kind="phone", value="+38970123456").exists()
    assert AuditEvent.objects.filter(action="adwatch.watch_add").count() == 1
    Watch.objects.create(user=officer, kind="phone", value="+38970123456")

    (new_ad,) = ingest(source, monitor, "Работа во Австрија, 4000 евра, вибер 070 123 456")
    assert Notification.objects.filter(user=monitor, ad=new_ad).count() == 1
    # The officer may not see this ad (it was not referred), so is not told it exists.
    assert not Notification.objects.filter(user=officer).exists()

    page = text_of(client.get("/en/ads/"))
    assert "1 unread notification" in page
    page = text_of(client.get("/en/ads/notifications/"))
    assert "matches your watch on +38970123456" in page and 'class="badge new-badge"' in page
    assert f'href="/en/ads/{new_ad.pk}/"' in page
    assert Notification.objects.get(user=monitor).read_at is not None
    assert 'class="badge new-badge"' not in text_of(client.get("/en/ads/notifications/"))


def test_watches_are_added_and_removed_by_their_owner_only(client, monitor, make_user):
    colleague = make_user("ad_monitor", username="colleague")
    as_user(client, monitor)
    client.post("/en/ads/watches/add/", {"kind": "handle", "value": "telegram:mila_jobs"})
    watch = Watch.objects.get()
    assert "telegram:mila_jobs" in text_of(client.get("/en/ads/notifications/"))

    as_user(client, colleague)
    assert client.post(f"/en/ads/watches/{watch.pk}/remove/").status_code == 404
    assert Watch.objects.filter(pk=watch.pk).exists()

    as_user(client, monitor)
    response = client.post(f"/en/ads/watches/{watch.pk}/remove/")
    assert response["Location"] == "/en/ads/notifications/"
    assert not Watch.objects.exists()
    assert AuditEvent.objects.filter(action="adwatch.watch_remove").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "planet", "value": "x"}, "Select a valid choice"),
        ({"kind": "phone", "value": ""}, "This field is required."),
        ({"kind": "phone", "value": "9" * 201}, "at most 200 characters"),
    ],
)
def test_a_bad_watch_is_refused_on_the_form(client, monitor, data, message):
    as_user(client, monitor)
    response = client.post("/en/ads/watches/add/", data)
    assert response.status_code == 200 and message in text_of(response)
    assert not Watch.objects.exists()


def test_watch_pages_need_post_and_the_module(client, monitor, case_worker):
    as_user(client, monitor)
    assert client.get("/en/ads/watches/add/").status_code == 405
    as_user(client, case_worker)
    response = client.post("/en/ads/watches/add/", {"kind": "phone", "value": "+38970123456"})
    assert response.status_code == 403
    assert not Watch.objects.exists()


def test_a_receiving_institution_sees_only_the_decision_that_referred_the_ad_to_it(
    source, monitor, officer, police, labour
):
    from fener.adwatch.selectors import ad_decisions
    from fener.adwatch.services.decisions import ad_decide as decide

    (ad,) = ingest(source, monitor, SUSPICIOUS)
    decide(actor=monitor, ad=ad, action="watch", reason="first look, internal note")
    decide(
        actor=monitor, ad=ad, action="refer_labour", reason="labour angle", to_institution=labour
    )
    decide(
        actor=monitor, ad=ad, action="refer_police", reason="police angle", to_institution=police
    )
    seen = [decision.reason for decision in ad_decisions(user=officer, ad=ad)]
    assert seen == ["police angle"]
    assert len(ad_decisions(user=monitor, ad=ad)) == 3
