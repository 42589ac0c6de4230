"""What a review of the engine found, fixed and kept fixed: bad files refused with the file's own
line numbers, no silent shifting of fields, clear errors for encodings, ranges and options, and
small sets scored by their patterns only."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from fener.analytics.graph.model import Transaction, TransactionSet
from fener.analytics.graph.pipeline import analyze
from fener.analytics.graph.readers import TransactionFileError, read_transactions
from fener.analytics.graph.scoring import flag_score
from fener.cli import main

HEADER = "id,source,target,amount,timestamp\n"


def _problems(tmp_path, text: str, encoding: str = "utf-8") -> list[tuple[int, str]]:
    path = tmp_path / "tx.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(TransactionFileError) as caught:
        read_transactions(path)
    return caught.value.problems


def test_line_numbers_are_the_files_own_across_blank_lines_and_quoted_breaks(tmp_path):
    text = HEADER + "\n1,A,B,10,5\n\n" + '2,A,"B\nC",ten,6\n' + "3,A,B,x,7\n"
    assert [line for line, _ in _problems(tmp_path, text)] == [5, 7]


def test_extra_fields_and_repeated_header_names_are_refused_not_shifted(tmp_path):
    problems = _problems(tmp_path, HEADER + "1,A,B,1,234.50,7\n2,A,B,3,8\n")
    assert problems == [(2, "6 fields where the header has 5 columns")]
    problems = _problems(tmp_path, "id,source,target,amount,timestamp,source\n1,A,B,1,2,Z\n")
    assert "more than once" in problems[0][1]


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(tmp_path):
    problems = _problems(tmp_path, HEADER + "1,Ђорѓе,B,10,5\n", encoding="cp1251")
    assert "not UTF-8" in problems[0][1]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,A,B,1e300,5", "out of range"),
        ("1,A,B,10,1e25", "out of range"),
        ("1,A,B,10,nan", "out of range"),
        ("1,A,B,12.500,5", "ambiguous"),
    ],
)
def test_amounts_and_times_out_of_range_are_refused(tmp_path, row, message):
    assert message in _problems(tmp_path, HEADER + row + "\n")[0][1]


@pytest.mark.parametrize("step", ["nan", "inf", "1e305", "-1"])
def test_ibm_layout_steps_must_be_steps(tmp_path, step):
    text = f"sourceNodeId,targetNodeId,value,time\n1,2,10,{step}\n"
    assert "not a step" in _problems(tmp_path, text)[0][1]


def test_semicolon_files_are_read(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text("id;source;target;amount;timestamp\n1;A;B;1.250,50;5\n")
    transactions, _ = read_transactions(path)
    assert transactions.amounts.tolist() == [1250.5]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--window-days", "nan"], "window"),
        (["--window-days", "1e308"], "window"),
        (["--threshold", "inf"], "threshold"),
        (["-o", "/no/such/folder/out.jsonl"], "does not exist"),
    ],
)
def test_bad_options_are_refused_before_any_work(tmp_path, arguments, message):
    path = tmp_path / "tx.csv"
    path.write_text(HEADER + "1,A,B,10,5\n")
    result = CliRunner().invoke(
        main, ["network", "analyze", "--transactions", str(path), *arguments]
    )
    assert result.exit_code == 2 and message in result.output


def test_an_accounts_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text(HEADER + "1,A,B,10,5\n")
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes("acct_id\nЂорѓе\n".encode("cp1251"))
    result = CliRunner().invoke(
        main, ["network", "analyze", "--transactions", str(path), "--accounts", str(accounts)]
    )
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_a_small_harmless_set_is_not_all_suspected():
    rng = np.random.default_rng(5)
    records = [
        Transaction(f"t{i}", f"A{a}", f"A{b}", float(rng.integers(50, 500)), float(i * 86_400 * 3))
        for i, (a, b) in enumerate(rng.integers(0, 60, size=(200, 2)))
        if a != b
    ]
    results = analyze(TransactionSet.from_records(records), window=86_400.0)
    unflagged = [r for r in results if not r.typologies]
    assert unflagged and all(r.score == 0.0 for r in unflagged)
    assert all(r.score == flag_score([str(t["type"]) for t in r.typologies]) for r in results)
