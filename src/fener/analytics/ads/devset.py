"""The authored development set (see ``docs/ads-annotation.md``) and how to score against it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any


def load_devset() -> list[dict[str, Any]]:
    """Every annotated ad of the development set, in file and line order."""
    folder = resources.files("fener.analytics.ads").joinpath("data", "devset")
    ads: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".jsonl"):
            for line in entry.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    ads.append(json.loads(line))
    return ads


def split_devset(
    ads: list[dict[str, Any]], held_out_every: int = 4
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A fixed train / held-out split: every ``held_out_every``-th ad of each language is held out."""
    seen: dict[str, int] = defaultdict(int)
    train: list[dict[str, Any]] = []
    held_out: list[dict[str, Any]] = []
    for ad in ads:
        key = f"{ad['lang']}-{ad.get('script', '')}"
        (held_out if seen[key] % held_out_every == held_out_every - 1 else train).append(ad)
        seen[key] += 1
    return train, held_out


def entity_keys(kind: str, values: Iterable[Any]) -> set[str]:
    """Comparable keys for one entity type (amounts by value, currency and period)."""
    keys = set()
    for value in values:
        if kind == "handles":
            keys.add(f"{value['platform']}:{value['value']}")
        elif kind == "amounts":
            keys.add(f"{float(value['value']):g} {value['currency']} {value.get('period')}")
        else:
            keys.add(str(value))
    return keys


@dataclass
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, expected: set[str], found: set[str]) -> None:
        self.true_positive += len(expected & found)
        self.false_positive += len(found - expected)
        self.false_negative += len(expected - found)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0
