"""In a real browser: an investigator imports a bank statement, maps its columns, follows the
import's progress bar, runs the analysis and sees the link chart drawn by cytoscape.js (served
by Fener), with the flagged account marked."""

import pytest

from fener.network.models import Entity, ImportStatus, TransferImport
from tests.network.conftest import run_queued_tasks

pytestmark = pytest.mark.browser


def _csv() -> bytes:
    lines = ["ref,payer,payee,amount,booked"]
    lines += [
        f'P{i},ACC-{i},COLLECTOR,"9.{600 + i},00",0{1 + i // 4}.03.2026 1{i}:00' for i in range(8)
    ]
    lines.append('Q1,COLLECTOR,BOSS,"70.000,00",04.03.2026 09:00')
    return "\n".join(lines).encode()


@pytest.mark.django_db(transaction=True)
def test_an_investigator_imports_analyses_and_charts(
    page, live_server, make_user, password, tmp_path
):
    make_user("police_investigator", username="nikola", preferred_language="en")
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill("nikola")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/en/")
    page.get_by_role("link", name="Investigations").first.click()
    page.get_by_role("link", name="Open an investigation").click()
    page.get_by_label("Name").fill("Operation Lantern")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/en/network/*/")
    page.get_by_role("heading", name="Operation Lantern").wait_for()

    statement = tmp_path / "statement.csv"
    statement.write_bytes(_csv())
    page.get_by_role("link", name="Import transfers (CSV or XLSX)").click()
    page.get_by_label("CSV or XLSX file of transfers").set_input_files(str(statement))
    page.get_by_role("button", name="Upload").click()
    page.get_by_label("Date and time").select_option("booked")
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(f"{live_server.url}/en/network/imports/*/")
    page.locator("progress").wait_for()
    run_queued_tasks()  # the worker
    page.wait_for_function(
        "document.querySelector('[data-field=status_label]').textContent.includes('Imported')"
    )
    assert TransferImport.objects.get().status == ImportStatus.DONE

    page.get_by_role("link", name="Overview").click()
    page.get_by_label("Reporting threshold").fill("10000")
    page.get_by_role("button", name="Analyse the money flows").click()
    run_queued_tasks()
    page.reload()
    page.get_by_role("heading", name="Possible organisers").wait_for()
    page.get_by_text("Fan-in: many payers into one account").first.wait_for()

    page.get_by_role("link", name="Link chart").click()
    page.wait_for_selector("#chart[data-ready='1']")
    chart = page.locator("#chart")
    assert chart.get_attribute("data-nodes") == str(Entity.objects.count())  # 10 accounts
    assert int(chart.get_attribute("data-flagged")) >= 1
    assert page.evaluate("document.querySelectorAll('#chart canvas').length") >= 1
    page.get_by_label("Only flagged accounts and their neighbours").check()
    assert chart.get_attribute("data-visible") == "10"  # the collector, its 8 payers and the boss
    page.get_by_label("Bank account").uncheck()
    assert chart.get_attribute("data-visible") == "0"
