"""One pass over a transaction set: typologies, communities and key players, per account.

This is what ``fener network analyze`` writes: one result per account, highest score first.
The score is the fitted account scorer of :mod:`fener.analytics.graph.scoring` (a logistic
regression over activity, one-off counterparties, typology flags and amounts, between 0 and
1; see that module for how it was fitted and how to refit it). An account with no transfer
scores 0. Each result lists the typology flags the account takes part in, with the transfers
that prove them, so every score can be checked against the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from fener.analytics.graph.analysis import communities, key_players
from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.scoring import Scorer, account_features, load_scorer
from fener.analytics.graph.typologies import Flag, ScanParameters, scan


@dataclass
class AccountResult:
    """One account's line of the analysis."""

    account: str
    score: float = 0.0
    typologies: list[dict[str, object]] = field(default_factory=list)
    community: int | None = None
    rank: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "account": self.account,
            "score": round(self.score, 4),
            "typologies": self.typologies,
            "community": self.community,
            "rank": self.rank,
        }


def analyze(
    transactions: TransactionSet,
    *,
    window: float,
    threshold: float = 10_000,
    parameters: ScanParameters | None = None,
    accounts: Iterable[str] = (),
    seed: int = 0,
    scorer: Scorer | None = None,
) -> list[AccountResult]:
    """Flags, communities and ranks for every account, highest score first.

    Parameters
    ----------
    transactions : TransactionSet
    window : float
        The typologies' time window, in seconds.
    threshold : float
        The reporting threshold that structuring stays under.
    parameters : ScanParameters, optional
        Tuning of the typology scan.
    accounts : iterable of str
        Accounts to list even when they made no transaction (score 0).
    seed : int
        Seed of the community detection.
    scorer : Scorer, optional
        The account scorer; the one shipped with Fener when omitted.

    Returns
    -------
    list of AccountResult
        Highest score first (ties: better key-player rank, then account name).

    Examples
    --------
    >>> from fener.analytics.graph.model import Transaction
    >>> ring = [Transaction(str(i), a, b, 900.0, float(i)) for i, (a, b) in
    ...         enumerate([("A", "B"), ("B", "C"), ("C", "A")])]
    >>> top = analyze(TransactionSet.from_records(ring), window=86_400)[0]
    >>> sorted({t["type"] for t in top.typologies})
    ['cycle', 'rapid_pass_through']
    """
    flags: list[Flag] = scan(
        transactions, window=window, threshold=threshold, parameters=parameters
    )
    results: dict[str, AccountResult] = {a: AccountResult(a) for a in accounts}
    for account in transactions.account_ids:
        results.setdefault(account, AccountResult(account))
    for flag in flags:
        kind = str(flag.type.value)
        for account in flag.accounts:
            results[account].typologies.append(
                {"type": kind, "transactions": list(flag.transactions)}
            )
    if not len(transactions):
        return sorted(results.values(), key=lambda r: r.account)
    chosen = scorer if scorer is not None else load_scorer()
    scores = chosen.scores(account_features(transactions, flags))
    active = np.zeros(len(transactions.account_ids), dtype=bool)
    keep = transactions.sources != transactions.targets
    active[transactions.sources[keep]] = True
    active[transactions.targets[keep]] = True
    for account, value, moved in zip(
        transactions.account_ids, scores.tolist(), active.tolist(), strict=True
    ):
        results[account].score = value if moved else 0.0
    totals: defaultdict[tuple[str, str], float] = defaultdict(float)
    ids = transactions.account_ids
    for source, target, amount in zip(
        transactions.sources.tolist(),
        transactions.targets.tolist(),
        transactions.amounts.tolist(),
        strict=True,
    ):
        if source != target:
            totals[(ids[source], ids[target])] += amount
    edges = [(a, b, weight) for (a, b), weight in totals.items()]
    if edges:
        groups = communities(edges, seed=seed)
        for player in key_players(edges, communities=groups):
            result = results[player.account]
            result.community = groups.get(player.account)
            result.rank = player.rank
    return sorted(results.values(), key=lambda r: (-r.score, r.rank or 10**9, r.account))
