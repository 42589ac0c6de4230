"""Entity resolution: normalised identifiers, names across scripts and typos, evidence, undo."""

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fener.analytics.graph import resolution
from fener.analytics.graph.resolution import (
    EntityResolver,
    Merge,
    Resolution,
    email_normalise,
    handle_normalise,
    iban_normalise,
    name_key,
    name_similarity,
    phone_e164,
)

VALID_IBAN = "MK07 2501 2000 0058 984"  # the published Macedonian example IBAN


def sorted_clusters(resolver: EntityResolver) -> list[list[str]]:
    return sorted(sorted(cluster) for cluster in resolver.resolve().clusters)


def test_the_examples_in_the_docstrings_run():
    result = doctest.testmod(resolution)
    assert result.attempted > 10
    assert result.failed == 0


# -- Normalisers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["070 123 456", "070/123-456", "+389 70 123 456", "00389 70 123 456", "+389 (0)70 123456"],
)
def test_a_macedonian_mobile_written_any_way_has_one_e164_form(written):
    assert phone_e164(written) == "+38970123456"


def test_numbers_without_a_country_code_are_read_in_the_default_region():
    assert phone_e164("069 123 4567", default_region="AL") == "+355691234567"
    assert phone_e164("0151 23456789", default_region="de") == "+4915123456789"


@pytest.mark.parametrize("written", ["123", "call me", "+389 12", ""])
def test_what_is_not_a_valid_phone_number_gives_none(written):
    assert phone_e164(written) is None


def test_an_unknown_phone_region_is_refused():
    with pytest.raises(ValueError, match="unknown phone region 'XX'"):
        phone_e164("070 123 456", default_region="XX")


def test_a_valid_iban_with_spaces_and_lower_case_is_compacted():
    assert iban_normalise(VALID_IBAN) == "MK07250120000058984"
    assert iban_normalise("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"


@pytest.mark.parametrize(
    "written",
    ["MK07 2501 2000 0058 985", "MK08 2501 2000 0058 984", "XX07 2501", "not an iban", ""],
)
def test_an_invalid_iban_is_refused(written):
    assert iban_normalise(written) is None


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        (" Agency@Example.MK ", "agency@example.mk"),
        ("mailto:agency@example.mk", "agency@example.mk"),
        ("Ana.Petrova+jobs@gmail.com", "anapetrova@gmail.com"),
        ("anapetrova@googlemail.com", "anapetrova@gmail.com"),
        ("ana.petrova+jobs@example.com", "ana.petrova+jobs@example.com"),
    ],
)
def test_email_addresses_reduce_to_the_mailbox_they_reach(written, normalised):
    assert email_normalise(written) == normalised


@pytest.mark.parametrize("written", ["agency", "agency@", "a b@example.mk", "@example.mk", ""])
def test_what_is_not_an_email_address_gives_none(written):
    assert email_normalise(written) is None


@pytest.mark.parametrize(
    "written",
    [
        "@Rabota_Germania",
        "rabota_germania",
        "t.me/rabota_germania",
        "https://t.me/Rabota_Germania/",
        "https://www.instagram.com/rabota_germania/?hl=mk",
        "tiktok.com/@Rabota_Germania",
    ],
)
def test_a_handle_written_with_or_without_its_platform_prefix_is_one_handle(written):
    assert handle_normalise(written) == "rabota_germania"


@pytest.mark.parametrize("written", ["two words", "@", "", "ime!prezime"])
def test_what_is_not_a_handle_gives_none(written):
    assert handle_normalise(written) is None


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Марко Петровски", "Marko Petrovski"),
        ("Марко Петровски", "Marko Petrovsky"),
        ("Марко Петровски", "PETROVSKI, Marko"),
        ("Ѓорѓи Трајковски", "Gjorgji Trajkovski"),
        ("Ѓорѓи Трајковски", "Đorđi Trajkovski"),
        ("Љупчо Николовски", "Ljupcho Nikolovski"),
        ("Жаклина Јовановска", "Žaklina Jovanovska"),
        ("Арбен Хоџа", "Arben Hoxha"),
        ("Блерим Красники", "Blerim Krasniqi"),
    ],
)
def test_cyrillic_and_latin_spellings_of_a_name_share_one_key(cyrillic, latin):
    assert name_key(cyrillic) == name_key(latin)


