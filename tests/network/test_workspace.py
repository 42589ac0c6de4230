"""The investigation workspace through its pages: team, entities, links, imports, analysis,
chart, timeline, exports and the evidence summary."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection

from fener.core.models import AuditEvent
from fener.network.models import (
    Entity,
    ImportStatus,
    Investigation,
    Link,
    Transfer,
    TransferImport,
)
from tests.network.conftest import run_queued_tasks

GOOD_CSV = (
    "ref,from,to,amount,date\n"
    "T1,MK07250120000058984,ACC-2,9500.00,2026-03-01 10:00\n"
    'T2,ACC-3,ACC-2,"9,400.00",2026-03-01 11:00\n'
    "T3,ACC-4,ACC-2,9300,02.03.2026 09:15\n"
    "T4,ACC-2,ACC-5,27000,02.03.2026 12:00\n"
)


def _upload(client, investigation, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/en/network/{investigation.pk}/imports/new/",
        {"file": SimpleUploadedFile(name, content)},
    )


def _map_and_run(client, django_capture_on_commit_callbacks, batch, **mapping):
    data = {"currency": "EUR", **mapping}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/network/imports/{batch.pk}/map/", {**data, "import": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    run_queued_tasks()
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db
def test_an_investigator_opens_an_investigation_and_builds_it(login, police):
    client = login(police)
    response = client.post("/en/network/new/", {"name": "  Operation   Lantern ", "summary": "Bar"})
    assert response.status_code == 302
    investigation = Investigation.objects.get()
    assert investigation.name == "Operation Lantern"
    assert investigation.members.get().role == "lead"
    page = client.get("/en/network/").content.decode()
    assert "Operation Lantern" in page
    entities = f"/en/network/{investigation.pk}/entities/"
    assert client.post(entities, {"kind": "phone", "value": "070 123 456"}).status_code == 302
    assert client.post(entities, {"kind": "phone", "value": "+389 70 123 456"}).status_code == 302
    assert Entity.objects.filter(kind="phone").count() == 1  # the same phone is one entity
    phone = Entity.objects.get(kind="phone")
    assert phone.label == "+38970123456"
    client.post(entities, {"kind": "person", "value": "Дритан Хоџа"})
    person = Entity.objects.get(kind="person")
    response = client.post(
        f"/en/network/{investigation.pk}/links/new/",
        {"source": person.pk, "type": "uses", "target": phone.pk, "confidence": "0.8"},
    )
    assert response.status_code == 302
    link = Link.objects.get()
    assert (link.source, link.target, link.confidence) == (person, phone, 0.8)
    detail = client.get(f"/en/network/entities/{person.pk}/").content.decode()
    assert "+38970123456" in detail and "uses" in detail


@pytest.mark.django_db
def test_bad_entities_and_links_are_refused_with_reasons(login, police, investigation):
    client = login(police)
    entities = f"/en/network/{investigation.pk}/entities/"
    response = client.post(entities, {"kind": "phone", "value": "12"})
    assert response.status_code == 400 and "not a valid phone number" in response.content.decode()
    response = client.post(entities, {"kind": "account", "value": "MK07 2501 2000 0058 985"})
    assert response.status_code == 400 and "check digits" in response.content.decode()
    response = client.post(entities, {"kind": "email", "value": "not-an-email"})
    assert response.status_code == 400
    assert not Entity.objects.exists()
    client.post(entities, {"kind": "person", "value": "Marko"})
    marko = Entity.objects.get()
    response = client.post(
        f"/en/network/{investigation.pk}/links/new/",
        {"source": marko.pk, "type": "uses", "target": marko.pk, "confidence": "1"},
    )
    assert response.status_code == 400 and "itself" in response.content.decode()
    response = client.post(
        f"/en/network/{investigation.pk}/links/new/",
        {"source": marko.pk, "type": "uses", "target": marko.pk, "confidence": "3"},
    )
    assert response.status_code == 400
    assert not Link.objects.exists()


@pytest.mark.django_db
def test_names_and_identifiers_are_encrypted_at_rest(login, police, investigation):
    client = login(police)
    entities = f"/en/network/{investigation.pk}/entities/"
    client.post(entities, {"kind": "person", "value": "Dritan Hoxha", "note": "owner of the bar"})
    client.post(entities, {"kind": "phone", "value": "070 123 456"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT label, key, note FROM network_entity")
        stored = repr(cursor.fetchall())
        cursor.execute("SELECT summary FROM network_investigation")
        stored += repr(cursor.fetchall())
    for secret in ("Dritan", "Hoxha", "38970123456", "070 123", "owner of the bar", "Struga"):
        assert secret not in stored


@pytest.mark.django_db
def test_transfers_are_imported_with_mapping_progress_and_all_or_nothing(
    login, police, investigation, django_capture_on_commit_callbacks
):
    client = login(police)
    response = _upload(client, investigation, "bank.csv", GOOD_CSV.encode())
    assert response.status_code == 302
    batch = TransferImport.objects.get()
    assert batch.rows_total == 4 and batch.columns == ["ref", "from", "to", "amount", "date"]
    assert batch.mapping == {
        "reference": "ref",
        "source": "from",
        "target": "to",
        "amount": "amount",
        "timestamp": "date",
    }
    page = client.get(f"/en/network/imports/{batch.pk}/map/").content.decode()
    assert "MK07250120000058984" in page  # the preview
    batch = _map_and_run(
        client,
        django_capture_on_commit_callbacks,
        batch,
        reference="ref",
        source="from",
        target="to",
        amount="amount",
        timestamp="date",
    )
    assert batch.status == ImportStatus.DONE and batch.rows_written == 4
    assert batch.rows_checked == 4 and batch.content is None
    assert Transfer.objects.count() == 4
    assert sorted(str(t.amount) for t in Transfer.objects.all()) == [
        "27000.00",
        "9300.00",
        "9400.00",
        "9500.00",
    ]
    assert Entity.objects.filter(kind="account").count() == 5
    progress = client.get(f"/en/network/imports/{batch.pk}/progress/").json()
    assert progress["percent"] == 100 and progress["working"] is False
    # The same file again: every reference clashes, nothing is added.
    _upload(client, investigation, "bank.csv", GOOD_CSV.encode())
    again = TransferImport.objects.latest("created_at")
    again = _map_and_run(
        client,
        django_capture_on_commit_callbacks,
        again,
        reference="ref",
        source="from",
        target="to",
        amount="amount",
        timestamp="date",
    )
    assert again.status == ImportStatus.FAILED and again.problems_total == 4
    assert "already in this investigation" in again.problems[0]["reason"]
    assert Transfer.objects.count() == 4


@pytest.mark.django_db
def test_a_file_with_bad_rows_is_refused_whole_with_line_numbers(
    login, police, investigation, django_capture_on_commit_callbacks
):
    client = login(police)
    bad = (
        GOOD_CSV
        + 'T5,ACC-1,ACC-1,10,2026-03-02\nT6,ACC-1,ACC-9,-3,2026-03-02\n\nT7,ACC-1,ACC-9,1,yesterday\nT8,ACC-1,ACC-9,"1,234",2026-03-02\n'
    )
    _upload(client, investigation, "bad.csv", bad.encode())
    batch = TransferImport.objects.get()
    batch = _map_and_run(
        client,
        django_capture_on_commit_callbacks,
        batch,
        reference="ref",
        source="from",
        target="to",
        amount="amount",
        timestamp="date",
    )
    assert batch.status == ImportStatus.FAILED
    lines = {item["line"]: item["reason"] for item in batch.problems}
    assert set(lines) == {6, 7, 9, 10}
    assert "same account" in lines[6] and "positive" in lines[7]
    assert "not a date" in lines[9] and "ambiguous" in lines[10]
    assert not Transfer.objects.exists() and not Entity.objects.exists()
    page = client.get(f"/en/network/imports/{batch.pk}/").content.decode()
    assert "Nothing was imported" in page and "ambiguous" in page


@pytest.mark.django_db
def test_files_that_cannot_be_read_are_refused_at_upload(login, police, investigation):
    client = login(police)
    cases = [
        ("t.txt", b"a,b\n1,2\n", "Upload a .csv or .xlsx file"),
        ("t.csv", b"", "empty"),
        ("t.csv", b"ref,from,to\n", "no rows"),
        ("t.csv", b"a,a,b\n1,2,3\n", "same name"),
        ("t.csv", "ref;from\n".encode("utf-16"), "not a text file"),
        ("t.xlsx", b"PK not really a workbook", "cannot be opened"),
    ]
    for name, content, message in cases:
        response = _upload(client, investigation, name, content)
        assert response.status_code == 400, name
        assert message in response.content.decode(), (name, message)
    assert not TransferImport.objects.exists()


@pytest.mark.django_db
def test_a_mapping_must_name_every_required_column_once(login, police, investigation):
    client = login(police)
    _upload(client, investigation, "bank.csv", GOOD_CSV.encode())
    batch = TransferImport.objects.get()
    response = client.post(
        f"/en/network/imports/{batch.pk}/map/",
        {
            "currency": "EUR",
            "source": "from",
            "target": "from",
            "amount": "amount",
            "timestamp": "date",
            "import": "1",
        },
    )
    assert response.status_code == 400 and "two fields" in response.content.decode()
    response = client.post(
        f"/en/network/imports/{batch.pk}/map/",
        {
            "currency": "EUR",
            "source": "from",
            "amount": "amount",
            "timestamp": "date",
            "import": "1",
        },
    )
    assert response.status_code == 400 and "target" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.MAPPING


@pytest.mark.django_db
def test_xlsx_files_are_imported(login, police, investigation, django_capture_on_commit_callbacks):
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Reference", "Payer", "Payee", "Amount", "Date"])
    sheet.append(["X1", "ACC-1", "ACC-2", 1500.5, datetime.datetime(2026, 1, 5, 9, 30)])
    sheet.append(["X2", "ACC-2", "ACC-3", 1400, datetime.datetime(2026, 1, 5, 11, 0)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(police)
    assert _upload(client, investigation, "ledger.xlsx", buffer.getvalue()).status_code == 302
    batch = TransferImport.objects.get()
    assert batch.file_format == "xlsx" and batch.rows_total == 2
    batch = _map_and_run(
        client,
        django_capture_on_commit_callbacks,
        batch,
        reference="Reference",
        source="Payer",
        target="Payee",
        amount="Amount",
        timestamp="Date",
    )
    assert batch.status == ImportStatus.DONE
    first = Transfer.objects.get(reference="X1")
    assert str(first.amount) == "1500.50"
    # A time without a zone is read as Skopje time (UTC+1 in January).
    assert first.occurred_at.astimezone(datetime.UTC).hour == 8


@pytest.mark.django_db
def test_analysis_finds_the_patterns_and_pages_show_them(
    login, police, investigation, django_capture_on_commit_callbacks
):
    rows = ["ref,from,to,amount,date"]
    # Fan-in of structured payments into a collector, who pays a boss: a mule pattern.
    for i in range(6):
        rows.append(f"S{i},PAYER-{i},COLLECTOR,{9_600 + i},2026-03-0{1 + i // 3} 1{i}:00")
    rows.append("OUT,COLLECTOR,BOSS,57000,2026-03-03 09:00")
    client = login(police)
    _upload(client, investigation, "ring.csv", "\n".join(rows).encode())
    batch = _map_and_run(
        client,
        django_capture_on_commit_callbacks,
        TransferImport.objects.get(),
        reference="ref",
        source="from",
        target="to",
        amount="amount",
        timestamp="date",
    )
    assert batch.status == ImportStatus.DONE
    by_label = {e.label: e for e in Entity.objects.filter(kind="account")}
    boss = by_label["BOSS"]
    entities = f"/en/network/{investigation.pk}/entities/"
    client.post(entities, {"kind": "person", "value": "Boss Person"})
    person = Entity.objects.get(kind="person")
    client.post(
        f"/en/network/{investigation.pk}/links/new/",
        {"source": person.pk, "type": "owns", "target": boss.pk, "confidence": "1"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/network/{investigation.pk}/analyses/", {"window_days": "7", "threshold": "10000"}
        )
    assert response.status_code == 302
    run_queued_tasks()
    run = investigation.analyses.get()
    assert run.status == "done", run.error
    collector = by_label["COLLECTOR"]
    top = {row["entity"]: row for row in run.result["accounts"]}
    kinds = {t["type"] for t in top[collector.pk]["typologies"]}
    assert {"fan_in", "structuring"} <= kinds or {"fan_in"} <= kinds
    fan_in = next(t for t in top[collector.pk]["typologies"] if t["type"] == "fan_in")
    assert set(fan_in["transactions"]) >= {"S0", "S1", "S2", "S3", "S4"}
    assert run.result["organisers"] and run.result["communities"]
    page = client.get(f"/en/network/analyses/{run.pk}/").content.decode()
    assert "COLLECTOR" in page and "Fan-in" in page and "Possible organisers" in page
    data = client.get(f"/en/network/{investigation.pk}/chart/data/").json()
    node = next(n for n in data["nodes"] if n["id"] == collector.pk)
    assert "fan_in" in node["flags"]
    assert any(e["kind"] == "money" and e["source"] == collector.pk for e in data["edges"])
    assert any(e["kind"] == "link" and e["type"] == "owns" for e in data["edges"])
    chart = client.get(f"/en/network/{investigation.pk}/chart/").content.decode()
    assert "cytoscape-3.35.0.min.js" in chart
    timeline = client.get(f"/en/network/{investigation.pk}/timeline/").content.decode()
    assert "timeline-points" in timeline and "S0" in timeline
    summary = client.get(f"/en/network/{investigation.pk}/evidence/").content.decode()
    assert "Evidence summary for the prosecution" in summary
    assert "COLLECTOR" in summary and "S3" in summary and "Boss Person" in summary


@pytest.mark.django_db
def test_exports_for_gephi_and_i2_are_well_formed_and_audited(login, police, investigation):
    from fener.network.services.entities import entity_add, link_add

    person, _ = entity_add(
        actor=police, investigation=investigation, kind="person", value="=cmd|' /C calc'!A0"
    )
    phone, _ = entity_add(
        actor=police, investigation=investigation, kind="phone", value="070 123 456"
    )
    link_add(actor=police, investigation=investigation, source=person, target=phone, type="uses")
    client = login(police)
    response = client.get(f"/en/network/{investigation.pk}/export/graphml/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    root = ET.fromstring(response.content)  # noqa: S314 - our own export
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 2 and len(root.findall(".//g:edge", ns)) == 1
    nodes = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/en/network/{investigation.pk}/export/entities.csv").content.decode()
            )
        )
    )
    assert {row["Label"] for row in nodes} == {"'=cmd|' /C calc'!A0", "+38970123456"}
    links = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/en/network/{investigation.pk}/export/links.csv").content.decode()
            )
        )
    )
    assert links[0]["Type"] == "uses"
    assert client.get(f"/en/network/{investigation.pk}/export/other.csv").status_code == 404
    assert AuditEvent.objects.filter(action="network.export").count() == 3


@pytest.mark.django_db
def test_similar_names_are_suggested_merged_and_unmerged(login, police, investigation):
    from fener.network.services.entities import entity_add

    a, _ = entity_add(
        actor=police, investigation=investigation, kind="person", value="Марко Петровски"
    )
    b, _ = entity_add(
        actor=police, investigation=investigation, kind="person", value="Marko Petrovsky"
    )
    entity_add(actor=police, investigation=investigation, kind="person", value="Darko Ilievski")
    client = login(police)
    page = client.get(f"/en/network/{investigation.pk}/merges/").content.decode()
    assert "Марко Петровски" in page and "Marko Petrovsky" in page and "Darko" not in page
    response = client.post(
        f"/en/network/{investigation.pk}/merges/merge/", {"keep": a.pk, "merge": b.pk}
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.merged_into == a and b.merge_score > 0.88 and b.merge_evidence
    data = client.get(f"/en/network/{investigation.pk}/chart/data/").json()
    assert b.pk not in {n["id"] for n in data["nodes"]}
    # Only pairs the engine suggests can be merged: a forged pair is refused.
    darko = Entity.objects.get(kind="person", pk__gt=b.pk)
    client.post(f"/en/network/{investigation.pk}/merges/merge/", {"keep": a.pk, "merge": darko.pk})
    darko.refresh_from_db()
    assert darko.merged_into is None
    client.post(f"/en/network/entities/{b.pk}/unmerge/")
    b.refresh_from_db()
    assert b.merged_into is None and b.merge_score is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="network.entity.").values_list(
            "action", flat=True
        )
    )
    assert "network.entity.merge" in actions and "network.entity.unmerge" in actions


@pytest.mark.django_db
def test_connections_between_two_entities_through_links_and_money(login, police, investigation):
    from fener.network.services.entities import entity_add, link_add

    person, _ = entity_add(actor=police, investigation=investigation, kind="person", value="Ana")
    phone, _ = entity_add(
        actor=police, investigation=investigation, kind="phone", value="070 123 456"
    )
    company, _ = entity_add(
        actor=police, investigation=investigation, kind="company", value="Lotos"
    )
    loner, _ = entity_add(actor=police, investigation=investigation, kind="person", value="Nobody")
    link_add(actor=police, investigation=investigation, source=person, target=phone, type="uses")
    link_add(actor=police, investigation=investigation, source=company, target=phone, type="uses")
    client = login(police)
    url = f"/en/network/{investigation.pk}/connections/"
    page = client.get(url, {"a": person.pk, "b": company.pk}).content.decode()
    assert "Shortest chain" in page and "+38970123456" in page and "uses" in page
    assert "1 chain of up to four steps" in page
    page = client.get(url, {"a": person.pk, "b": loner.pk}).content.decode()
    assert "not connected" in page
    assert client.get(url, {"a": person.pk, "b": 999999}).status_code == 400
