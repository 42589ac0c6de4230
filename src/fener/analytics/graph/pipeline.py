"""One pass over a transaction set: typologies, communities and key players, per account.

This is what ``fener network analyze`` writes: one result per account, highest score first.
The score is the fitted account scorer of :mod:`fener.analytics.graph.scoring` (a logistic
regression over activity, one-off counterparties, typology flags and amounts, between 0 and
1; see that module for how it was fitted and how to refit it); in a set of fewer than 100
accounts with transfers, where the fitted scorer has no typical account to compare with, it is
:func:`~fener.analytics.graph.scoring.flag_score` of the patterns the account takes part in.
An account with no transfer scores 0. Each result lists the typology flags the account takes part in, with the transfers
that prove them, so every score can be checked against the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from fener.analytics.graph.analysis import communities_of, key_players_of
from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.scoring import (
    MIN_ACCOUNTS_FOR_ATYPICALITY,
    Scorer,
    account_features,
    flag_score,
    load_scorer,
)
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


# Above this many accounts, Leiden stops after a few iterations (the last ones barely move the
# modularity: 0.3721 after 10 against 0.3722 until stable on 500k accounts) and betweenness is
# estimated from routes out of a seeded sample of accounts (exact betweenness follows the routes
# from every account, out of reach at national scale). Below it, both are exact.
EXACT_LIMIT = 50_000
LEIDEN_ITERATIONS = 10
BETWEENNESS_SOURCES = 64


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
        # One entry per flag, shared by every account the flag names (a merged fan-in on a
        # busy account can name thousands of payers: copying its evidence for each of them
        # took most of the time on a million transfers). Read-only for callers.
        entry: dict[str, object] = {
            "type": str(flag.type.value),
            "transactions": list(flag.transactions),
        }
        for account in flag.accounts:
            results[account].typologies.append(entry)
    if not len(transactions):
        return sorted(results.values(), key=lambda r: r.account)
    active = np.zeros(len(transactions.account_ids), dtype=bool)
    keep = transactions.sources != transactions.targets
    active[transactions.sources[keep]] = True
    active[transactions.targets[keep]] = True
    if scorer is None and int(active.sum()) < MIN_ACCOUNTS_FOR_ATYPICALITY:
        # Too few accounts for the fitted scorer (see fener.analytics.graph.scoring).
        scores = np.array(
            [
                flag_score([str(t["type"]) for t in results[a].typologies])
                for a in transactions.account_ids
            ]
        )
    else:
        chosen = scorer if scorer is not None else load_scorer()
        scores = chosen.scores(account_features(transactions, flags))
    for account, value, moved in zip(
        transactions.account_ids, scores.tolist(), active.tolist(), strict=True
    ):
        results[account].score = value if moved else 0.0
    large = len(transactions.account_ids) > EXACT_LIMIT
    groups = communities_of(
        transactions, seed=seed, max_iterations=LEIDEN_ITERATIONS if large else None
    )
    players = key_players_of(
        transactions,
        communities=np.where(groups < 0, 0, groups),
        betweenness_sources=BETWEENNESS_SOURCES if large else None,
        seed=seed,
    )
    ids = transactions.account_ids
    code = {account: index for index, account in enumerate(ids)}
    for player in players:
        result = results[player.account]
        community = int(groups[code[player.account]])
        result.community = community if community >= 0 else None
        result.rank = player.rank
    return sorted(results.values(), key=lambda r: (-r.score, r.rank or 10**9, r.account))
