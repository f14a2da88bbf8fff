"""The CLI's output bytes stay what they were: SHA-256 of stdout/stderr/exit status of `python -m bimtek.attendance`
(called in-process) on the benchmark's synthetic log (full size and a small one) and on every sample, with and
without a roster, in JSON and as a table, against digests recorded before the columnar matcher (issue 15).

Record again only on purpose: BIMTEK_RECORD_CLI_OUTPUT=1 pytest tests/unit/attendance/test_cli_output.py
"""

import contextlib
import csv
import hashlib
import importlib.util
import io
import json
import os
import random
from pathlib import Path

import pytest

from bimtek.attendance import name_rules, names
from bimtek.attendance.__main__ import main as cli_main
from bimtek.attendance.parsers import parse_file
from bimtek.attendance.segments import LogFormatError

from .conftest import SAMPLES

REPO = Path(__file__).resolve().parents[3]
DIGESTS = Path(__file__).resolve().parent / "data" / "cli_output_sha256.json"
RECORD = os.environ.get("BIMTEK_RECORD_CLI_OUTPUT") == "1"
GELAR = [", S.Pd.", "Dr. ", "", ", M.Si."]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_attendance", REPO / "bench" / "attendance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digest(argv: list[str]) -> str:
    names.clear_caches()
    name_rules.clear_caches()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(argv)
    return hashlib.sha256(f"{status}\0{out.getvalue()}\0{err.getvalue()}".encode()).hexdigest()


def _sample_roster(data: bytes, filename: str) -> tuple[bytes, str, str] | None:
    """A roster made of the sample's own people (some renamed with a gelar, some left out, some with their
    e-mail) and the window of its rows; None for a file the per-row parser rejects."""
    try:
        parsed = parse_file(filename, data, "Asia/Jakarta")
    except LogFormatError:
        return None
    people = list(dict.fromkeys((s.original_name, s.email) for s in parsed.segments))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Nomor Registrasi", "Nama Lengkap", "Email", "Status"])
    for number, (name, email) in enumerate(people):
        if number % 4 == 3:
            continue
        gelar = GELAR[number % len(GELAR)]
        shown = gelar + name if gelar.endswith(" ") else name + gelar
        writer.writerow([f"REG-{number:04d}", shown if number % 2 else name, email if number % 3 == 0 else "",
                         "terdaftar" if number % 7 else "batal"])
    joins = [s.join for s in parsed.segments if s.join is not None]
    if not joins:
        return None
    start, end = min(joins), max(s.leave or s.join for s in parsed.segments if s.join is not None)
    return out.getvalue().encode(), start.isoformat(), end.isoformat()


def _cases(tmp: Path) -> dict[str, list[str]]:
    bench = _bench()
    cases = {}
    for label, rows, registrants in (("bench-100000", 100_000, 8_000), ("bench-6000", 6_000, 500)):
        rng = random.Random(20200721)
        regs = bench.registrants(registrants, rng)
        log, roster = tmp / f"{label}.csv", tmp / f"{label}-roster.csv"
        log.write_bytes(bench.generate(rows, regs, rng))
        roster.write_bytes(bench.roster_csv(regs))
        window = ["--start", "2020-07-21T08:00", "--end", "2020-07-21T12:00", "--tz", "Asia/Jakarta"]
        cases[f"{label} --roster --json"] = [str(log), *window, "--roster", str(roster), "--json"]
        cases[f"{label} --roster"] = [str(log), *window, "--roster", str(roster)]
        cases[f"{label} --json"] = [str(log), *window, "--json"]
    for path in sorted(SAMPLES.rglob("*.csv")):
        relative = str(path.relative_to(SAMPLES))
        made = _sample_roster(path.read_bytes(), path.name)
        start, end = (made[1], made[2]) if made else ("2020-07-21T08:00", "2020-07-21T12:00")
        window = ["--start", start, "--end", end, "--tz", "Asia/Jakarta"]
        cases[f"{relative} --json"] = [str(path), *window, "--json"]
        cases[relative] = [str(path), *window]
        if made:
            roster = tmp / (path.stem + "-roster.csv")
            roster.write_bytes(made[0])
            cases[f"{relative} --roster --json"] = [str(path), *window, "--roster", str(roster), "--json"]
            cases[f"{relative} --roster"] = [str(path), *window, "--roster", str(roster)]
    return cases


def test_cli_output_bytes_unchanged(tmp_path):
    digests = {label: _digest(argv) for label, argv in _cases(tmp_path).items()}
    if RECORD:
        DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        pytest.skip("digests recorded")
    expected = json.loads(DIGESTS.read_text())
    assert {label: digest for label, digest in digests.items() if expected.get(label) != digest} == {}
    assert set(digests) == set(expected)
