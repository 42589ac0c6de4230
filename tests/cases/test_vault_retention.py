"""The identity vault: encryption at rest, key rotation, and erasure at the end of retention."""

import datetime

import pytest
from click.testing import CliRunner
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from fener.cases import vault
from fener.cases.models import (
    Case,
    CaseNote,
    CaseReferral,
    IdentityDocument,
    IdentityRecord,
    Perpetrator,
)
from fener.cases.services import cases as case_services
from fener.cases.services import identity as identity_services
from fener.cases.services import referrals as referral_services
from fener.cases.services import safeguards
from fener.cases.services.retention import retention_apply
from fener.cases.vocabulary import ClosureReason, ConsentScope
from fener.core.models import AuditEvent

OLD = "old-secret-" + "o" * 40
NEW = "new-secret-" + "n" * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"Pixels of Ana Petrovska's passport photo" * 10


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="worker")


def _case_with_identity(worker, **profile):
    case = case_services.case_open(
        actor=worker, profile={"sex": "female", "age_at_registration": 24, **profile}
    )
    identity_services.identity_save(
        actor=worker,
        case=case,
        data=identity_services.IdentityInput(
            given_name="Ana",
            family_name="Petrovska",
            birth_date=datetime.date(2001, 3, 14),
            phones=["070 123 456"],
            emails=["ana.petrovska@example.org"],
            addresses=["ul. Makedonija 12, Bitola"],
            identity_numbers=[{"kind": "passport", "number": "M1234567", "country": "MK"}],
        ),
    )
    identity_services.document_add(
        actor=worker, case=case, kind="passport", filename="passport-ana.png", content=PNG
    )
    case_services.note_add(actor=worker, case=case, text="Ana Petrovska called from Bitola.")
    Perpetrator.objects.create(
        case=case, roles=["recruiter"], name="Marko Recruiter", phones=["+38970999888"]
    )
    return Case.objects.get(pk=case.pk)


