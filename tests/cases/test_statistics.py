"""Case statistics: the dashboard without identity data, and the k-anonymous export."""

import csv
import datetime
import io
import itertools
import json
import random
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fener.cases.models import Case, ExploitationForm, FormStatus, StatusDecision
from fener.cases.services import cases as case_services
from fener.cases.services import identity as identity_services
from fener.cases.statistics import (
    COLUMNS,
    LEVEL_WORDS,
    MAX_SUPPRESSION,
    QUASI_IDENTIFIERS,
    SMALL_COUNT,
    StatisticsInputError,
    anonymised_export,
    export_preview,
    quasi_identifier_hierarchies,
    statistics_dashboard,
    statistics_export,
    web_k,
    withheld_counts,
)
from fener.cli import main
from fener.core.access import AccessDenied
from fener.core.models import AuditEvent

DASHBOARD = "/en/cases/statistics/"
CSV_EXPORT = "/en/cases/statistics/export.csv"
JSON_EXPORT = "/en/cases/statistics/export.json"
ALLOWED_ROLES = ["case_supervisor", "national_coordinator"]
DENIED_ROLES = [
    "case_worker",
    "police_investigator",
    "prosecutor",
    "labour_inspector",
    "ad_monitor",
    "viewer",
]
FORMULA_START = ("=", "+", "-", "@")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def statistician(make_user):
    return make_user("national_coordinator", username="statistician")


def _case(institution, number, **fields):
    values = {
        "code": f"FN-T-{number:05d}",
        "owner_institution": institution,
        "registered_on": datetime.date(2023, 5, 1),
        **fields,
    }
    return Case(**values)


def _forms(*codes):
    return list(ExploitationForm.objects.filter(code__in=codes))


def _save(cases, forms_by_index=None):
    """Insert ``cases`` in bulk and tag them with forms ({index: [form, ...]})."""
    created = Case.objects.bulk_create(cases)
    links = Case.exploitation_forms.through
    rows = [
        links(case_id=created[index].pk, exploitationform_id=form.pk)
        for index, forms in (forms_by_index or {}).items()
        for form in forms
    ]
    links.objects.bulk_create(rows)
    return created


CITIZENSHIPS = [["MK"], ["MK"], ["MK"], ["AL"], ["RS"], ["XK"], ["UA"], ["NG"], ["AL", "MK"], []]
COUNTRIES = ["MK", "MK", "DE", "GR", "TR", "AT", ""]
SEXES = ["female", "female", "male", "trans_female", "non_conforming", "unknown"]


def _generated_cases(institution, count, seed=5):
    """``count`` varied cases (a few hundred make the export generalise and withhold)."""
    rng = random.Random(seed)
    forms = _forms("forced_labour", "sexual_exploitation", "forced_begging", "forced_marriage")
    cases, tags = [], {}
    for number in range(count):
        age = rng.choice([None, *range(4, 70)])
        cases.append(
            _case(
                institution,
                number,
                registered_on=datetime.date(rng.randint(2016, 2025), rng.randint(1, 12), 1),
                sex=rng.choice(SEXES),
                age_at_registration=age,
                is_child=(age is not None and age < 18) or (age is None and rng.random() < 0.2),
                citizenship=rng.choice(CITIZENSHIPS),
                exploitation_country=rng.choice(COUNTRIES),
                trafficking_status=rng.choice(["possible", "presumed", "identified"]),
                recruitment_methods=rng.sample(["friends", "online_advertisement", "family"], 1),
            )
        )
        tags[number] = rng.sample(forms, rng.randint(0, 2))
    return _save(cases, tags)


def _csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


# --- Who may see the statistics ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALLOWED_ROLES)
def test_statistics_roles_see_the_dashboard_and_export(client, make_user, login, role):
    login(make_user(role))
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(CSV_EXPORT).status_code == 200
    assert client.get(JSON_EXPORT).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", DENIED_ROLES)
def test_other_roles_are_refused_and_nothing_is_exported(client, make_user, login, role):
    login(make_user(role))
    for address in (DASHBOARD, CSV_EXPORT, f"{JSON_EXPORT}?k=1"):
        assert client.get(address).status_code == 403
    assert not AuditEvent.objects.filter(action="cases.statistics_export").exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    for address in (DASHBOARD, CSV_EXPORT):
        response = client.get(address)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_selector_refuses_a_user_without_the_permission(make_user):
    with pytest.raises(AccessDenied):
        statistics_dashboard(make_user("case_worker"))


