import pytest
from tests.cases.test_statistics import _generated_cases


@pytest.mark.django_db(transaction=True)
def test_shot(page, live_server, make_user, password, other_institution):
    _generated_cases(other_institution, 300)
    user = make_user("national_coordinator", username="shooter")
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/en/")
    page.goto(f"{live_server.url}/en/cases/statistics/?year_from=2018&k=5")
    page.wait_for_timeout(2000)
    page.screenshot(path="/tmp/stats_full.png", full_page=True)
