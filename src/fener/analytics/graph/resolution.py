"""Entity resolution: deciding which records describe the same person, company or account.

Identifiers are first brought to one written form: phones to E.164, IBANs validated and
compacted, e-mail addresses and online handles lower-cased and stripped of decoration. Records
that share a normalised identifier are merged with score 1.0. Person and company names are
folded to a key that is the same for Cyrillic and Latin spellings (``Марко Петровски``,
``Marko Petrovski``, ``Marko Petrovsky``) and compared token by token, so that typos still match
while different people with similar names (``Marko``/``Darko``, ``Petrovski``/``Petrovska``) do
not.

Every merge is kept with its evidence and score. Clusters are the connected groups of the
merges (union-find), so undoing one merge splits a cluster only when no other evidence holds it
together.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import phonenumbers
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from fener.analytics.text.fold import fold_plain

Kind = Literal["phone", "iban", "email", "handle", "person", "company"]
KINDS: tuple[Kind, ...] = ("phone", "iban", "email", "handle", "person", "company")
IDENTIFIER_KINDS: tuple[Kind, ...] = ("phone", "iban", "email", "handle")
NAME_KINDS: tuple[Kind, ...] = ("person", "company")


# -- Normalisers ---------------------------------------------------------------------------


def phone_e164(text: str, default_region: str = "MK") -> str | None:
    """The phone number in E.164 form, or ``None`` when it is not a valid number.

    Numbers written without a country code are read as numbers of ``default_region``
    (an ISO 3166 code such as ``"MK"``, ``"AL"``, ``"DE"``).

    Raises
    ------
    ValueError
        When ``default_region`` is not a region the phone-number tables know.

    Examples
    --------
    >>> phone_e164("070 123 456")
    '+38970123456'
    >>> phone_e164("00389 70/123-456")
    '+38970123456'
    >>> phone_e164("123") is None
    True
    """
    region = default_region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {default_region!r}; expected an ISO code like 'MK'")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def iban_normalise(text: str) -> str | None:
    """The IBAN without spaces, in capitals, or ``None`` when its checksum or format is wrong.

    Examples
    --------
    >>> iban_normalise("mk07 2501 2000 0058 984")
    'MK07250120000058984'
    >>> iban_normalise("MK07 2501 2000 0058 985") is None
    True
    """
    try:
        return str(IBAN(text).compact)
    except SchwiftyException:
        return None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def email_normalise(text: str) -> str | None:
    """The e-mail address in lower case, or ``None`` when it is not an address.

    Gmail ignores dots and anything after ``+`` in the local part, and ``googlemail.com`` is
    the same domain, so those addresses are reduced to the one mailbox they reach.

    Examples
    --------
    >>> email_normalise(" Ana.Petrova+jobs@GoogleMail.com ")
    'anapetrova@gmail.com'
    >>> email_normalise("mailto:Agency@Example.MK")
    'agency@example.mk'
    >>> email_normalise("not an address") is None
    True
    """
    address = text.strip().lower().removeprefix("mailto:")
    if not _EMAIL.match(address):
        return None
    local, domain = address.rsplit("@", 1)
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}" if local else None


_HANDLE_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.|m\.)?"
    r"(?:t\.me|telegram\.me|instagram\.com|facebook\.com|fb\.com|tiktok\.com|twitter\.com|x\.com)/",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"^[a-z0-9._-]{1,64}$")


def handle_normalise(text: str) -> str | None:
    """The online handle without ``@``, profile-address prefix or capitals, or ``None``.

    Examples
    --------
    >>> handle_normalise("https://t.me/Rabota_Germania/")
    'rabota_germania'
    >>> handle_normalise("@Rabota_Germania")
    'rabota_germania'
    >>> handle_normalise("two words") is None
    True
    """
    handle = _HANDLE_PREFIX.sub("", text.strip())
    handle = re.split(r"[/?#]", handle, maxsplit=1)[0].lstrip("@").lower()
    return handle if _HANDLE.match(handle) else None


# -- Names ---------------------------------------------------------------------------------

_NAME_LETTERS = str.maketrans({"y": "i", "w": "v", "q": "k"})
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_REPEATED = re.compile(r"(.)\1+")


def _name_tokens(text: str) -> list[str]:
    folded = fold_plain(text).translate(_NAME_LETTERS)
    return _REPEATED.sub(r"\1", _NOT_LETTERS.sub(" ", folded)).split()


_LEGAL_FORMS = frozenset(
    token
    for form in ("DOO", "DOOEL", "ДОО", "ДООЕЛ", "AD", "АД", "SHPK", "LLC", "Ltd", "GmbH", "Inc")
    for token in _name_tokens(form)
)


def name_key(text: str, *, company: bool = False) -> str:
    """The matching key of a person's or company's name: folded, simplified, tokens sorted.

    Cyrillic and Latin spellings fold to the same letters, ``y``/``w``/``q`` become
    ``i``/``v``/``k``, doubled letters and punctuation go, and the words are sorted so that
    "surname, first name" and "first name surname" agree. With ``company=True`` legal forms
    (DOO, DOOEL, AD, SH.P.K., LLC, GmbH, ...) are dropped.

    Examples
    --------
    >>> name_key("Марко Петровски") == name_key("Petrovsky, Marko")
    True
    >>> name_key("Marko Petrovski")
    'marko petrovski'
    >>> name_key("Балкан Транс ДООЕЛ Скопје", company=True)
    'balkan skopje trans'
    """
    if company:
        text = text.replace(".", "")  # "SH.P.K." and "D.O.O." are one word
    tokens = _name_tokens(text)
    if company:
        tokens = [token for token in tokens if token not in _LEGAL_FORMS]
    return " ".join(sorted(tokens))


# Slavic names change their ending with gender: Petrovski and Petrovska, Ivanov and Ivanova,
# Ivan and Ivana are relatives or strangers, not two spellings of one person.
_GENDER_ENDINGS = (("ski", "ska"), ("", "a"))
# A name pair with such a word on each side is at most this similar, whatever else agrees.
_GENDER_PAIR_SCORE = 0.5


def _gender_forms(left: str, right: str) -> bool:
    return any(
        first.endswith(masculine)
        and second.endswith(feminine)
        and first.removesuffix(masculine) == second.removesuffix(feminine)
        for masculine, feminine in _GENDER_ENDINGS
        for first, second in ((left, right), (right, left))
    )


def _gender_conflict(left: list[str], right: list[str]) -> bool:
    """Whether one name has a word whose other-gender form is in the other name alone."""
    return any(
        _gender_forms(a, b) and a not in right and b not in left for a in left for b in right
    )


# Beyond this many words (long company names) words are paired greedily, best pair first,
# instead of trying every pairing.
_EXHAUSTIVE_WORDS = 5


def _weakest_pair(short: list[str], long: list[str]) -> float:
    """The weakest word similarity of the pairing of ``short`` into ``long`` that maximises it."""
    if len(long) <= _EXHAUSTIVE_WORDS:
        return max(
            min(float(JaroWinkler.similarity(a, b)) for a, b in zip(short, pairing, strict=True))
            for pairing in itertools.permutations(long, len(short))
        )
    candidates = sorted(
        (
            (float(JaroWinkler.similarity(a, b)), i, j)
            for i, a in enumerate(short)
            for j, b in enumerate(long)
        ),
        reverse=True,
    )
    used_short: set[int] = set()
    used_long: set[int] = set()
    weakest = 1.0
    for similarity, i, j in candidates:
        if i not in used_short and j not in used_long:
            used_short.add(i)
            used_long.add(j)
            weakest = min(weakest, similarity)
    return weakest


def name_similarity(left_key: str, right_key: str) -> float:
    """How alike two name keys are, in [0, 1]: both whole names and every word must agree.

    The score is the lower of two similarities. The whole keys are compared with the
    token-sorted ratio (so missing or extra words cost). The words are paired so that the
    weakest pair is as strong as possible, each pair scored with Jaro–Winkler (a typo late in a
    word costs less than a different first letter), and the weakest pair counts: one wrong word
    is enough to tell Marko from Darko. Masculine and feminine forms of a word (Petrovski and
    Petrovska, Ivan and Ivana) name different people, so such a pair scores at most 0.5.

    Examples
    --------
    >>> name_similarity(name_key("Marko Petrovski"), name_key("Makro Petrovski")) > 0.9
    True
    >>> name_similarity(name_key("Marko Petrovski"), name_key("Darko Petrovski")) < 0.88
    True
    >>> name_similarity(name_key("Ivan Ivanov"), name_key("Ivana Ivanova"))
    0.5
    """
    left, right = left_key.split(), right_key.split()
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    short, long = sorted((left, right), key=lambda words: (len(words), words))
    whole = fuzz.token_sort_ratio(left_key, right_key) / 100
    score = min(whole, _weakest_pair(short, long))
    return min(score, _GENDER_PAIR_SCORE) if _gender_conflict(left, right) else score


# -- Resolution ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """One piece of evidence that two entities are the same: what matched, how well, why."""

    left: str
    right: str
    kind: Kind
    score: float
    evidence: str


def _clusters(entities: Iterable[str], merges: Iterable[Merge]) -> list[set[str]]:
    parent = {entity: entity for entity in entities}

    def root(entity: str) -> str:
        while parent[entity] != entity:
            parent[entity] = parent[parent[entity]]  # path halving
            entity = parent[entity]
        return entity

    for merge in merges:
        parent[root(merge.left)] = root(merge.right)
    groups: dict[str, set[str]] = {}
    for entity in parent:
        groups.setdefault(root(entity), set()).add(entity)
    return sorted(groups.values(), key=lambda group: (-len(group), min(group)))


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolution: the merges found and the clusters they form.

    ``clusters`` lists every entity exactly once, largest cluster first; an entity with no
    merge is a cluster of its own.
    """

    entities: tuple[str, ...]
    merges: tuple[Merge, ...]
    clusters: list[set[str]] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        known = set(self.entities)
        for merge in self.merges:
            if merge.left not in known or merge.right not in known:
                raise ValueError(f"merge names an entity outside this resolution: {merge!r}")
        object.__setattr__(self, "clusters", _clusters(self.entities, self.merges))

    def cluster_of(self, entity_id: str) -> set[str]:
        """The cluster that holds ``entity_id``.

        Raises
        ------
        ValueError
            When the entity was never added.
        """
        for cluster in self.clusters:
            if entity_id in cluster:
                return set(cluster)
        raise ValueError(f"unknown entity {entity_id!r}")

    def undo(self, merge: Merge) -> Resolution:
        """A new resolution without ``merge``; clusters are recomputed from the other merges.

        Raises
        ------
        ValueError
            When ``merge`` is not one of this resolution's merges.

        Examples
        --------
        >>> resolver = EntityResolver()
        >>> resolver.add("a", "phone", "070 123 456").add("b", "phone", "+389 70 123 456")
        EntityResolver(threshold=0.88)
        >>> resolution = resolver.resolve()
        >>> [sorted(cluster) for cluster in resolution.clusters]
        [['a', 'b']]
        >>> [sorted(cluster) for cluster in resolution.undo(resolution.merges[0]).clusters]
        [['a'], ['b']]
        """
        if merge not in self.merges:
            raise ValueError(f"cannot undo a merge this resolution does not hold: {merge!r}")
        remaining = tuple(kept for kept in self.merges if kept != merge)
        return Resolution(entities=self.entities, merges=remaining)


