"""Template clustering: ads written from the same template, and the operations behind them.

1. **Shingles**: word bigrams of the folded text with every number masked, hashed with CRC-32.
   Folding makes the Cyrillic and Latin spellings of one template identical; masking makes
   ads that differ only in phone numbers and amounts identical.
2. **Candidates**: MinHash signatures (datasketch) cut into bands; ads that share a band are
   candidates. Only cluster *leaders* are indexed (see :class:`BandIndex`).
3. **Verification**: a candidate joins a cluster only if the Jaccard similarity of its shingles
   with the cluster's leader reaches ``threshold``. Comparing with the leader, not with any
   member, is what stops clusters from chaining unrelated ads through intermediate ones.
4. **Templates** (InfoShield-style): the leader's words that most members share are the fixed
   text; the rest are slots, with each member's values.
5. **Operations**: clusters joined through shared phones, e-mails and handles.

Ads are processed in order; the result is deterministic, so the Spark engine (which finds the
candidate pairs with band joins) reproduces it exactly.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from fener.analytics.text.fold import fold
from fener.analytics.text.normalize import normalize

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBERISH = re.compile(r"^\d[\d]*$|\d")


@dataclass(frozen=True)
class ClusterSettings:
    """Parameters of template clustering (defaults measured in ``bench/bench_ads.py``)."""

    num_perm: int = 64
    bands: int = 16
    threshold: float = 0.45
    seed: int = 1
    template_share: float = 0.5  # a leader word is fixed text if this share of members has it

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


def tokens_of(text: str) -> list[str]:
    """Folded words of ``text`` with numbers masked as ``#``."""
    return tokens_of_folded(fold(normalize(text)).text)


def tokens_of_folded(folded_text: str) -> list[str]:
    """:func:`tokens_of` for a text already normalised and folded (as in an analysis)."""
    return ["#" if _NUMBERISH.search(word) else word for word in _WORD.findall(folded_text)]


def shingle_hashes(tokens: Sequence[str]) -> np.ndarray:
    """Sorted unique CRC-32 hashes of the word bigrams (single words for very short texts)."""
    grams = list(tokens) if len(tokens) < 2 else [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
    return np.unique(
        np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint32, count=len(grams))
    )


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[object, str]:
    template = MinHash(num_perm=num_perm, seed=seed)
    return template.permutations, template.scheme