def test_company_keys_ignore_legal_forms_in_either_script():
    key = name_key("Балкан Транс ДООЕЛ", company=True)
    assert key == name_key("Balkan Trans DOOEL", company=True) == "balkan trans"
    assert name_key("Balkan Trans d.o.o.", company=True) == key
    assert name_key("Ilir Trans SH.P.K.", company=True) == "ilir trans"


# -- Resolution: identifiers ---------------------------------------------------------------


def test_phones_in_different_formats_merge_with_their_e164_as_evidence():
    resolver = EntityResolver()
    resolver.add("ad-17", "phone", "070 123 456")
    resolver.add("case-3", "phone", "+389 70/123-456")
    resolver.add("ad-40", "phone", "071 999 888")
    result = resolver.resolve()

    assert sorted(sorted(cluster) for cluster in result.clusters) == [
        ["ad-17", "case-3"],
        ["ad-40"],
    ]
    [merge] = result.merges
    assert {merge.left, merge.right} == {"ad-17", "case-3"}
    assert merge.kind == "phone"
    assert merge.score == 1.0
    assert merge.evidence == "same E.164 phone +38970123456"


def test_an_iban_written_with_and_without_spaces_merges_two_accounts():
    resolver = EntityResolver()
    resolver.add("account-a", "iban", VALID_IBAN)
    resolver.add("account-b", "iban", "mk07250120000058984")
    [merge] = resolver.resolve().merges
    assert merge.evidence == "same IBAN MK07250120000058984"


def test_identifiers_of_different_kinds_link_entities_transitively():
    resolver = EntityResolver()
    resolver.add("person-1", "phone", "070 123 456").add("person-1", "email", "ana@example.mk")
    resolver.add("ad-9", "phone", "+38970123456").add("ad-9", "handle", "t.me/ana_jobs")
    resolver.add("profile-2", "handle", "@Ana_Jobs")
    resolver.add("profile-3", "email", "ANA@example.mk")
    result = resolver.resolve()
    assert result.cluster_of("profile-2") == {"person-1", "ad-9", "profile-2", "profile-3"}
    assert {merge.kind for merge in result.merges} == {"phone", "email", "handle"}


def test_one_entity_adding_the_same_identifier_twice_is_not_merged_with_itself():
    resolver = EntityResolver()
    resolver.add("ad-1", "phone", "070 123 456").add("ad-1", "phone", "+38970123456")
    result = resolver.resolve()
    assert result.merges == ()
    assert result.clusters == [{"ad-1"}]


# -- Resolution: names ---------------------------------------------------------------------


def test_cyrillic_and_latin_spellings_of_one_person_merge_with_both_spellings_in_the_evidence():
    resolver = EntityResolver()
    resolver.add("p1", "person", "Марко Петровски")
    resolver.add("p2", "person", "Marko Petrovski")
    resolver.add("p3", "person", "Petrovsky Marko")
    result = resolver.resolve()

    assert result.clusters == [{"p1", "p2", "p3"}]
    merge = next(m for m in result.merges if {m.left, m.right} == {"p1", "p3"})
    assert merge.kind == "person"
    assert merge.score == 1.0
    assert "Марко Петровски" in merge.evidence
    assert "Petrovsky Marko" in merge.evidence


@pytest.mark.parametrize(
    "typo",
    [
        "Makro Petrovski",
        "Marko Petrovksi",
        "Marko Petrovsk",
        "Marko Pettrovski",
        "Marko  Petrovski.",
    ],
)
def test_a_typo_in_a_name_still_merges_with_a_score_below_one(typo):
    resolver = EntityResolver().add("a", "person", "Марко Петровски").add("b", "person", typo)
    [merge] = resolver.resolve().merges
    assert 0.88 <= merge.score <= 1.0
    assert typo in merge.evidence


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Marko Petrovski", "Darko Petrovski"),
        ("Marko Petrovski", "Марија Петровска"),
        ("Ana Petrovska", "Ana Petrovski"),
        ("Ivan Ivanov", "Ivana Ivanova"),
        ("Goran Stojanov", "Zoran Stojanov"),
        ("Marko Petrovski", "Marko"),
        ("Marko Petrovski", "Marko Jovanov Petrovski"),
    ],
)
def test_different_people_with_similar_names_are_not_merged(left, right):
    resolver = EntityResolver().add("a", "person", left).add("b", "person", right)
    result = resolver.resolve()
    assert result.merges == ()
    assert len(result.clusters) == 2


