"""Who reaches which case page: roles × team membership × institution × action.

A case the user may not see answers 404 (exactly like a missing case); a case they see but may
not act on answers 403. A refused POST changes nothing and writes no audit row.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from fener.cases.models import Case, CaseNote, IdentityDocument, IdentityRecord, TeamMembership
from fener.cases.services import cases as case_services
from fener.cases.services import identity as identity_services
from fener.cases.vocabulary import TeamRole
from fener.core.models import AuditEvent, InstitutionType
from tests.factories import InstitutionFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 20


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police_institution(db):
    return InstitutionFactory(key="police-unit", type=InstitutionType.POLICE)


@pytest.fixture
def people(make_user, other_institution, police_institution):
    """One account per row of the matrix; the case manager opened the case."""
    manager = make_user("case_worker", username="manager")
    accounts = {
        "manager": manager,
        "member_worker": make_user("case_worker", username="member-worker"),
        "worker_off_team": make_user("case_worker", username="off-team"),
        "supervisor_same": make_user("case_supervisor", username="supervisor-same"),
        "supervisor_other": make_user(
            "case_supervisor", username="supervisor-other", institution=other_institution
        ),
        "observer": make_user("case_worker", username="observer"),
        "police_member": make_user(
            "police_investigator", username="police-member", institution=police_institution
        ),
        "coordinator": make_user("national_coordinator", username="coordinator"),
        "viewer": make_user("viewer", username="viewer"),
    }
    return accounts


@pytest.fixture
def case(people):
    manager = people["manager"]
    case = case_services.case_open(
        actor=manager,
        registered_on=datetime.date(2025, 3, 1),
        profile={"sex": "female", "age_at_registration": 27, "citizenship": ["MK"]},
    )
    for name, role in (
        ("member_worker", TeamRole.SOCIAL_WORKER),
        ("observer", TeamRole.OBSERVER),
        ("police_member", TeamRole.POLICE_LIAISON),
    ):
        case_services.team_add(actor=manager, case=case, user=people[name], role=role)
    identity_services.identity_save(
        actor=manager,
        case=case,
        data=identity_services.IdentityInput(given_name="Vesna", family_name="Zdravkovska"),
    )
    return Case.objects.get(pk=case.pk)


ROLES = [
    "manager",
    "member_worker",
    "worker_off_team",
    "supervisor_same",
    "supervisor_other",
    "observer",
    "police_member",
    "coordinator",
    "viewer",
]
ACTIONS = ["view", "edit", "read_identity", "manage_team", "close"]
# Expected answers, in the order of ACTIONS.
MATRIX = {
    "manager": (200, 200, 200, 200, 200),
    "member_worker": (200, 200, 200, 403, 403),
    "worker_off_team": (404, 404, 404, 404, 404),
    "supervisor_same": (200, 200, 403, 200, 200),
    "supervisor_other": (404, 404, 404, 404, 404),
    "observer": (200, 403, 403, 403, 403),
    "police_member": (200, 200, 200, 403, 403),
    "coordinator": (404, 404, 404, 404, 404),
    "viewer": (404, 404, 404, 404, 404),
}


def _request(client, action, case):
    code = case.code
    if action == "view":
        return client.get(reverse("cases:case_detail", args=[code]))
    if action == "edit":
        return client.get(reverse("cases:case_edit", args=[code]))
    if action == "read_identity":
        return client.post(reverse("cases:identity", args=[code]), {"purpose": "assistance"})
    if action == "manage_team":
        return client.get(reverse("cases:team", args=[code]))
    return client.get(reverse("cases:case_close", args=[code]))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_access_matrix_of_the_case_pages(client, login, people, case, role, action):
    login(people[role])
    response = _request(client, action, case)
    assert response.status_code == MATRIX[role][ACTIONS.index(action)]


@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_case_answers_like_a_missing_one(client, login, people, case, role):
    login(people[role])
    hidden = client.get(reverse("cases:case_detail", args=[case.code]))
    missing = client.get(reverse("cases:case_detail", args=["FN-2025-NOSUCH"]))
    assert missing.status_code == 404
    if hidden.status_code == 404:
        assert _without_tokens(hidden.content.decode(), case.code) == _without_tokens(
            missing.content.decode(), "FN-2025-NOSUCH"
        )


def _without_tokens(page, code):
    """The page without its address and the per-request form token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.replace(code, ""))


@pytest.mark.parametrize("role", ROLES)
def test_the_page_shows_only_the_buttons_the_user_may_use(client, login, people, case, role):
    login(people[role])
    response = client.get(reverse("cases:case_detail", args=[case.code]))
    if response.status_code != 200:
        return
    page = response.content.decode()
    _view, edit, identity, team, close = MATRIX[role]
    assert (reverse("cases:case_edit", args=[case.code]) in page) == (edit == 200)
    assert (reverse("cases:identity", args=[case.code]) in page) == (identity == 200)
    assert (reverse("cases:team", args=[case.code]) in page) == (team == 200)
    assert (reverse("cases:case_close", args=[case.code]) in page) == (close == 200)


