"""``--engine spark``: Spark's candidate accounts equal the in-process ones, and the flags (with
their proving transfers) equal the local engine's on the whole set, in ``local[2]``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from fener.analytics.graph.model import TransactionSet
from fener.analytics.graph.pipeline import analyze
from fener.analytics.graph.readers import read_transactions
from fener.analytics.graph.spark import spark_busiest
from fener.analytics.graph.spark_pipeline import analyze_on_spark, local_candidates
from fener.analytics.graph.typologies import ScanParameters
from fener.analytics.graph.windows import busiest
from fener.cli import main
from tests.analytics_graph.test_spark import AMLSIM_TRANSACTIONS, DAY, random_transfers, spark  # noqa: F401

pytestmark = pytest.mark.spark


def _flags(results) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    return {
        r.account: sorted((str(t["type"]), tuple(t["transactions"])) for t in r.typologies)
        for r in results
        if r.typologies
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_busiest_counts_and_candidates_are_the_same_on_spark(spark, seed):  # noqa: F811
    transactions = random_transfers(seed, accounts=25, transfers=400)
    for mine, theirs in zip(
        busiest(transactions, 7.0), spark_busiest(spark, transactions, 7.0), strict=True
    ):
        assert np.array_equal(mine, theirs)
    params = ScanParameters(hub_transfers=6, fan_in_min_sources=3, fan_out_min_targets=3)
    run = analyze_on_spark(spark, transactions, window=7.0, threshold=600.0, parameters=params)
    assert run.candidates == int(local_candidates(transactions, 7.0, 600.0, params).sum())


@pytest.mark.parametrize(
    "params",
    [
        ScanParameters(),
        ScanParameters(hub_transfers=5, fan_in_min_sources=3, fan_out_min_targets=3),
    ],
    ids=["defaults", "small-hubs"],
)
def test_spark_engine_finds_the_same_flags_as_the_local_engine(spark, params):  # noqa: F811
    transactions = random_transfers(3, accounts=40, transfers=600)
    local = analyze(transactions, window=7.0, threshold=600.0, parameters=params)
    remote = analyze_on_spark(spark, transactions, window=7.0, threshold=600.0, parameters=params)
    assert _flags(remote.results) == _flags(local)
    assert {r.account for r in remote.results} == {r.account for r in local}
    assert remote.transfers_kept <= len(transactions)


@pytest.mark.skipif(not AMLSIM_TRANSACTIONS.exists(), reason=f"{AMLSIM_TRANSACTIONS} is absent")
def test_spark_engine_agrees_on_amlsim(spark):  # noqa: F811
    whole, _ = read_transactions(AMLSIM_TRANSACTIONS)
    rows = np.arange(8_000)
    part = TransactionSet(
        sources=whole.sources[rows],
        targets=whole.targets[rows],
        amounts=whole.amounts[rows],
        timestamps=whole.timestamps[rows],
        account_ids=whole.account_ids,
        transaction_ids=[whole.transaction_ids[i] for i in rows],
    )
    local = analyze(part, window=7 * DAY)
    remote = analyze_on_spark(spark, part, window=7 * DAY)
    assert _flags(remote.results) == _flags(local)
    assert remote.components >= 1 and remote.candidates > 0


def test_the_command_runs_on_spark(spark, tmp_path):  # noqa: F811
    transactions = tmp_path / "tx.csv"
    rows = ["id,source,target,amount,timestamp"]
    rows += [f"p{i},P{i},HUB,{900 + i},{i * 60}" for i in range(6)]
    rows.append("out,HUB,BOSS,5000,900")
    transactions.write_text("\n".join(rows) + "\n")
    outputs = {}
    for engine in ("local", "spark"):
        output = tmp_path / f"{engine}.jsonl"
        result = CliRunner().invoke(
            main,
            [
                "network",
                "analyze",
                "--transactions",
                str(transactions),
                "--engine",
                engine,
                "-o",
                str(output),
            ],
        )
        assert result.exit_code == 0, result.output
        outputs[engine] = {
            line["account"]: line["typologies"]
            for line in map(json.loads, output.read_text().splitlines())
        }
    assert outputs["spark"] == outputs["local"]
    assert any(t["type"] == "fan_in" for t in outputs["spark"]["HUB"])
    assert "candidate accounts" in result.output


def test_spark_engine_lists_accounts_without_transfers(spark):  # noqa: F811
    empty = TransactionSet(
        sources=np.zeros(0, dtype=np.int64),
        targets=np.zeros(0, dtype=np.int64),
        amounts=np.zeros(0),
        timestamps=np.zeros(0),
    )
    run = analyze_on_spark(spark, empty, window=7.0, accounts=["A", "B"])
    assert [r.account for r in run.results] == ["A", "B"] and run.candidates == 0


def test_bad_windows_are_refused_before_spark_runs(spark):  # noqa: F811
    transactions = random_transfers(4, accounts=5, transfers=20)
    with pytest.raises(ValueError, match="window"):
        analyze_on_spark(spark, transactions, window=0.0)


def test_a_pass_through_window_longer_than_the_window_is_refused(spark):  # noqa: F811
    transactions = random_transfers(5, accounts=5, transfers=20)
    with pytest.raises(ValueError, match="pass_through_window"):
        analyze_on_spark(
            spark, transactions, window=7.0, parameters=ScanParameters(pass_through_window=30.0)
        )