# --- The dashboard -----------------------------------------------------------------------


def _tables(data):
    return {table.key: table for table in data.tables}


def _in_chart(label, chart):
    """Whether a plotly figure's HTML names ``label`` (its JSON may escape non-ASCII)."""
    return label in chart or json.dumps(label)[1:-1] in chart


def _section(page, key):
    """The HTML of one table's section of the dashboard page."""
    match = re.search(rf'<section data-table="{key}">(.*?)</section>', page, re.DOTALL)
    assert match, key
    return match.group(1)


@pytest.mark.django_db
def test_dashboard_counts_all_cases_and_withholds_small_counts(statistician, other_institution):
    _save(
        [_case(statistician.institution, n, sex="female") for n in range(12)]
        + [_case(other_institution, 100 + n, sex="male") for n in range(7)]
        + [_case(other_institution, 200 + n, sex="trans_male") for n in range(2)]
    )
    data = statistics_dashboard(statistician)
    assert data.total.shown == "21"
    sex = _tables(data)["sex"]
    shown = {cell.label: cell.shown for cell in sex.cells}
    # 2 is small; the total minus the others would give it away, so the smallest other (7) is
    # withheld too, and both read the same: nothing says which of them is the small one.
    assert shown == {"Female": "12", "Male": "withheld", "Transgender male": "withheld"}
    assert [cell.label for cell in sex.charted] == ["Female"]
    institutions = _tables(data)["institution"]
    # Cases of every institution are counted (statistics are national).
    assert sorted(cell.count for cell in institutions.cells) == [9, 12]


@pytest.mark.django_db
def test_two_counts_of_one_are_not_given_away_by_the_total(statistician):
    _save(
        [_case(statistician.institution, n, status="active") for n in range(30)]
        + [_case(statistician.institution, 50 + n, status="closed") for n in range(20)]
        + [_case(statistician.institution, 80, status="follow_up")]
        + [_case(statistician.institution, 81, status="closed_referred")]
    )
    data = statistics_dashboard(statistician)
    assert data.total.count == 52
    status = _tables(data)["status"]
    withheld = [cell for cell in status.cells if cell.withheld]
    shown = sum(cell.count for cell in status.cells if not cell.withheld)
    # Withheld alone, the two 1s would add up to 52 - 50 = 2: each 1. So 20 goes too.
    assert len(withheld) >= 2 and data.total.count - shown >= SMALL_COUNT
    assert [(cell.label, cell.shown) for cell in status.cells] == [
        ("Active", "30"),
        ("Follow-up", "withheld"),
        ("Closed", "withheld"),
        ("Closed (referred)", "withheld"),
    ]


@pytest.mark.django_db
def test_a_table_with_every_count_withheld_lists_no_rows(client, login, statistician):
    _save(
        [_case(statistician.institution, n, status="active") for n in range(9)]
        + [_case(statistician.institution, 50 + n, status="closed") for n in range(3)]
        + [_case(statistician.institution, 60, status="follow_up")]
    )
    status = _tables(statistics_dashboard(statistician))["status"]
    # 3 + 1 < 5, so the 9 is withheld too: the whole table.
    assert status.all_withheld and status.charted == []
    section = _section(login(statistician).get(DASHBOARD).content.decode(), "status")
    assert "Too few cases: every count is withheld." in section
    for label in ("Active", "Closed", "Follow-up", "9"):
        assert f"<td>{label}</td>" not in section
    assert "<figure" not in section


@pytest.mark.django_db
def test_tables_that_count_a_case_several_times_withhold_too(statistician):
    _save(
        [_case(statistician.institution, n, citizenship=["MK"]) for n in range(30)]
        + [_case(statistician.institution, 40 + n, citizenship=["AL", "MK"]) for n in range(8)]
        + [_case(statistician.institution, 60, citizenship=["NG"])]
    )
    table = _tables(statistics_dashboard(statistician))["citizenship"]
    assert not table.partition
    assert {cell.label: cell.shown for cell in table.cells} == {
        "MK": "38",
        "AL": "withheld",
        "NG": "withheld",
    }


