"""Reading transaction files: AMLSim layouts by their header, generic CSV with a mapping, and
every bad row reported by line with nothing loaded."""

from pathlib import Path

import pytest

from fener.analytics.graph.readers import (
    DAY,
    ColumnMapping,
    TransactionFileError,
    read_transactions,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "amlsim"


def _write(tmp_path, text):
    path = tmp_path / "tx.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_ibm_2019_layout_is_recognised_by_its_header(tmp_path):
    path = _write(tmp_path, "sourceNodeId,targetNodeId,value,time\n1,2,100.5,3\n2,3,90,4\n")
    transactions, layout = read_transactions(path)
    assert layout == "amlsim_ibm_2019"
    assert len(transactions) == 2
    assert transactions.transaction_ids == ["2", "3"]  # line numbers stand in for ids
    assert list(transactions.timestamps) == [3 * DAY, 4 * DAY]


def test_the_generator_layout_is_recognised_by_its_header(tmp_path):
    path = _write(
        tmp_path,
        "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n"
        "1,1630,1796,TRANSFER,834.96,2017-01-01T00:00:00Z,True,8\n",
    )
    transactions, layout = read_transactions(path)
    assert layout == "amlsim"
    assert transactions.account_ids == ["1630", "1796"]
    assert transactions.timestamps[0] == 1483228800.0


def test_a_generic_file_is_read_with_a_column_mapping(tmp_path):
    path = _write(tmp_path, 'from,to,eur,when\nMK07 1,MK07 2,"1,250.00",2026-03-01T10:00:00\n')
    mapping = ColumnMapping(source="from", target="to", amount="eur", timestamp="when", id=None)
    transactions, layout = read_transactions(path, mapping=mapping)
    assert layout == "generic"
    assert float(transactions.amounts[0]) == 1250.0


def test_bad_rows_are_reported_by_line_and_nothing_is_loaded(tmp_path):
    path = _write(
        tmp_path,
        "id,source,target,amount,timestamp\n"
        "a,1,2,100,10\n"
        "b,,2,100,10\n"
        "c,1,2,-5,10\n"
        "a,1,2,100,10\n"
        "d,1,2,100,yesterday\n",
    )
    with pytest.raises(TransactionFileError) as refused:
        read_transactions(path)
    lines = [line for line, _ in refused.value.problems]
    assert lines == [3, 4, 5, 6]
    reasons = dict(refused.value.problems)
    assert "missing" in reasons[3] and "positive" in reasons[4] and "repeated" in reasons[5]
    assert "nothing loaded" in str(refused.value)


def test_a_generic_file_without_the_mapped_columns_is_refused(tmp_path):
    path = _write(tmp_path, "a,b\n1,2\n")
    with pytest.raises(TransactionFileError, match="missing column"):
        read_transactions(path)


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data/amlsim beside the checkout")
def test_the_shared_amlsim_files_load_whole():
    transactions, layout = read_transactions(SHARED / "generated_python_port" / "transactions.csv")
    assert layout == "amlsim" and len(transactions) > 1000
    sample = next((SHARED / "ibm_samples_2019").glob("*/transactions.csv"))
    ibm, ibm_layout = read_transactions(sample)
    assert ibm_layout == "amlsim_ibm_2019" and len(ibm) > 1000
