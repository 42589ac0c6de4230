"""The network demo builds one investigation through the services, and its analysis finds the
laundering alerts of the AMLSim sample."""

import csv
import io

import pytest

from fener.core.demo import load_accounts, load_institutions, load_municipalities
from fener.network.demo import build_network_demo, sample_file
from fener.network.models import AnalysisRun, Investigation, Link, Transfer


def test_the_sample_has_valid_ibans_and_recent_dates():
    from schwifty import IBAN

    rows = list(csv.DictReader(io.StringIO(sample_file().decode())))
    assert len(rows) == 608
    assert all(IBAN(row["payer"]).country_code == "MK" for row in rows[:50])


@pytest.mark.django_db
def test_the_demo_investigation_is_built_and_analysed():
    context = {"password": "a demo password 123"}
    for builder in (load_municipalities, load_institutions, load_accounts):
        builder(lambda message: None, context)
    build_network_demo(lambda message: None, context)
    investigation = Investigation.objects.get()
    assert investigation.members.filter(removed_at__isnull=True).count() == 4
    assert Transfer.objects.count() == 608
    run = AnalysisRun.objects.get()
    assert run.status == "done", run.error
    assert run.result["flagged_accounts"] > 0 and run.result["organisers"]
    # The bar's company is tied to the busiest receiving account of the sample.
    assert Link.objects.filter(type="owns", source__kind="company", target__kind="account").exists()
    build_network_demo(lambda message: None, context)  # a second run adds nothing
    assert Investigation.objects.count() == 1