@pytest.mark.django_db
def test_withheld_rows_come_last_in_label_order_not_by_size(statistician):
    per_country = {"MK": 30, "DE": 20, "NG": 4, "AL": 1}
    countries = [code for code, n in per_country.items() for _ in range(n)]
    _save(
        [_case(statistician.institution, n, citizenship=[code]) for n, code in enumerate(countries)]
    )
    table = _tables(statistics_dashboard(statistician))["citizenship"]
    # By size NG (4) would come before AL (1) and tell which of the two is larger.
    assert [(cell.label, cell.shown) for cell in table.cells] == [
        ("MK", "30"),
        ("DE", "20"),
        ("AL", "withheld"),
        ("NG", "withheld"),
    ]


@pytest.mark.django_db
def test_list_fields_count_each_value_and_cases_without_one(statistician):
    _save(
        [_case(statistician.institution, n, citizenship=["AL", "MK"]) for n in range(6)]
        + [_case(statistician.institution, 10 + n, citizenship=["MK"]) for n in range(5)]
        + [_case(statistician.institution, 20 + n, citizenship=[]) for n in range(5)]
    )
    table = _tables(statistics_dashboard(statistician))["citizenship"]
    assert {cell.label: cell.count for cell in table.cells} == {
        "MK": 11,
        "AL": 6,
        "Not recorded": 5,
    }
    assert not table.partition


@pytest.mark.django_db
def test_dashboard_page_shows_tables_charts_and_the_withholding_rule(client, login, statistician):
    forms = _forms("forced_labour")
    _save(
        [_case(statistician.institution, n, age_at_registration=30) for n in range(8)]
        + [_case(statistician.institution, 40 + n, age_at_registration=15) for n in range(6)]
        + [_case(statistician.institution, 60, age_at_registration=50)],
        {n: forms for n in range(8)},
    )
    page = login(statistician).get(DASHBOARD).content.decode()
    assert 'data-figure="cases">15<' in page
    assert "Forced labour" in page
    age = _section(page, "age")
    assert "<td>30–38</td>" in age and ">8</td>" in age
    # 1 (48+) is small and 6 (9–17) is withheld with it; both read "withheld" alike.
    assert age.count("data-withheld>withheld</td>") == 2
    chart = age.split("<table", 1)[0]
    drawn = [label for label in ("30–38", "9–17", "48+") if _in_chart(label, chart)]
    assert drawn == ["30–38"]
    assert "fewer than" not in page  # nothing tells a small withheld count from a larger one
    assert "/adwatch/" in page and "plotly" in page  # the locally served bundle, no CDN
    assert "cdn." not in page


@given(
    counts=st.lists(st.one_of(st.integers(0, 6), st.integers(0, 10_000)), min_size=1, max_size=12)
)
def test_withheld_counts_follow_the_rule(counts):
    withheld = withheld_counts(counts)
    present = {index for index, count in enumerate(counts) if count > 0}
    values = [counts[index] for index in withheld]
    assert withheld <= present  # zeros are left out by the dashboard, never "withheld"
    assert {index for index in present if counts[index] < SMALL_COUNT} <= withheld
    if withheld and withheld != present:
        assert len(values) >= 2 and sum(values) >= SMALL_COUNT
        assert set(values) != {1} and set(values) != {SMALL_COUNT - 1}
        # the further counts are the smallest ones: none shown is below one withheld
        largest_withheld = max(values)
        assert all(counts[index] >= largest_withheld for index in present - withheld)
        assert all(counts[index] != largest_withheld for index in present - withheld)
    if not withheld:
        assert all(counts[index] >= SMALL_COUNT for index in present)


@pytest.mark.parametrize(
    ("counts", "withheld"),
    [
        ([40, 1, 1, 30], {1, 2, 3}),  # two 1s sum to 2: the next smallest goes too
        ([12, 7, 2], {1, 2}),  # one small: never alone
        ([9, 3, 1], {0, 1, 2}),  # 3 + 1 < 5, then everything
        ([20, 4, 4, 5, 9], {1, 2, 3}),  # two 4s would tell each other (8 = 4 + 4)
        ([20, 1, 1, 1, 1, 1, 7], {1, 2, 3, 4, 5, 6}),  # five 1s summing to 5 would too
        ([20, 2, 6, 6], {1, 2, 3}),  # equal counts are withheld together
        ([8, 0, 6], set()),
        ([3], {0}),
        ([], set()),
    ],
)
def test_withheld_counts_examples(counts, withheld):
    assert withheld_counts(counts) == withheld


