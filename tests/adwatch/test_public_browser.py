"""In Debian's chromium: anyone checks a job offer in mk, sq and en, reports one, practises."""

import pytest
from django.core.cache import cache

from fener.adwatch.models import Ad
from fener.core.models import InstitutionType
from tests.adwatch.conftest import CLEAN, SUSPICIOUS
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "mk": {
        "title": "Провери оглас за работа",
        "field": "Огласот или пораката",
        "button": "Провери го текстот",
        "high": "Висок ризик",
        "high_pay": "Плата што е премногу добра за да биде вистинска",
        "clean": "Не се најдени предупредувачки знаци",
    },
    "sq": {
        "title": "Kontrollo shpalljen e punës",
        "field": "Shpallja ose mesazhi",
        "button": "Kontrollo tekstin",
        "high": "Rrezik i lartë",
        "high_pay": "Pagë shumë e mirë për të qenë e vërtetë",
        "clean": "Nuk u gjet asnjë shenjë paralajmëruese",
    },
    "en": {
        "title": "Check a job offer",
        "field": "The ad or message",
        "button": "Check the text",
        "high": "High risk",
        "high_pay": "Pay that is too good to be true",
        "clean": "No warning signs found",
    },
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _check(page, live_server, language, text):
    words = WORDS[language]
    page.goto(f"{live_server.url}/{language}/check/")
    page.get_by_label(words["field"]).fill(text)
    page.get_by_role("button", name=words["button"]).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["mk", "sq", "en"])
def test_the_page_flags_a_suspicious_ad_and_passes_a_clean_one(page, live_server, language):
    words = WORDS[language]
    page.goto(f"{live_server.url}/{language}/check/")
    assert page.locator("h1").inner_text() == words["title"]
    assert page.title().startswith(words["title"])
    assert page.locator("html").get_attribute("lang") == language

    _check(page, live_server, language, SUSPICIOUS)
    result = page.locator("section.result")
    assert words["high"] in result.locator("h2").inner_text()
    assert words["high_pay"] in result.inner_text()
    marked = page.locator(".ad-text mark").all_inner_texts()
    assert "5000 евра" in marked and "Пасошот го чуваме" in marked
    assert page.get_by_role("link", name="192").is_visible()

    _check(page, live_server, language, CLEAN)
    assert page.locator("section.result h2").inner_text() == words["clean"]
    assert page.locator(".ad-text mark").count() == 0
    assert not Ad.objects.exists()


def test_script_in_an_ad_does_not_run(page, live_server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    attack = '<script>alert("owned")</script><img src=x onerror="alert(2)"> ' + SUSPICIOUS
    _check(page, live_server, "en", attack)
    assert '<script>alert("owned")</script>' in page.locator(".ad-text").inner_text()
    assert page.locator(".ad-text img").count() == 0
    assert dialogs == []


def test_a_person_reports_an_ad_without_giving_anything_about_themselves(page, live_server):
    InstitutionFactory(key="commission", type=InstitutionType.NATIONAL_COMMISSION)
    _check(page, live_server, "mk", SUSPICIOUS)
    page.get_by_label("Каде го видовте? (по желба)").select_option("telegram")
    page.get_by_role("button", name="Пријави го огласот").click()
    assert page.locator("h1").inner_text() == "Ви благодариме за пријавата"
    ad = Ad.objects.get()
    assert ad.reported_by_public and ad.raw_payload == {"text": SUSPICIOUS, "seen_on": "telegram"}


def test_the_exercise_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/sq/check/practice/")
    assert tab.locator("h1").inner_text() == "Dallo shenjat paralajmëruese"
    tab.get_by_label("Pagë shumë e mirë për të qenë e vërtetë").check()
    tab.get_by_label("Kërkohet pamje, moshë ose gjini").check()
    tab.get_by_role("button", name="Kontrollo përgjigjen time").click()
    assert "Dalluat" in tab.locator("section.feedback").inner_text()
    assert tab.locator(".ad-text mark").count() > 0
    tab.get_by_role("link", name="Shembulli tjetër").click()
    assert "example=sq-2" in tab.url
    assert tab.locator('input[type="checkbox"]').count() == 14
    context.close()
