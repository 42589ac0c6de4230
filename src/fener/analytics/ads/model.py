"""The learning risk model: a calibrated probability that an ad is deceptive recruitment.

Features are the fourteen indicators plus hashed words and word pairs of the folded text, so
the model reads Macedonian in both scripts, Albanian with or without ë/ç, and the other languages
alike (character 3-5-grams were measured too: the same PR-AUC at five times the cost). A logistic model (scikit-learn's ``SGDClassifier`` with log loss) learns from reviewer
decisions: ``fit`` on labelled ads, ``partial_fit`` as decisions arrive. Probabilities are
calibrated with Platt scaling on cross-validated scores. Every score carries its explanation: the
weight of each indicator found and the n-grams of the ad that pushed the score most.

Models are saved as ``.npz`` arrays plus JSON metadata, loaded with ``allow_pickle=False``:
nothing executable is ever read from a model file.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

from fener.analytics.ads.indicators import INDICATOR_CODES

FORMAT = "fener-risk-model/1"
N_FEATURES = 2**18
NGRAM_RANGE = (1, 2)
LABELS = ("legitimate", "suspicious")


@dataclass(frozen=True)
class RiskScore:
    """A calibrated probability, its label and why."""

    probability: float
    label: str
    indicator_weights: dict[str, float]
    top_ngrams: list[tuple[str, float]] = field(default_factory=list)


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="word",
        token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regular expression, not a password
        ngram_range=NGRAM_RANGE,
        n_features=N_FEATURES,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
        dtype=np.float32,
    )


try:  # the Cython loop behind FeatureHasher: same hashes, kept in n-gram order
    from sklearn.feature_extraction._hashing_fast import transform as _hash_in_order
except ImportError:  # pragma: no cover - a future scikit-learn may move it
    _hash_in_order = None


_WORD = re.compile(r"\w+")


class NgramFeatures:
    """scikit-learn's ``HashingVectorizer`` (words and word pairs, l2 norm), computed so that the
    hashed index of every n-gram stays known: one vectorised ``FeatureHasher`` call for a
    whole batch, and the explanation reads its n-grams without hashing them again. The matrix
    equals ``HashingVectorizer``'s (checked in the tests).
    """

    def __init__(self) -> None:
        self._hasher = FeatureHasher(
            n_features=N_FEATURES, input_type="string", alternate_sign=False, dtype=np.float32
        )

    def ngrams(self, text: str) -> list[str]:
        """The analyser's words and word pairs, in its order (its token pattern ``\\b\\w+\\b``
        finds exactly the runs of ``\\w+``, and it lower-cases nothing)."""
        words = _WORD.findall(text)
        return [*words, *map(" ".join, itertools.pairwise(words))]

    def indices(self, ngram_lists: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """The hashed index of every n-gram, list by list, in n-gram order."""
        if _hash_in_order is None:  # pragma: no cover - public (slower) path
            flat = [[ngram] for ngrams in ngram_lists for ngram in ngrams]
            hashed = (
                self._hasher.transform(flat).indices.astype(np.int64)
                if flat
                else np.zeros(0, np.int64)
            )
        else:
            pairs = (zip(ngrams, itertools.repeat(1)) for ngrams in ngram_lists)
            hashed, _, _ = _hash_in_order(pairs, N_FEATURES, np.float32, False, 0)
            hashed = np.asarray(hashed, dtype=np.int64)
        bounds = np.cumsum([0, *(len(ngrams) for ngrams in ngram_lists)])
        return [hashed[start:end] for start, end in itertools.pairwise(bounds)]

    def matrix_from_indices(self, index_lists: Sequence[np.ndarray]) -> sp.csr_matrix:
        rows = np.repeat(np.arange(len(index_lists)), [len(i) for i in index_lists])
        columns = np.concatenate(index_lists) if index_lists else np.zeros(0, dtype=np.int64)
        counts = sp.csr_matrix(
            (np.ones(len(columns), dtype=np.float32), (rows, columns)),
            shape=(len(index_lists), N_FEATURES),
        )
        counts.sum_duplicates()
        return normalize(counts, norm="l2", copy=False)


_FEATURES = NgramFeatures()


def ngram_features() -> NgramFeatures:
    """The process-wide featuriser (its hash cache is shared by every model)."""
    return _FEATURES


def _indicator_matrix(indicator_sets: Sequence[Sequence[str]]) -> sp.csr_matrix:
    index = {code: position for position, code in enumerate(INDICATOR_CODES)}
    rows, columns = [], []
    for row, codes in enumerate(indicator_sets):
        for code in set(codes):
            rows.append(row)
            columns.append(index[code])
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, columns)), shape=(len(indicator_sets), len(INDICATOR_CODES)))


class RiskModel:
    """Logistic risk model on indicators, words and word pairs (scikit-learn conventions).

    Parameters
    ----------
    alpha : float
        L2 regularisation strength of the SGD logistic model.
    threshold : float
        Calibrated probability at or above which an ad is labelled ``suspicious``.
    random_state : int
        Seed, so that the same data give the same model.

    Examples
    --------
    >>> texts = ["plata 3000 evra bez iskustvo viber", "stipendija za it praktikanti, dogovor"] * 10
    >>> indicators = [["HIGH_PAY", "NO_EXPERIENCE"], []] * 10
    >>> labels = ["suspicious", "legitimate"] * 10
    >>> model = RiskModel().fit(texts, indicators, labels)
    >>> model.score("plata 4000 evra bez iskustvo", ["HIGH_PAY"]).label
    'suspicious'
    """

    # Learned state (set by ``fit`` or ``load``).
    coef_: np.ndarray
    intercept_: float
    platt_: tuple[float, float]
    class_weight_: dict[int, float]
    n_samples_seen_: int
    version_: str
    trained_at_: str
    metrics_: dict[str, float]

    def __init__(self, alpha: float = 1e-4, threshold: float = 0.5, random_state: int = 7) -> None:
        self.alpha = alpha
        self.threshold = threshold
        self.random_state = random_state

    # --- learning --------------------------------------------------------------------------
    def _features(
        self,
        folded_texts: Sequence[str],
        indicator_sets: Sequence[Sequence[str]],
        ngram_lists: Sequence[Sequence[str]] | None = None,
    ) -> sp.csr_matrix:
        ngram_lists = ngram_lists or [_FEATURES.ngrams(text) for text in folded_texts]
        return self._features_from_indices(indicator_sets, _FEATURES.indices(ngram_lists))

    @staticmethod
    def _features_from_indices(
        indicator_sets: Sequence[Sequence[str]], index_lists: Sequence[np.ndarray]
    ) -> sp.csr_matrix:
        text_part = _FEATURES.matrix_from_indices(index_lists)
        return sp.hstack(
            [_indicator_matrix(indicator_sets), text_part], format="csr", dtype=np.float64
        )

    def _new_estimator(self, class_weight: dict[int, float] | str = "balanced") -> SGDClassifier:
        return SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            max_iter=60,
            tol=1e-4,
            class_weight=class_weight,
            random_state=self.random_state,
        )

    def fit(
        self,
        folded_texts: Sequence[str],
        indicator_sets: Sequence[Sequence[str]],
        labels: Sequence[str],
    ) -> RiskModel:
        """Learn from labelled ads (``labels`` are ``suspicious`` or ``legitimate``)."""
        targets = self._targets(labels)
        features = self._features(folded_texts, indicator_sets)
        self.platt_ = self._platt_from_cross_validation(features, targets)
        counts = np.bincount(targets, minlength=2)
        # "balanced" weights, kept so that later decisions are weighed the same way
        self.class_weight_ = {label: len(targets) / (2.0 * counts[label]) for label in (0, 1)}
        self.n_samples_seen_ = 0
        return self._keep(self._new_estimator(self.class_weight_).fit(features, targets), targets)

    def _keep(self, estimator: SGDClassifier, targets: np.ndarray) -> RiskModel:
        """Take the estimator's weights as this model's, as a new version."""
        self.coef_ = estimator.coef_.ravel().astype(np.float64)
        self.intercept_ = float(estimator.intercept_[0])
        self.n_samples_seen_ += len(targets)
        self.version_ = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.trained_at_ = datetime.now(tz=UTC).isoformat()
        return self

    def partial_fit(
        self,
        folded_texts: Sequence[str],
        indicator_sets: Sequence[Sequence[str]],
        labels: Sequence[str],
    ) -> RiskModel:
        """Update the fitted model with new reviewer decisions (one pass of SGD)."""
        targets = self._targets(labels)
        features = self._features(folded_texts, indicator_sets)
        estimator = self._new_estimator(self.class_weight_)
        # A small constant step: a fresh SGD schedule would start with large steps and undo
        # what the model learned. Whether the update is kept is for the promotion gate.
        estimator.set_params(learning_rate="constant", eta0=0.001)
        # Start from the current weights: scikit-learn keeps coef_ it finds on the estimator.
        estimator.coef_ = self.coef_.reshape(1, -1).copy()
        estimator.intercept_ = np.array([self.intercept_])
        estimator.partial_fit(features, targets, classes=np.array([0, 1]))
        return self._keep(estimator, targets)

    @staticmethod
    def _targets(labels: Sequence[str]) -> np.ndarray:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(f"labels must be 'suspicious' or 'legitimate', not {sorted(unknown)}")
        return np.array([1 if label == "suspicious" else 0 for label in labels])

    def _platt_from_cross_validation(
        self, features: sp.csr_matrix, targets: np.ndarray
    ) -> tuple[float, float]:
        counts = np.bincount(targets, minlength=2)
        folds = min(5, int(counts.min()))
        if folds < 2:
            raise ValueError("need at least two labelled ads of each kind to learn")
        scores = np.zeros(len(targets))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        for train, test in splitter.split(features, targets):
            estimator = self._new_estimator().fit(features[train], targets[train])
            scores[test] = estimator.decision_function(features[test])
        sigmoid = LogisticRegression(C=1e6).fit(scores.reshape(-1, 1), targets)
        return float(sigmoid.coef_[0, 0]), float(sigmoid.intercept_[0])

    # --- scoring -----------------------------------------------------------------------------
    def decision_function(
        self, folded_texts: Sequence[str], indicator_sets: Sequence[Sequence[str]]
    ) -> np.ndarray:
        features = self._features(folded_texts, indicator_sets)
        return np.asarray(features @ self.coef_ + self.intercept_).ravel()

    def predict_proba(
        self,
        folded_texts: Sequence[str],
        indicator_sets: Sequence[Sequence[str]],
        ngram_lists: Sequence[Sequence[str]] | None = None,
    ) -> np.ndarray:
        """Calibrated probability of ``suspicious`` for each ad."""
        return self._probabilities(self._features(folded_texts, indicator_sets, ngram_lists))

    def _probabilities(self, features: sp.csr_matrix) -> np.ndarray:
        slope, offset = self.platt_
        scores = np.asarray(features @ self.coef_ + self.intercept_).ravel()
        return 1.0 / (1.0 + np.exp(-(slope * scores + offset)))

    def score_many(
        self,
        folded_texts: Sequence[str],
        indicator_sets: Sequence[Sequence[str]],
        explain: int = 5,
    ) -> tuple[np.ndarray, list[list[tuple[str, float]]]]:
        """Probabilities and explanations for a batch, hashing every n-gram once."""
        ngram_lists = [_FEATURES.ngrams(text) for text in folded_texts]
        index_lists = _FEATURES.indices(ngram_lists)
        probabilities = self._probabilities(
            self._features_from_indices(indicator_sets, index_lists)
        )
        return probabilities, self._explain(ngram_lists, index_lists, explain)

    def indicator_weights(self) -> dict[str, float]:
        """The learned weight (log-odds contribution) of each indicator."""
        slope = self.platt_[0]
        return {code: float(self.coef_[i] * slope) for i, code in enumerate(INDICATOR_CODES)}

    def score(self, folded_text: str, indicators: Sequence[str], explain: int = 5) -> RiskScore:
        """Score one ad, with the explanation attached."""
        probability = float(self.predict_proba([folded_text], [indicators])[0])
        return RiskScore(
            probability=probability,
            label=self.label_for(probability),
            indicator_weights={code: self.indicator_weights()[code] for code in indicators},
            top_ngrams=self.top_ngrams(folded_text, explain),
        )

    def label_for(self, probability: float) -> str:
        return "suspicious" if probability >= self.threshold else "legitimate"

    def top_ngrams(
        self, folded_text: str, limit: int = 5, ngrams: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The words and word pairs of this text that raised its score most."""
        return self.top_ngrams_many([folded_text], limit, [ngrams] if ngrams is not None else None)[
            0
        ]

    def top_ngrams_many(
        self,
        folded_texts: Sequence[str],
        limit: int = 5,
        ngram_lists: Sequence[Sequence[str]] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """:meth:`top_ngrams` for a batch (one hashing pass for all texts)."""
        if limit <= 0:
            return [[] for _ in folded_texts]
        ngram_lists = ngram_lists or [_FEATURES.ngrams(text) for text in folded_texts]
        return self._explain(ngram_lists, _FEATURES.indices(ngram_lists), limit)

    def _explain(
        self,
        ngram_lists: Sequence[Sequence[str]],
        index_lists: Sequence[np.ndarray],
        limit: int,
    ) -> list[list[tuple[str, float]]]:
        if limit <= 0:
            return [[] for _ in ngram_lists]
        offset = len(INDICATOR_CODES)
        explanations = []
        for ngrams, indices in zip(ngram_lists, index_lists, strict=True):
            weights = self.coef_[offset + indices]
            chosen: dict[str, float] = {}
            for position in np.argsort(-weights):
                weight = float(weights[position])
                if weight <= 0 or len(chosen) >= limit:
                    break
                readable = ngrams[position].strip()
                if len(readable) >= 3 and readable not in chosen:
                    chosen[readable] = weight
            explanations.append(list(chosen.items()))
        return explanations

    # --- evaluation and promotion ---------------------------------------------------------
    def evaluate(
        self,
        folded_texts: Sequence[str],
        indicator_sets: Sequence[Sequence[str]],
        labels: Sequence[str],
    ) -> dict[str, float]:
        targets = self._targets(labels)
        probabilities = self.predict_proba(folded_texts, indicator_sets)
        predicted = (probabilities >= self.threshold).astype(int)
        return {
            "precision": float(precision_score(targets, predicted, zero_division=0)),
            "recall": float(recall_score(targets, predicted, zero_division=0)),
            "f1": float(f1_score(targets, predicted, zero_division=0)),
            "pr_auc": float(average_precision_score(targets, probabilities)),
            "brier": float(np.mean((probabilities - targets) ** 2)),
            "n": float(len(targets)),
        }

    # --- saving ----------------------------------------------------------------------------
    def save(self, path: str | Path, *, metrics: dict[str, float] | None = None) -> Path:
        """Write the model as plain arrays and JSON (no pickle)."""
        path = Path(path)
        metadata = {
            "format": FORMAT,
            "version": self.version_,
            "trained_at": self.trained_at_,
            "n_samples_seen": self.n_samples_seen_,
            "alpha": self.alpha,
            "threshold": self.threshold,
            "random_state": self.random_state,
            "platt": list(self.platt_),
            "intercept": self.intercept_,
            "n_features": N_FEATURES,
            "class_weight": [self.class_weight_[0], self.class_weight_[1]],
            "ngram_range": list(NGRAM_RANGE),
            "indicators": list(INDICATOR_CODES),
            "metrics": metrics or {},
        }
        nonzero = np.flatnonzero(self.coef_)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                coef_index=nonzero.astype(np.int32),
                coef_value=self.coef_[nonzero],
                metadata=np.array(json.dumps(metadata)),
            )
        return path

    def to_bytes(self, *, metrics: dict[str, float] | None = None) -> bytes:
        """The model file's bytes (what :meth:`save` writes), e.g. to keep in a database."""
        with tempfile.TemporaryDirectory() as folder:
            path = self.save(Path(folder) / "model.npz", metrics=metrics)
            return path.read_bytes()

    @classmethod
    def from_bytes(cls, payload: bytes) -> RiskModel:
        """:meth:`load` from bytes; refuses anything that is not a Fener model file."""
        try:
            return cls._read(io.BytesIO(payload), "the stored model")
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            raise ValueError(f"not a Fener risk model: {error}") from error

    @classmethod
    def load(cls, path: str | Path) -> RiskModel:
        """Read a model written by :meth:`save`; refuses anything else."""
        return cls._read(Path(path), str(path))

    @classmethod
    def _read(cls, source: Path | io.BytesIO, name: str) -> RiskModel:
        with np.load(source, allow_pickle=False) as data:
            metadata = json.loads(str(data["metadata"]))
            if metadata.get("format") != FORMAT:
                raise ValueError(f"not a Fener risk model: {name}")
            if metadata["n_features"] != N_FEATURES or metadata["indicators"] != list(
                INDICATOR_CODES
            ):
                raise ValueError("the model was trained with other features; retrain it")
            coef = np.zeros(len(INDICATOR_CODES) + N_FEATURES)
            coef[data["coef_index"]] = data["coef_value"]
        model = cls(metadata["alpha"], metadata["threshold"], metadata["random_state"])
        model.coef_ = coef
        model.intercept_ = float(metadata["intercept"])
        model.platt_ = (float(metadata["platt"][0]), float(metadata["platt"][1]))
        model.class_weight_ = {
            0: float(metadata["class_weight"][0]),
            1: float(metadata["class_weight"][1]),
        }
        model.n_samples_seen_ = int(metadata["n_samples_seen"])
        model.version_ = metadata["version"]
        model.trained_at_ = metadata["trained_at"]
        model.metrics_ = dict(metadata.get("metrics", {}))
        return model


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    candidate: dict[str, float]
    current: dict[str, float] | None
    reason: str


