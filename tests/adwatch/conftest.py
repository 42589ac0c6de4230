"""Fixtures for ad monitoring: a source, a monitor, a police unit and a labour inspectorate."""

import pytest
from django.utils import translation

from fener.adwatch.models import Arrival, Platform, Source
from fener.core.models import InstitutionType
from tests.factories import InstitutionFactory

SUSPICIOUS = (
    "Девојки 18-25 за работа во ноќен клуб во Германија, 5000 евра месечно, без искуство, "
    "без договор, патот и станот ги плаќаме. Пасошот го чуваме ние. Само вибер 070 123 456"
)
CLEAN = (
    "Пекара Житна ДООЕЛ од Скопје (ул. Партизанска 12) вработува пекар. Договор на неопределено "
    "време, плата 32.000 денари, пријави на vrabotuvanje@zhitna.example.mk или 02 3111 222."
)


@pytest.fixture
def police(db):
    return InstitutionFactory(key="police-unit", type=InstitutionType.POLICE)


@pytest.fixture
def labour(db):
    return InstitutionFactory(key="labour-unit", type=InstitutionType.LABOUR_INSPECTORATE)


@pytest.fixture
def source(db, home_institution):
    return Source.objects.create(
        name="Jobs abroad group",
        platform=Platform.FACEBOOK_GROUP,
        country="MK",
        language="mk",
        arrival=Arrival.UPLOAD,
        institution=home_institution,
    )


@pytest.fixture
def monitor(make_user):
    return make_user("ad_monitor", username="monitor", preferred_language="en")


@pytest.fixture
def officer(make_user, police):
    return make_user("police_investigator", username="officer", institution=police)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services called directly speak English here (the installation's default is Macedonian);
    requests still choose their language from the address or the browser."""
    with translation.override("en"):
        yield