def test_distinct_account_holders_from_the_amlsim_sample_stay_apart():
    # Names of account holders in the IBM AMLSim generated sample (Apache-2.0), see
    # ../shared/data/amlsim/PROVENANCE.md: all different people.
    names = [
        "Adam Davis",
        "Adam Jordan",
        "Adrian Ferguson",
        "Aimee Burgess",
        "Aimee Ramirez",
        "Alex Compton",
        "Alexander White",
        "Alexis Taylor",
        "Alexis Tucker",
        "Amber Santiago",
        "Amy Taylor",
        "Andrew Ramirez",
        "Angela Davis",
        "David Guzman",
        "Monica Herrera",
    ]
    resolver = EntityResolver()
    for number, name in enumerate(names):
        resolver.add(f"acct-{number}", "person", name)
    assert resolver.resolve().merges == ()


def test_the_threshold_decides_whether_a_typo_merges():
    def merged(threshold: float) -> bool:
        resolver = EntityResolver(threshold=threshold)
        resolver.add("a", "person", "Marko Petrovski").add("b", "person", "Makro Petrovski")
        return bool(resolver.resolve().merges)

    assert merged(0.88)
    assert not merged(0.99)


def test_companies_merge_across_scripts_and_legal_forms_but_never_with_people():
    resolver = EntityResolver()
    resolver.add("c1", "company", "Балкан Транс ДООЕЛ Скопје")
    resolver.add("c2", "company", "Balkan Trans DOOEL Skopje")
    resolver.add("p1", "person", "Balkan Trans Skopje")
    result = resolver.resolve()
    assert sorted(sorted(cluster) for cluster in result.clusters) == [["c1", "c2"], ["p1"]]
    assert result.merges[0].kind == "company"


def test_long_company_names_match_word_for_word_despite_a_typo():
    resolver = EntityResolver()
    resolver.add("c1", "company", "Прва Македонска Агенција за Вработување и Патувања Балкан ДООЕЛ")
    resolver.add("c2", "company", "Prva Makedonska Agencija za Vrabotuvanje i Patuvanja Balkan")
    resolver.add("c3", "company", "Prva Makedonska Agencija za Vrabotuvanje i Patuvanja Balkam")
    resolver.add("c4", "company", "Vtora Makedonska Agencija za Vrabotuvanje i Patuvanja Balkan")
    result = resolver.resolve()
    assert sorted(sorted(cluster) for cluster in result.clusters) == [["c1", "c2", "c3"], ["c4"]]


# -- Undo ----------------------------------------------------------------------------------


def test_undoing_a_merge_splits_the_cluster_and_leaves_the_original_untouched():
    resolver = EntityResolver()
    resolver.add("a", "phone", "070 123 456").add("b", "phone", "+38970123456")
    resolver.add("b", "iban", VALID_IBAN).add("c", "iban", "MK07250120000058984")
    result = resolver.resolve()
    assert result.clusters == [{"a", "b", "c"}]

    phone_merge = next(merge for merge in result.merges if merge.kind == "phone")
    undone = result.undo(phone_merge)

    assert sorted(sorted(cluster) for cluster in undone.clusters) == [["a"], ["b", "c"]]
    assert phone_merge not in undone.merges
    assert len(undone.merges) == len(result.merges) - 1
    assert result.clusters == [{"a", "b", "c"}]