def promotion_decision(
    candidate: RiskModel,
    current: RiskModel | None,
    folded_texts: Sequence[str],
    indicator_sets: Sequence[Sequence[str]],
    labels: Sequence[str],
    tolerance: float = 0.0,
) -> PromotionDecision:
    """Promote ``candidate`` only if it is not worse than ``current`` on held-out labels.

    "Not worse" means PR-AUC and F1 both at least the current model's (minus ``tolerance``).
    """
    candidate_metrics = candidate.evaluate(folded_texts, indicator_sets, labels)
    if current is None:
        return PromotionDecision(True, candidate_metrics, None, "no current model")
    current_metrics = current.evaluate(folded_texts, indicator_sets, labels)
    worse = [
        name
        for name in ("pr_auc", "f1")
        if candidate_metrics[name] + tolerance < current_metrics[name]
        and not math.isclose(candidate_metrics[name], current_metrics[name])
    ]
    if worse:
        return PromotionDecision(
            False, candidate_metrics, current_metrics, f"worse on held-out {', '.join(worse)}"
        )
    return PromotionDecision(
        True, candidate_metrics, current_metrics, "not worse on held-out labels"
    )


def model_metadata(path: str | Path) -> dict[str, Any]:
    with np.load(Path(path), allow_pickle=False) as data:
        return dict(json.loads(str(data["metadata"])))