def signature(hashes: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """The MinHash signature of a shingle-hash set."""
    permutations, scheme = _permutations(settings.num_perm, settings.seed)
    minhash = MinHash(
        num_perm=settings.num_perm,
        seed=settings.seed,
        hashfunc=int,
        permutations=permutations,
        scheme=scheme,
    )
    if len(hashes):
        minhash.update_batch(hashes.tolist())
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def band_keys(sig: np.ndarray, settings: ClusterSettings) -> list[int]:
    """One 64-bit key per band (band number mixed in, so bands never collide with each other)."""
    rows = settings.rows
    keys = []
    for band in range(settings.bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        keys.append((band << 56) ^ zlib.crc32(chunk, band * 7919) ^ (zlib.adler32(chunk) << 24))
    return keys


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique hash arrays."""
    if len(first) == 0 and len(second) == 0:
        return 1.0
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)


class BandIndex:
    """A compact LSH band index: band key → leaders, in plain dicts of small int lists.

    datasketch's ``MinHashLSH`` keeps a set of keys per band bucket and the signatures as
    byte strings; with a million leaders that is several gigabytes. This index stores, per band
    key, only leader numbers (and promotes single entries to lists lazily).
    """

    def __init__(self) -> None:
        self._buckets: dict[int, int | list[int]] = {}

    def add(self, keys: Iterable[int], leader: int) -> None:
        for key in keys:
            current = self._buckets.get(key)
            if current is None:
                self._buckets[key] = leader
            elif isinstance(current, list):
                current.append(leader)
            else:
                self._buckets[key] = [current, leader]

    def query(self, keys: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for key in keys:
            current = self._buckets.get(key)
            if current is None:
                continue
            if isinstance(current, list):
                found.update(current)
            else:
                found.add(current)
        return found


@dataclass
class Cluster:
    id: str
    leader: int
    members: list[int] = field(default_factory=list)


@dataclass
class Template:
    """Fixed text with numbered slots, and each member's slot values."""

    cluster_id: str
    parts: list[str | int]
    slot_values: dict[str, list[str]]

    def render(self) -> str:
        return " ".join(f"{{{part}}}" if isinstance(part, int) else part for part in self.parts)


class TemplateClusterer:
    """Incremental template clustering (see the module docstring).

    >>> clusterer = TemplateClusterer()
    >>> ads = [
    ...     ("a", "Барам работници за Германија, плата 1500 евра, јавете се на 070 111 222"),
    ...     ("b", "Barame rabotnici za Germanija, plata 1800 evra, javete se na 071 333 444"),
    ...     ("c", "Hotel Park Ohrid vrabotuva recepcioner so iskustvo i angliski jazik"),
    ... ]
    >>> [clusterer.insert(ad_id, text) for ad_id, text in ads]
    ['c-a', 'c-a', 'c-c']
    """

    def __init__(self, settings: ClusterSettings | None = None) -> None:
        self.settings = settings or ClusterSettings()
        self.ids: list[str] = []
        self.cluster_of: list[int] = []  # index of the cluster for each ad
        self.clusters: list[Cluster] = []
        self._leader_hashes: dict[int, np.ndarray] = {}
        self._index = BandIndex()

    def __len__(self) -> int:
        return len(self.ids)

    def insert(self, ad_id: str, text: str) -> str:
        """Add one ad; returns the id of the cluster it joins (or founds)."""
        return self.insert_tokens(ad_id, tokens_of(text))

    def insert_tokens(self, ad_id: str, tokens: Sequence[str]) -> str:
        """:meth:`insert` for an ad whose :func:`tokens_of` are already known."""
        hashes = shingle_hashes(tokens)
        keys = band_keys(signature(hashes, self.settings), self.settings)
        position = len(self.ids)
        self.ids.append(ad_id)
        best = self.best_leader(hashes, self._index.query(keys))
        if best is None:
            cluster = Cluster(id=f"c-{ad_id}", leader=position, members=[position])
            self.clusters.append(cluster)
            self.cluster_of.append(len(self.clusters) - 1)
            self._leader_hashes[position] = hashes
            self._index.add(keys, position)
        else:
            cluster_index = self.cluster_of[best]
            self.clusters[cluster_index].members.append(position)
            self.cluster_of.append(cluster_index)
        return self.clusters[self.cluster_of[position]].id

    def best_leader(self, hashes: np.ndarray, candidates: Iterable[int]) -> int | None:
        """The most similar candidate leader at or above the threshold (earliest on ties)."""
        best: tuple[float, int] | None = None
        for leader in sorted(candidates):
            similarity = jaccard(hashes, self._leader_hashes[leader])
            if similarity >= self.settings.threshold and (best is None or similarity > best[0]):
                best = (similarity, leader)
        return best[1] if best else None

    def assignments(self) -> dict[str, str]:
        """Ad id → cluster id."""
        return {
            ad_id: self.clusters[c].id for ad_id, c in zip(self.ids, self.cluster_of, strict=True)
        }


def extract_template(
    cluster_id: str, member_tokens: list[list[str]], member_ids: list[str], share: float = 0.5
) -> Template:
    """Align every member to the leader (the first member); shared words are fixed text."""
    leader = member_tokens[0]
    support = np.zeros(len(leader), dtype=int)
    alignments = []
    for tokens in member_tokens:
        matcher = SequenceMatcher(a=leader, b=tokens, autojunk=False)
        blocks = matcher.get_matching_blocks()
        mapping = {}
        for block in blocks:
            for offset in range(block.size):
                mapping[block.a + offset] = block.b + offset
                support[block.a + offset] += 1
        alignments.append(mapping)
    fixed = support >= max(2, int(np.ceil(share * len(member_tokens))))
    parts: list[str | int] = []
    slot_positions: list[list[int]] = []
    for position, word in enumerate(leader):
        if fixed[position]:
            parts.append(word)
        elif parts and isinstance(parts[-1], int):
            slot_positions[-1].append(position)
        else:
            parts.append(len(slot_positions) + 1)
            slot_positions.append([position])
    fixed_positions = [position for position in range(len(leader)) if fixed[position]]
    slot_values: dict[str, list[str]] = {}
    for ad_id, tokens, mapping in zip(member_ids, member_tokens, alignments, strict=True):
        values = []
        for positions in slot_positions:
            before = [mapping[p] for p in fixed_positions if p < positions[0] and p in mapping]
            after = [mapping[p] for p in fixed_positions if p > positions[-1] and p in mapping]
            start = before[-1] + 1 if before else 0
            end = after[0] if after else len(tokens)
            values.append(" ".join(tokens[start:end]))
        slot_values[ad_id] = values
    return Template(cluster_id, parts, slot_values)


def assign_from_pairs(
    ids: Sequence[str], pairs: Iterable[tuple[int, int, float]]
) -> dict[str, str]:
    """Leader assignment from verified pairs ``(earlier, later, similarity)``.

    Exactly what :class:`TemplateClusterer` does when the pairs are all pairs of ads that share
    a band and reach the threshold: in input order, an ad joins the most similar *leader* among
    its earlier partners (the earliest on ties), or becomes a leader itself.
    """
    partners: dict[int, list[tuple[int, float]]] = {}
    for earlier, later, similarity in pairs:
        partners.setdefault(later, []).append((earlier, similarity))
    leader_of: list[int] = []
    for position in range(len(ids)):
        best: tuple[float, int] | None = None
        for earlier, similarity in sorted(partners.get(position, ())):
            if leader_of[earlier] != earlier:
                continue
            if best is None or similarity > best[0]:
                best = (similarity, earlier)
        leader_of.append(best[1] if best else position)
    return {ids[p]: f"c-{ids[leader_of[p]]}" for p in range(len(ids))}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def operations(
    cluster_of: Mapping[str, str], contacts_of: Mapping[str, Iterable[str]]
) -> dict[str, str]:
    """Ad id → operation id: clusters linked through any shared phone, e-mail or handle."""
    groups = _UnionFind()
    owner: dict[str, str] = {}
    for ad_id, cluster_id in cluster_of.items():
        groups.find(cluster_id)
        for contact in contacts_of.get(ad_id, ()):
            if contact in owner:
                groups.union(owner[contact], cluster_id)
            else:
                owner[contact] = cluster_id
    return {ad_id: "op-" + groups.find(cluster_id)[2:] for ad_id, cluster_id in cluster_of.items()}