def _all_text_in_database() -> str:
    """Every value of every table, as the database stores it (what a dump would contain)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


PLAINTEXT = [
    "Petrovska",
    "2001-03-14",
    "+38970123456",
    "070 123 456",
    "ana.petrovska@example.org",
    "Makedonija 12",
    "M1234567",
    "Pixels of Ana",
    "passport-ana.png",
    "Marko Recruiter",
    "+38970999888",
]


@pytest.mark.django_db
def test_no_identity_value_is_stored_in_plain_text(worker):
    case = _case_with_identity(worker)
    dump = _all_text_in_database()
    for value in PLAINTEXT:
        assert value not in dump, value
    # ...and the application reads them back.
    record = IdentityRecord.objects.get(case=case)
    assert (record.family_name, record.birth_date, record.phones) == (
        "Petrovska",
        "2001-03-14",
        ["+38970123456"],
    )
    assert IdentityDocument.objects.get(case=case).content == PNG
    # The audit rows of those writes name changed fields, never values.
    audit = " ".join(str(e.before) + str(e.after) + e.purpose for e in AuditEvent.objects.all())
    assert "Petrovska" not in audit and "changed_fields" in audit


@pytest.mark.django_db
def test_the_same_person_gets_the_same_blind_index_whatever_the_spelling(worker):
    first = _case_with_identity(worker)
    second = case_services.case_open(actor=worker, profile={"sex": "female"})
    identity_services.identity_save(
        actor=worker,
        case=second,
        data=identity_services.IdentityInput(
            given_name="ANA ", family_name="petrovska", birth_date=datetime.date(2001, 3, 14)
        ),
    )
    assert (
        first.identity.match_key
        and first.identity.match_key == IdentityRecord.objects.get(case=second).match_key
    )
    assert "petrovska" not in first.identity.match_key


@pytest.mark.django_db
def test_key_rotation_reencrypts_everything_and_the_old_key_can_then_go(worker):
    with override_settings(FENER_DATA_KEY=OLD):
        case = _case_with_identity(worker)
        old_match = IdentityRecord.objects.get(case=case).match_key
        before = _all_text_in_database()
    with override_settings(FENER_DATA_KEY=f"{NEW},{OLD}"):
        result = CliRunner().invoke(
            __import__("fener.cli", fromlist=["main"]).main, ["cases", "rotate-key"]
        )
        assert result.exit_code == 0, result.output
        assert "Now remove the old secret" in result.output
    with override_settings(FENER_DATA_KEY=NEW):
        record = IdentityRecord.objects.get(case=case)
        assert record.family_name == "Petrovska"
        assert record.match_key != old_match
        assert IdentityDocument.objects.get(case=case).content == PNG
        assert CaseNote.objects.get(case=case).text.startswith("Ana Petrovska")
        assert Perpetrator.objects.get(case=case).phones == ["+38970999888"]
        assert _all_text_in_database() != before
    with override_settings(FENER_DATA_KEY=OLD), pytest.raises(vault.VaultError, match="rotate-key"):
        IdentityRecord.objects.get(case=case)


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "empty"), ("short", "shorter than 32"), (f"{NEW},{NEW}", "same secret twice")],
)
def test_a_bad_data_key_is_refused_with_a_reason(value, message):
    with (
        override_settings(FENER_DATA_KEY=value, DEBUG=False),
        pytest.raises(ImproperlyConfigured, match=message),
    ):
        vault.configured_secrets()


@pytest.mark.django_db
def test_the_system_check_reports_a_bad_data_key():
    from fener.cases.checks import data_key_check

    with override_settings(FENER_DATA_KEY="short"):
        assert [m.id for m in data_key_check()] == ["cases.E001"]
    assert data_key_check() == []


@pytest.mark.django_db
def test_retention_erases_identity_and_keeps_the_anonymised_case(worker, other_institution):
    case = _case_with_identity(worker, citizenship=["MK"], age_when_trafficked=22)
    safeguards.consent_record(
        actor=worker,
        case=case,
        scope=ConsentScope.SHARING_NATIONAL,
        method="written",
        given_on=timezone.localdate(),
    )
    referral = referral_services.referral_create(
        actor=worker,
        case=case,
        to_institution=other_institution,
        reason="accommodation",
        purpose="Shelter place for Ana Petrovska",
        sections=["profile", "name"],
    )
    case = case_services.case_close(
        actor=worker,
        case=Case.objects.get(pk=case.pk),
        expected_version=case.version,
        reason=ClosureReason.GOALS_ACHIEVED,
        note="Ana is safe",
    )
    assert case.retention_until == case.closed_on.replace(year=case.closed_on.year + 5)

    assert retention_apply(today=case.retention_until - datetime.timedelta(days=1)).anonymised == []
    assert IdentityRecord.objects.filter(case=case).exists()

    result = retention_apply(today=case.retention_until)
    assert result.anonymised == [case.code]
    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert not IdentityRecord.objects.filter(case=case).exists()
    assert not IdentityDocument.objects.filter(case=case).exists()
    assert not CaseNote.objects.filter(case=case).exists()
    assert Perpetrator.objects.get(case=case).phones is None
    assert CaseReferral.objects.get(pk=referral.pk).payload is None
    assert (case.age_at_registration, case.age_when_trafficked, case.closure_note) == (24, 21, "")
    assert case.sex == "female" and case.citizenship == ["MK"]
    dump = _all_text_in_database()
    for value in [*PLAINTEXT, "Ana is safe", "Shelter place"]:
        assert value not in dump, value
    event = AuditEvent.objects.get(action="cases.anonymise")
    assert event.actor is None and event.target_id == str(case.pk)
    # Running again does nothing more; an anonymised case cannot be reopened or edited.
    assert retention_apply(today=case.retention_until).anonymised == []
    with pytest.raises(Exception, match="anonymised"):
        case_services.case_reopen(
            actor=worker, case=case, expected_version=case.version, reason="new facts"
        )


@pytest.mark.django_db
def test_open_and_recently_closed_cases_are_kept(worker):
    open_case = _case_with_identity(worker)
    child = case_services.case_open(actor=worker, profile={"age_at_registration": 15})
    assert child.is_child
    closed = _case_with_identity(worker)
    closed = case_services.case_close(
        actor=worker,
        case=closed,
        expected_version=closed.version,
        reason=ClosureReason.NOT_A_VICTIM,
    )
    assert closed.retention_until == closed.closed_on.replace(year=closed.closed_on.year + 2)
    assert retention_apply(today=closed.retention_until).anonymised == [closed.code]
    assert IdentityRecord.objects.filter(case=open_case).exists()


@pytest.mark.django_db
def test_the_retention_command_reports_what_it_anonymised(worker):
    case = _case_with_identity(worker)
    case = case_services.case_close(
        actor=worker, case=case, expected_version=case.version, reason=ClosureReason.DECLINED
    )
    Case.objects.filter(pk=case.pk).update(retention_until=timezone.localdate())
    from fener.cli import main

    result = CliRunner().invoke(main, ["cases", "apply-retention"])
    assert result.exit_code == 0, result.output
    assert f"Cases anonymised: 1\n  {case.code}" in result.output


@pytest.mark.django_db
def test_a_child_case_is_kept_at_least_ten_years(worker, home_institution):
    child = case_services.case_open(actor=worker, profile={"age_at_registration": 15})
    safeguards.guardian_appoint(
        actor=worker,
        case=child,
        appointing_institution=home_institution,
        appointed_on=timezone.localdate(),
        guardian_name="Guardian G.",
    )
    safeguards.best_interests_record(
        actor=worker,
        case=child,
        assessed_on=timezone.localdate(),
        conclusion="Return to the family is safe.",
        child_heard=True,
    )
    child = case_services.case_close(
        actor=worker,
        case=Case.objects.get(pk=child.pk),
        expected_version=child.version,
        reason=ClosureReason.NOT_A_VICTIM,
    )
    assert child.retention_until == child.closed_on.replace(year=child.closed_on.year + 10)


def test_retention_knows_every_model_that_holds_encrypted_values():
    """A new model with an encrypted field must be added to the retention's list (or be
    deleted whole), or its values would outlive the case's anonymisation."""
    from django.apps import apps

    from fener.cases.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
    from fener.cases.services.retention import CASE_PATHS, DELETED

    encrypted = {
        model
        for model in apps.get_app_config("cases").get_models()
        if any(
            isinstance(field, EncryptedTextField | EncryptedJSONField | EncryptedBinaryField)
            for field in model._meta.fields
        )
    }
    assert encrypted == set(CASE_PATHS) | set(DELETED) | {Case}


