"""AlignedText keeps its alignment as pieces; it must map exactly like a per-character map.

The reference below keeps, for every character, the original span it came from, and applies
the documented rules: replaced text maps to the whole original match, removed characters
belong to the character before them. Random chains of substitutions must agree everywhere.
"""

import random
import re

import pytest

from fener.analytics.text.aligned import AlignedText


class Reference:
    def __init__(self, text, starts=None, ends=None, original_length=None):
        self.text = text
        self.original_length = len(text) if original_length is None else original_length
        self.starts = list(range(len(text))) if starts is None else starts
        self.ends = list(range(1, len(text) + 1)) if ends is None else ends

    def sub(self, pattern, replace):
        pieces, starts, ends, cursor, changed = [], [], [], 0, False
        for match in pattern.finditer(self.text):
            replacement = replace(match)
            if replacement == match.group(0):
                continue
            changed = True
            begin, finish = match.span()
            pieces.append(self.text[cursor:begin])
            starts += self.starts[cursor:begin]
            ends += self.ends[cursor:begin]
            if replacement:
                origin = self.starts[begin] if begin < len(self.starts) else self.original_length
                origin_end = self.ends[finish - 1] if finish > begin else origin
                pieces.append(replacement)
                starts += [origin] * len(replacement)
                ends += [origin_end] * len(replacement)
            elif ends and finish > begin:
                ends[-1] = max(ends[-1], self.ends[finish - 1])
            cursor = finish
        if not changed:
            return self
        pieces.append(self.text[cursor:])
        starts += self.starts[cursor:]
        ends += self.ends[cursor:]
        return Reference("".join(pieces), starts, ends, self.original_length)

    def map_same_length(self, text):
        return Reference(text, self.starts, self.ends, self.original_length)

    def original_span(self, start, end):
        if end <= start:
            position = self.starts[start] if start < len(self.starts) else self.original_length
            return position, position
        return self.starts[start], self.ends[end - 1]


SUBSTITUTIONS = [
    (re.compile("a"), lambda m: ""),
    (re.compile("b"), lambda m: "XY"),
    (re.compile("c"), lambda m: "c"),
    (re.compile("\u200b+"), lambda m: ""),
    (re.compile("d1"), lambda m: "Z"),
    (re.compile(" +"), lambda m: " "),
    (re.compile("XY"), lambda m: "q"),
    (re.compile("^"), lambda m: "S"),
    (re.compile("(?=d)"), lambda m: "-"),
    (re.compile("1$"), lambda m: ""),
    (re.compile("[a-z]"), lambda m: m.group(0).upper()),
]


@pytest.mark.parametrize("seed", range(4))
def test_pieces_map_exactly_like_a_per_character_map(seed):
    rng = random.Random(seed)
    for _ in range(500):
        text = "".join(rng.choice("ab c\u200bd1") for _ in range(rng.randint(0, 12)))
        ours, reference = AlignedText.of(text), Reference(text)
        for _ in range(rng.randint(1, 4)):
            pattern, replace = rng.choice(SUBSTITUTIONS)
            ours, reference = ours.sub(pattern, replace), reference.sub(pattern, replace)
            assert ours.text == reference.text
            if rng.random() < 0.3:
                swapped = ours.text.swapcase()
                ours = ours.map_same_length(swapped)
                reference = reference.map_same_length(swapped)
        length = len(ours.text)
        for start in range(length + 1):
            for end in range(length + 1):
                assert ours.original_span(start, end) == reference.original_span(start, end), (
                    text,
                    ours.text,
                    start,
                    end,
                )


def test_map_same_length_refuses_a_different_length():
    with pytest.raises(ValueError, match="same length"):
        AlignedText.of("abc").map_same_length("ab")
