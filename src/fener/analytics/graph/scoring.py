"""Account scores: how much an account looks like a laundering account, between 0 and 1.

The score is a logistic regression over a handful of per-account features that an analyst
can read off the ledger and the typology flags (:data:`FEATURES`):

* activity: how many transfers the account made and received, and with how many distinct
  counterparties (all on a log scale);
* one-off counterparties: the share of its outgoing and of its incoming transfers that go
  over a pair of accounts used only once in the whole set, and the number of such one-off
  transfers (laundering transfers in AMLSim are one-off moves, ordinary payments repeat
  along standing relationships);
* the typology flags it takes part in: the number of flags of each type (log scale) and the
  number of different types (taking part in several patterns);
* its mean transfer amount relative to the median transfer of the whole set (log ratio).

``score = 1 / (1 + exp(-(intercept + sum(coefficient_i * (feature_i - mean_i) / scale_i))))``.
An account is *suspected* when its score reaches the fitted ``threshold``. The coefficients,
the standardisation and the threshold live in ``data/account_scorer.json`` beside this module
(a small file in the repository, never fetched).

How it was fitted: on the AMLSim generated set only (``../shared/data/amlsim/
generated_python_port``; flags from :func:`~fener.analytics.graph.typologies.scan` with a
7-day window and default parameters), with an L2-regularised logistic regression from
scikit-learn, balanced class weights; the threshold is the one that maximises F1 on the fitted
accounts. The held-out figures are measured by five-fold cross-validation in which the
accounts of one alert (one laundering pattern) never sit on both sides. The IBM samples of 2019
were not used for fitting. Refit, and print the figures, with::

    uv run python bench/bench_network.py --fit

The features read the whole set at once (counterparty pairs are counted over all transfers),
so a score depends on the transfers it was computed with, and on the scan's window.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.typologies import Flag, Typology

__all__ = ["DEFAULT_SCORER_PATH", "FEATURES", "Scorer", "account_features", "load_scorer"]

DEFAULT_SCORER_PATH = Path(__file__).with_name("data") / "account_scorer.json"

FloatArray = npt.NDArray[np.float64]

_TYPES = tuple(t.value for t in Typology)
FEATURES: tuple[str, ...] = (
    "log_transfers_out",
    "log_transfers_in",
    "log_payees",
    "log_payers",
    "one_off_share_out",
    "one_off_share_in",
    "log_one_off_transfers",
    *(f"log_flags_{name}" for name in _TYPES),
    "typology_kinds",
    "log_amount_ratio",
)


def account_features(transactions: TransactionSet, flags: Sequence[Flag]) -> FloatArray:
    """Feature matrix, one row per account code and one column per name in :data:`FEATURES`.

    Parameters
    ----------
    transactions : TransactionSet
        The transfers; row ``i`` of the result describes ``transactions.account_ids[i]``.
        Transfers from an account to itself are left out, as in the scan.
    flags : sequence of Flag
        Typology flags found in the same transfers.

    Returns
    -------
    numpy.ndarray
        ``float64`` array of shape ``(len(account_ids), len(FEATURES))``.

    Raises
    ------
    ValueError
        If a flag names an account that is not in the set.

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> ts = TransactionSet.from_records([
    ...     Transaction("1", "A", "B", 100.0, 0.0),
    ...     Transaction("2", "A", "B", 100.0, 1.0),
    ...     Transaction("3", "B", "C", 50.0, 2.0),
    ... ])
    >>> rows = account_features(ts, [])
    >>> rows.shape
    (3, 16)
    >>> column = FEATURES.index("one_off_share_out")
    >>> rows[:, column].tolist()  # A repeats a pair, B's only payment is one-off
    [0.0, 1.0, 0.0]
    """
    count = len(transactions.account_ids)
    matrix = np.zeros((count, len(FEATURES)), dtype=np.float64)
    keep = transactions.sources != transactions.targets
    source, target = transactions.sources[keep], transactions.targets[keep]
    amount = transactions.amounts[keep]
    column = FEATURES.index
    if len(source):
        out_count = np.bincount(source, minlength=count).astype(np.float64)
        in_count = np.bincount(target, minlength=count).astype(np.float64)
        pair = source * np.int64(count) + target
        pairs, inverse, uses = np.unique(pair, return_inverse=True, return_counts=True)
        once = (uses == 1)[inverse].astype(np.float64)
        pair_source, pair_target = pairs // count, pairs % count
        matrix[:, column("log_transfers_out")] = np.log1p(out_count)
        matrix[:, column("log_transfers_in")] = np.log1p(in_count)
        matrix[:, column("log_payees")] = np.log1p(np.bincount(pair_source, minlength=count))
        matrix[:, column("log_payers")] = np.log1p(np.bincount(pair_target, minlength=count))
        with np.errstate(invalid="ignore", divide="ignore"):
            share_out = np.bincount(source, weights=once, minlength=count) / out_count
            share_in = np.bincount(target, weights=once, minlength=count) / in_count
            total = np.bincount(source, weights=amount, minlength=count) + np.bincount(
                target, weights=amount, minlength=count
            )
            mean = total / (out_count + in_count)
        matrix[:, column("one_off_share_out")] = np.nan_to_num(share_out)
        matrix[:, column("one_off_share_in")] = np.nan_to_num(share_in)
        one_off = np.bincount(source, weights=once, minlength=count) + np.bincount(
            target, weights=once, minlength=count
        )
        matrix[:, column("log_one_off_transfers")] = np.log1p(one_off)
        median = float(np.median(amount))
        if median > 0:
            active = (out_count + in_count) > 0
            ratio = np.where(active & (mean > 0), mean / median, 1.0)
            matrix[:, column("log_amount_ratio")] = np.log(ratio)
    codes = {name: code for code, name in enumerate(transactions.account_ids)}
    kinds = np.zeros((count, len(_TYPES)), dtype=np.float64)
    for flag in flags:
        kind = _TYPES.index(Typology(flag.type).value)
        for account in flag.accounts:
            if account not in codes:
                msg = f"flag names account {account!r}, which is not in the transaction set"
                raise ValueError(msg)
            kinds[codes[account], kind] += 1
    first = column(f"log_flags_{_TYPES[0]}")
    matrix[:, first : first + len(_TYPES)] = np.log1p(kinds)
    matrix[:, column("typology_kinds")] = (kinds > 0).sum(axis=1)
    return matrix


@dataclass(frozen=True)
class Scorer:
    """A fitted logistic regression over :data:`FEATURES`, with its decision threshold.

    Parameters
    ----------
    features : tuple of str
        Feature names, in the order of the other arrays (must equal :data:`FEATURES`).
    mean, scale : tuple of float
        Standardisation: each feature becomes ``(value - mean) / scale``.
    coefficients : tuple of float
        Weight per standardised feature.
    intercept : float
        Constant term.
    threshold : float
        Score from which an account is suspected (between 0 and 1).
    fitted_on : str
        A note on the data and the command the scorer was fitted with.

    Examples
    --------
    >>> s = Scorer(("x",), (0.0,), (1.0,), (2.0,), 0.0, 0.5, "by hand")
    >>> [round(p, 3) for p in s.scores(np.array([[0.0], [1.0]])).tolist()]
    [0.5, 0.881]
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float
    threshold: float
    fitted_on: str = ""

    def __post_init__(self) -> None:
        size = len(self.features)
        for name in ("mean", "scale", "coefficients"):
            if len(getattr(self, name)) != size:
                msg = f"{name} has {len(getattr(self, name))} values for {size} features"
                raise ValueError(msg)
        numbers = [*self.mean, *self.scale, *self.coefficients, self.intercept, self.threshold]
        if not all(isinstance(x, int | float) and math.isfinite(x) for x in numbers):
            msg = "scorer values must be finite numbers"
            raise ValueError(msg)
        if any(x <= 0 for x in self.scale):
            msg = "scales must be positive"
            raise ValueError(msg)
        if not 0 < self.threshold < 1:
            msg = f"threshold must lie strictly between 0 and 1, got {self.threshold!r}"
            raise ValueError(msg)

    def scores(self, features: FloatArray) -> FloatArray:
        """Score per row of a feature matrix (columns in the order of ``features``)."""
        if features.ndim != 2 or features.shape[1] != len(self.features):
            msg = f"expected a matrix with {len(self.features)} columns, got {features.shape}"
            raise ValueError(msg)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = z @ np.asarray(self.coefficients) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logit, -500, 500))), dtype=np.float64)

    def to_json(self) -> str:
        """The scorer as JSON text (what :func:`load_scorer` reads)."""
        return json.dumps(
            {
                "features": list(self.features),
                "mean": list(self.mean),
                "scale": list(self.scale),
                "coefficients": list(self.coefficients),
                "intercept": self.intercept,
                "threshold": self.threshold,
                "fitted_on": self.fitted_on,
            },
            indent=1,
        )


def load_scorer(path: Path | None = None) -> Scorer:
    """Read a scorer from JSON; the one shipped with Fener when ``path`` is omitted.

    Parameters
    ----------
    path : pathlib.Path, optional
        A file written from :meth:`Scorer.to_json`.

    Returns
    -------
    Scorer

    Raises
    ------
    ValueError
        If the file is not a scorer for the current :data:`FEATURES`.

    Examples
    --------
    >>> load_scorer().features == FEATURES
    True
    """
    source = DEFAULT_SCORER_PATH if path is None else path
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        scorer = Scorer(
            features=tuple(data["features"]),
            mean=tuple(float(x) for x in data["mean"]),
            scale=tuple(float(x) for x in data["scale"]),
            coefficients=tuple(float(x) for x in data["coefficients"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            fitted_on=str(data.get("fitted_on", "")),
        )
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        msg = f"{source} is not a scorer file: {error}"
        raise ValueError(msg) from None
    if scorer.features != FEATURES:
        msg = f"{source} was fitted on other features: {', '.join(scorer.features)}"
        raise ValueError(msg)
    return scorer