def _denied_posts(case, people):
    code = case.code
    return {
        "edit": (
            reverse("cases:case_edit", args=[code]),
            {"sex": "male", "version": case.version},
        ),
        "close": (
            reverse("cases:case_close", args=[code]),
            {"reason": "goals_achieved", "closed_on": "2025-04-01", "version": case.version},
        ),
        "team": (
            reverse("cases:team", args=[code]),
            {"action": "add", "user": people["worker_off_team"].username, "role": "lawyer"},
        ),
        "note": (reverse("cases:note_add", args=[code]), {"text": "An update."}),
        "identity": (
            reverse("cases:identity_edit", args=[code]),
            {"save": "1", "given_name": "Changed", "version": 1},
        ),
        "document": (
            reverse("cases:document_add", args=[code]),
            {"kind": "photo"},
        ),
        "status": (
            reverse("cases:status_decide", args=[code]),
            {
                "to_status": "presumed",
                "decided_on": "2025-03-10",
                "reasons": "Indicators present.",
                "version": case.version,
            },
        ),
    }


def _state(case):
    stored = Case.objects.get(pk=case.pk)
    return {
        "version": stored.version,
        "sex": stored.sex,
        "status": stored.status,
        "trafficking_status": stored.trafficking_status,
        "members": TeamMembership.objects.filter(case=case, removed_at__isnull=True).count(),
        "notes": CaseNote.objects.filter(case=case).count(),
        "identity": IdentityRecord.objects.get(case=case).given_name,
        "documents": IdentityDocument.objects.filter(case=case).count(),
    }


# (role, posts that role may not make)
DENIED = [
    ("worker_off_team", ["edit", "close", "team", "note", "identity", "document", "status"]),
    ("supervisor_other", ["edit", "close", "team", "note", "identity", "document", "status"]),
    ("coordinator", ["edit", "close", "team", "note", "identity", "document", "status"]),
    ("viewer", ["edit", "close", "team", "note", "identity", "document", "status"]),
    ("observer", ["edit", "close", "team", "note", "identity", "document", "status"]),
    ("member_worker", ["close", "team"]),
    ("police_member", ["close", "team"]),
    ("supervisor_same", ["identity", "document"]),
]


@pytest.mark.parametrize(("role", "posts"), DENIED)
def test_refused_posts_change_nothing_and_write_no_audit_row(
    client, login, people, case, role, posts
):
    login(people[role])
    before = _state(case)
    audit_rows = AuditEvent.objects.count()
    requests = _denied_posts(case, people)
    for name in posts:
        url, data = requests[name]
        if name == "document":
            from django.core.files.uploadedfile import SimpleUploadedFile

            data = {**data, "file": SimpleUploadedFile("photo.png", PNG, "image/png")}
        response = client.post(url, data)
        assert response.status_code in {403, 404}, (name, response.status_code)
    assert _state(case) == before
    assert AuditEvent.objects.count() == audit_rows


def test_hidden_cases_answer_404_and_visible_but_refused_403(client, login, people, case):
    login(people["observer"])
    assert (
        client.post(reverse("cases:note_add", args=[case.code]), {"text": "x"}).status_code == 403
    )
    client.logout()
    login(people["supervisor_other"])
    assert (
        client.post(reverse("cases:note_add", args=[case.code]), {"text": "x"}).status_code == 404
    )


def test_a_removed_member_loses_access_at_once(client, login, people, case):
    member = TeamMembership.objects.get(case=case, user=people["member_worker"])
    login(people["member_worker"])
    assert client.get(reverse("cases:case_detail", args=[case.code])).status_code == 200
    case_services.team_remove(actor=people["manager"], member=member)
    assert client.get(reverse("cases:case_detail", args=[case.code])).status_code == 404


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (("case_worker",), 200),
        (("case_supervisor",), 200),
        (("police_investigator",), 200),
        (("labour_inspector",), 302),  # sent on to the referrals addressed to them
        (("national_coordinator",), 200),
        (("viewer",), 403),
        (("ad_monitor",), 403),
        (("trainer",), 403),
    ],
)
def test_the_worklist_is_for_holders_of_a_case_permission(
    client, login, make_user, roles, expected
):
    login(make_user(*roles))
    assert client.get(reverse("cases:worklist")).status_code == expected


@pytest.mark.parametrize(
    ("roles", "list_code", "open_code"),
    [
        (("case_worker",), 200, 200),
        (("case_supervisor",), 200, 200),
        (("prosecutor",), 200, 403),
        (("labour_inspector",), 403, 403),
        (("national_coordinator",), 403, 403),
        (("viewer",), 403, 403),
    ],
)
def test_case_list_and_opening_need_their_permissions(
    client, login, make_user, roles, list_code, open_code
):
    login(make_user(*roles))
    assert client.get(reverse("cases:case_list")).status_code == list_code
    assert client.get(reverse("cases:case_open")).status_code == open_code
    count = Case.objects.count()
    client.post(reverse("cases:case_open"), {"registered_on": "2025-01-01", "sex": "female"})
    if open_code == 403:
        assert Case.objects.count() == count


def test_the_case_list_shows_only_visible_cases(client, login, people, case, make_user):
    other = case_services.case_open(actor=people["supervisor_other"])
    login(people["supervisor_same"])
    page = client.get(reverse("cases:case_list")).content.decode()
    assert case.code in page
    assert other.code not in page
    client.logout()
    login(people["worker_off_team"])
    page = client.get(reverse("cases:case_list")).content.decode()
    assert case.code not in page