def test_withheld_counts_refuse_a_negative_count():
    with pytest.raises(ValueError, match="cannot be negative"):
        withheld_counts([5, -1])


def _compositions(total, parts):
    """Every way of writing ``total`` as ``parts`` counts of at least 1, in order."""
    for cuts in itertools.combinations(range(1, total), parts - 1):
        yield [end - start for start, end in zip((0, *cuts), (*cuts, total), strict=True)]


def _what_a_reader_can_deduce(counts):
    """For each withheld position of a table shown with its total, every value it could have.

    The reader sees the shown counts, which rows are withheld, and the total (so the withheld
    sum), and knows the rule: any filling of the withheld rows that the rule would withhold in
    exactly the same way is possible.
    """
    withheld = sorted(withheld_counts(counts))
    possible = {index: set() for index in withheld}
    hidden_sum = sum(counts[index] for index in withheld)
    for values in _compositions(hidden_sum, len(withheld)):
        other = list(counts)
        for index, value in zip(withheld, values, strict=True):
            other[index] = value
        if withheld_counts(other) == set(withheld):
            for index, value in zip(withheld, values, strict=True):
                possible[index].add(value)
    return possible


def test_no_small_count_can_be_worked_out_from_a_table_and_its_total():
    """Every table of up to four rows of these counts: no small count is ever pinned down."""
    pinned = []
    for size in range(1, 5):
        for counts in itertools.product([1, 2, 3, 4, 5, 6, 9], repeat=size):
            withheld = withheld_counts(counts)
            if not withheld or sum(counts) < SMALL_COUNT or len(withheld) == size:
                continue  # nothing to deduce, the total is withheld, or no rows are listed
            for index, values in _what_a_reader_can_deduce(list(counts)).items():
                if counts[index] < SMALL_COUNT and len(values) < 2:
                    pinned.append((counts, index))
    assert pinned == []


def test_a_separate_label_for_small_counts_would_give_them_away():
    """Why every withheld count reads the same. In 30, 5, 1 the 1 is withheld with the 5 (their
    sum, 6, is what the total tells). A reader who is not told which one is small could see
    anything from 1 to 5; one who is told ("fewer than 5" and "withheld") would know the other
    is at least 5, which leaves exactly 1."""
    counts = [30, 5, 1]
    assert withheld_counts(counts) == {1, 2}
    possible = _what_a_reader_can_deduce(counts)
    assert possible[2] == {1, 2, 3, 4, 5}
    told_which_is_small = {
        small for small in possible[2] if small < SMALL_COUNT and 6 - small >= SMALL_COUNT
    }
    assert told_which_is_small == {1}


# --- All years only ------------------------------------------------------------------------


@pytest.fixture
def four_years(statistician):
    """2 cases in 2018, 8 in 2019, 10 in 2020 and 12 in 2021: 2018 and 2019 are withheld."""
    per_year = {2018: 2, 2019: 8, 2020: 10, 2021: 12}
    dates = [datetime.date(year, 2, 1) for year, n in per_year.items() for _ in range(n)]
    _save([_case(statistician.institution, n, registered_on=on) for n, on in enumerate(dates)])


@pytest.mark.django_db
def test_the_year_table_withholds_small_years(statistician, four_years):
    years = _tables(statistics_dashboard(statistician))["year"]
    assert [(cell.label, cell.shown) for cell in years.cells] == [
        ("2018", "withheld"),
        ("2019", "withheld"),
        ("2020", "10"),
        ("2021", "12"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"year": "2021"}, {"year": "2019"}, {"year_from": "2020"}])
def test_a_year_parameter_shows_the_same_all_years_counts(
    client, login, statistician, four_years, query
):
    """No page for one year: the all-years counts minus the other years' pages would give
    away a year's withheld count."""
    browser = login(statistician)
    everything = browser.get(DASHBOARD)
    page = browser.get(DASHBOARD, query)
    assert page.status_code == everything.status_code == 200
    text = page.content.decode()
    assert 'data-figure="cases">32<' in text
    assert "Cases registered in" not in text and 'name="year"' not in text

    def shown(response):
        return {
            t.key: [(c.label, c.shown) for c in t.cells] for t in response.context["data"].tables
        }

    assert shown(page) == shown(everything)
    assert shown(page)["year"][2:] == [("2020", "10"), ("2021", "12")]


