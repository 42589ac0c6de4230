"""One pass over a transaction set: typologies, communities and key players, per account.

This is what ``fener network analyze`` writes: one result per account, highest score first.
The score is a documented, explainable sum (not a learnt model): each typology flag an account
takes part in adds its weight (patterns that need several coordinated accounts weigh more),
and the account's standing among the key players adds up to one more point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from fener.analytics.graph.analysis import communities, key_players
from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.typologies import Flag, ScanParameters, scan

WEIGHTS = {
    "cycle": 3.0,
    "scatter_gather": 3.0,
    "gather_scatter": 3.0,
    "structuring": 2.0,
    "rapid_pass_through": 2.0,
    "fan_in": 1.0,
    "fan_out": 1.0,
}


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
) -> list[AccountResult]:
    """Flags, communities and ranks for every account, highest score first.

    Parameters
    ----------
    transactions : TransactionSet
    window : float
        The typologies' time window, in seconds.
    threshold : float
        The reporting threshold that structuring stays under.
    accounts : iterable of str
        Accounts to list even when they made no transaction (score 0).

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
        kind = str(flag.type.value if hasattr(flag.type, "value") else flag.type)
        for account in flag.accounts:
            result = results.setdefault(account, AccountResult(account))
            result.score += WEIGHTS.get(kind, 1.0)
            result.typologies.append({"type": kind, "transactions": list(flag.transactions)})
    if len(transactions):
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
            players = key_players(edges, communities=groups)
            count = len(players)
            for player in players:
                result = results[player.account]
                result.community = groups.get(player.account)
                result.rank = player.rank
                result.score += 1.0 - (player.rank - 1) / max(count, 1)
    return sorted(results.values(), key=lambda r: (-r.score, r.rank or 10**9, r.account))
