"""``fener network analyze``: the contract's JSON Lines, bad rows by line, nothing half-analysed."""

import json

from click.testing import CliRunner

from fener.cli import main

RING = "id,source,target,amount,timestamp\n1,A,B,900,10\n2,B,C,880,20\n3,C,A,860,30\n4,D,E,50,40\n"


def test_each_account_gets_one_line_highest_score_first(tmp_path):
    transactions = tmp_path / "tx.csv"
    transactions.write_text(RING)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("acct_id\nA\nB\nC\nD\nE\nQUIET\n")
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "network",
            "analyze",
            "--transactions",
            str(transactions),
            "--accounts",
            str(accounts),
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["account"] for line in lines][-1] == "QUIET"
    assert {line["account"] for line in lines} == {"A", "B", "C", "D", "E", "QUIET"}
    assert set(lines[0]) == {"account", "score", "typologies", "community", "rank"}
    assert lines[0]["account"] in {"A", "B", "C"}
    cycle = next(t for t in lines[0]["typologies"] if t["type"] == "cycle")
    assert cycle["transactions"] == ["1", "2", "3"]
    scores = [line["score"] for line in lines]
    assert scores == sorted(scores, reverse=True)
    quiet = lines[-1]
    assert (quiet["score"], quiet["typologies"], quiet["community"]) == (0, [], None)


def test_bad_rows_are_reported_by_line_and_nothing_is_written(tmp_path):
    transactions = tmp_path / "tx.csv"
    transactions.write_text(RING + "5,A,,10,50\n6,A,B,ten,60\n")
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main, ["network", "analyze", "--transactions", str(transactions), "-o", str(output)]
    )
    assert result.exit_code == 1
    assert f"{transactions}:6:" in result.output and f"{transactions}:7:" in result.output
    assert "nothing was analysed" in result.output
    assert not output.exists()


def test_generic_columns_are_mapped(tmp_path):
    transactions = tmp_path / "tx.csv"
    transactions.write_text("from,to,eur,when\nA,B,100,1\nB,A,90,2\n")
    arguments = ["network", "analyze", "--transactions", str(transactions)]
    mapped = [
        *arguments,
        "--source-column",
        "from",
        "--target-column",
        "to",
        "--amount-column",
        "eur",
        "--timestamp-column",
        "when",
    ]
    result = CliRunner().invoke(main, mapped)
    assert result.exit_code == 0, result.output
    assert '"account": "A"' in result.output