# --- No identity data anywhere -----------------------------------------------------------


@pytest.mark.django_db
@override_settings(FENER_STATISTICS_K=2)
def test_no_name_or_case_code_in_the_dashboard_or_the_export(
    client, login, make_user, statistician
):
    worker = make_user("case_worker")
    opened = [
        case_services.case_open(
            actor=worker,
            profile={"sex": "female", "age_at_registration": 22, "citizenship": ["MK"]},
        )
        for _ in range(3)
    ]
    identity_services.identity_save(
        actor=worker,
        case=opened[0],
        data=identity_services.IdentityInput(
            given_name="Vesna",
            family_name="Trajkovska",
            birth_date=datetime.date(2002, 6, 9),
            phones=["070 555 123"],
        ),
    )
    browser = login(statistician)
    outputs = [
        browser.get(DASHBOARD).content.decode(),
        browser.get(CSV_EXPORT, {"k": 2}).content.decode(),
        browser.get(JSON_EXPORT, {"k": 2}).content.decode(),
    ]
    released = json.loads(outputs[2])["records"]
    assert len(released) == 3  # the three cases are alike: all released at k = 2
    for output in outputs:
        for secret in ("Vesna", "Trajkovska", "2002-06-09", "070 555 123", "FN-"):
            assert secret not in output
        for case in opened:
            assert case.code not in output


# --- The export --------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_row_uses_htcds_names(statistician, other_institution, make_user):
    form = ExploitationForm.objects.create(
        code="online-scam-compound",
        name_en="Forced criminality in scam compounds",
        name_mk="Принуден криминал",
        name_sq="Kriminalitet i detyruar",
        htcds_code="ForcedCriminality",
        status=FormStatus.PROMOTED,
    )
    proposed = ExploitationForm.objects.create(
        code="proposed-form",
        name_en="Something new",
        name_mk="Нешто ново",
        name_sq="Diçka e re",
        htcds_code="NotYetReviewed",
        status=FormStatus.PROPOSED,
    )
    profile = {
        "sex": "female",
        "age_at_registration": 16,
        "is_child": True,
        "citizenship": ["AL"],
        "trafficking_status": "presumed",
        "status": "follow_up",
        "forced_labour_industry": "I",
        "sex_exploitation_types": ["prostitution", "remote_interactive"],
        "recruitment_methods": ["online_advertisement", "intimate_partner"],
        "control_methods": ["debt_bondage", "withholds_documents"],
        "relationship_to_trafficker": "intimate_partner",
        "exploitation_country": "DE",
        "registered_on": datetime.date(2024, 3, 2),
    }
    forms = [*_forms("forced_labour", "sexual_exploitation"), form, proposed]
    created = _save(
        [_case(statistician.institution, n, **profile) for n in range(3)],
        {n: forms for n in range(3)},
    )
    StatusDecision.objects.create(
        case=created[0],
        from_status="possible",
        to_status="presumed",
        deciding_institution=other_institution,
        deciding_body="police",
        decided_on=datetime.date(2024, 3, 5),
        reasons="Interview of 5 March",
    )
    export = anonymised_export(k=2)
    assert export.report["suppressed"] == 0
    row = next(record for record in export.records if record["decisionMakingOrg"])
    assert list(row) == list(COLUMNS)
    assert row == {
        "yearOfRegistration": "2024",
        "gender": "Feminine",
        "ageBroad": "9-17",
        "majorityStatus": "Minor",
        "citizenship": "AL",
        "traffickingStatus": "PossibleVictimOfTrafficking",
        "decisionMakingOrg": "Police",
        "typeOfExploitation": "ForcedCriminality;ForcedLabour;Other;SexualExploitation",
        "isForcedLabour": "1",
        "isSexualExploit": "1",
        "isOtherExploit": "1",
        "forcedLabourIndustry": "I",
        "typeOfSexExploitation": "Prostitution;RemoteInteractiveServices",
        "recruitmentMethod": "Other;ThroughAnOnlineAdvertisement",
        "methodsOfControl": "DebtBondage;WithholdsDocuments",
        "relationshipToTrafficker": "Acquainted",
        "countryOfExploitation": "DE",
        "caseStatus": "FollowUp",
    }