_NORMALISERS: dict[Kind, Callable[[str], str | None]] = {
    "phone": phone_e164,
    "iban": iban_normalise,
    "email": email_normalise,
    "handle": handle_normalise,
    "person": lambda text: name_key(text) or None,
    "company": lambda text: name_key(text, company=True) or None,
}
_DESCRIPTIONS: dict[Kind, str] = {
    "phone": "E.164 phone",
    "iban": "IBAN",
    "email": "e-mail address",
    "handle": "online handle",
    "person": "person's name",
    "company": "company name",
}
# Names are compared a block of rows against all names at a time, to bound memory.
_BLOCK_ROWS = 1024


@dataclass(frozen=True)
class _Value:
    entity: str
    kind: Kind
    original: str
    normalised: str


class EntityResolver:
    """Collects identifiers of entities and merges the entities that share one.

    Parameters
    ----------
    threshold : float
        The least name similarity, in (0, 1], at which two person or company names merge.

    Examples
    --------
    >>> resolver = EntityResolver()
    >>> _ = resolver.add("p1", "person", "Марко Петровски").add("p2", "person", "Marko Petrovsky")
    >>> _ = resolver.add("p3", "person", "Darko Petrovski")
    >>> [sorted(cluster) for cluster in resolver.resolve().clusters]
    [['p1', 'p2'], ['p3']]
    """

    def __init__(self, threshold: float = 0.88) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        self.threshold = threshold
        self._entities: dict[str, None] = {}
        self._values: list[_Value] = []

    def __repr__(self) -> str:
        return f"EntityResolver(threshold={self.threshold})"

    def add(self, entity_id: str, kind: str, value: str) -> EntityResolver:
        """Record that entity ``entity_id`` has identifier ``value`` of ``kind``.

        An entity may be added several times with different identifiers (a person's name,
        phones and accounts). Returns the resolver, so calls can be chained.

        Raises
        ------
        ValueError
            When the id or the value is empty, the kind is not one of :data:`KINDS`, or the
            value is not a valid identifier of its kind (an IBAN with a wrong checksum, ...).
        """
        if not isinstance(entity_id, str) or not entity_id.strip():
            raise ValueError("entity_id must be a non-empty string")
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"empty {kind} value for entity {entity_id!r}")
        normalised = _NORMALISERS[kind](value)
        if normalised is None:
            description = _DESCRIPTIONS[kind]
            raise ValueError(f"{value!r} is not a valid {description} (entity {entity_id!r})")
        self._entities.setdefault(entity_id, None)
        self._values.append(_Value(entity_id, kind, value, normalised))
        return self

    def resolve(self) -> Resolution:
        """Merge entities that share an identifier or have names alike above the threshold."""
        merges = [*self._identifier_merges(), *self._name_merges()]
        return Resolution(entities=tuple(self._entities), merges=tuple(merges))

    def _identifier_merges(self) -> list[Merge]:
        groups: dict[tuple[Kind, str], dict[str, None]] = {}  # dict: ordered, no repeats
        for value in self._values:
            if value.kind in IDENTIFIER_KINDS:
                groups.setdefault((value.kind, value.normalised), {})[value.entity] = None
        return [
            Merge(first, other, kind, 1.0, f"same {_DESCRIPTIONS[kind]} {normalised}")
            for (kind, normalised), (first, *others) in groups.items()
            for other in others
        ]

    def _name_merges(self) -> list[Merge]:
        best: dict[tuple[str, str, Kind], Merge] = {}
        for kind in NAME_KINDS:
            values = [value for value in self._values if value.kind == kind]
            keys = [value.normalised for value in values]
            for i, j in _candidate_pairs(keys, self.threshold):
                left, right = values[i], values[j]
                if left.entity == right.entity:
                    continue
                score = name_similarity(left.normalised, right.normalised)
                first, second = sorted((left.entity, right.entity))
                pair = (first, second, kind)
                if score >= self.threshold and (pair not in best or best[pair].score < score):
                    best[pair] = Merge(
                        left.entity,
                        right.entity,
                        kind,
                        round(score, 4),
                        f"{_DESCRIPTIONS[kind]} {left.original!r} ~ {right.original!r} "
                        f"(keys {left.normalised!r} and {right.normalised!r}, "
                        f"similarity {score:.2f})",
                    )
        return list(best.values())


def _candidate_pairs(keys: list[str], threshold: float) -> Iterator[tuple[int, int]]:
    """Index pairs ``i < j`` of keys that may reach ``threshold``.

    A name's score is at most its token-sorted ratio, so the pairs below the threshold on that
    ratio (one point of margin for rounding) are left out without scoring them word by word.
    """
    for start in range(0, len(keys), _BLOCK_ROWS):
        ratios = process.cdist(
            keys[start : start + _BLOCK_ROWS],
            keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=max(threshold * 100 - 1, 0),
            dtype=np.uint8,
        )
        for row, column in zip(*np.nonzero(ratios), strict=True):
            if start + int(row) < int(column):
                yield start + int(row), int(column)
