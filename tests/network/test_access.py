"""Who sees and changes what: the team across institutions, observers, closing, and the data
brought in from ads and victim cases through those modules' own gatekeeping."""

import pytest

from fener.adwatch.models import Arrival, Platform, Source
from fener.adwatch.services.ingestion import ads_ingest
from fener.cases.services import cases as case_services
from fener.core.access import AccessDenied, NotFound
from fener.core.models import AuditEvent
from fener.network.models import Entity, Investigation, Link
from fener.network.services import entities as entity_services
from fener.network.services import investigations as services
from fener.network.services import sources

AD = (
    "Девојки 18-25 за работа во ноќен клуб во Германија, 5000 евра месечно, без искуство, "
    "без договор, патот и станот ги плаќаме. Пасошот го чуваме ние. Само вибер 070 123 456 "
    "или пишете на @lanternjobs на телеграм"
)


@pytest.mark.django_db
def test_only_the_team_sees_an_investigation_and_a_denied_read_looks_missing(
    login, police, financial, make_user, investigation
):
    outsider = make_user("police_investigator", username="outsider")
    client = login(outsider)
    assert "Operation Lantern" not in client.get("/en/network/").content.decode()
    for path in (
        "",
        "entities/",
        "chart/",
        "chart/data/",
        "timeline/",
        "evidence/",
        "export/graphml/",
    ):
        assert client.get(f"/en/network/{investigation.pk}/{path}").status_code == 404, path
    services.member_add(actor=police, investigation=investigation, user=financial, role="analyst")
    client = login(financial)  # another institution, now on the team
    assert client.get(f"/en/network/{investigation.pk}/").status_code == 200
    assert "Operation Lantern" in client.get("/en/network/").content.decode()


@pytest.mark.django_db
def test_observers_read_but_change_nothing(login, police, prosecutor, investigation):
    services.member_add(actor=police, investigation=investigation, user=prosecutor, role="observer")
    client = login(prosecutor)
    assert client.get(f"/en/network/{investigation.pk}/entities/").status_code == 200
    response = client.post(
        f"/en/network/{investigation.pk}/entities/", {"kind": "person", "value": "X"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"/en/network/{investigation.pk}/analyses/", {"window_days": 7, "threshold": 100}
        ).status_code
        == 403
    )
    assert client.get(f"/en/network/{investigation.pk}/imports/new/").status_code == 403
    with pytest.raises(AccessDenied):
        services.member_add(
            actor=prosecutor, investigation=investigation, user=prosecutor, role="lead"
        )
    assert not Entity.objects.exists()
    # Observers may export for the prosecution file.
    assert client.get(f"/en/network/{investigation.pk}/evidence/").status_code == 200


@pytest.mark.django_db
def test_roles_without_the_right_cannot_join_or_open(police, make_user, investigation):
    worker = make_user("case_worker", username="worker")
    with pytest.raises(Exception, match="No active account with the right"):
        services.member_add(actor=police, investigation=investigation, user=worker, role="analyst")
    with pytest.raises(AccessDenied):
        services.investigation_open(actor=worker, name="Mine")
    assert Investigation.objects.count() == 1


@pytest.mark.django_db
def test_the_last_lead_stays_and_removed_members_lose_access(
    login, police, financial, investigation
):
    lead = investigation.members.get(user=police)
    with pytest.raises(Exception, match="at least one lead"):
        services.member_remove(actor=police, member=lead)
    member = services.member_add(
        actor=police, investigation=investigation, user=financial, role="analyst"
    )
    services.member_remove(actor=police, member=member)
    assert login(financial).get(f"/en/network/{investigation.pk}/").status_code == 404
    actions = set(
        AuditEvent.objects.filter(action__startswith="network.member").values_list(
            "action", flat=True
        )
    )
    assert actions == {"network.member.add", "network.member.remove"}


