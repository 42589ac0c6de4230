"""In a real browser: log in, switch languages, and be refused where the role does not reach."""

import pytest

pytestmark = pytest.mark.browser


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/en/")


def _navigation(page):
    return page.locator("nav.main-nav").inner_text()


@pytest.mark.django_db(transaction=True)
def test_log_in_and_switch_to_macedonian_and_albanian(page, live_server, make_user, password):
    make_user("case_worker", username="elena", first_name="Елена")
    _log_in(page, live_server, "elena", password)
    assert "Directory" in _navigation(page)
    assert "Welcome, Елена" in page.locator("h1").inner_text()

    page.get_by_role("button", name="Македонски").click()
    page.wait_for_url(f"{live_server.url}/mk/")
    navigation = _navigation(page)
    assert "Почетна" in navigation and "Именик" in navigation
    assert page.locator("html").get_attribute("lang") == "mk"

    page.get_by_role("button", name="Shqip").click()
    page.wait_for_url(f"{live_server.url}/sq/")
    navigation = _navigation(page)
    assert "Ballina" in navigation and "Adresari" in navigation
    assert page.get_by_role("button", name="Dilni").is_visible()

    # The choice sticks: the directory opens in Albanian too.
    page.get_by_role("link", name="Adresari").first.click()
    assert page.locator("h1").inner_text() == "Institucionet"


@pytest.mark.django_db(transaction=True)
def test_unauthorised_pages_are_refused(page, live_server, make_user, password, other_institution):
    stranger = make_user("case_worker", username="stranger", institution=other_institution)
    make_user("case_worker", username="elena")
    _log_in(page, live_server, "elena", password)

    # No audit link in the navigation, and the address typed by hand is refused.
    assert "Audit log" not in _navigation(page)
    response = page.goto(f"{live_server.url}/en/audit/")
    assert response.status == 403
    assert "Not allowed" in page.locator("h1").inner_text()

    # Another institution's account is indistinguishable from a missing one.
    hidden = page.goto(f"{live_server.url}/en/administration/accounts/{stranger.pk}/")
    missing = page.goto(f"{live_server.url}/en/administration/accounts/{stranger.pk + 999}/")
    assert hidden.status == missing.status == 404


@pytest.mark.django_db(transaction=True)
def test_anonymous_visitor_is_sent_to_log_in(page, live_server):
    page.goto(f"{live_server.url}/en/directory/")
    assert page.url.startswith(f"{live_server.url}/en/accounts/login/")
    assert page.get_by_role("heading", name="Log in to Fener").is_visible()
