"""Ad monitoring under concurrent load on loopback: the public page, its API, and ingestion.

Run: ``uv run python bench/bench_adwatch.py`` (about three minutes). It builds a demo
installation in a temporary folder, starts the real server (``fener serve``: waitress, 8
threads, SQLite) and sends requests from concurrent clients over loopback, measuring each
request's latency. A trivial view of the same server (``/health/``) is measured in the same run
as the baseline. Prints a Markdown table for ``docs/benchmarks.md``.

The flood limits of the public page are raised for the run (every client here is 127.0.0.1);
with the default limits most requests would be answered 429, which is measured separately as
the "flood" row.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

SUSPICIOUS = (
    "Девојки 18-25 за работа во ноќен клуб во Германија, 5000 евра месечно, без искуство, "
    "без договор, патот и станот ги плаќаме. Пасошот го чуваме ние. Само вибер 070 123 {n:03d}"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_fener(arguments: list[str], environment: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "fener.cli", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def prepare(home: Path, limits: dict[str, str]) -> dict[str, str]:
    """A demo installation in ``home``; returns the environment to serve it."""
    environment = {**os.environ, "FENER_HOME": str(home), **limits}
    run_fener(["demo", "--no-serve", "--home", str(home)], environment)
    secrets = json.loads((home / "demo-secrets.json").read_text())
    environment.update(
        FENER_SECRET_KEY=secrets["FENER_SECRET_KEY"],
        FENER_DATA_KEY=secrets["FENER_DATA_KEY"],
        FENER_TLS="0",
    )
    return environment


def source_token(environment: dict[str, str]) -> str:
    """A fresh ingestion token for the first demo source (made through the service)."""
    code = (
        "from fener.adwatch.models import Source;"
        "from fener.adwatch.services.sources import source_token_create;"
        "from fener.core.models import User;"
        "actor = User.objects.get(username='admonitor');"
        "_, token = source_token_create(actor=actor, source=Source.objects.order_by('pk')[0],"
        " name='bench', days=1);"
        "print('TOKEN=' + token)"
    )
    output = run_fener(["manage", "shell", "-c", code], environment)
    match = re.search(r"TOKEN=(\S+)", output)
    if match is None:
        raise RuntimeError(f"no token in: {output}")
    return match.group(1)


class Client:
    """One keep-alive connection; returns (status, seconds) per request."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, float, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, elapsed, content


def scenario_health(client: Client, n: int) -> tuple[int, float]:
    status, elapsed, _ = client.request("GET", "/health/")
    return status, elapsed


def scenario_check_page(client: Client, n: int) -> tuple[int, float]:
    if "csrftoken" not in client.cookies:
        client.request("GET", "/en/check/")
    body = urllib.parse.urlencode(
        {"text": SUSPICIOUS.format(n=n % 1000), "csrfmiddlewaretoken": client.cookies["csrftoken"]}
    ).encode()
    status, elapsed, _ = client.request(
        "POST",
        "/en/check/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/"},
    )
    return status, elapsed


def scenario_check_api(client: Client, n: int) -> tuple[int, float]:
    body = json.dumps({"text": SUSPICIOUS.format(n=n % 1000)}).encode()
    status, elapsed, _ = client.request(
        "POST", "/api/v1/check/", body, {"Content-Type": "application/json"}
    )
    return status, elapsed


def ingestion(token: str, batch: int) -> Callable[[Client, int], tuple[int, float]]:
    def scenario(client: Client, n: int) -> tuple[int, float]:
        ads = [
            {
                "id": f"bench-{os.getpid()}-{n}-{i}",
                "text": SUSPICIOUS.format(n=(n * batch + i) % 1000),
            }
            for i in range(batch)
        ]
        status, elapsed, _ = client.request(
            "POST",
            "/api/v1/ads/",
            json.dumps({"ads": ads}).encode(),
            {"Content-Type": "application/json", "Authorization": f"Source {token}"},
        )
        return status, elapsed

    return scenario