@pytest.mark.django_db
def test_a_closed_investigation_is_read_only_until_reopened(login, police, investigation):
    client = login(police)
    assert client.post(f"/en/network/{investigation.pk}/close/").status_code == 302
    investigation.refresh_from_db()
    assert investigation.status == "closed"
    response = client.post(
        f"/en/network/{investigation.pk}/entities/", {"kind": "person", "value": "X"}
    )
    assert response.status_code == 403
    assert client.get(f"/en/network/{investigation.pk}/evidence/").status_code == 200
    with pytest.raises(AccessDenied):
        entity_services.entity_add(
            actor=police, investigation=investigation, kind="person", value="Y"
        )
    client.post(f"/en/network/{investigation.pk}/close/", {"reopen": "1"})
    investigation.refresh_from_db()
    assert investigation.status == "open"
    assert not Entity.objects.exists()


@pytest.mark.django_db
def test_perpetrators_come_from_cases_only_for_those_who_may_read_them(
    login, police, make_user, investigation
):
    case = case_services.case_open(actor=police, profile={"sex": "female"})
    case_services.perpetrator_add(
        actor=police,
        case=case,
        roles=["recruiter"],
        name="Dritan Recruiter",
        phones=["+38970123456"],
        accounts=["MK07250120000058984"],
    )
    colleague = make_user("police_investigator", username="colleague")
    services.member_add(actor=police, investigation=investigation, user=colleague, role="analyst")
    # A team member of the investigation who is not on the case's team: refused like a missing case.
    with pytest.raises(NotFound):
        sources.case_perpetrators_bring(
            actor=colleague, investigation=investigation, case_code=case.code
        )
    assert not Entity.objects.exists()
    brought = sources.case_perpetrators_bring(
        actor=police, investigation=investigation, case_code=case.code.lower()
    )
    assert brought.found == 1 and brought.entities == 4 and brought.links == 3
    labels = {(e.kind, e.label) for e in Entity.objects.all()}
    assert ("person", "Dritan Recruiter") in labels and ("phone", "+38970123456") in labels
    assert ("account", "MK07 2501 2000 0058 984") in labels and ("case", case.code) in labels
    read = AuditEvent.objects.get(action="read", target_id=str(case.pk))
    assert read.actor == police and f"network investigation {investigation.pk}" in read.purpose
    assert AuditEvent.objects.filter(action="network.cases.bring").count() == 1
    # Bringing them twice adds nothing new.
    again = sources.case_perpetrators_bring(
        actor=police, investigation=investigation, case_code=case.code
    )
    assert again.entities == 0 and again.links == 0
    # Through the page, the colleague is told there is no such case they may read.
    client = login(colleague)
    response = client.post(
        f"/en/network/{investigation.pk}/cases/", {"case_code": case.code}, follow=True
    )
    assert "no case with this code" in response.content.decode()
    assert AuditEvent.objects.filter(action="read", actor=colleague).count() == 0


@pytest.mark.django_db
def test_phones_and_handles_are_found_in_the_ads_the_user_may_see(
    login, police, make_user, home_institution, investigation
):
    monitor = make_user("ad_monitor", username="monitor")
    source = Source.objects.create(
        name="Jobs abroad group",
        platform=Platform.FACEBOOK_GROUP,
        country="MK",
        language="mk",
        arrival=Arrival.UPLOAD,
        institution=home_institution,
    )
    outcome = ads_ingest(source=source, records=[(1, {"id": "a1", "text": AD})], actor=monitor)
    assert outcome.stored
    services.member_add(actor=police, investigation=investigation, user=monitor, role="analyst")
    phone, _ = entity_services.entity_add(
        actor=monitor, investigation=investigation, kind="phone", value="070 123 456"
    )
    # The police lead sees no ad that was not referred to their institution.
    assert sources.entity_find_in_ads(actor=police, entity=phone).found == 0
    found = sources.entity_find_in_ads(actor=monitor, entity=phone)
    assert found.found == 1
    ad = Entity.objects.get(kind="ad")
    assert Link.objects.filter(source=phone, target=ad, type="appears_in").exists()
    kinds = set(Entity.objects.values_list("kind", flat=True))
    assert "handle" in kinds  # the ad's other contact came with it
    assert AuditEvent.objects.filter(action="network.ads.lookup").count() == 2
    client = login(monitor)
    person, _ = entity_services.entity_add(
        actor=monitor, investigation=investigation, kind="person", value="Z"
    )
    assert client.post(f"/en/network/entities/{person.pk}/ads/").status_code == 302
    assert Entity.objects.filter(kind="ad").count() == 1