@pytest.mark.django_db
def test_retention_erases_revocation_reasons_and_typed_follow_up_tasks(worker, other_institution):
    from fener.cases.models import FollowUp
    from fener.cases.services.support import follow_up_add

    case = _case_with_identity(worker)
    safeguards.consent_record(
        actor=worker,
        case=case,
        scope=ConsentScope.SHARING_NATIONAL,
        method="written",
        given_on=timezone.localdate(),
    )
    referral = referral_services.referral_create(
        actor=worker,
        case=case,
        to_institution=other_institution,
        reason="accommodation",
        purpose="Room",
    )
    referral_services.referral_revoke(actor=worker, referral=referral, reason="Ana Petrovska moved")
    follow_up_add(actor=worker, case=case, due_on=timezone.localdate(), task="Visit Ana Petrovska")
    case = case_services.case_close(
        actor=Case.objects.get(pk=case.pk).case_owner,
        case=Case.objects.get(pk=case.pk),
        expected_version=Case.objects.get(pk=case.pk).version,
        reason=ClosureReason.DECLINED,
    )
    assert retention_apply(today=case.retention_until).anonymised == [case.code]
    assert CaseReferral.objects.get(pk=referral.pk).revoke_reason == ""
    assert FollowUp.objects.get(case=case).task == ""
    assert "Ana Petrovska" not in _all_text_in_database()
