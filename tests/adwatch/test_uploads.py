"""Files of ads: checked as a whole, mapped with a preview, imported row by row in the
background; bad rows listed with their line and reason, good rows kept, each ad stored once."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fener.adwatch import uploads
from fener.adwatch.models import Ad, Sighting, Upload, UploadStatus
from fener.adwatch.services.sources import upload_create, upload_set_mapping
from fener.adwatch.tasks import upload_import
from fener.core.models import AuditEvent
from tests.adwatch.conftest import CLEAN, SUSPICIOUS

GOOD_CSV = (
    "post_id;message;link;date\n"
    f'p1;"{SUSPICIOUS}";https://fb.example/p1;2026-03-01T10:00:00Z\n'
    f'p2;"{CLEAN}";https://fb.example/p2;2026-03-02T10:00:00Z\n'
).encode()


def _import(actor, source, content, file_name="ads.csv", mapping=None):
    """Upload, map (the suggestion unless given) and run the import task as the worker would."""
    upload = upload_create(actor=actor, source=source, file_name=file_name, content=content)
    upload_set_mapping(actor=actor, upload=upload, mapping=mapping or upload.mapping)
    upload_import.call(upload.pk)
    upload.refresh_from_db()
    return upload


# --- Reading files (pure) ---------------------------------------------------------------------


def test_csv_dialect_is_sniffed_and_quoted_lines_keep_their_line_numbers():
    text = 'id;text\n1;"semi;colon"\n2;"two\nlines"\n3;plain\n'
    rows = list(uploads.read_rows(text, "csv"))
    assert uploads.read_columns(text, "csv") == ["id", "text"]
    assert rows == [
        (2, {"id": "1", "text": "semi;colon"}),
        (3, {"id": "2", "text": "two\nlines"}),
        (5, {"id": "3", "text": "plain"}),
    ]


def test_a_csv_row_with_more_fields_than_the_header_is_a_problem_of_that_row():
    rows = list(uploads.read_rows("id,text\n1,a,extra\n2,b,\n3\n", "csv"))
    assert rows == [
        (2, uploads.RowProblem("has 3 fields, the header has 2")),
        (3, {"id": "2", "text": "b"}),
        (4, {"id": "3", "text": ""}),
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2026-03-01", "2026-03-01T00:00:00"),
        ("1.3.2026", "2026-03-01T00:00:00"),
        ("01.03.2026 14:30", "2026-03-01T14:30:00"),
        ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"),
        ("yesterday", "yesterday"),
    ],
)
def test_usual_spreadsheet_dates_are_read_as_iso_8601(written, read):
    ((_, record),) = uploads.read_records(
        f"text,date\nad,{written}\n", "csv", {"text": "text", "posted_at": "date"}
    )
    assert record["posted_at"] == read
    assert record["source_row"]["date"] == written


def test_a_byte_order_mark_is_not_part_of_the_first_column():
    text = uploads.decode("\ufefftext,id\nhello,1\n".encode())
    assert uploads.read_columns(text, "csv") == ["text", "id"]


def test_the_mapping_is_suggested_from_usual_column_names():
    assert uploads.suggest_mapping(["post_id", "Message", "link", "date"]) == {
        "text": "Message",
        "id": "post_id",
        "url": "link",
        "posted_at": "date",
    }


@pytest.mark.parametrize(
    ("content", "file_name", "message"),
    [
        (b"", "ads.csv", "empty"),
        (b"  \n\n", "ads.jsonl", "empty"),
        ("text\nЗдраво\n".encode("cp1251"), "ads.csv", "not in UTF-8"),
        ("text\nhello\n".encode("utf-16"), "ads.csv", "UTF-16"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "ads.csv", "binary"),
        (b"text\nhello\n", "ads.xlsx", "CSV file (.csv) or a JSON Lines"),
        (b"text,text\na,b\n", "ads.csv", "same name"),
        (b"text,\na,b\n", "ads.csv", "needs a name"),
        (b"text\n", "ads.csv", "no rows of data"),
        (b"{broken\n[1, 2]\n", "ads.jsonl", "No line of the file is a JSON object"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(
    source, monitor, content, file_name, message
):
    with pytest.raises(ValidationError) as refused:
        upload_create(actor=monitor, source=source, file_name=file_name, content=content)
    assert message in str(refused.value.message_dict["file"])
    assert not Upload.objects.exists()
    assert not AuditEvent.objects.filter(action="adwatch.upload.create").exists()


def test_too_many_rows_and_too_large_files_are_refused(monkeypatch, source, monitor):
    monkeypatch.setattr(uploads, "MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="more than 3 rows"):
        upload_create(
            actor=monitor, source=source, file_name="a.csv", content=b"text\na\nb\nc\nd\n"
        )
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 10)
    with pytest.raises(ValidationError, match="larger than"):
        upload_create(actor=monitor, source=source, file_name="a.csv", content=b"text\n" * 5)
    assert not Upload.objects.exists()


def test_the_mapping_needs_the_text_column_and_known_columns(source, monitor):
    upload = upload_create(actor=monitor, source=source, file_name="ads.csv", content=GOOD_CSV)
    for mapping, message in [
        ({"id": "post_id"}, "text of the ads"),
        ({"text": "nope"}, "no column nope"),
        ({"text": "message", "id": "message"}, "only one field"),
    ]:
        with pytest.raises(ValidationError, match=message):
            upload_set_mapping(actor=monitor, upload=upload, mapping=mapping)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.MAPPING


# --- Importing --------------------------------------------------------------------------------


def test_a_good_csv_is_imported_with_its_fields_and_raw_rows(source, monitor):
    upload = _import(monitor, source, GOOD_CSV)
    assert (upload.status, upload.rows_total, upload.rows_stored, upload.rejected) == (
        UploadStatus.DONE,
        2,
        2,
        [],
    )
    ad = Ad.objects.get(external_id="p1")
    assert ad.text == SUSPICIOUS and ad.url == "https://fb.example/p1"
    assert ad.posted_at.isoformat() == "2026-03-01T10:00:00+00:00"
    assert ad.label == "suspicious"
    assert ad.raw_payload["source_row"]["message"] == SUSPICIOUS
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == [
        "adwatch.upload.create",
        "adwatch.upload.map",
        "adwatch.ingest",
        "adwatch.upload.import",
    ]


def test_bad_rows_are_listed_with_line_and_reason_and_good_rows_kept(source, monitor):
    lines = [
        json.dumps({"id": "j1", "body": SUSPICIOUS}),
        "{not json",
        "",
        json.dumps({"id": "j2", "body": ""}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "j3", "body": CLEAN, "when": "last week"}),
        json.dumps({"id": "j4", "body": "<script>alert(1)</script> Работа во Германија"}),
    ]
    content = "\n".join(lines).encode()
    upload = _import(
        monitor,
        source,
        content,
        file_name="ads.jsonl",
        mapping={"text": "body", "id": "id", "posted_at": "when"},
    )
    assert upload.status == UploadStatus.DONE
    assert upload.rows_stored == 2
    assert [(item["line"], item["reason"].split(" (")[0]) for item in upload.rejected] == [
        (2, "not valid JSON"),
        (4, "missing or empty 'text'"),
        (5, "not a JSON object with fields"),
        (6, "'posted_at' is not a date and time"),
    ]
    assert set(Ad.objects.values_list("external_id", flat=True)) == {"j1", "j4"}


def test_a_csv_with_a_ten_megabyte_field_refuses_that_row_only(source, monitor):
    content = (
        b"id,text\n" + b"big," + b"x" * (10 * 1024 * 1024) + b'\nsmall,"' + CLEAN.encode() + b'"\n'
    )
    upload = _import(monitor, source, content)
    assert upload.rows_stored == 1
    assert upload.rejected == [{"line": 2, "reason": "a field is longer than 131,072 characters"}]
    assert Ad.objects.get().external_id == "small"


def test_the_same_file_twice_stores_each_ad_once_and_counts_sightings(source, monitor):
    first = _import(monitor, source, GOOD_CSV)
    second = _import(monitor, source, GOOD_CSV)
    assert (first.rows_stored, first.rows_seen_again) == (2, 0)
    assert (second.rows_stored, second.rows_seen_again) == (0, 2)
    assert Ad.objects.count() == 2
    assert set(Ad.objects.values_list("sightings_count", flat=True)) == {2}
    assert Sighting.objects.count() == 4


def test_the_import_runs_once_even_when_the_task_runs_twice(source, monitor):
    upload = _import(monitor, source, GOOD_CSV)
    assert upload_import.call(upload.pk) == {"imported": False}
    assert Sighting.objects.count() == 2


def test_rows_are_imported_in_chunks_with_every_line_accounted_for(source, monitor):
    from fener.adwatch.services.sources import upload_run

    rows = [f'r{n},"Вработување {n}: пекар во Скопје, 30.000 денари"' for n in range(1, 8)]
    rows[3] = "r4,"
    content = ("id,text\n" + "\n".join(rows) + "\n").encode()
    upload = upload_create(actor=monitor, source=source, file_name="a.csv", content=content)
    upload_set_mapping(actor=monitor, upload=upload, mapping={"text": "text", "id": "id"})
    upload = upload_run(upload_id=upload.pk, chunk_rows=3)
    assert (upload.rows_stored, upload.rejected) == (
        6,
        [{"line": 5, "reason": "missing or empty 'text'"}],
    )
    assert AuditEvent.objects.filter(action="adwatch.ingest").count() == 3


def test_an_uploader_who_lost_the_permission_imports_nothing(source, monitor):
    upload = upload_create(actor=monitor, source=source, file_name="a.csv", content=GOOD_CSV)
    upload_set_mapping(actor=monitor, upload=upload, mapping=upload.mapping)
    monitor.roles.clear()
    upload_import.call(upload.pk)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED
    assert "may no longer import" in upload.rejected[0]["reason"]
    assert not Ad.objects.exists()


# --- Pages ------------------------------------------------------------------------------------


def test_upload_map_preview_confirm_and_result_pages(client, login, source, monitor):
    login(monitor)
    hostile = '<img src=x onerror="alert(1)">Работа'
    quoted = hostile.replace('"', '""')
    content = f'text,id\n"{quoted}",h1\n"{CLEAN}",h2\n'.encode()
    response = client.post(
        f"/en/ads/sources/{source.pk}/upload/",
        {"file": SimpleUploadedFile("ads.csv", content, content_type="text/csv")},
    )
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/uploads/{upload.pk}/map/"
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Работа" in html
    assert "<img src=x" not in html
    # Choosing a different column and asking for the preview again imports nothing.
    again = client.post(response["Location"], {"text": "id", "preview": "1"})
    assert again.status_code == 200 and b"h1" in again.content
    assert Upload.objects.get().status == UploadStatus.MAPPING
    missing = client.post(response["Location"], {"text": "", "import": "1"})
    assert b"Choose the column that holds the text" in missing.content
    confirmed = client.post(response["Location"], {"text": "text", "id": "id", "import": "1"})
    assert confirmed.status_code == 302
    assert Upload.objects.get().status == UploadStatus.QUEUED
    upload_import.call(upload.pk)  # the worker (the test settings use the database backend)
    result = client.get(confirmed["Location"])
    assert result.status_code == 200
    assert Upload.objects.get().rows_stored == 2
    assert b"Done" in result.content


def test_a_refused_file_shows_the_reason_on_the_form(client, login, source, monitor):
    login(monitor)
    response = client.post(
        f"/en/ads/sources/{source.pk}/upload/",
        {"file": SimpleUploadedFile("ads.csv", "text\nЗдраво\n".encode("cp1251"))},
    )
    assert response.status_code == 200
    assert b"not in UTF-8" in response.content
    assert not Upload.objects.exists()


def test_refused_rows_are_listed_on_the_upload_page(client, login, source, monitor):
    upload = _import(monitor, source, b"id,text\na,\nb,<b>bold</b> job\n")
    login(monitor)
    html = client.get(f"/en/ads/uploads/{upload.pk}/").content.decode()
    assert "missing or empty &#x27;text&#x27;" in html


def test_people_without_the_permission_cannot_upload(client, login, make_user, source, monitor):
    upload = upload_create(actor=monitor, source=source, file_name="a.csv", content=GOOD_CSV)
    login(make_user("case_worker"))
    for url in (
        f"/en/ads/sources/{source.pk}/upload/",
        f"/en/ads/uploads/{upload.pk}/map/",
        f"/en/ads/uploads/{upload.pk}/",
    ):
        assert client.get(url).status_code == 404
    response = client.post(f"/en/ads/uploads/{upload.pk}/map/", {"text": "message", "import": "1"})
    assert response.status_code == 404
    upload.refresh_from_db()
    assert upload.status == UploadStatus.MAPPING
