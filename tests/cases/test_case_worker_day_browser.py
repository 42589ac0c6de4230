"""In a real browser, a case worker's day: open a case, record consent and a screening, refer
the person to a shelter, the shelter accepts on its side, and the case worker adds a follow-up."""

import datetime

import pytest
from django.utils import timezone

from fener.cases.models import Case, CaseReferral, FollowUp, Screening
from fener.core.models import InstitutionType
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.browser


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/en/")


def _log_out(page):
    page.get_by_role("button", name="Log out").or_(
        page.get_by_role("link", name="Log out")
    ).first.click()


@pytest.mark.django_db(transaction=True)
def test_a_case_worker_opens_screens_refers_and_plans_a_follow_up(
    page, live_server, make_user, password
):
    worker = make_user("case_worker", username="elena", first_name="Елена", preferred_language="en")
    shelter = InstitutionFactory(
        key="shelter", type=InstitutionType.SHELTER, name_en="State shelter"
    )
    make_user(
        "case_worker", username="shelter-worker", institution=shelter, preferred_language="en"
    )

    # Morning: a woman met at the bus station is registered as a possible victim.
    _log_in(page, live_server, "elena", password)
    page.goto(f"{live_server.url}/en/cases/")
    page.get_by_role("link", name="Open a case").click()
    page.locator("#id_sex").select_option("female")
    page.locator("#id_age_at_registration").fill("24")
    page.locator("#id_citizenship").fill("MK")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(f"{live_server.url}/en/cases/FN-*/")
    case = Case.objects.get()
    assert page.get_by_role("heading", name=f"Case {case.code}").is_visible()
    assert case.team.get().user == worker

    # She agrees to the interview and to sharing with institutions in the country.
    for scope in ("interview", "sharing_national"):
        page.goto(f"{live_server.url}/en/cases/{case.code}/consent/")
        page.get_by_label("The person agreed to").select_option(scope)
        page.get_by_label("How").select_option("written")
        page.get_by_role("button", name="Record consent").click()
        page.wait_for_load_state()
    assert case.consents.count() == 2

    # The screening interview: deceived about the job, excessive hours, documents taken.
    page.goto(f"{live_server.url}/en/cases/{case.code}/screenings/new/")
    for code in (
        "dr_deceived_nature_of_job",
        "dr_deceived_wages",
        "ec_excessive_hours",
        "ec_low_or_no_pay",
        "cd_confiscated_documents",
        "cd_debt_bondage",
    ):
        page.locator(f"input[name='ind_{code}'][value='present']").check()
    page.get_by_role("button", name="Record the screening").click()
    page.wait_for_url(f"{live_server.url}/en/cases/{case.code}/screenings/*/")
    assert "Strong indication of trafficking" in page.locator(".recommendation").inner_text()
    assert "It never decides a person's status" in page.content()
    assert Screening.objects.get().recommendation == "strong_indication"

    # Referral to the shelter, sharing only the pseudonymous profile.
    page.goto(f"{live_server.url}/en/cases/{case.code}/refer/")
    page.get_by_label("Refer to").select_option(str(shelter.pk))
    page.get_by_label("Reason").select_option("accommodation")
    page.get_by_label("Purpose").fill("A safe place tonight and a medical check-up.")
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_load_state()
    referral = CaseReferral.objects.get()
    assert (referral.status, referral.shared_sections) == ("pending", ["profile"])
    page.context.clear_cookies()

    # At the shelter: the referral waits on the worklist; it is accepted.
    _log_in(page, live_server, "shelter-worker", password)
    page.goto(f"{live_server.url}/en/cases/")
    page.get_by_role("link", name=f"Referral {referral.pk}").first.click()
    page.wait_for_url(f"{live_server.url}/en/cases/referrals/{referral.pk}/")
    assert "A safe place tonight" in page.content()
    assert f"/en/cases/{case.code}/" not in page.content()  # never a way into the case
    page.get_by_label("Accept the referral").check()
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert page.goto(f"{live_server.url}/en/cases/{case.code}/").status == 404
    page.context.clear_cookies()

    # Back at the centre: the answer is there; a support plan and an extra follow-up.
    _log_in(page, live_server, "elena", password)
    page.goto(f"{live_server.url}/en/cases/{case.code}/")
    assert "Accepted" in page.locator("body").inner_text()
    page.goto(f"{live_server.url}/en/cases/{case.code}/support/")
    page.get_by_label("Objectives").fill("Safety, health, then work.")
    page.get_by_role("button", name="Make the plan and its follow-ups").click()
    page.wait_for_load_state()
    assert FollowUp.objects.filter(case=case).count() == 5
    page.get_by_text("Add a follow-up").click()
    due = timezone.localdate() + datetime.timedelta(days=3)
    form = page.locator("form:has(button:has-text('Add the follow-up'))")
    form.locator("[name=due_on]").fill(due.isoformat())
    form.locator("[name=task]").fill("Accompany her to the clinic")
    form.get_by_role("button", name="Add the follow-up").click()
    page.wait_for_load_state()
    added = [
        f for f in FollowUp.objects.filter(case=case, due_on=due) if f.task.startswith("Accompany")
    ]
    assert len(added) == 1  # the task is stored encrypted: compared after reading
    page.goto(f"{live_server.url}/en/cases/")
    assert "Accompany her to the clinic" in page.locator("body").inner_text()
