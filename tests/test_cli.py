"""The ``fener`` command, run as a user runs it: in a fresh process on a fresh folder."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

from fener.cases.demo_data import EXTRA_ACCOUNTS
from fener.core.demo import DEMO_ACCOUNTS
from fener.core.permissions import ROLE_LABELS


def _environment(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENER_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("DEBUG", None)
    env["DJANGO_SETTINGS_MODULE"] = "fener.config.settings"
    env["COLUMNS"] = "200"
    return env


def _fener(*arguments, home, timeout=240, **kwargs):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fener.cli", *arguments],
        env=_environment(home),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_help_lists_the_commands(tmp_path):
    result = _fener("--help", home=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "serve", "worker", "createadmin", "migrate", "manage"):
        assert command in result.stdout


def test_demo_builds_everything_and_a_second_run_reuses_it(tmp_path):
    first = _fener("demo", "--no-serve", "--home", str(tmp_path / "var"), home=tmp_path)
    assert first.returncode == 0, first.stderr
    for account in DEMO_ACCOUNTS:
        assert account.username in first.stdout
    secrets_file = tmp_path / "var" / "demo-secrets.json"
    password = json.loads(secrets_file.read_text())["demo_password"]
    assert password in first.stdout
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"

    second = _fener("demo", "--no-serve", "--home", str(tmp_path / "var"), home=tmp_path)
    assert second.returncode == 0, second.stderr
    assert password in second.stdout

    database = sqlite3.connect(tmp_path / "var" / "fener.sqlite3")
    counts = {
        table: database.execute(f"SELECT COUNT(*) FROM core_{table}").fetchone()[0]  # noqa: S608
        for table in ("municipality", "user", "role")
    }
    # One account per role, and the case teams' colleagues (registered by the cases demo).
    assert counts == {
        "municipality": 80,
        "user": len(ROLE_LABELS) + len(EXTRA_ACCOUNTS),
        "role": len(ROLE_LABELS),
    }
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {a.role_code for a in DEMO_ACCOUNTS} == set(ROLE_LABELS)


def test_demo_serves_and_stops_cleanly_on_sigterm(tmp_path):
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "fener.cli",
            "demo",
            "--port",
            str(port),
            "--home",
            str(tmp_path / "var"),
        ],
        env=_environment(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as r:
                    assert json.load(r) == {"status": "ok"}
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "the demo server did not come up"
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/mk/accounts/login/") as page:
            assert "Најава" in page.read().decode() or page.status == 200
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "task worker" in output
    assert "Stopped." in output


def test_createadmin_makes_a_system_administrator_and_refuses_weak_passwords(tmp_path):
    home = str(tmp_path / "var")
    env_args = {"home": tmp_path}
    assert _fener("demo", "--no-serve", "--home", home, **env_args).returncode == 0
    environment = _environment(tmp_path)
    environment.update({"FENER_HOME": home, "DEBUG": "1"})

    def createadmin(password):
        return subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "fener.cli",
                "createadmin",
                "--username",
                "root",
                "--email",
                "root@example.org",
                "--institution",
                "nat-commission",
                "--password",
                password,
            ],
            env=environment,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    weak = createadmin("short")
    assert weak.returncode != 0
    assert "too short" in weak.stderr
    strong = createadmin("a long and unusual passphrase")
    assert strong.returncode == 0, strong.stderr
    database = sqlite3.connect(tmp_path / "var" / "fener.sqlite3")
    roles = database.execute(
        "SELECT r.code FROM core_user u JOIN core_user_roles ur ON ur.user_id = u.id "
        "JOIN core_role r ON r.id = ur.role_id WHERE u.username = 'root'"
    ).fetchall()
    assert roles == [("system_admin",)]


def test_production_settings_refuse_to_start_without_keys(tmp_path):
    environment = _environment(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "fener.cli", "manage", "check"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "FENER_SECRET_KEY" in result.stderr


def test_deployment_checks_pass_with_production_settings(tmp_path):
    environment = _environment(tmp_path)
    environment.update(
        {
            "FENER_SECRET_KEY": "k" * 30 + "-production-like-secret-key-" + "z" * 20,
            "FENER_DATA_KEY": "a-data-key-of-at-least-thirty-two-characters",
            "FENER_TLS": "1",
            "FENER_HOME": str(tmp_path / "var"),
            "FENER_ALLOWED_HOSTS": "fener.example.mk",
            "FENER_EMAIL_HOST": "smtp.example.mk",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fener.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
