"""Properties of anonymise on random case records: what it promises holds for any input."""

import itertools
import math
from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from fener.analytics.privacy import (
    AgeBandHierarchy,
    CategoryHierarchy,
    CountryHierarchy,
    SuppressOnlyHierarchy,
    YearHierarchy,
    anonymise,
    equivalence_classes,
)

# Every column of a random record: its hierarchy (used when it is drawn as a quasi-identifier)
# and the values it takes. Columns not drawn as quasi-identifiers are ordinary columns.
COLUMNS = {
    "yearOfRegistration": (
        YearHierarchy(),
        ["2018", "2019", "2020", "2021", "2024", "2025", "unknown"],
    ),
    "gender": (SuppressOnlyHierarchy(), ["female", "male", "unknown"]),
    "ageBroad": (AgeBandHierarchy(), ["9-17", "18-20", "21-23", "30-38", "48+", "unknown"]),
    "citizenship": (CountryHierarchy(), ["MK", "AL", "RS", "UA", "NG", "SY", "ZZ"]),
    "typeOfExploitation": (
        CategoryHierarchy(
            {
                "forced_labour": "labour",
                "forced_begging": "labour",
                "sexual_exploitation": "sexual",
            },
            other="several or other",
        ),
        [
            "forced_labour",
            "sexual_exploitation",
            "forced_labour;sexual_exploitation",
            "forced_begging",
        ],
    ),
}
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def scenarios(draw):
    """Records over small domains (so that classes form), quasi-identifiers, k and a share."""
    domains = {column: draw(st.integers(1, len(values))) for column, (_, values) in COLUMNS.items()}
    count = draw(st.integers(0, 40))
    records = [
        {
            "case": str(number),
            "notes": draw(st.text(max_size=5)),
            **{
                column: draw(st.sampled_from(COLUMNS[column][1][:size]))
                for column, size in domains.items()
            },
        }
        for number in range(count)
    ]
    chosen = draw(st.lists(st.sampled_from(list(COLUMNS)), min_size=1, max_size=4, unique=True))
    quasi_identifiers = {column: COLUMNS[column][0] for column in chosen}
    k = draw(st.integers(1, 15))
    share = draw(
        st.one_of(st.sampled_from([0, 0.05, 0.1, 0.25, 1.0]), st.floats(0, 1, allow_nan=False))
    )
    return records, quasi_identifiers, k, share


def budget(share, total):
    return math.floor(Fraction(str(share)) * total)


@SETTINGS
@given(scenarios())
def test_every_released_combination_appears_at_least_k_times(scenario):
    records, quasi_identifiers, k, share = scenario
    release = anonymise(records, quasi_identifiers=quasi_identifiers, k=k, max_suppression=share)
    classes = (
        equivalence_classes(release.records, list(quasi_identifiers)) if release.records else {}
    )
    assert all(size >= k for size in classes.values())
    if release.records:
        assert release.report()["smallest_class"] >= k


@SETTINGS
@given(scenarios())
def test_every_row_is_released_or_counted_as_withheld(scenario):
    records, quasi_identifiers, k, share = scenario
    release = anonymise(records, quasi_identifiers=quasi_identifiers, k=k, max_suppression=share)
    assert release.released + release.suppressed == release.total == len(records)
    assert sum(count for _, count in release.suppressed_by_class) == release.suppressed
    if release.suppressed < release.total:
        assert release.suppressed <= budget(share, len(records))
        assert release.suppressed <= share * len(records) + 1e-9


@SETTINGS
@given(scenarios())
def test_released_rows_keep_other_columns_and_generalise_quasi_identifiers(scenario):
    records, quasi_identifiers, k, share = scenario
    release = anonymise(records, quasi_identifiers=quasi_identifiers, k=k, max_suppression=share)
    cases = [record["case"] for record in release.records]
    assert cases == sorted(cases, key=int)  # original order, no row twice
    for released in release.records:
        original = records[int(released["case"])]
        assert released.keys() == original.keys()
        for column, value in released.items():
            if column in quasi_identifiers:
                level = release.levels[column]
                assert value == quasi_identifiers[column].generalise(original[column], level)
            else:
                assert value == original[column]


@SETTINGS
@given(scenarios())
def test_k_of_1_releases_the_records_unchanged(scenario):
    records, quasi_identifiers, _, share = scenario
    release = anonymise(records, quasi_identifiers=quasi_identifiers, k=1, max_suppression=share)
    assert release.records == records
    assert set(release.levels.values()) == {0}
    assert release.suppressed == 0


@SETTINGS
@given(scenarios())
def test_the_chosen_levels_are_the_least_loss_found_by_trying_every_combination(scenario):
    records, quasi_identifiers, k, share = scenario
    release = anonymise(records, quasi_identifiers=quasi_identifiers, k=k, max_suppression=share)
    columns = list(quasi_identifiers)
    hierarchies = list(quasi_identifiers.values())
    candidates = []
    for node in itertools.product(*(range(h.levels) for h in hierarchies)):
        sizes = Counter(
            tuple(
                h.generalise(r[c], level)
                for c, h, level in zip(columns, hierarchies, node, strict=True)
            )
            for r in records
        )
        withheld = sum(size for size in sizes.values() if size < k)
        if withheld <= budget(share, len(records)):
            loss = sum(
                Fraction(level, h.levels - 1) for level, h in zip(node, hierarchies, strict=True)
            )
            candidates.append((loss, withheld, node))
    if candidates:
        _, withheld, node = min(candidates)
        assert tuple(release.levels.values()) == node
        assert release.suppressed == withheld
    else:
        assert release.records == []
        assert release.suppressed == len(records)
