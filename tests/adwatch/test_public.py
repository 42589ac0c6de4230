"""The public "check a job offer" page, its JSON twin, "report this ad" and the exercise."""

import json

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from drf_spectacular.generators import SchemaGenerator

from fener.adwatch.models import Ad, Arrival, Platform, Source
from fener.adwatch.practice import all_examples, examples_for
from fener.adwatch.public_check import check_text
from fener.adwatch.public_text import GENERAL_ADVICE, GENERAL_QUESTIONS, WARNING_SIGNS
from fener.adwatch.scoring import current_screener
from fener.adwatch.services.ingestion import ads_ingest
from fener.analytics.ads.indicators import INDICATOR_CODES
from fener.analytics.ads.screening import Ad as EngineAd
from fener.core.models import AuditEvent, Institution, InstitutionType
from tests.adwatch.conftest import CLEAN, SUSPICIOUS
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

TITLES = {
    "mk": "Провери оглас за работа",
    "sq": "Kontrollo shpalljen e punës",
    "en": "Check a job offer",
}
HIGH_RISK = {
    "mk": "Висок ризик: ова изгледа како опасна понуда",
    "sq": "Rrezik i lartë: kjo duket si një ofertë e rrezikshme",
    "en": "High risk: this looks like a dangerous offer",
}
HIGH_PAY = {
    "mk": "Плата што е премногу добра за да биде вистинска",
    "sq": "Pagë shumë e mirë për të qenë e vërtetë",
    "en": "Pay that is too good to be true",
}
NO_SIGNS = {
    "mk": "Не се најдени предупредувачки знаци",
    "sq": "Nuk u gjet asnjë shenjë paralajmëruese",
    "en": "No warning signs found",
}
TOO_LONG = {
    "mk": "Текстот е предолг",
    "sq": "Teksti është shumë i gjatë",
    "en": "The text is too long",
}
WAIT = {
    "mk": "Ве молиме почекајте малку",
    "sq": "Ju lutemi prisni pak",
    "en": "Please wait a moment",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commission(db):
    return InstitutionFactory(key="national-commission", type=InstitutionType.NATIONAL_COMMISSION)


def _stored_nothing():
    return (
        not Ad.objects.exists() and not Source.objects.exists() and not AuditEvent.objects.exists()
    )


def _html(value):
    """``value`` (a lazy translation too) as the page shows it."""
    return escape(str(value))


def _page(response):
    return response.content.decode()


# --- The page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "language"), [("sq", "sq"), ("en", "en"), ("", "mk")])
def test_the_plain_address_sends_visitors_to_their_language(client, accept, language):
    response = client.get("/check/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/check/"


@pytest.mark.parametrize("language", ["mk", "sq", "en"])
def test_anyone_opens_the_page_in_their_language(client, language):
    response = client.get(f"/{language}/check/")
    page = _page(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    assert f"<h1>{TITLES[language]}</h1>" in page
    assert f"<title>{TITLES[language]} · Fener</title>" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "<script" not in page  # works without JavaScript
    assert 'href="/static/adwatch/public.css"' in page


@pytest.mark.parametrize("language", ["mk", "sq", "en"])
def test_a_suspicious_ad_is_flagged_in_plain_words_and_nothing_is_stored(client, language):
    response = client.post(f"/{language}/check/", {"text": SUSPICIOUS})
    page = _page(response)
    assert response.status_code == 200
    assert HIGH_RISK[language] in page
    assert HIGH_PAY[language] in page
    # The engine's evidence is quoted and marked in the text.
    assert "<q><mark>5000 евра</mark></q>" in page
    assert "<mark>Пасошот го чуваме</mark>" in page
    assert 'href="#sign-1"' in page
    # What to ask, where to get help, and the offer to report.
    with translation.override(language):
        assert _html(WARNING_SIGNS["DOCUMENTS_REQUEST"].question) in page
    assert "192" in page and "112" in page
    assert f'action="/{language}/check/report/"' in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert _stored_nothing()


@pytest.mark.parametrize("language", ["mk", "sq", "en"])
def test_a_clean_ad_passes_but_the_page_still_says_what_to_check(client, language):
    response = client.post(f"/{language}/check/", {"text": CLEAN})
    page = _page(response)
    assert response.status_code == 200
    assert NO_SIGNS[language] in page
    assert 'class="sign"' not in page and "<mark>" not in page
    with translation.override(language):
        for line in (*GENERAL_QUESTIONS, *GENERAL_ADVICE):
            assert _html(line) in page
    assert _stored_nothing()


def test_what_to_ask_follows_the_signs_found(client):
    page = _page(client.post("/en/check/", {"text": SUSPICIOUS}))
    for code in ("HIGH_PAY", "DOCUMENTS_REQUEST", "NO_CONTRACT"):
        assert _html(WARNING_SIGNS[code].question) in page
    assert _html(WARNING_SIGNS["MINORS"].question) not in page


@pytest.mark.parametrize("language", ["mk", "sq", "en"])
def test_too_long_text_is_refused_with_a_clear_message(client, language):
    response = client.post(f"/{language}/check/", {"text": "а" * 20_001})
    page = _page(response)
    assert response.status_code == 400
    assert TOO_LONG[language] in page
    assert 'role="alert"' in page
    assert _stored_nothing()


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_text_is_refused_with_a_clear_message(client, text):
    response = client.post("/en/check/", {"text": text})
    assert response.status_code == 400
    assert "Paste the text of an ad or a message first." in _page(response)
    assert _stored_nothing()


def test_text_at_the_limit_is_checked(client):
    text = (SUSPICIOUS + " ") * (20_000 // (len(SUSPICIOUS) + 1))
    text += "x" * (20_000 - len(text))
    assert len(text) == 20_000
    response = client.post("/en/check/", {"text": text})
    assert response.status_code == 200
    assert HIGH_RISK["en"] in _page(response)


def test_script_and_html_in_the_ad_are_shown_as_text(client):
    attack = (
        '<script>alert("owned")</script><img src=x onerror=alert(1)> '
        '"><b>без договор</b> за Германија, само вибер 070 123 456'
    )
    page = _page(client.post("/en/check/", {"text": attack}))
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert '"><b>' not in page
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;<mark>без договор</mark>" in page  # marked, and inert around it
    # The hidden copy for "report this ad" cannot break out of its attribute either.
    assert 'value="&lt;script&gt;alert(&quot;owned&quot;)' in page


def test_posts_without_the_csrf_token_are_refused():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/en/check/", {"text": SUSPICIOUS}).status_code == 403
    assert strict.post("/en/check/report/", {"text": SUSPICIOUS}).status_code == 403
    assert _stored_nothing()


# --- Report this ad ----------------------------------------------------------------------------


def test_reporting_stores_one_anonymous_ad_for_review(client, commission, home_institution):
    response = client.post(
        "/sq/check/report/",
        {"text": SUSPICIOUS, "platform": "instagram"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Mozilla/5.0 test",
    )
    assert response.status_code == 200
    assert "Faleminderit për raportimin" in _page(response)
    ad = Ad.objects.get()
    assert ad.reported_by_public
    assert ad.text == SUSPICIOUS and ad.label == "suspicious"
    assert ad.source.platform == Platform.PUBLIC_REPORT
    assert ad.source.arrival == Arrival.PUBLIC
    assert ad.source.institution == commission
    # Only the text and where it was seen: no address, browser or name anywhere.
    assert ad.raw_payload == {"text": SUSPICIOUS, "seen_on": "instagram"}
    assert ad.sightings.get().raw_payload == {"text": SUSPICIOUS, "seen_on": "instagram"}
    events = AuditEvent.objects.filter(action="adwatch.ingest")
    assert events.count() == 1
    event = events.get()
    assert event.actor is None and event.ip_address is None and event.actor_label == ""
    # No request id either: the server's access log would tie it to the address.
    assert event.request_id == ""
    assert "203.0.113.9" not in json.dumps([e.after for e in AuditEvent.objects.all()])


def test_the_same_ad_reported_twice_is_one_ad_seen_twice(client, commission):
    client.post("/en/check/report/", {"text": SUSPICIOUS})
    client.post("/en/check/report/", {"text": SUSPICIOUS, "platform": "nonsense"})
    ad = Ad.objects.get()
    assert ad.sightings_count == 2
    assert Source.objects.count() == 1


def test_a_report_of_an_ad_already_monitored_marks_it_reported(client, commission, source):
    ads_ingest(source=source, records=[(1, {"text": SUSPICIOUS})], actor=None)
    assert not Ad.objects.get().reported_by_public
    assert client.post("/en/check/report/", {"text": SUSPICIOUS}).status_code == 200
    ad = Ad.objects.get()
    assert ad.reported_by_public and ad.sightings_count == 2


def test_reports_go_to_the_first_active_institution_without_a_commission(client):
    InstitutionFactory(key="closed", is_active=False)
    first_active = InstitutionFactory(key="open")
    InstitutionFactory(key="later")
    assert client.post("/en/check/report/", {"text": SUSPICIOUS}).status_code == 200
    assert Source.objects.get().institution == first_active


def test_without_any_institution_reporting_is_refused_politely(client):
    assert not Institution.objects.exists()
    response = client.post("/mk/check/report/", {"text": SUSPICIOUS})
    assert response.status_code == 503
    assert "Пријавувањето не е достапно" in _page(response)
    assert _stored_nothing()


@pytest.mark.parametrize(("text", "message"), [("", "Paste the text"), ("a" * 20_001, "too long")])
def test_bad_reports_store_nothing(client, commission, text, message):
    response = client.post("/en/check/report/", {"text": text})
    assert response.status_code == 400
    assert message in _page(response)
    assert not Ad.objects.exists() and not Source.objects.exists()


def test_report_answers_only_posts(client):
    assert client.get("/en/check/report/").status_code == 405


# --- Flood limits ------------------------------------------------------------------------------


@time_machine.travel("2026-11-30 10:00:10Z", tick=False)
def test_a_flood_of_checks_is_answered_429_while_others_are_served(client, settings):
    settings.FENER_PUBLIC_CHECKS_PER_MINUTE = 3
    flood = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(3):
        assert client.post("/mk/check/", {"text": CLEAN}, **flood).status_code == 200
    refused = client.post("/mk/check/", {"text": CLEAN}, **flood)
    assert refused.status_code == 429
    assert WAIT["mk"] in _page(refused)
    assert int(refused["Retry-After"]) > 0
    # Another visitor, and the same visitor's other pages, are unaffected.
    other = client.post("/mk/check/", {"text": CLEAN}, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 200 and NO_SIGNS["mk"] in _page(other)
    assert client.get("/mk/check/", **flood).status_code == 200
    assert client.get("/mk/check/practice/", **flood).status_code == 200
    assert client.get("/health/", **flood).status_code == 200


@time_machine.travel("2026-11-30 10:00:10Z", tick=False)
def test_a_flood_of_reports_is_answered_429(client, settings, commission):
    settings.FENER_PUBLIC_REPORTS_PER_HOUR = 2
    flood = {"REMOTE_ADDR": "198.51.100.7"}
    for index in range(2):
        response = client.post("/en/check/report/", {"text": f"{SUSPICIOUS} {index}"}, **flood)
        assert response.status_code == 200
    refused = client.post("/en/check/report/", {"text": f"{SUSPICIOUS} 3"}, **flood)
    assert refused.status_code == 429 and WAIT["en"] in _page(refused)
    assert Ad.objects.count() == 2
    ok = client.post("/en/check/report/", {"text": f"{SUSPICIOUS} 4"}, REMOTE_ADDR="198.51.100.9")
    assert ok.status_code == 200 and Ad.objects.count() == 3


def test_the_limit_starts_again_in_the_next_window(client, settings):
    settings.FENER_PUBLIC_CHECKS_PER_MINUTE = 1
    with time_machine.travel("2026-11-30 10:00:10Z", tick=False) as clock:
        assert client.post("/en/check/", {"text": CLEAN}).status_code == 200
        assert client.post("/en/check/", {"text": CLEAN}).status_code == 429
        clock.shift(60)
        assert client.post("/en/check/", {"text": CLEAN}).status_code == 200


# --- The JSON twin -----------------------------------------------------------------------------


def test_the_api_answers_the_engines_screening_and_stores_nothing():
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(
        "/api/v1/check/", {"text": SUSPICIOUS}, content_type="application/json"
    )
    assert response.status_code == 200
    expected = current_screener()[0].screen(EngineAd("check", SUSPICIOUS)).as_dict()
    assert response.json() == json.loads(json.dumps(expected))
    assert response.json()["label"] == "suspicious"
    assert {"HIGH_PAY", "DOCUMENTS_REQUEST"} <= {i["code"] for i in response.json()["indicators"]}
    assert response["Cache-Control"] == "no-store"
    assert _stored_nothing()


def test_the_api_passes_a_clean_ad():
    response = Client().post("/api/v1/check/", {"text": CLEAN}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["label"] == "legitimate" and response.json()["indicators"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, 'field "text"'),
        ({"txt": "hello"}, 'field "text"'),
        ([{"text": "hello"}], 'field "text"'),
        (json.dumps("just text"), 'field "text"'),
        ({"text": ""}, "Paste the text"),
        ({"text": "  \n "}, "Paste the text"),
        ({"text": None}, "as text"),
        ({"text": 42}, "as text"),
        ({"text": ["a", "b"]}, "as text"),
        ({"text": {"nested": "x"}}, "as text"),
        ({"text": "a" * 20_001}, "too long"),
    ],
)
def test_the_api_refuses_bad_input_clearly(body, message):
    response = Client().post(
        "/api/v1/check/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert _stored_nothing()


def test_the_api_refuses_malformed_json_and_other_formats():
    client = Client()
    broken = client.post("/api/v1/check/", '{"text": "x"', content_type="application/json")
    assert broken.status_code == 400 and "JSON parse error" in broken.json()["detail"]
    form = client.post("/api/v1/check/", {"text": SUSPICIOUS}, HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 400 and "JSON object" in form.json()["detail"]
    assert client.get("/api/v1/check/").status_code == 405
    assert _stored_nothing()


def test_the_api_speaks_the_requested_language():
    response = Client().post(
        "/api/v1/check/", {"text": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="sq"
    )
    assert response.json()["detail"] == "Së pari ngjitni tekstin e shpalljes ose të mesazhit."


@time_machine.travel("2026-11-30 10:00:10Z", tick=False)
def test_the_api_is_throttled_per_client_address(settings):
    settings.FENER_PUBLIC_CHECK_API_RATE = "2/min"
    client = Client()
    body = {"text": CLEAN}
    flood = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(2):
        assert client.post("/api/v1/check/", body, "application/json", **flood).status_code == 200
    assert client.post("/api/v1/check/", body, "application/json", **flood).status_code == 429
    other = client.post("/api/v1/check/", body, "application/json", REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 200
    assert client.post("/en/check/", {"text": CLEAN}, **flood).status_code == 200


def test_the_api_is_documented_as_anonymous():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/check/"]["post"]
    assert operation["operationId"] == "check_ad"
    assert operation.get("security", []) in ([], [{}])  # no credentials asked for
    assert {"200", "400", "429"} <= set(operation["responses"])


# --- Plain words -------------------------------------------------------------------------------


def test_every_indicator_code_has_plain_words_in_every_language():
    assert set(WARNING_SIGNS) == set(INDICATOR_CODES)
    for language in ("mk", "sq"):
        with translation.override(language):
            for sign in WARNING_SIGNS.values():
                for english, text in (
                    ("title", sign.title),
                    ("meaning", sign.meaning),
                    ("why", sign.why),
                    ("question", sign.question),
                ):
                    with translation.override("en"):
                        original = str(getattr(sign, english))
                    assert str(text) and str(text) != original, (language, sign.code, english)


def test_help_lists_the_configured_hotlines_and_active_ngos(client, settings):
    settings.FENER_HELP_CONTACTS = [
        {"name": {"mk": "Линија за помош", "en": "Helpline"}, "phone": "0800 11 111"},
        {"name": "Bad link", "url": "javascript:alert(1)"},
    ]
    InstitutionFactory(
        key="open-gate",
        type=InstitutionType.NGO,
        name_mk="Отворена порта",
        name_en="Open Gate",
        phone="+389 2 3700 367",
        email="help@example.org",
    )
    InstitutionFactory(
        key="closed-ngo", type=InstitutionType.NGO, name_en="Closed", is_active=False
    )
    page = _page(client.get("/mk/check/"))
    assert "Линија за помош" in page and 'href="tel:080011111"' in page
    assert "Отворена порта" in page and 'href="tel:+38923700367"' in page
    assert "mailto:help@example.org" in page
    assert "javascript:" not in page and "Closed" not in page
    english = _page(client.get("/en/check/"))
    assert "Helpline" in english and "Open Gate" in english


def test_default_help_is_police_and_the_emergency_number(client):
    page = _page(client.get("/sq/check/"))
    assert "Policia" in page and 'href="tel:192"' in page
    assert 'href="tel:112"' in page


# --- The exercise ------------------------------------------------------------------------------


@pytest.mark.parametrize("example", all_examples(), ids=lambda example: example.id)
def test_each_example_lists_exactly_what_the_engine_finds(example):
    assert [found.sign.code for found in check_text(example.text).signs] == list(example.codes)


def test_there_are_examples_in_every_language_with_and_without_signs():
    for language in ("mk", "sq", "en"):
        examples = examples_for(language)
        assert {example.language for example in examples} == {language}
        assert any(example.codes for example in examples)
        assert any(not example.codes for example in examples)


@pytest.mark.parametrize("language", ["mk", "sq", "en"])
def test_the_exercise_starts_with_an_example_in_the_page_language(client, language):
    response = client.get(f"/{language}/check/practice/")
    page = _page(response)
    first = examples_for(language)[0]
    assert response.status_code == 200
    assert _html(first.text) in page
    assert page.count('type="checkbox" name="sign"') == 14
    assert 'method="get"' in page


def test_the_exercise_gives_feedback_and_moves_on(client):
    example = examples_for("en")[0]
    ticked = ["HIGH_PAY", "APPEARANCE_AGE_GENDER", "MINORS"]
    response = client.get(
        "/en/check/practice/",
        {
            "example": example.id,
            "answered": "1",
            "sign": ticked,
            "done": "2",
            "spotted": "5",
            "possible": "9",
        },
    )
    page = _page(response)
    found, missed = page.split("You missed")
    assert "You spotted" in found
    assert _html(WARNING_SIGNS["HIGH_PAY"].title) in found
    assert _html(WARNING_SIGNS["NO_CONTRACT"].title) not in page
    assert _html(WARNING_SIGNS["VAGUE_JOB"].title) in missed
    assert "Ticked, but not found in this ad" in missed
    assert _html(WARNING_SIGNS["MINORS"].title) in missed
    assert "<mark>5000 euro</mark>" in page
    # The running score and the next example travel in the address; nothing is stored.
    assert "So far you spotted 7 of 17 warning signs. Examples done: 3." in page
    following = examples_for("en")[1]
    assert f'href="?example={following.id}&amp;spotted=7&amp;possible=17&amp;done=3"' in page
    assert _stored_nothing()


def test_a_clean_example_answered_with_nothing_ticked_is_all_found(client):
    clean = next(example for example in examples_for("mk") if not example.codes)
    page = _page(client.get("/mk/check/practice/", {"example": clean.id, "answered": "1"}))
    assert "Браво: ги препознавте сите" in page


def test_the_exercise_ignores_nonsense_in_the_address(client):
    response = client.get(
        "/en/check/practice/",
        {
            "example": "<script>",
            "answered": "1",
            "sign": ["NOT_A_CODE", "<b>"],
            "done": "-5",
            "spotted": "9999999999",
            "possible": "x",
        },
    )
    page = _page(response)
    assert response.status_code == 200
    assert "<script>" not in page and "<b>" not in page
    assert "So far you spotted 0 of 8 warning signs. Examples done: 1." in page


@pytest.mark.django_db(transaction=True)
def test_the_flood_limit_is_exact_under_concurrent_requests(settings):
    """Concurrent requests from one address never slip past the limit (the count is
    incremented atomically in the database, not read and written back)."""
    import threading

    from django.db import connection
    from django.test import RequestFactory

    from fener.adwatch.public_limits import Limit, allow

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is not shared between threads")
    settings.FENER_PUBLIC_CHECKS_PER_MINUTE = 10
    limit = Limit("check-concurrency", 10, 10**9)  # one window for the whole test
    answers: list[bool] = []
    lock = threading.Lock()

    def hit():
        request = RequestFactory().post("/en/check/", REMOTE_ADDR="203.0.113.9")
        for _ in range(5):
            answer = allow(limit, request)
            with lock:
                answers.append(answer)
        connection.close()

    threads = [threading.Thread(target=hit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 30 and answers.count(True) == 10
