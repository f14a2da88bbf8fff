"""A missing or malformed setting: one Indonesian line on stderr and exit status 1, never a traceback.

Real processes (flask CLI, gunicorn) in a clean environment, as an operator would start them.
"""
import os
import subprocess  # nosec B404  # the test runs the project's own entry points
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLI_COMMANDS = [["db", "upgrade"], ["db", "current"], ["seed-demo"], ["create-admin", "--email", "a@b.id",
                "--name", "A", "--password", "x" * 12], ["send-mail"], ["purge-registrations"],
                ["purge-sessions"], ["run-worker", "--burst"], ["routes"], ["shell"]]


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "FLASK_DEBUG", "BIMTEK_DEMO", "DATABASE_URL", "FLASK_APP")}
    env.update(BIMTEK_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", **extra)
    return env


def _assert_one_clear_line(result, *needles):
    lines = [line for line in result.stderr.splitlines() if line.strip() and "[INFO]" not in line]
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr
    assert len(lines) <= 2 and len(set(lines)) == 1, result.stderr  # gunicorn may print it once per process
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("args", CLI_COMMANDS, ids=lambda a: a[0] if isinstance(a, list) else a)
def test_every_cli_command_without_secret_key_says_so_in_one_line(tmp_path, args):
    result = subprocess.run([str(BIN / "flask"), "--app", "bimtek", *args], cwd=ROOT, env=_env(tmp_path),
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    _assert_one_clear_line(result, "SECRET_KEY belum diatur", "setel variabel lingkungan SECRET_KEY")


def test_a_malformed_number_is_named(tmp_path):
    result = subprocess.run([str(BIN / "flask"), "--app", "bimtek", "db", "upgrade"], cwd=ROOT,
                            env=_env(tmp_path, SECRET_KEY="k" * 32, MAX_UPLOAD_MB="dua puluh"),
                            capture_output=True, text=True, timeout=120)
    _assert_one_clear_line(result, "MAX_UPLOAD_MB harus bilangan bulat, bukan 'dua puluh'")


@pytest.mark.parametrize("preload", [False, True], ids=["workers", "preload"])
def test_gunicorn_without_secret_key_stops_with_one_line(tmp_path, preload):
    args = [str(BIN / "gunicorn"), "-b", "127.0.0.1:0", "-w", "2", *(["--preload"] if preload else []), "wsgi:app"]
    result = subprocess.run(args, cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    _assert_one_clear_line(result, "SECRET_KEY belum diatur")


def test_with_the_setting_the_same_command_works(tmp_path):
    result = subprocess.run([str(BIN / "flask"), "--app", "bimtek", "db", "upgrade"], cwd=ROOT,
                            env=_env(tmp_path, SECRET_KEY="k" * 32), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
