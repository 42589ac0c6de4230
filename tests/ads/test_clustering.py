"""Template clusters: same template together, different templates apart, no chaining."""

from fener.analytics.ads.clustering import (
    ClusterSettings,
    TemplateClusterer,
    assign_from_pairs,
    jaccard,
    operations,
    shingle_hashes,
    tokens_of,
)
from fener.analytics.ads.screening import Ad
from fener.analytics.engines.local import cluster_ads

TEMPLATE = (
    "Барам работници за {city}, плата {pay} евра месечно, сместување и храна обезбедени, "
    "превозот го плаќаме ние, почеток веднаш. Без искуство. Јавете се на {phone}"
)


def test_one_template_one_cluster_across_scripts_and_contacts():
    clusterer = TemplateClusterer()
    ads = [
        TEMPLATE.format(city="Германија", pay="1.800", phone="070 111 222"),
        TEMPLATE.format(city="Австрија", pay="2.100", phone="071 333 444"),
        "Barame rabotnici za Holandija, plata 1.900 evra mesecno, smestuvanje i hrana obezbedeni, "
        "prevozot go plakjame nie, pocetok vednas. Bez iskustvo. Javete se na 072 555 666",
        "Hotel Park Ohrid DOOEL vrabotuva recepcioner so iskustvo i angliski jazik, dogovor.",
    ]
    clusters = [clusterer.insert(str(number), text) for number, text in enumerate(ads)]
    assert clusters[0] == clusters[1] == clusters[2]
    assert clusters[3] != clusters[0]


def test_clusters_do_not_chain_through_intermediate_ads():
    """A ~ B and B ~ C but A is unlike C: with union-find all three merge; here they do not."""
    letters = "abcdefghijklmnopqrstuvwxyzabcd"
    a = " ".join(f"alpha{letters[n]}{letters[n + 1]}" for n in range(28))
    b = " ".join(
        [
            *(f"alpha{letters[n]}{letters[n + 1]}" for n in range(14)),
            *(f"omega{letters[n]}{letters[n + 1]}" for n in range(14)),
        ]
    )
    c = " ".join(f"omega{letters[n]}{letters[n + 1]}" for n in range(28))
    settings = ClusterSettings(threshold=0.3, bands=32)
    assert jaccard(shingle_hashes(tokens_of(a)), shingle_hashes(tokens_of(b))) >= 0.3
    assert jaccard(shingle_hashes(tokens_of(b)), shingle_hashes(tokens_of(c))) >= 0.3
    clusterer = TemplateClusterer(settings)
    found = [clusterer.insert(name, text) for name, text in (("a", a), ("b", b), ("c", c))]
    assert found[0] == found[1]
    assert found[2] != found[0]


def test_template_has_fixed_text_and_slots():
    ads = [
        Ad(str(n), TEMPLATE.format(city=city, pay=pay, phone=phone))
        for n, (city, pay, phone) in enumerate(
            [
                ("Германија", "1.800", "070 111 222"),
                ("Австрија", "2.100", "071 333 444"),
                ("Италија", "1.500", "075 999 888"),
            ]
        )
    ]
    rows, templates = cluster_ads(ads)
    assert len({row["cluster_id"] for row in rows}) == 1
    template = templates[0]
    assert "rabotnici" in template["template"] and "{1}" in template["template"]
    assert template["slot_values"]["1"][0] == "avstrija"
    assert template["members"] == ["0", "1", "2"]


def test_incremental_insertion_gives_the_batch_answer():
    texts = [
        TEMPLATE.format(city=c, pay=p, phone=ph)
        for c, p, ph in [("Германија", "1", "070 111 222"), ("Австрија", "2", "071 333 444")]
    ] + [
        "Hotel Park Ohrid DOOEL vrabotuva recepcioner so iskustvo.",
        "Hotel Park Ohrid DOOEL vrabotuva kelner so iskustvo.",
    ]
    one = TemplateClusterer()
    for number, text in enumerate(texts):
        one.insert(str(number), text)
    rows, _ = cluster_ads([Ad(str(n), t) for n, t in enumerate(texts)])
    assert one.assignments() == {row["id"]: row["cluster_id"] for row in rows}


def test_leader_assignment_from_pairs_matches_the_clusterer():
    ids = ["a", "b", "c", "d"]
    pairs = [(0, 1, 0.9), (1, 2, 0.8), (0, 3, 0.5), (2, 3, 0.95)]
    # b joins a; c's only partner b is not a leader, so c leads; d prefers leader c (0.95).
    assert assign_from_pairs(ids, pairs) == {"a": "c-a", "b": "c-a", "c": "c-c", "d": "c-c"}


def test_operations_join_clusters_through_shared_contacts():
    cluster_of = {"1": "c-1", "2": "c-2", "3": "c-3", "4": "c-1"}
    contacts = {
        "1": ["phone:+38970111222"],
        "2": ["phone:+38970111222", "telegram:x"],
        "3": ["telegram:y"],
        "4": [],
    }
    operation_of = operations(cluster_of, contacts)
    assert operation_of["1"] == operation_of["2"] == operation_of["4"]
    assert operation_of["3"] != operation_of["1"]