@pytest.mark.django_db
def test_flags_are_empty_when_no_type_of_exploitation_is_recorded(statistician):
    _save([_case(statistician.institution, n) for n in range(2)])
    (row, _other) = anonymised_export(k=2).records
    assert (row["isForcedLabour"], row["isSexualExploit"], row["isOtherExploit"]) == ("", "", "")
    assert row["citizenship"] == "unknown" and row["ageBroad"] == "unknown"
    assert row["majorityStatus"] == "unknown"


@pytest.mark.django_db
def test_a_child_of_unknown_age_is_released_as_a_minor(statistician):
    _save([_case(statistician.institution, n, is_child=True) for n in range(2)])
    rows = anonymised_export(k=2).records
    assert {(row["ageBroad"], row["majorityStatus"]) for row in rows} == {("0-17", "Minor")}


@pytest.mark.django_db
def test_a_rare_case_is_generalised_or_withheld_never_released_as_is(statistician):
    common = {"sex": "female", "age_at_registration": 25, "citizenship": ["MK"]}
    _save(
        [_case(statistician.institution, n, **common) for n in range(40)]
        + [
            _case(
                statistician.institution,
                99,
                sex="trans_male",
                age_at_registration=61,
                citizenship=["NG"],
                exploitation_country="GR",
            )
        ]
    )
    export = anonymised_export(k=5)
    assert not any(record["citizenship"] == "NG" for record in export.records)
    assert export.report["released"] + export.report["suppressed"] == 41


@pytest.fixture
def many_cases(statistician, other_institution):
    return _generated_cases(other_institution, 300)


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(k=st.integers(min_value=2, max_value=320))
def test_every_released_combination_is_shared_by_at_least_k_cases(many_cases, k):
    export = anonymised_export(k=k)
    combinations = Counter(
        tuple(record[column] for column in (*QUASI_IDENTIFIERS, "majorityStatus"))
        for record in export.records
    )
    assert all(size >= k for size in combinations.values())
    report = export.report
    assert report["k"] == k
    assert report["released"] == len(export.records)
    assert report["released"] + report["suppressed"] == report["total"] == 300
    # Withholding stays within its budget; past it nothing at all is released.
    assert report["suppressed"] <= MAX_SUPPRESSION * 300 or not export.records
    if export.records:
        assert report["smallest_class"] == min(combinations.values())
    # majorityStatus never says more than the released age band.
    for record in export.records:
        age, majority = record["ageBroad"], record["majorityStatus"]
        if age in ("*", "unknown"):
            assert majority == age
        else:
            assert majority == ("Minor" if age in {"0-8", "9-17", "0-17", "minor"} else "Adult")


@pytest.mark.django_db
def test_a_larger_k_generalises_more(many_cases):
    small, large = anonymised_export(k=2), anonymised_export(k=25)
    assert sum(large.report["levels"].values()) > sum(small.report["levels"].values())
    assert set(large.report["generalised_to"]) == set(QUASI_IDENTIFIERS)


@pytest.mark.django_db
def test_rows_are_sorted_by_value_not_by_registration(many_cases):
    records = anonymised_export(k=5).records
    keys = [tuple(record[column] for column in COLUMNS) for record in records]
    assert keys == sorted(keys)


