"""Suspected perpetrators: roles for the team, identity (name, phones, accounts) encrypted and
only from those who may record identity data."""

import pytest
from django.utils import translation

from fener.cases.models import Perpetrator
from fener.cases.services import cases as case_services
from fener.cases.services.errors import CaseInputError
from fener.core.access import AccessDenied
from fener.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="worker")


@pytest.fixture
def case(worker):
    return case_services.case_open(actor=worker, profile={"sex": "female"})


def _url(case):
    return f"/en/cases/{case.code}/perpetrators/new/"


@pytest.mark.django_db
def test_a_team_member_records_a_perpetrator_with_encrypted_contacts(login, worker, case):
    client = login(worker)
    assert 'name="phones"' in client.get(_url(case)).content.decode()
    response = client.post(
        _url(case),
        {
            "roles": ["recruiter", "exploiter"],
            "sex": "male",
            "citizenship": "al",
            "relationship": "stranger",
            "name": "Dritan Recruiter",
            "phones": "070 123 456\n+355 69 123 4567",
            "accounts": "MK07 2501 2000 0058 984",
        },
    )
    assert response.status_code == 302
    perpetrator = Perpetrator.objects.get(case=case)
    assert perpetrator.roles == ["recruiter", "exploiter"] and perpetrator.citizenship == "AL"
    assert perpetrator.phones == ["+38970123456", "+355691234567"]
    assert perpetrator.accounts == ["MK07250120000058984"]
    page = client.get(f"/en/cases/{case.code}/").content.decode()
    assert (
        "Recruiter or intermediary" in page and "Dritan" not in page and "+38970123456" not in page
    )
    audit = AuditEvent.objects.get(action="cases.perpetrator_add")
    assert "Dritan" not in str(audit.after) and "38970123456" not in str(audit.after)


@pytest.mark.django_db
def test_bad_input_is_refused_and_nothing_is_written(login, worker, case):
    client = login(worker)
    response = client.post(_url(case), {"roles": [], "sex": "male"})
    assert response.status_code == 400
    response = client.post(
        _url(case), {"roles": ["recruiter"], "sex": "male", "phones": "not a phone"}
    )
    assert response.status_code == 400
    assert "is not a valid phone number" in response.content.decode()
    response = client.post(_url(case), {"roles": ["recruiter"], "sex": "male", "citizenship": "1"})
    assert response.status_code == 400
    assert not Perpetrator.objects.exists()


@pytest.mark.django_db
def test_an_observer_cannot_add_and_identity_needs_the_identity_right(
    make_user, worker, case, login
):
    observer = make_user("case_worker", username="observer")
    case_services.team_add(actor=worker, case=case, user=observer, role="observer")
    assert (
        login(observer).post(_url(case), {"roles": ["recruiter"], "sex": "male"}).status_code == 403
    )
    with pytest.raises(AccessDenied):
        case_services.perpetrator_add(actor=observer, case=case, roles=["recruiter"])
    # A supervisor who is not on the team records roles, but never names or phones.
    supervisor = make_user("case_supervisor", username="supervisor")
    client = login(supervisor)
    assert 'name="phones"' not in client.get(_url(case)).content.decode()
    assert client.post(_url(case), {"roles": ["controller"], "sex": "female"}).status_code == 302
    with pytest.raises(AccessDenied):
        case_services.perpetrator_add(actor=supervisor, case=case, roles=["recruiter"], name="X")
    with pytest.raises(CaseInputError):
        case_services.perpetrator_add(actor=worker, case=case, roles=["mastermind"])
    assert list(Perpetrator.objects.values_list("roles", flat=True)) == [["controller"]]


@pytest.mark.django_db
def test_a_stranger_gets_not_found(make_user, case, login, other_institution):
    stranger = make_user("case_worker", username="stranger", institution=other_institution)
    assert login(stranger).get(_url(case)).status_code == 404
