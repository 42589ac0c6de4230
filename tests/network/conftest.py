import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police(make_user):
    return make_user("police_investigator", username="police")


@pytest.fixture
def financial(make_user, other_institution):
    return make_user("financial_investigator", username="finpol", institution=other_institution)


@pytest.fixture
def prosecutor(make_user, other_institution):
    return make_user("prosecutor", username="prosecutor", institution=other_institution)


@pytest.fixture
def investigation(police):
    from fener.network.services.investigations import investigation_open

    return investigation_open(actor=police, name="Operation Lantern", summary="Bar in Struga")


def run_queued_tasks():
    """Do what the worker does with every queued task, in this test's transaction."""
    from django_tasks_db.models import DBTaskResult

    for row in DBTaskResult.objects.ready().order_by("enqueued_at"):
        row.claim("tests")
        queued = row.task_result
        row.set_successful(row.task.call(*queued.args, **queued.kwargs))