@pytest.mark.django_db
@override_settings(FENER_STATISTICS_K=17)
def test_web_export_is_audited_and_answers_with_a_file(client, login, statistician, many_cases):
    response = login(statistician).get(CSV_EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="fener-case-statistics-k17.csv"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    rows = _csv_rows(response.content.decode())
    event = AuditEvent.objects.get(action="cases.statistics_export")
    assert event.actor == statistician
    assert event.after["k"] == 17
    assert event.after["rows"] == len(rows)
    assert event.after["rows"] + event.after["suppressed"] == 300


@pytest.mark.django_db
def test_json_export_carries_k_report_and_records(client, login, statistician, many_cases):
    document = login(statistician).get(JSON_EXPORT, {"k": 10}).json()
    assert set(document) == {"k", "report", "records"}
    assert document["k"] == 10
    assert document["report"]["suppressed"] + len(document["records"]) == 300
    assert "suppressed_by_class" not in document["report"]  # rare combinations stay private
    assert all(list(record) == list(COLUMNS) for record in document["records"])


@pytest.mark.django_db
@override_settings(FENER_STATISTICS_K=12)
def test_dashboard_previews_what_the_export_withholds(client, login, statistician, many_cases):
    page = login(statistician).get(DASHBOARD).content.decode()
    expected = anonymised_export(k=12).report
    assert f'data-figure="suppressed">{expected["suppressed"]}<' in page
    assert f'data-figure="released">{expected["released"]}<' in page
    assert "releases the export at k = 12 only" in page
    # No k to choose, and the links carry none.
    assert 'name="k"' not in page and "?k=" not in page
    assert 'href="/en/cases/statistics/export.csv"' in page


def test_every_generalisation_level_has_words():
    hierarchies = quasi_identifier_hierarchies()
    assert list(hierarchies) == list(QUASI_IDENTIFIERS)
    for column, hierarchy in hierarchies.items():
        assert len(LEVEL_WORDS[column]) == hierarchy.levels


@pytest.mark.django_db
def test_dashboard_says_in_words_how_each_column_is_released(client, login, statistician):
    _save([_case(statistician.institution, n) for n in range(3)])  # fewer than k: all withheld
    page = login(statistician).get(DASHBOARD).content.decode()
    assert page.count("<td>withheld</td>") == len(QUASI_IDENTIFIERS)
    assert "the export would release nothing" in page


@pytest.mark.django_db
@override_settings(FENER_STATISTICS_K=4)
def test_k_defaults_to_the_setting(client, login, statistician):
    _save([_case(statistician.institution, n) for n in range(5)])
    assert login(statistician).get(JSON_EXPORT).json()["k"] == 4


@pytest.mark.django_db
@pytest.mark.parametrize("same", ["", " ", "10", " 10 ", "010"])
def test_a_blank_k_or_the_configured_one_is_accepted(client, login, statistician, same):
    browser = login(statistician)
    assert browser.get(JSON_EXPORT, {"k": same}).json()["k"] == 10
    assert browser.get(DASHBOARD, {"k": same}).status_code == 200
    assert AuditEvent.objects.filter(action="cases.statistics_export").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "other_k", ["2", "9", "11", "25", "999999", "1", "0", "-3", "abc", "2.5", "1e3", "٣"]
)
def test_any_other_k_is_refused_on_the_web_and_not_audited(client, login, statistician, other_k):
    """Releases at several k could be combined: the web releases at the configured k only."""
    _save([_case(statistician.institution, n) for n in range(12)])
    browser = login(statistician)
    for address in (CSV_EXPORT, JSON_EXPORT):
        response = browser.get(address, {"k": other_k})
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == "This site releases statistics at k = 10 only."
    page = browser.get(DASHBOARD, {"k": other_k})
    assert page.status_code == 400
    text = page.content.decode()
    assert "This site releases statistics at k = 10 only." in text
    assert "What the export at k = 10 generalises" in text  # the preview stays at the site's k
    assert not AuditEvent.objects.filter(action="cases.statistics_export").exists()


@pytest.mark.django_db
@override_settings(FENER_STATISTICS_K=25)
def test_the_web_export_and_preview_use_the_setting_only(statistician, make_user):
    _save([_case(statistician.institution, n) for n in range(30)])
    assert web_k() == web_k("25") == web_k(25) == 25
    for k in (2, 24, "24", 26, "26", True, 25.0):
        with pytest.raises(StatisticsInputError, match=r"^This site releases statistics at k = 25"):
            statistics_export(actor=statistician, k=k, file_format="csv")
    assert export_preview(statistician)["k"] == 25
    assert statistics_export(actor=statistician, k=None, file_format="json").k == 25
    assert statistics_export(actor=statistician, k="25", file_format="csv").k == 25
    # The permission is checked before k.
    with pytest.raises(AccessDenied):
        statistics_export(actor=make_user("case_worker"), k=2, file_format="csv")
    with pytest.raises(AccessDenied):
        export_preview(make_user("case_worker"))
    assert AuditEvent.objects.filter(action="cases.statistics_export").count() == 2


