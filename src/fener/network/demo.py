"""The network demo: one investigation worked through the real services.

A police inspector opens it and brings in a financial investigator, an ad analyst and a
prosecutor; the transfers of a cut of the AMLSim generated set (``data/amlsim_sample.csv``, with
its provenance) are imported through the import service, with the dates moved to the past year
and the accounts given Macedonian IBANs; a suspected perpetrator recorded on one of the
inspector's victim cases is brought in with his phone (which also appears in a monitored ad) and
an account of the sample; a few people and companies, a typo'd Latin spelling of a Cyrillic
name (for the merge suggestions), and links are added by hand; and the engine's analysis runs.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from schwifty import IBAN

from fener.adwatch.models import AdContact
from fener.cases.models import Case, TeamMembership
from fener.cases.services import cases as case_services
from fener.cases.vocabulary import CaseStatus
from fener.core.demo import ProgressCallback, register_demo_builder
from fener.core.models import User
from fener.network.models import Entity, EntityKind, Investigation
from fener.network.services import analysis, entities, imports, investigations, sources

SAMPLE = Path(__file__).parent / "data" / "amlsim_sample.csv"


def _iban(account: str) -> str:
    return str(IBAN.generate("MK", bank_code="250", account_code=account.zfill(10)))


def sample_file() -> bytes:
    """The sample with IBANs for accounts and dates moved so that the last is a week ago."""
    rows = list(csv.DictReader(SAMPLE.open(encoding="utf-8")))
    moments = [
        datetime.datetime.fromisoformat(r["tran_timestamp"].replace("Z", "+00:00")) for r in rows
    ]
    shift = (timezone.now() - datetime.timedelta(days=7)) - max(moments)
    shift = datetime.timedelta(days=shift.days)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "payer", "payee", "amount", "date"])
    for row, moment in zip(rows, moments, strict=True):
        writer.writerow(
            [
                f"MK-{row['tran_id']}",
                _iban(row["orig_acct"]),
                _iban(row["bene_acct"]),
                row["base_amt"],
                (moment + shift).isoformat(),
            ]
        )
    return out.getvalue().encode()


@register_demo_builder("network investigations", order=80)
def build_network_demo(progress: ProgressCallback, context: dict[str, Any]) -> None:
    if Investigation.objects.exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["police", "finpolice", "prosecutor", "admonitor"]
        )
    }
    if len(users) < 4:
        return
    police = users["police"]
    progress("network investigations: one investigation")
    investigation = investigations.investigation_open(
        actor=police,
        name="Nightclub recruitment ring (Struga–Ohrid)",
        summary=(
            "Ads for waitresses abroad lead to bars in Struga and Ohrid; payments collected "
            "from many accounts and passed on quickly. Joint team: MoI anti-trafficking unit, "
            "Financial Police, Public Prosecutor's Office for Organised Crime."
        ),
    )
    investigations.member_add(
        actor=police, investigation=investigation, user=users["finpolice"], role="analyst"
    )
    investigations.member_add(
        actor=police, investigation=investigation, user=users["admonitor"], role="analyst"
    )
    investigations.member_add(
        actor=police, investigation=investigation, user=users["prosecutor"], role="observer"
    )
    batch = imports.import_create(
        actor=users["finpolice"],
        investigation=investigation,
        file_name="bank-statements.csv",
        content=sample_file(),
    )
    mapping = {
        "reference": "reference",
        "source": "payer",
        "target": "payee",
        "amount": "amount",
        "timestamp": "date",
    }
    imports.import_set_mapping(
        actor=users["finpolice"], batch=batch, mapping=mapping, currency="EUR"
    )
    imports.import_run(import_id=batch.pk)
    _people(investigation, police, users["admonitor"])
    run = analysis.analysis_request(
        actor=users["finpolice"],
        investigation=investigation,
        window_days=7.0,
        threshold=Decimal(15000),
    )
    analysis.analysis_execute(run_id=run.pk)


def _busiest_receivers() -> tuple[str, str]:
    """The two accounts of the sample paid by the most distinct accounts."""
    payers: dict[str, set[str]] = {}
    for row in csv.DictReader(SAMPLE.open(encoding="utf-8")):
        payers.setdefault(row["bene_acct"], set()).add(row["orig_acct"])
    first, second = sorted(payers, key=lambda account: (-len(payers[account]), account))[:2]
    return first, second


def _account(investigation: Investigation, number: str) -> Entity | None:
    for entity in investigation.entities.filter(kind=EntityKind.ACCOUNT):
        if entity.label.replace(" ", "") == number:
            return entity
    return None


def _people(investigation: Investigation, police: User, analyst: User) -> None:
    collector_number, second_number = _busiest_receivers()
    boss_account = _iban(collector_number)
    phone = (
        AdContact.objects.filter(kind="phone")
        .order_by("pk")
        .values_list("value", flat=True)
        .first()
    )
    case = (
        Case.objects.filter(
            pk__in=TeamMembership.objects.filter(user=police, removed_at__isnull=True).values(
                "case_id"
            ),
            status=CaseStatus.ACTIVE,
        )
        .order_by("pk")
        .first()
    )
    if case is not None:
        case_services.perpetrator_add(
            actor=police,
            case=case,
            roles=["recruiter", "exploiter"],
            sex="male",
            citizenship="MK",
            name="Дритан Хоџа",
            phones=[phone] if phone else [],
            accounts=[boss_account],
        )
        sources.case_perpetrators_bring(
            actor=police, investigation=investigation, case_code=case.code
        )
    if phone:
        found, _ = entities.entity_add(
            actor=analyst, investigation=investigation, kind=EntityKind.PHONE, value=phone
        )
        sources.entity_find_in_ads(actor=analyst, entity=found)
    alias, _ = entities.entity_add(
        actor=police,
        investigation=investigation,
        kind=EntityKind.PERSON,
        value="Dritan Hoxha",
        note="Name used on the bar's lease",
    )
    bar, _ = entities.entity_add(
        actor=police,
        investigation=investigation,
        kind=EntityKind.COMPANY,
        value="Ноќен бар Лотос ДООЕЛ Струга",
    )
    manager, _ = entities.entity_add(
        actor=police, investigation=investigation, kind=EntityKind.PERSON, value="Elena Stojanova"
    )
    car, _ = entities.entity_add(
        actor=police, investigation=investigation, kind=EntityKind.VEHICLE, value="SU 1234 AB"
    )
    address, _ = entities.entity_add(
        actor=police,
        investigation=investigation,
        kind=EntityKind.ADDRESS,
        value="ул. Маршал Тито 12, Струга",
    )
    now = timezone.now()
    entities.link_add(
        actor=police,
        investigation=investigation,
        source=alias,
        target=bar,
        type="owns",
        confidence=0.9,
    )
    entities.link_add(
        actor=police,
        investigation=investigation,
        source=manager,
        target=bar,
        type="employs",
        confidence=0.7,
    )
    entities.link_add(
        actor=police,
        investigation=investigation,
        source=alias,
        target=car,
        type="uses",
        confidence=0.8,
        occurred_at=now - datetime.timedelta(days=20),
    )
    entities.link_add(
        actor=police, investigation=investigation, source=bar, target=address, type="lives_at"
    )
    collector = _account(investigation, _iban(collector_number))
    if collector is not None:
        entities.link_add(
            actor=police,
            investigation=investigation,
            source=bar,
            target=collector,
            type="owns",
            confidence=0.6,
        )
    second = _account(investigation, _iban(second_number))
    if second is not None:
        entities.link_add(
            actor=police,
            investigation=investigation,
            source=manager,
            target=second,
            type="owns",
            confidence=0.5,
        )
