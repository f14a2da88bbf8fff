"""The CLI contract, run as a subprocess exactly as documented (`python -m bimtek.attendance`).

An integration test: each case starts a Python process (moved out of tests/unit, which stays in-process).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "tests" / "unit" / "attendance" / "data" / "samples"
SAMPLES = LOCAL if LOCAL.is_dir() else REPO / ".." / "shared" / "samples"
HEROES = SAMPLES / "zoom-participants" / "zoomclass__participants_heroes_full.csv"
WINDOW = ["--start", "2021-11-19T10:00", "--end", "2021-11-19T12:00", "--tz", "America/Chicago"]
ROSTER = ("\ufeffNama Lengkap,NIP,Jabatan,Instansi,Kabupaten/Kota,Provinsi,Email,No. HP,Nomor Registrasi,Status\n"
          "Loki Laufeyson,,Pustakawan,Dinas,Palembang,Sumatera Selatan,,0812,SPP2021-0015,Terdaftar\n"
          "Kara Zor-L,,Pustakawan,Dinas,Palembang,Sumatera Selatan,power-girl_kryptonian@dc.com,0813,"
          "SPP2021-0003,Terdaftar\n"
          "Norman Osborn,,Guru,Dinas,Lahat,Sumatera Selatan,,0814,SPP2021-0099,Terdaftar\n"
          "Tidak Datang,,Guru,Dinas,Lahat,Sumatera Selatan,,0815,SPP2021-0100,Terdaftar\n")


def run(*args):
    return subprocess.run([sys.executable, "-m", "bimtek.attendance", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


def test_json_schema():
    done = run(HEROES, *WINDOW, "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) == {"format", "session", "people", "unmatched", "warnings"}
    assert payload["format"] == "zoom_participants"
    assert payload["session"] == {"start": "2021-11-19T10:00:00-06:00", "end": "2021-11-19T12:00:00-06:00"}
    keys = {"name", "email", "attended_seconds", "percent", "first_join", "last_leave", "rows", "registration",
            "match", "flags"}
    for person in payload["people"]:
        assert set(person) == keys
        assert isinstance(person["attended_seconds"], int) and isinstance(person["percent"], float)
        assert isinstance(person["flags"], list)
    assert len(payload["people"]) == 27


def test_roster_matching(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    payload = json.loads(run(HEROES, *WINDOW, "--roster", roster, "--json").stdout)
    by_reg = {p["registration"]: p for p in payload["people"] if p["registration"]}
    assert by_reg["SPP2021-0015"]["match"]["method"] == "registration_number"  # 015_Loki
    assert by_reg["SPP2021-0003"]["match"]["method"] == "email"
    assert by_reg["SPP2021-0099"]["match"]["method"] == "exact_name"  # original name Norman Osborn
    assert by_reg["SPP2021-0100"]["attended_seconds"] == 0 and "absent" in by_reg["SPP2021-0100"]["flags"]
    assert len(payload["unmatched"]) == 27 - 3


def test_readable_table_in_indonesian():
    done = run(HEROES, *WINDOW)
    assert done.returncode == 0 and "Nama" in done.stdout and "Jumlah orang: 27" in done.stdout


@pytest.mark.parametrize("content, name", [(b"foo,bar\n1,2\n", "rapat.csv"), (b"\x00\x01\x02garbage", "x.csv")])
def test_unknown_file_exits_2_with_one_line(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    done = run(path, *WINDOW)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{name} baris ") and "diharapkan" in lines[0]
    assert done.stdout == ""


def test_missing_file_exits_2(tmp_path):
    done = run(tmp_path / "hilang.csv", *WINDOW)
    assert done.returncode == 2 and done.stderr.startswith("hilang.csv baris 1:")
