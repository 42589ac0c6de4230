"""What a review of the workspace found, each fixed and kept fixed: case data masked for team
members who may not read the case, erased with the case, imports that refuse rather than guess,
damaged spreadsheets refused with a reason, stalled imports discardable, no caching."""

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from fener.cases.services import cases as case_services
from fener.cases.services.retention import case_anonymise
from fener.network.models import Entity, ImportStatus, Transfer, TransferImport
from fener.network.services import imports, sources
from fener.network.services import investigations as services
from fener.network.services.entities import entity_add
from tests.network.conftest import run_queued_tasks

MAPPING = {
    "reference": "ref",
    "source": "from",
    "target": "to",
    "amount": "amount",
    "timestamp": "date",
}


@pytest.fixture
def case_with_suspect(police):
    case = case_services.case_open(actor=police, profile={"sex": "female"})
    case_services.perpetrator_add(
        actor=police,
        case=case,
        roles=["recruiter"],
        name="Dritan Recruiter",
        phones=["+38970123456"],
        accounts=["MK07250120000058984"],
    )
    return case


@pytest.mark.django_db
def test_case_data_is_masked_for_team_members_who_may_not_read_the_case(
    login, police, prosecutor, investigation, case_with_suspect
):
    sources.case_perpetrators_bring(
        actor=police, investigation=investigation, case_code=case_with_suspect.code
    )
    services.member_add(actor=police, investigation=investigation, user=prosecutor, role="observer")
    observer = login(prosecutor)
    pages = [
        f"/en/network/{investigation.pk}/entities/",
        f"/en/network/{investigation.pk}/chart/data/",
        f"/en/network/{investigation.pk}/export/entities.csv",
        f"/en/network/{investigation.pk}/export/graphml/",
        f"/en/network/{investigation.pk}/evidence/",
    ]
    person = Entity.objects.get(kind="person")
    pages.append(f"/en/network/entities/{person.pk}/")
    for path in pages:
        body = observer.get(path).content.decode()
        assert "Dritan" not in body and "38970123456" not in body, path
        assert "0058 984" not in body and "58984" not in body, path
    assert "Restricted" in observer.get(pages[0]).content.decode()
    lead = login(police)
    assert "Dritan Recruiter" in lead.get(pages[0]).content.decode()


