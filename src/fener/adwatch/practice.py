"""The "spot the warning signs" exercise: example ads, the person's answer, and feedback.

The examples (``data/practice.json``) were written for the exercise in Macedonian, Albanian
and English; each lists the indicator codes the engine finds in it (a test keeps them true).
Nothing is stored: the page carries its state in the address.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from fener.adwatch.public_check import CheckResult, FoundSign, check_text
from fener.adwatch.public_text import WARNING_SIGNS, WarningSign


@dataclass(frozen=True)
class Example:
    id: str
    language: str
    text: str
    codes: tuple[str, ...]


@lru_cache(maxsize=1)
def all_examples() -> tuple[Example, ...]:
    resource = resources.files("fener.adwatch").joinpath("data", "practice.json")
    payload = json.loads(resource.read_text(encoding="utf-8"))
    return tuple(
        Example(item["id"], item["lang"], item["text"], tuple(item["codes"]))
        for item in payload["examples"]
    )


def examples_for(language: str) -> tuple[Example, ...]:
    """The examples in ``language``, or all of them when there are none in it."""
    chosen = tuple(example for example in all_examples() if example.language == language)
    return chosen or all_examples()


def example_at(language: str, example_id: str) -> tuple[Example, Example]:
    """The example called ``example_id`` (the first one when unknown) and the one after it."""
    examples = examples_for(language)
    index = next((i for i, e in enumerate(examples) if e.id == example_id), 0)
    return examples[index], examples[(index + 1) % len(examples)]


@dataclass(frozen=True)
class Feedback:
    """What the person spotted, missed and ticked without the check finding it."""

    result: CheckResult
    found: tuple[FoundSign, ...]
    missed: tuple[FoundSign, ...]
    not_in_text: tuple[WarningSign, ...]

    @property
    def all_found(self) -> bool:
        return not self.missed and not self.not_in_text


def practice_feedback(example: Example, ticked: Iterable[str]) -> Feedback:
    """Compare the ticked codes with what the check finds in the example (with evidence)."""
    chosen = {code for code in ticked if code in WARNING_SIGNS}
    result = check_text(example.text)
    present = {found.sign.code for found in result.signs}
    return Feedback(
        result=result,
        found=tuple(found for found in result.signs if found.sign.code in chosen),
        missed=tuple(found for found in result.signs if found.sign.code not in chosen),
        not_in_text=tuple(sign for code, sign in WARNING_SIGNS.items() if code in chosen - present),
    )