def load(
    port: int, scenario: Callable[[Client, int], tuple[int, float]], clients: int, per_client: int
) -> dict[str, float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def work(offset: int) -> None:
        client = Client(port)
        for index in range(per_client):
            status, elapsed = scenario(client, offset * per_client + index)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=work, args=(c,)) for c in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    ordered = sorted(latencies)

    def percentile(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return {
        "requests": len(latencies),
        "per_second": len(latencies) / wall,
        "p50": statistics.median(ordered) * 1000,
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "statuses": statuses,  # type: ignore[dict-item]
    }


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/health/")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def start_server(environment: dict[str, str]) -> tuple[int, subprocess.Popen[bytes]]:
    """``fener serve`` on a free port (8 threads), once it answers."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "fener.cli", "serve", "--port", str(port), "--threads", "8"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
    except RuntimeError:
        server.terminate()
        raise
    return port, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    options = parser.parse_args()
    raised = {
        "FENER_PUBLIC_CHECKS_PER_MINUTE": "1000000",
        "FENER_PUBLIC_CHECK_API_RATE": "1000000/min",
    }
    with tempfile.TemporaryDirectory(prefix="fener-bench-") as folder:
        home = Path(folder)
        environment = prepare(home, raised)
        token = source_token(environment)
        port, server = start_server(environment)
        try:
            rows = [
                ("trivial view (GET /health/)", scenario_health),
                ("public page: check an ad (POST /en/check/)", scenario_check_page),
                ("public API: check an ad (POST /api/v1/check/)", scenario_check_api),
                ("ingestion API: 1 ad per request (checked, queued)", ingestion(token, 1)),
                ("ingestion API: 20 ads per request (checked, queued)", ingestion(token, 20)),
            ]
            print(
                f"\n### Under load ({options.clients} concurrent clients × {options.requests} "
                "requests, loopback, waitress with 8 threads, SQLite)\n"
            )
            print("| requests | req/s | p50 ms | p95 ms | p99 ms | statuses |")
            print("|---|---|---|---|---|---|")
            for label, scenario in rows:
                result = load(port, scenario, options.clients, options.requests)
                statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))  # type: ignore[attr-defined]
                print(
                    f"| {label} | {result['per_second']:,.0f} | {result['p50']:.1f} | "
                    f"{result['p95']:.1f} | {result['p99']:.1f} | {statuses} |"
                )
            # The API only checks and queues; the worker screens and stores. Time one worker
            # emptying the queue the two ingestion rows filled.
            queued = options.clients * options.requests * (1 + 20)
            start = time.perf_counter()
            run_fener(
                ["manage", "db_worker", "--batch", "--no-startup-delay", "--max-tasks", "100000"],
                environment,
            )
            elapsed = time.perf_counter() - start
            worker_line = (
                f"\nOne worker then stored the {queued:,} queued ads in {elapsed:,.1f} s "
                f"({queued / elapsed:,.0f} ads/s, operations refresh included)."
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        # A flood with the default limits: the page answers 429 and the rest stays fast.
        environment.update(FENER_PUBLIC_CHECKS_PER_MINUTE="30")
        port, server = start_server(environment)
        try:
            flood: dict[str, object] = {}

            def flood_page() -> None:
                flood["page"] = load(port, scenario_check_page, options.clients, options.requests)

            flooding = threading.Thread(target=flood_page)
            flooding.start()
            during = load(port, scenario_health, 2, options.requests)
            flooding.join()
            page = flood["page"]
            assert isinstance(page, dict)
            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(page["statuses"].items()))
            print(
                f"| flood on the public page, default limit 30/min | {page['per_second']:,.0f} | "
                f"{page['p50']:.1f} | {page['p95']:.1f} | {page['p99']:.1f} | {statuses} |"
            )
            print(
                f"| trivial view during that flood | {during['per_second']:,.0f} | "
                f"{during['p50']:.1f} | {during['p95']:.1f} | {during['p99']:.1f} | "
                f"{', '.join(f'{k}: {v}' for k, v in sorted(during['statuses'].items()))} |"  # type: ignore[attr-defined]
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(worker_line)


if __name__ == "__main__":
    main()
