"""Cut the network demo's sample out of the AMLSim generated set (../shared/data/amlsim).

Run: ``uv run python bench/network_demo_sample.py``. Writes
``src/fener/network/data/amlsim_sample.csv`` (Apache-2.0 data, see the PROVENANCE there): every
transfer among the accounts of eight laundering alerts (two of each of four typologies) and 160
ordinary accounts chosen with a fixed seed, in the generator's own layout.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

SOURCE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "amlsim" / "generated_python_port"
)
TARGET = (
    Path(__file__).resolve().parents[1] / "src" / "fener" / "network" / "data" / "amlsim_sample.csv"
)


def main() -> None:
    by_type: defaultdict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in csv.DictReader((SOURCE / "alert_accounts.csv").open()):
        by_type[row["alert_type"]][row["alert_id"]].add(row["acct_id"])
    chosen: set[str] = set()
    for kind in ("fan_in", "fan_out", "cycle", "scatter_gather"):
        for alert in sorted(by_type[kind], key=int)[:2]:
            chosen |= by_type[kind][alert]
    rng = random.Random(11)  # noqa: S311 - a reproducible sample, not a secret
    others = sorted(
        {row["acct_id"] for row in csv.DictReader((SOURCE / "accounts.csv").open())} - chosen
    )
    chosen |= set(rng.sample(others, 160))
    with (SOURCE / "transactions.csv").open() as handle, TARGET.open("w", newline="") as out:
        reader = csv.DictReader(handle)
        columns = ["tran_id", "orig_acct", "bene_acct", "tx_type", "base_amt", "tran_timestamp"]
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        count = 0
        for row in reader:
            if row["orig_acct"] in chosen and row["bene_acct"] in chosen:
                writer.writerow(row)
                count += 1
    print(f"{count} transfers among {len(chosen)} accounts → {TARGET}")


if __name__ == "__main__":
    main()