@pytest.mark.django_db
def test_anonymising_the_case_erases_the_networks_copies(police, investigation, case_with_suspect):
    sources.case_perpetrators_bring(
        actor=police, investigation=investigation, case_code=case_with_suspect.code
    )
    case_anonymise(case_with_suspect)
    labels = {entity.label for entity in Entity.objects.all()}
    assert labels == {"—"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM network_entity")
        assert all(key.startswith("erased-") for (key,) in cursor.fetchall())
    # The same phone typed again is a new entity: the erased one cannot be found by its value.
    _, created = entity_add(
        actor=police, investigation=investigation, kind="phone", value="070 123 456"
    )
    assert created


@pytest.mark.django_db
def test_a_suspect_whose_name_is_only_signs_is_still_brought_in(police, investigation):
    case = case_services.case_open(actor=police, profile={"sex": "female"})
    case_services.perpetrator_add(actor=police, case=case, roles=["recruiter"], name="?")
    brought = sources.case_perpetrators_bring(
        actor=police, investigation=investigation, case_code=case.code
    )
    assert brought.found == 1
    assert any(e.label.startswith("Unnamed suspect") for e in Entity.objects.filter(kind="person"))


def _import(client, investigation, name, content, mapping=MAPPING, capture=None):
    response = client.post(
        f"/en/network/{investigation.pk}/imports/new/", {"file": SimpleUploadedFile(name, content)}
    )
    if response.status_code != 302:
        return response, None
    batch = TransferImport.objects.latest("created_at")
    with capture(execute=True):
        client.post(
            f"/en/network/imports/{batch.pk}/map/", {"currency": "EUR", "import": "1", **mapping}
        )
    run_queued_tasks()
    batch.refresh_from_db()
    return response, batch


@pytest.mark.django_db
def test_semicolon_files_and_files_without_references_import_side_by_side(
    login, police, investigation, django_capture_on_commit_callbacks
):
    client = login(police)
    no_refs = {"source": "from", "target": "to", "amount": "amount", "timestamp": "date"}
    first = "from;to;amount;date\nA-1;A-2;1.250,50;01.03.2026\nA-2;A-3;900,00;02.03.2026\n"
    second = "from;to;amount;date\nB-1;B-2;10;01.03.2026\nB-2;B-3;20;02.03.2026\n"
    for content in (first, second):
        _, batch = _import(
            client,
            investigation,
            "s.csv",
            content.encode(),
            no_refs,
            django_capture_on_commit_callbacks,
        )
        assert batch.status == ImportStatus.DONE, batch.problems
    assert Transfer.objects.count() == 4
    assert {str(t.amount) for t in Transfer.objects.all()} >= {"1250.50", "900.00"}


@pytest.mark.django_db
def test_amounts_and_dates_that_cannot_be_read_safely_are_refused_by_line(
    login, police, investigation, django_capture_on_commit_callbacks
):
    client = login(police)
    content = (
        "ref,from,to,amount,date\n"
        "R1,A-1,A-2,12.500,2026-03-01\n"
        "R2,A-1,A-2,10,99999999999999999\n"
        "R3,A-1,MK07 2501 2000 0058 985,10,2026-03-01\n"
    )
    _, batch = _import(
        client, investigation, "s.csv", content.encode(), capture=django_capture_on_commit_callbacks
    )
    assert batch.status == ImportStatus.FAILED
    reasons = {item["line"]: item["reason"] for item in batch.problems}
    assert (
        "ambiguous" in reasons[2] and "out of range" in reasons[3] and "check digits" in reasons[4]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT problems FROM network_transferimport")
        assert "0058 985" not in repr(cursor.fetchall())  # the refused values are encrypted


@pytest.fixture
def monitor_limit(monkeypatch):
    """A small unpacking limit, so that the test's "zip bomb" stays small."""
    from fener.network import importing

    monkeypatch.setattr(importing, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)


@pytest.mark.django_db
def test_damaged_spreadsheets_are_refused_with_a_reason(
    login, police, investigation, monitor_limit
):
    client = login(police)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types><not-closed>")
        archive.writestr("xl/workbook.xml", "<<<")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (3 * 1024 * 1024))
    for content, message in (
        (broken.getvalue(), "cannot be opened"),
        (bomb.getvalue(), "unpacks to more"),
    ):
        response, _ = _import(client, investigation, "x.xlsx", content)
        assert response.status_code == 400 and message in response.content.decode()
    assert not TransferImport.objects.exists()


@pytest.mark.django_db
def test_a_stalled_import_can_be_discarded_and_a_running_one_cannot(login, police, investigation):
    import datetime

    from django.utils import timezone

    content = b"ref,from,to,amount,date\nR1,A-1,A-2,10,2026-03-01\n"
    batch = imports.import_create(
        actor=police, investigation=investigation, file_name="s.csv", content=content
    )
    imports.import_set_mapping(actor=police, batch=batch, mapping=MAPPING, currency="EUR")
    TransferImport.objects.filter(pk=batch.pk).update(
        status=ImportStatus.CHECKING, heartbeat_at=timezone.now()
    )
    client = login(police)
    client.post(f"/en/network/imports/{batch.pk}/discard/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKING
    TransferImport.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert "no sign of progress" in client.get(f"/en/network/imports/{batch.pk}/").content.decode()
    client.post(f"/en/network/imports/{batch.pk}/discard/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.content is None


@pytest.mark.django_db
def test_pages_are_never_cached_and_graphml_stays_valid_xml(login, police, investigation):
    entity_add(actor=police, investigation=investigation, kind="person", value="Bad\x01Name")
    client = login(police)
    for path in (
        "",
        "entities/",
        "chart/data/",
        "export/graphml/",
        "export/entities.csv",
        "evidence/",
    ):
        response = client.get(f"/en/network/{investigation.pk}/{path}")
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"], (
            path
        )
    graphml = client.get(f"/en/network/{investigation.pk}/export/graphml/").content
    ET.fromstring(graphml)  # noqa: S314 - our own export


@pytest.mark.django_db
def test_an_import_discarded_while_its_rows_are_checked_writes_nothing(
    police, investigation, monkeypatch
):
    import datetime

    from django.utils import timezone

    content = b"ref,from,to,amount,date\nR1,A-1,A-2,10,2026-03-01\n"
    batch = imports.import_create(
        actor=police, investigation=investigation, file_name="s.csv", content=content
    )
    imports.import_set_mapping(actor=police, batch=batch, mapping=MAPPING, currency="EUR")
    original = imports._row_problem

    def discard_meanwhile(record, accounts):
        # The worker looks stalled, and the lead discards the import while it checks rows.
        TransferImport.objects.filter(pk=batch.pk).update(
            heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
        )
        imports.import_discard(actor=police, batch=TransferImport.objects.get(pk=batch.pk))
        return original(record, accounts)

    monkeypatch.setattr(imports, "_row_problem", discard_meanwhile)
    imports.import_run(import_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and not Transfer.objects.exists()