@pytest.mark.django_db
def test_the_operator_may_still_go_down_to_two_on_the_command_line(statistician):
    _save([_case(statistician.institution, n) for n in range(3)])
    result = CliRunner().invoke(main, ["cases", "export-stats", "--format", "json", "--k", "2"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["k"] == 2
    assert len(json.loads(result.stdout)["records"]) == 3


@pytest.mark.parametrize("setting", [1, 0, "10", True, None, 1_000_000])
def test_a_bad_setting_is_a_configuration_error(setting):
    with (
        override_settings(FENER_STATISTICS_K=setting),
        pytest.raises(
            ImproperlyConfigured, match="FENER_STATISTICS_K must be a whole number from 2 to 999999"
        ),
    ):
        web_k()


@pytest.mark.django_db
def test_other_formats_do_not_exist(client, login, statistician):
    assert login(statistician).get("/en/cases/statistics/export.xlsx").status_code == 404


@pytest.mark.django_db
def test_the_export_function_refuses_bad_k_directly(statistician):
    for bad in (1, 0, True, "x", 2.0, "-2"):
        with pytest.raises(StatisticsInputError, match="k must be a whole number"):
            anonymised_export(k=bad)


# --- Formula-safe CSV --------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(FENER_STATISTICS_K=2)
def test_csv_cells_cannot_start_a_formula(client, login, statistician):
    hostile = ["=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@HYPERLINK(x)"]
    forms = [
        ExploitationForm.objects.create(
            code=f"hostile-{index}",
            name_en=f'=HYPERLINK("http://x","{index}")',
            name_mk="x",
            name_sq="x",
            htcds_code=code,
            status=FormStatus.PROMOTED,
        )
        for index, code in enumerate(hostile)
    ]
    _save(
        [_case(statistician.institution, n) for n in range(20)],
        {n: [forms[n % 4]] for n in range(20)},
    )
    browser = login(statistician)
    text = browser.get(CSV_EXPORT).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert {f"'{code}" for code in hostile} <= set(cells)
    assert not any(cell.startswith(FORMULA_START) for cell in cells)
    # JSON is not read by spreadsheets: the value stays as the panel wrote it.
    records = browser.get(JSON_EXPORT).json()["records"]
    assert {record["typeOfExploitation"] for record in records} == set(hostile)
    dashboard = browser.get(DASHBOARD).content.decode()
    assert "=HYPERLINK(&quot;http://x&quot;" in dashboard  # escaped in the page


# --- The command line --------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(FENER_STATISTICS_K=11)
def test_command_writes_the_same_records_as_the_web_page(
    client, login, statistician, many_cases, tmp_path
):
    target = tmp_path / "statistics.csv"
    result = CliRunner().invoke(main, ["cases", "export-stats", "-o", str(target), "--k", "11"])
    assert result.exit_code == 0, result.output
    web = login(statistician).get(CSV_EXPORT).content.decode()
    assert target.read_bytes().decode("utf-8") == web
    report = json.loads((tmp_path / "statistics.report.json").read_text())
    assert report["k"] == 11 and report["released"] == len(_csv_rows(web))
    assert "Released" in result.stderr
    command_audit = AuditEvent.objects.filter(
        action="cases.statistics_export", actor__isnull=True
    ).get()
    assert command_audit.purpose == "fener cases export-stats"


@pytest.mark.django_db
def test_command_chooses_json_from_the_extension_or_writes_to_stdout(many_cases, tmp_path):
    target = tmp_path / "statistics.json"
    assert CliRunner().invoke(main, ["cases", "export-stats", "-o", str(target)]).exit_code == 0
    document = json.loads(target.read_text())
    assert document["k"] == 10 and document["records"] == anonymised_export(k=10).records
    assert not (tmp_path / "statistics.report.json").exists()

    result = CliRunner().invoke(main, ["cases", "export-stats", "--format", "json", "--k", "3"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["records"] == anonymised_export(k=3).records

    result = CliRunner().invoke(main, ["cases", "export-stats", "--k", "3"])
    assert _csv_rows(result.stdout) == anonymised_export(k=3).records
    assert '"suppressed"' in result.stderr  # the CSV's report goes to standard error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--k", "1"], "k must be a whole number from 2 to 999999"),
        (["--k", "many"], "'many' is not a valid integer"),
        (["-o", "statistics.xlsx"], "must end in .csv or .json"),
        (["--format", "xml"], "'xml' is not one of"),
    ],
)
def test_command_refuses_bad_options(arguments, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["cases", "export-stats", *arguments])
    assert result.exit_code == 2
    assert message in result.output
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="cases.statistics_export").exists()
