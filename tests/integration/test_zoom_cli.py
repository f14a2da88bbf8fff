"""`flask --app bimtek zoom-fetch` against the stand-in: same JSON as `python -m bimtek.attendance` on the same
report saved as a file; exit 2 with one Indonesian line on bad credentials or an unreachable API."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bimtek.zoom import report
from tests import zoom_data
from tests.zoom_standin import StandInServer, StandInZoom

ROOT = Path(__file__).resolve().parents[2]
WINDOW = ["--start", "2020-07-21T08:00", "--end", "2020-07-21T12:00", "--tz", "Asia/Jakarta"]
ROSTER = "Nomor Registrasi,Nama Lengkap,Email\nSPP2020-0001,Budi Santoso,budi@example.id\n" \
         "SPP2020-0002,Siti Rahayu,siti@example.id\n"


@pytest.fixture
def server():
    with StandInServer(zoom_data.load(StandInZoom())) as running:
        yield running


def _env(server, tmp_path, secret=None, api_url=None):
    zoom = server.zoom
    return {**os.environ, "SECRET_KEY": "cli-test", "BIMTEK_DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "ZOOM_API_URL": api_url or server.api_url, "ZOOM_OAUTH_URL": server.oauth_url,
            "ZOOM_ACCOUNT_ID": zoom.account_id, "ZOOM_CLIENT_ID": zoom.client_id,
            "ZOOM_CLIENT_SECRET": secret or zoom.client_secret}


def _run(args, env):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_zoom_fetch_prints_the_attendance_json_of_the_same_report(server, tmp_path):
    roster = tmp_path / "peserta.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    env = _env(server, tmp_path)
    fetched = _run(["flask", "--app", "bimtek", "zoom-fetch", zoom_data.MEETING_ID, *WINDOW,
                    "--roster", str(roster), "--json"], env)
    assert fetched.returncode == 0, fetched.stderr
    # The same report downloaded once more and uploaded as a file to the attendance CLI.
    from bimtek.zoom.client import Credentials, ZoomClient

    zoom = server.zoom
    client = ZoomClient(Credentials(zoom.account_id, zoom.client_id, zoom.client_secret), server.api_url,
                        server.oauth_url)
    saved = tmp_path / "zoom-81234567890-2020-07-21-0800.json"
    saved.write_bytes(report.document(report.pull(client, zoom_data.MEETING_ID, zoom_data.START, zoom_data.END)))
    uploaded = _run(["bimtek.attendance", str(saved), *WINDOW, "--roster", str(roster), "--json"], env)
    assert uploaded.returncode == 0, uploaded.stderr
    assert fetched.stdout == uploaded.stdout
    result = json.loads(fetched.stdout)
    budi = next(p for p in result["people"] if p["registration"] == "SPP2020-0001")
    assert budi["attended_seconds"] == (90 + 25 + 108) * 60  # both instances, clipped to 08.00–12.00
    assert not any(p["name"] == "Orang Kemarin" for p in result["people"] + result["unmatched"])


def test_bad_credentials_exit_2_with_one_line(server, tmp_path):
    failed = _run(["flask", "--app", "bimtek", "zoom-fetch", zoom_data.MEETING_ID, *WINDOW, "--json"],
                  _env(server, tmp_path, secret="not-the-secret"))
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr.count("\n") == 1 and "kredensial" in failed.stderr
    assert "not-the-secret" not in failed.stderr


def test_unreachable_api_exit_2_with_one_line(server, tmp_path):
    env = _env(server, tmp_path)
    env["ZOOM_OAUTH_URL"] = "http://127.0.0.1:9/oauth/token"
    failed = _run(["flask", "--app", "bimtek", "zoom-fetch", zoom_data.MEETING_ID, *WINDOW, "--json"], env)
    assert failed.returncode == 2 and failed.stderr.count("\n") == 1
    assert "tidak dapat dihubungi" in failed.stderr
