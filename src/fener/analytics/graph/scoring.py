"""Account scores: how much an account looks like a laundering account, between 0 and 1.

The score is a logistic regression over per-account features that an analyst can read off
the ledger and the typology flags (:data:`FEATURES`, 48 columns):

* activity: how many transfers the account made and received, and with how many distinct
  counterparties (log scale); how busy its counterparties are (mean log of their transfers);
* one-off counterparties: the share of its outgoing and of its incoming transfers that go
  over a pair of accounts used only once in the whole set, and the number of such transfers;
* the typology flags it takes part in: the number of flags of each type (log scale) and the
  number of different types (taking part in several patterns);
* amounts: its mean amount against the median transfer of the set (log ratio), the spread of
  the (log) amounts it sends and receives, how much of what comes in goes out again
  (``flow_balance``, 1 for a pure pass-through) and its share of outgoing transfers;
* timing: the mean and the spread of the (log) gaps between its consecutive transfers, and the
  part of the set's time span over which it is active;
* atypicality: for each of the 24 columns above, ``atypical_<name>`` is how far the account
  lies from the median account *of the same set*, in standard deviations of that set. A set
  of fewer than :data:`MIN_ACCOUNTS_FOR_ATYPICALITY` accounts has no meaningful "typical"
  account: there these columns are all 0.

Why the atypicality columns: the plain columns do not mean the same thing from one data set
to another. In the AMLSim set generated here, ordinary accounts repeat standing pairs and
laundering transfers are one-off moves; in the IBM samples of 2019 it is the reverse
(ordinary payments go to ever-new payees, the laundering accounts repeat pairs). A scorer
fitted on one set then reads the other upside down (F1 0.09 on the IBM samples). What
holds in both is that laundering accounts behave unlike the bulk of the set, which the
atypicality columns measure. They make a score relative to the transfers it is computed
with: scoring an account inside a different set can change its score.

``score = 1 / (1 + exp(-(intercept + sum(coefficient_i * (feature_i - mean_i) / scale_i))))``.
An account is *suspected* when its score reaches the fitted ``threshold``. The coefficients,
the standardisation and the threshold live in ``data/account_scorer.json`` beside this module
(a small file in the repository, never fetched).

How it was fitted: jointly on the AMLSim generated set (``../shared/data/amlsim/
generated_python_port``) and the IBM sample ``20K_cycle200`` (``ibm_samples_2019``), flags
from :func:`~fener.analytics.graph.typologies.scan` with a 7-day window and default
parameters; L2-regularised logistic regression from scikit-learn with balanced class weights
over the pooled accounts; the threshold maximises F1 over the pooled fitted accounts. Held-out
figures come from five-fold grouped cross-validation (the accounts of one alert together for
the generated set; one account per group for the IBM sample, whose laundering accounts form
a single connected cluster). The IBM sample ``20K_fanin200`` is never fitted on: it is the
unseen check. Sets of fewer than :data:`MIN_ACCOUNTS_FOR_ATYPICALITY` accounts are scored by a
second regression stored inside the first (``small_sets``), fitted on the generated set alone
with the atypicality columns at 0; it has no held-out figure on the IBM samples and reads
one-off pairs the generated set's way. Refit both, and print the figures, with::

    uv run python bench/bench_network.py --fit --skip-speed

The pipeline does not use that second regression: in a small set almost every pair of
accounts trades once, so it scores nearly every account near 1. Below
:data:`MIN_ACCOUNTS_FOR_ATYPICALITY` accounts with transfers the pipeline uses
:func:`flag_score` instead, which rests on the typology flags alone.
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

__all__ = [
    "DEFAULT_SCORER_PATH",
    "FEATURES",
    "FLAG_WEIGHTS",
    "MIN_ACCOUNTS_FOR_ATYPICALITY",
    "Scorer",
    "account_features",
    "flag_score",
    "load_scorer",
]

DEFAULT_SCORER_PATH = Path(__file__).with_name("data") / "account_scorer.json"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_TYPES = tuple(t.value for t in Typology)
_PLAIN: tuple[str, ...] = (
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
    "flow_balance",
    "out_share",
    "amount_spread_out",
    "amount_spread_in",
    "gap_spread",
    "log_mean_gap",
    "active_span",
    "log_counterparty_transfers",
)
MIN_ACCOUNTS_FOR_ATYPICALITY = 100

# The weight of each typology in :func:`flag_score`: a judgement of how strongly one pattern of
# the kind, found alone, points to laundering (patterns that need several coordinated accounts
# weigh more than one account's many payers or payees). Not fitted: a small set has too few
# accounts to fit anything.
FLAG_WEIGHTS: dict[str, float] = {
    "cycle": 0.6,
    "scatter_gather": 0.6,
    "gather_scatter": 0.5,
    "structuring": 0.5,
    "rapid_pass_through": 0.4,
    "fan_in": 0.3,
    "fan_out": 0.3,
}


def flag_score(types: Sequence[str]) -> float:
    """The score of an account in a small set, from the kinds of pattern it takes part in:
    ``1 - prod(1 - weight)`` over its distinct kinds (:data:`FLAG_WEIGHTS`), 0 with none.

    Examples
    --------
    >>> flag_score([])
    0.0
    >>> round(flag_score(["cycle", "rapid_pass_through", "cycle"]), 2)
    0.76
    """
    remaining = 1.0
    for kind in set(types):
        remaining *= 1.0 - FLAG_WEIGHTS.get(kind, 0.3)
    return 1.0 - remaining


FEATURES: tuple[str, ...] = (*_PLAIN, *(f"atypical_{name}" for name in _PLAIN))


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
    (3, 48)
    >>> column = FEATURES.index("one_off_share_out")
    >>> rows[:, column].tolist()  # A repeats a pair, B's only payment is one-off
    [0.0, 1.0, 0.0]
    """
    count = len(transactions.account_ids)
    matrix = np.zeros((count, len(FEATURES)), dtype=np.float64)
    keep = transactions.sources != transactions.targets
    source, target = transactions.sources[keep], transactions.targets[keep]
    amount, when = transactions.amounts[keep], transactions.timestamps[keep]
    column = FEATURES.index
    if len(source):
        _ledger_columns(matrix, count, source, target, amount, when)
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
    plain = len(_PLAIN)
    if count >= MIN_ACCOUNTS_FOR_ATYPICALITY:
        values = matrix[:, :plain]
        spread = values.std(axis=0)
        spread[spread == 0] = 1.0
        matrix[:, plain:] = np.abs(values - np.median(values, axis=0)) / spread
    return matrix


