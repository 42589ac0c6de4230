"""In a real browser: an analyst refers a suspicious ad to the police; the police unit sees it."""

import pytest

from fener.adwatch.models import AdStatus, Referral
from fener.adwatch.services.ingestion import ads_ingest
from tests.adwatch.conftest import CLEAN, SUSPICIOUS

pytestmark = pytest.mark.browser


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/en/")


@pytest.mark.django_db(transaction=True)
def test_analyst_refers_an_ad_and_the_police_unit_sees_it(
    page, live_server, source, monitor, officer, police, password
):
    hostile = SUSPICIOUS + " <script>document.title='owned'</script>"
    outcome = ads_ingest(
        source=source,
        records=[(1, {"id": "s", "text": hostile}), (2, {"id": "c", "text": CLEAN})],
        actor=monitor,
    )
    suspicious, clean = outcome.stored

    _log_in(page, live_server, "monitor", password)
    page.get_by_role("link", name="Ad monitoring").first.click()
    page.wait_for_url(f"{live_server.url}/en/ads/")
    assert page.get_by_role("heading", name="Review queue").is_visible()
    assert "2 ads match." in page.locator(".match-count").inner_text()
    # The riskiest ad is on top; open it.
    first_row = page.locator("table.queue tbody tr").first
    first_row.get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/en/ads/{suspicious.pk}/")

    # The evidence is highlighted and the injected script stayed text.
    assert page.locator("mark.evidence").count() >= 5
    assert page.title() != "owned"
    assert "<script>" in page.locator(".ad-text").inner_text()
    assert "Pay far above the market" in page.locator(".indicator-list").inner_text()

    page.get_by_label("Refer to police").check()
    page.get_by_role("combobox", name="Refer to").select_option(label=police.name_en)
    page.get_by_label("Reason").fill("Passports kept, night club in Germany: likely trafficking")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{live_server.url}/en/ads/{suspicious.pk}/")
    assert "Decision recorded." in page.locator(".messages").inner_text()
    history = page.locator("#history-heading + table").inner_text()
    assert "Refer to police" in history and "likely trafficking" in history
    suspicious.refresh_from_db()
    assert suspicious.status == AdStatus.REFERRED_POLICE
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server, "officer", password)
    page.get_by_role("link", name="Ad monitoring").first.click()
    assert page.get_by_role("heading", name="Ads referred to your institution").is_visible()
    # Only the referred ad is in the officer's queue.
    assert "1 ad matches." in page.locator(".match-count").inner_text()
    page.get_by_role("link", name="1 open referral").click()
    referral = page.locator("li.referral").first
    assert "likely trafficking" in referral.inner_text()
    referral.get_by_role("link", name=f"Ad {suspicious.pk}").click()
    page.wait_for_url(f"{live_server.url}/en/ads/{suspicious.pk}/")
    assert "ноќен клуб" in page.locator(".ad-text").inner_text()

    # The officer acknowledges the referral from the ad page.
    page.get_by_label("Answer", exact=True).fill("Case opened by the unit")
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(f"{live_server.url}/en/ads/{suspicious.pk}/")
    assert "Your answer was recorded." in page.locator(".messages").inner_text()
    assert Referral.objects.get().status == "acknowledged"

    # The other ad stays hidden from the police unit.
    response = page.goto(f"{live_server.url}/en/ads/{clean.pk}/")
    assert response.status == 404