def test_undoing_one_of_two_pieces_of_evidence_keeps_the_entities_together():
    resolver = EntityResolver()
    resolver.add("a", "phone", "070 123 456").add("a", "person", "Марко Петровски")
    resolver.add("b", "phone", "+38970123456").add("b", "person", "Marko Petrovski")
    result = resolver.resolve()
    assert len(result.merges) == 2

    name_merge = next(merge for merge in result.merges if merge.kind == "person")
    after = result.undo(name_merge)
    assert after.clusters == [{"a", "b"}]
    assert [merge.kind for merge in after.merges] == ["phone"]
    assert after.undo(after.merges[0]).clusters in ([{"a"}, {"b"}], [{"b"}, {"a"}])


def test_undoing_a_merge_the_resolution_does_not_hold_is_refused():
    resolver = EntityResolver().add("a", "phone", "070 123 456").add("b", "phone", "070123456")
    result = resolver.resolve()
    undone = result.undo(result.merges[0])
    with pytest.raises(ValueError, match="does not hold"):
        undone.undo(result.merges[0])
    with pytest.raises(ValueError, match="does not hold"):
        result.undo(Merge("a", "z", "phone", 1.0, "made up"))


def test_a_resolution_whose_merges_name_unknown_entities_is_refused():
    with pytest.raises(ValueError, match="merge names an entity outside this resolution"):
        Resolution(entities=("a",), merges=(Merge("a", "z", "phone", 1.0, "made up"),))


def test_asking_for_the_cluster_of_an_unknown_entity_is_refused():
    result = EntityResolver().add("a", "phone", "070 123 456").resolve()
    with pytest.raises(ValueError, match="unknown entity 'z'"):
        result.cluster_of("z")


# -- Refused input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity_id", "kind", "value", "message"),
    [
        ("", "phone", "070 123 456", "entity_id must be a non-empty string"),
        ("   ", "phone", "070 123 456", "entity_id must be a non-empty string"),
        ("a", "fax", "070 123 456", "unknown kind 'fax'; expected one of phone, iban"),
        ("a", "Phone", "070 123 456", "unknown kind 'Phone'"),
        ("a", "phone", "", "empty phone value for entity 'a'"),
        ("a", "person", "   ", "empty person value for entity 'a'"),
        ("a", "phone", "12", "'12' is not a valid E.164 phone"),
        ("a", "iban", "MK07 2501 2000 0058 985", "is not a valid IBAN"),
        ("a", "email", "ana-at-example.mk", "is not a valid e-mail address"),
        ("a", "handle", "two words", "is not a valid online handle"),
        ("a", "person", "1234 --", "is not a valid person's name"),
        ("a", "company", "DOOEL", "is not a valid company name"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(entity_id, kind, value, message):
    resolver = EntityResolver()
    with pytest.raises(ValueError, match=message):
        resolver.add(entity_id, kind, value)
    assert resolver.resolve().clusters == []


@pytest.mark.parametrize("threshold", [0.0, -0.5, 1.01, 88])
def test_a_threshold_outside_zero_to_one_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold must be in"):
        EntityResolver(threshold=threshold)


# -- Properties ----------------------------------------------------------------------------

NAMES = st.text(alphabet="abcdeijkmnoprstvzабвгдеиклмнопрстшчџ ", min_size=1, max_size=30)


@given(NAMES, NAMES)
def test_name_similarity_is_symmetric_and_between_zero_and_one(left, right):
    forward = name_similarity(name_key(left), name_key(right))
    assert forward == name_similarity(name_key(right), name_key(left))
    assert 0.0 <= forward <= 1.0


@given(NAMES.filter(lambda name: name_key(name) != ""))
def test_a_name_is_fully_similar_to_itself(name):
    assert name_similarity(name_key(name), name_key(name)) == 1.0


@given(st.lists(st.sampled_from(["070 123 456", "071 222 333", "072 444 555"]), max_size=12))
def test_clusters_partition_the_entities_and_undo_only_refines_them(phones):
    resolver = EntityResolver()
    for number, phone in enumerate(phones):
        resolver.add(f"e{number}", "phone", phone)
    result = resolver.resolve()
    members = [entity for cluster in result.clusters for entity in cluster]
    assert sorted(members) == sorted(f"e{number}" for number in range(len(phones)))
    assert len(result.clusters) == len(set(phones))
    for merge in result.merges:
        for cluster in result.undo(merge).clusters:
            assert any(cluster <= original for original in result.clusters)
