"""analyze(): scored accounts with their evidence, highest score first."""

from __future__ import annotations

from fener.analytics.graph.model import Transaction, TransactionSet
from fener.analytics.graph.pipeline import analyze
from fener.analytics.graph.scoring import FEATURES, Scorer

RING = [
    ("r1", "M1", "M2", 900.0, 0.0),
    ("r2", "M2", "M3", 880.0, 1.0),
    ("r3", "M3", "M1", 860.0, 2.0),
]
SALARY = [(f"p{i}", "EMPLOYER", "WORKER", 500.0, float(i) * 86_400) for i in range(10)]


def transfers(rows: list[tuple[str, str, str, float, float]]) -> TransactionSet:
    return TransactionSet.from_records(Transaction(*row) for row in rows)


def test_ring_accounts_come_first_with_their_proof() -> None:
    results = analyze(transfers(RING + SALARY), window=7 * 86_400.0, accounts=["IDLE"])

    assert {r.account for r in results[:3]} == {"M1", "M2", "M3"}
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    cycle = next(t for t in results[0].typologies if t["type"] == "cycle")
    assert cycle["transactions"] == ["r1", "r2", "r3"]
    idle = results[-1]
    assert idle.as_json() == {
        "account": "IDLE",
        "score": 0,
        "typologies": [],
        "community": None,
        "rank": None,
    }


def test_a_given_scorer_is_used() -> None:
    # A scorer that only rewards outgoing transfers puts the employer first.
    weights = tuple(1.0 if name == "log_transfers_out" else 0.0 for name in FEATURES)
    scorer = Scorer(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), weights, 0.0, 0.5)

    results = analyze(transfers(RING + SALARY), window=7 * 86_400.0, scorer=scorer)

    assert results[0].account == "EMPLOYER"
    assert results[0].rank is not None and results[0].community is not None


def test_no_transfers_gives_every_listed_account_a_zero() -> None:
    results = analyze(TransactionSet.from_records([]), window=1.0, accounts=["B", "A"])

    assert [(r.account, r.score, r.typologies) for r in results] == [("A", 0.0, []), ("B", 0.0, [])]
