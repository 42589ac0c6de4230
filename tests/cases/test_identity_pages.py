"""The identity vault through its pages: a stated purpose before every read, every read
audited, nothing cached, nothing in plaintext in the database, documents checked by content."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from fener.cases.models import Case, IdentityDocument, IdentityRecord
from fener.cases.services import cases as case_services
from fener.cases.services import identity as identity_services
from fener.cases.vocabulary import TeamRole
from fener.core.models import AuditEvent

GIVEN = "Zorica"
FAMILY = "Trajkovska-Velkovska"
BIRTH = "1998-07-23"
PHONE_TYPED = "070 555 321"
PHONE_STORED = "+38970555321"
EMAIL = "zorica.tv@example.org"
ADDRESS = "ul. Ilindenska 77, Tetovo"
PASSPORT = "MK9988776"
DOCUMENT = b"\x89PNG\r\n\x1a\n" + b"Unique photo bytes of the passport QXJ-4417 " * 8


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


def _identity_form(**changes):
    data = {
        "save": "1",
        "given_name": GIVEN,
        "family_name": FAMILY,
        "birth_date": BIRTH,
        "identity_numbers": f"passport; {PASSPORT}; MK",
        "phones": PHONE_TYPED,
        "emails": EMAIL,
        "addresses": ADDRESS,
        "version": "",
    }
    data.update(changes)
    return data


def _save_identity(client, case, **changes):
    return client.post(reverse("cases:identity_edit", args=[case.code]), _identity_form(**changes))


def _upload(client, case, content=DOCUMENT, name="passport-zorica.png", kind="passport"):
    return client.post(
        reverse("cases:document_add", args=[case.code]),
        {"kind": kind, "file": SimpleUploadedFile(name, content, "image/png")},
    )


def _reads(case):
    return AuditEvent.objects.filter(action="read", target_id=str(case.pk))


# --- Reading ----------------------------------------------------------------------------------


def test_opening_identity_data_asks_for_a_purpose_first(client, login, worker, case):
    assert _save_identity(login(worker), case).status_code == 302
    response = client.get(reverse("cases:identity", args=[case.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="purpose"' in page
    assert GIVEN not in page and PHONE_STORED not in page
    assert not _reads(case).exists()


def test_a_read_with_a_purpose_shows_the_data_and_is_audited(client, login, worker, case):
    _save_identity(login(worker), case)
    response = client.post(
        reverse("cases:identity", args=[case.code]),
        {"purpose": "contact", "detail": "Court date with Zorica next week"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for value in (GIVEN, FAMILY, BIRTH, PHONE_STORED, EMAIL, ADDRESS, PASSPORT):
        assert value in page
    read = _reads(case).get()
    assert read.actor == worker
    # Only the purpose from the list is recorded: typed text (which may name people) is not.
    assert read.purpose == "contact: Contacting the person"
    assert read.target_type == "cases.case"


@pytest.mark.parametrize("purpose", ["", "curiosity"])
def test_a_read_without_a_valid_purpose_shows_nothing_and_audits_nothing(
    client, login, worker, case, purpose
):
    _save_identity(login(worker), case)
    response = client.post(reverse("cases:identity", args=[case.code]), {"purpose": purpose})
    assert response.status_code == 400
    assert GIVEN not in response.content.decode()
    assert not _reads(case).exists()


def test_identity_values_never_appear_on_the_case_page(client, login, worker, case):
    _save_identity(login(worker), case)
    _upload(client, case)
    page = client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    for value in (GIVEN, FAMILY, BIRTH, PHONE_STORED, EMAIL, ADDRESS, PASSPORT, "passport-zorica"):
        assert value not in page
    assert reverse("cases:identity", args=[case.code]) in page
    assert not _reads(case).exists()


def test_a_member_who_may_not_read_identity_gets_403_and_no_audit_row(
    client, login, worker, case, make_user
):
    observer = make_user("case_worker", username="observer")
    case_services.team_add(actor=worker, case=case, user=observer, role=TeamRole.OBSERVER)
    _save_identity(login(worker), case)
    client.logout()
    login(observer)
    response = client.post(reverse("cases:identity", args=[case.code]), {"purpose": "contact"})
    assert response.status_code == 403
    assert GIVEN not in response.content.decode()
    assert not _reads(case).exists()


# --- Editing ----------------------------------------------------------------------------------


def test_the_edit_form_opens_with_a_purpose_filled_in(client, login, worker, case):
    _save_identity(login(worker), case)
    assert client.post(reverse("cases:identity_edit", args=[case.code])).status_code == 400
    assert client.get(reverse("cases:identity_edit", args=[case.code])).status_code == 302
    response = client.post(
        reverse("cases:identity_edit", args=[case.code]), {"purpose": "correction"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f'value="{GIVEN}"' in page
    assert f"passport; {PASSPORT}; MK" in page
    assert 'name="version" value="1"' in page
    assert _reads(case).get().purpose.startswith("correction")


def test_saving_identity_writes_the_values_and_audits_only_field_names(client, login, worker, case):
    response = _save_identity(login(worker), case)
    assert response.status_code == 302
    record = IdentityRecord.objects.get(case=case)
    assert (record.given_name, record.birth_date, record.phones) == (GIVEN, BIRTH, [PHONE_STORED])
    assert record.identity_numbers == [{"kind": "passport", "number": PASSPORT, "country": "MK"}]
    event = AuditEvent.objects.get(action="cases.identity_save")
    assert "given_name" in event.after["changed_fields"]
    assert GIVEN not in str(event.after)


def test_two_concurrent_identity_edits_keep_the_first(client, login, worker, case, make_user):
    colleague = make_user("case_worker", username="colleague")
    case_services.team_add(actor=worker, case=case, user=colleague, role=TeamRole.SOCIAL_WORKER)
    _save_identity(login(worker), case)
    other = Client()
    other.force_login(colleague)
    saved = _save_identity(client, case, given_name="Zora", version="1")
    refused = _save_identity(other, case, given_name="Zorka", version="1")
    assert saved.status_code == 302
    assert refused.status_code == 409
    assert "Someone else saved this record after you opened it" in refused.content.decode()
    assert 'value="Zorka"' in refused.content.decode()
    assert IdentityRecord.objects.get(case=case).given_name == "Zora"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phones": "not a phone"}, "is not a valid phone number"),
        ({"emails": "zorica-at-example"}, "is not a valid e-mail address"),
        ({"birth_date": "2999-01-01"}, "The date cannot be in the future."),
        ({"birth_date": "23/07/1998x"}, "Enter a valid date."),
        ({"given_name": "Z" * 201}, "at most 200 characters"),
        ({"identity_numbers": "a; b; c; d"}, "Write each number as: kind; number; country code."),
    ],
)
def test_bad_identity_input_is_refused_and_writes_nothing(
    client, login, worker, case, changes, message
):
    login(worker)
    audit_rows = AuditEvent.objects.count()
    response = _save_identity(client, case, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IdentityRecord.objects.filter(case=case).exists()
    assert AuditEvent.objects.count() == audit_rows


def test_changing_an_existing_record_needs_its_version(client, login, worker, case):
    _save_identity(login(worker), case)
    response = _save_identity(client, case, given_name="Zora", version="")
    assert response.status_code == 400
    assert "Say which version of the record you changed." in response.content.decode()
    assert IdentityRecord.objects.get(case=case).given_name == GIVEN


# --- Documents --------------------------------------------------------------------------------


def test_a_document_is_uploaded_then_downloaded_for_a_purpose(client, login, worker, case):
    login(worker)
    assert client.get(reverse("cases:document_add", args=[case.code])).status_code == 200
    assert _upload(client, case).status_code == 302
    document = IdentityDocument.objects.get(case=case)
    assert (document.content_type, document.size) == ("image/png", len(DOCUMENT))
    listing = client.post(reverse("cases:identity", args=[case.code]), {"purpose": "documents"})
    download_url = reverse("cases:document_download", args=[case.code, document.pk])
    assert download_url in listing.content.decode()
    assert client.get(download_url).status_code == 405
    response = client.post(download_url, {"purpose": "documents", "detail": "Visa application"})
    assert response.status_code == 200
    assert response.content == DOCUMENT
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{case.code}-passport-{document.pk}.png" in response["Content-Disposition"]
    assert "zorica" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    read = AuditEvent.objects.get(action="read", target_type="cases.identitydocument")
    assert read.purpose == "documents: Obtaining or checking documents"


def test_a_download_without_a_purpose_is_refused(client, login, worker, case):
    login(worker)
    _upload(client, case)
    document = IdentityDocument.objects.get(case=case)
    response = client.post(reverse("cases:document_download", args=[case.code, document.pk]))
    assert response.status_code == 400
    assert DOCUMENT not in response.content
    assert not AuditEvent.objects.filter(action="read").exists()


def test_a_document_of_another_case_is_not_found(client, login, worker, case):
    login(worker)
    _upload(client, case)
    document = IdentityDocument.objects.get(case=case)
    other = case_services.case_open(actor=worker)
    response = client.post(
        reverse("cases:document_download", args=[other.code, document.pk]), {"purpose": "documents"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        (b"%!PS-Adobe plain text pretending to be a photo", "photo", "Only PNG or JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo", "Only PNG or JPEG"),
        (b"", "photo", "empty"),
        (DOCUMENT, "selfie", "Select a valid choice."),
        (DOCUMENT + b"x" * 200, "photo", "The file is larger than"),
    ],
)
@override_settings(FENER_DOCUMENT_MAX_BYTES=300)
def test_a_bad_upload_is_refused_and_stores_nothing(
    client, login, worker, case, content, kind, message
):
    login(worker)
    audit_rows = AuditEvent.objects.count()
    response = _upload(client, case, content=content, kind=kind)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IdentityDocument.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


# --- The database holds no plaintext identity ------------------------------------------------


def _database_text() -> str:
    """Every stored value of every table, as the database holds it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("latin-1"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


def _sqlite_dump_and_files() -> str:
    """On SQLite, the full SQL dump and the bytes of the database file and its WAL."""
    if connection.vendor != "sqlite":
        return ""
    import pathlib

    connection.ensure_connection()
    parts = list(connection.connection.iterdump())
    name = connection.settings_dict["NAME"]
    for suffix in ("", "-wal"):
        path = pathlib.Path(f"{name}{suffix}")
        if not connection.is_in_memory_db() and path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_a_database_dump_holds_no_plaintext_identity(client, login, worker, case):
    login(worker)
    assert _save_identity(client, case).status_code == 302
    assert _upload(client, case).status_code == 302
    client.post(reverse("cases:note_add", args=[case.code]), {"text": f"Called {GIVEN} today."})
    client.post(reverse("cases:identity", args=[case.code]), {"purpose": "contact"})
    stored = _database_text() + _sqlite_dump_and_files()
    assert case.code in stored  # the dump is real: the pseudonymous code is there
    for secret in (
        GIVEN,
        FAMILY,
        BIRTH,
        "23.07.1998",
        PHONE_STORED,
        "70555321",
        EMAIL,
        ADDRESS,
        PASSPORT,
        "passport-zorica",
        "QXJ-4417",
    ):
        assert secret not in stored, secret
    assert Case.objects.get(pk=case.pk).identity.given_name == GIVEN


def test_an_anonymised_case_has_no_identity_page_to_edit(client, login, worker, case):
    login(worker)
    _save_identity(client, case)
    case_services.case_close(
        actor=worker,
        case=Case.objects.get(pk=case.pk),
        expected_version=1,
        reason="declined",
        closed_on=timezone.localdate(),
    )
    from fener.cases.services.retention import retention_apply

    retention_apply(today=timezone.localdate() + datetime.timedelta(days=365 * 30))
    response = _save_identity(client, case)
    assert response.status_code == 400
    assert "anonymised" in response.content.decode()
    assert not IdentityRecord.objects.filter(case=case).exists()
    assert _upload(client, case).status_code == 400
    assert not IdentityDocument.objects.exists()
    response = client.get(reverse("cases:identity", args=[case.code]))
    assert "Edit the identity data" not in response.content.decode()


def test_identity_service_and_page_agree_on_the_record(client, login, worker, case):
    identity_services.identity_save(
        actor=worker, case=case, data=identity_services.IdentityInput(given_name="Marija")
    )
    login(worker)
    page = client.post(
        reverse("cases:identity", args=[case.code]), {"purpose": "assistance"}
    ).content.decode()
    assert "Marija" in page
    assert "Providing assistance to the person" in page