def _per_account(
    index: IntArray, values: FloatArray, count: int, seen: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Mean and standard deviation of ``values`` grouped by ``index`` (0 where none)."""
    total = np.bincount(index, weights=values, minlength=count)
    squares = np.bincount(index, weights=values * values, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nan_to_num(total / seen)
        variance = np.nan_to_num(squares / seen) - mean * mean
    return mean, np.sqrt(np.maximum(variance, 0.0))


def _ledger_columns(
    matrix: FloatArray,
    count: int,
    source: IntArray,
    target: IntArray,
    amount: FloatArray,
    when: FloatArray,
) -> None:
    """Fill the columns read from the transfers alone (not the flags) in place."""
    column = FEATURES.index
    out_count = np.bincount(source, minlength=count).astype(np.float64)
    in_count = np.bincount(target, minlength=count).astype(np.float64)
    moves = out_count + in_count
    pair = source * np.int64(count) + target
    pairs, inverse, uses = np.unique(pair, return_inverse=True, return_counts=True)
    once = (uses == 1)[inverse].astype(np.float64)
    pair_source, pair_target = pairs // count, pairs % count
    matrix[:, column("log_transfers_out")] = np.log1p(out_count)
    matrix[:, column("log_transfers_in")] = np.log1p(in_count)
    matrix[:, column("log_payees")] = np.log1p(np.bincount(pair_source, minlength=count))
    matrix[:, column("log_payers")] = np.log1p(np.bincount(pair_target, minlength=count))
    sent = np.bincount(source, weights=amount, minlength=count)
    received = np.bincount(target, weights=amount, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_out = np.bincount(source, weights=once, minlength=count) / out_count
        share_in = np.bincount(target, weights=once, minlength=count) / in_count
        mean = (sent + received) / moves
        balance = 1.0 - np.abs(sent - received) / (sent + received)
        out_share = out_count / moves
    matrix[:, column("one_off_share_out")] = np.nan_to_num(share_out)
    matrix[:, column("one_off_share_in")] = np.nan_to_num(share_in)
    one_off = np.bincount(source, weights=once, minlength=count) + np.bincount(
        target, weights=once, minlength=count
    )
    matrix[:, column("log_one_off_transfers")] = np.log1p(one_off)
    median = float(np.median(amount))
    if median > 0:
        ratio = np.where((moves > 0) & (mean > 0), mean / median, 1.0)
        matrix[:, column("log_amount_ratio")] = np.log(ratio)
    matrix[:, column("flow_balance")] = np.nan_to_num(balance)
    matrix[:, column("out_share")] = np.nan_to_num(out_share, nan=0.5)
    log_amount = np.log(np.maximum(amount, 1e-9))
    matrix[:, column("amount_spread_out")] = _per_account(source, log_amount, count, out_count)[1]
    matrix[:, column("amount_spread_in")] = _per_account(target, log_amount, count, in_count)[1]
    # Gaps between an account's consecutive transfers, sent and received together.
    everyone = np.concatenate([source, target])
    times = np.concatenate([when, when])
    order = np.lexsort((times, everyone))
    everyone, times = everyone[order], times[order]
    same = everyone[1:] == everyone[:-1]
    gap_owner = everyone[1:][same]
    gaps = np.log1p(np.maximum(np.diff(times)[same], 0.0))
    gap_count = np.bincount(gap_owner, minlength=count).astype(np.float64)
    gap_mean, gap_spread = _per_account(gap_owner, gaps, count, gap_count)
    matrix[:, column("log_mean_gap")] = gap_mean
    matrix[:, column("gap_spread")] = gap_spread
    first = np.full(count, np.inf)
    last = np.full(count, -np.inf)
    np.minimum.at(first, everyone, times)
    np.maximum.at(last, everyone, times)
    span = float(when.max() - when.min())
    active = np.where(np.isfinite(first), last - first, 0.0)
    matrix[:, column("active_span")] = active / span if span > 0 else 0.0
    busy = np.log1p(moves)
    around = np.bincount(source, weights=busy[target], minlength=count) + np.bincount(
        target, weights=busy[source], minlength=count
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix[:, column("log_counterparty_transfers")] = np.nan_to_num(around / moves)


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
    small_sets : Scorer, optional
        Used instead for a matrix of fewer than :data:`MIN_ACCOUNTS_FOR_ATYPICALITY` rows (a
        set too small to say what a typical account is, where the atypicality columns are 0).

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
    small_sets: Scorer | None = None

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
        if self.small_sets is not None and len(features) < MIN_ACCOUNTS_FOR_ATYPICALITY:
            return self.small_sets.scores(features)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = z @ np.asarray(self.coefficients) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logit, -500, 500))), dtype=np.float64)

    def to_json(self) -> str:
        """The scorer as JSON text (what :func:`load_scorer` reads)."""
        return json.dumps(self._as_dict(), indent=1)

    def _as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
        }
        if self.small_sets is not None:
            data["small_sets"] = self.small_sets._as_dict()
        return data


def _from_dict(data: dict[str, object]) -> Scorer:
    small = data.get("small_sets")
    return Scorer(
        features=tuple(str(x) for x in data["features"]),  # type: ignore[attr-defined]
        mean=tuple(float(x) for x in data["mean"]),  # type: ignore[attr-defined]
        scale=tuple(float(x) for x in data["scale"]),  # type: ignore[attr-defined]
        coefficients=tuple(float(x) for x in data["coefficients"]),  # type: ignore[attr-defined]
        intercept=float(data["intercept"]),  # type: ignore[arg-type]
        threshold=float(data["threshold"]),  # type: ignore[arg-type]
        fitted_on=str(data.get("fitted_on", "")),
        small_sets=None if small is None else _from_dict(small),  # type: ignore[arg-type]
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
        scorer = _from_dict(json.loads(source.read_text(encoding="utf-8")))
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        msg = f"{source} is not a scorer file: {error}"
        raise ValueError(msg) from None
    if scorer.features != FEATURES or (
        scorer.small_sets is not None and scorer.small_sets.features != FEATURES
    ):
        msg = f"{source} was fitted on other features: {', '.join(scorer.features)}"
        raise ValueError(msg)
    return scorer
