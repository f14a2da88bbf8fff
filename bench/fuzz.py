"""Fuzzing campaign for every parser of user files (hypothesis, large generated inputs). `make fuzz`.

Each target gets an equal share of --seconds (env FUZZ_SECONDS, default 600). Inputs are structured
(hand-built XLSX/CSV/JSON/PDF/PNG with long cells, many rows, odd encodings) or real samples mutated at
byte level (flips, cuts, repeated chunks). A target must answer with its own Indonesian error or a result,
within 2 s and 300 MB more address space; anything else is a finding, written to artifacts/fuzz/ (input bytes +
traceback) and printed. Findings become small regression tests in tests/unit/.

Run: .venv/bin/python bench/fuzz.py [--seconds 600] [--only attendance_log,roster]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import (  # noqa: E402
    HealthCheck,
    Phase,
    given,
    settings,
    strategies as st,  # noqa: E402
)

from bimtek.core.errors import DomainError  # noqa: E402
from tests import hostile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "artifacts" / "fuzz"
SAMPLES = [p for p in (ROOT.parent.parent / "shared" / "samples", Path("/work/shared/samples"),
                       ROOT / "tests" / "unit" / "attendance" / "data" / "samples") if p.is_dir()]
MB = 1024 * 1024
SLOW_SECONDS = 2.0
UPLOAD_BYTES = 10 * MB  # ATTENDANCE_MAX_UPLOAD_MB; roster and attachments have their own (larger/smaller) caps

# --- input strategies --------------------------------------------------------------------------------------

HEADER_WORDS = hostile.ZOOM_HEADER + hostile.ROSTER_HEADER + [
    "Full Name", "User Action", "Timestamp", "Time joined", "Time exited", "First name", "Last name", "Email",
    "Attendee Report", "1. Summary", "2. Participants", "3. In-Meeting activities", "Meeting Summary",
    "Join time", "Leave time", "Role", "NIP", "Status", "Nomor Registrasi", "SessionId", "UtcEventTimestamp",
    "Action", "Participant", "名前(元の名前)", "Nama (Nama Asli)",
]
CELL_WORDS = ["Budi Santoso", "budi@x.id", "03/05/2024 08:55:03 AM", "2024-03-05 08:55:03", "15/11/22, 09:30:17",
              "Yes", "No", "Joined", "Left", "60", "1h 2m", "081234567890", "198609262015051001", "III/a",
              "Terdaftar", "=cmd|' /C calc'!A0", "'", '"', ",", ";", "\t", "\r\n", "\ufeff", "\x00", "é", "😀",
              "SPP2020-0042", "Organizer", "meet.google.com/abc", "9/29/2020, 10:02:13 AM"]


@st.composite
def cell_text(draw):
    """A cell: known words, random text, or something long (up to 100,000 characters)."""
    kind = draw(st.integers(0, 9))
    if kind < 5:
        return draw(st.sampled_from(CELL_WORDS + HEADER_WORDS))
    if kind < 8:
        return draw(st.text(max_size=40))
    return draw(st.sampled_from(CELL_WORDS)) * draw(st.integers(1, 100_000 // 12))


@st.composite
def grid(draw, max_rows=60, max_bytes=UPLOAD_BYTES):
    """A header from known column names, then rows of cells; sometimes the last row repeated up to the upload
    size limit (inputs beyond it never reach a parser: the upload is refused by size first)."""
    header = draw(st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=12))
    rows = draw(st.lists(st.lists(cell_text(), max_size=14), max_size=max_rows))
    if rows and draw(st.booleans()):
        row_bytes = sum(len(cell) + 1 for cell in rows[-1]) + 2
        rows = rows + [rows[-1]] * draw(st.integers(1, max(1, min(250_000, max_bytes // row_bytes))))
    return header, rows


@st.composite
def csv_bytes(draw):
    header, rows = draw(grid())
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    text = "\r\n".join(delimiter.join(map(_csv_cell, row)) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, "replace")


def _csv_cell(text):
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',;\t"\r\n') else text


@st.composite
def xlsx_bytes(draw):
    header, rows = draw(grid(max_rows=40))
    shared = draw(st.lists(cell_text(), max_size=5))
    cells = [[("s", draw(st.integers(0, 6))) if shared and draw(st.booleans()) else cell for cell in row]
             for row in rows[:200]]
    return hostile.build_xlsx(header, cells + rows[200:], shared=shared)


@st.composite
def json_bytes(draw):
    record = st.fixed_dictionaries({}, optional={
        "name": cell_text(), "user_email": cell_text(), "join_time": cell_text(), "leave_time": cell_text(),
        "status": st.sampled_from(["in_meeting", "in_waiting_room"]), "duration": st.integers()})
    value = draw(st.one_of(
        st.fixed_dictionaries({"participants": st.lists(record, max_size=30)}),
        st.lists(st.fixed_dictionaries({"participants": st.lists(record, max_size=10)}), max_size=4),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20), _containers,
                     max_leaves=200)))
    text = json.dumps(value)
    if draw(st.booleans()):
        depth = draw(st.integers(1, 100_000))
        text = text.replace("[", "[" * depth, 1).replace("]", "]" * depth, 1)
    return text.encode()


def _containers(inner):
    return st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5)


def _samples(suffixes):
    files = []
    for folder in SAMPLES:
        files += [p.read_bytes() for p in sorted(folder.rglob("*")) if p.suffix.lower() in suffixes]
    return files or [b"Name (Original Name),Join Time,Leave Time\nBudi,01/02/2024 08:00,01/02/2024 09:00\n"]


@st.composite
def mutated(draw, seeds):
    """A seed file with byte-level mutations: flips, inserts, cuts, and a chunk repeated up to 10,000 times."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.integers(0, 3))
        if op == 0:
            data[at] = draw(st.integers(0, 255))
        elif op == 1:
            data[at:at] = draw(st.binary(max_size=64))
        elif op == 2:
            del data[at:at + draw(st.integers(1, 4096))]
        else:
            chunk = bytes(data[at:at + draw(st.integers(1, 256))])
            data[at:at] = chunk * draw(st.integers(1, 10_000))
    return bytes(data)


@st.composite
def pdf_bytes(draw):
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return hostile.pdf_many_pages(draw(st.integers(0, 30_000)))
    if kind == 1:
        return hostile.pdf_deep_nesting(draw(st.integers(1, 200_000)))
    if kind == 2:
        return hostile.pdf_flate_bomb(draw(st.integers(0, 40)) * MB)
    return draw(mutated([hostile.pdf_many_pages(1), hostile.pdf_flate_bomb(0), hostile.pdf_deep_nesting(3)]))


@st.composite
def image_bytes(draw):
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return hostile.png_header_only(draw(st.integers(0, 2**31 - 1)), draw(st.integers(0, 2**31 - 1)))
    if kind == 1:
        return hostile.png_pixel_bomb(draw(st.integers(1, 4_100)))
    return draw(mutated([hostile.png_pixel_bomb(8), hostile.png_header_only(10, 10)]))


# --- targets -------------------------------------------------------------------------------------------------

def _attendance_log(data):
    from bimtek.attendance.parsers import parse_file

    name = "log.xlsx" if data.startswith(b"PK") else "log.json" if data.lstrip()[:1] in (b"{", b"[") else "log.csv"
    parse_file(name, data, "Asia/Jakarta")


def _attendance_roster(data):
    from bimtek.attendance.roster_file import read_roster

    read_roster("roster.xlsx" if data.startswith(b"PK") else "roster.csv", data)


def _roster(data):
    from bimtek.registration.roster import parse_roster

    parse_roster("peserta.xlsx" if data.startswith(b"PK") else "peserta.csv", data)


def _attachment(data):
    from bimtek.action_plans.attachments import check_attachment

    check_attachment("rtl.docx", data)


def _signed_pdf(data):
    from bimtek.certificates.archive import check_pdf, match_certificate, pdf_text

    check_pdf(data, 15 * MB)
    match_certificate("x.pdf", pdf_text(data), [("abc", "800/0001/DKP/2024")])


def _image(data):
    from bimtek.certificates.images import check_image

    check_image(data, "Tanda tangan")


def _tables():
    return st.one_of(csv_bytes(), xlsx_bytes())


TARGETS = {
    "attendance_log": (_attendance_log, lambda: st.one_of(
        csv_bytes(), xlsx_bytes(), json_bytes(), mutated(_samples({".csv", ".xlsx", ".json"})))),
    "attendance_roster": (_attendance_roster, _tables),
    "roster_import": (_roster, lambda: st.one_of(_tables(), mutated(_samples({".csv"})))),
    "rtl_attachment": (_attachment, lambda: st.one_of(xlsx_bytes(), pdf_bytes(), mutated([hostile.build_xlsx(
        ["a"], [["b"]])]))),
    "signed_pdf": (_signed_pdf, pdf_bytes),
    "signature_image": (_image, image_bytes),
}

# --- campaign ------------------------------------------------------------------------------------------------


class Campaign:
    """Runs one target under hypothesis until its time is up; records findings and the slowest input."""

    def __init__(self, name, func, strategy):
        self.name, self.func, self.strategy = name, func, strategy
        self.examples, self.findings, self.slowest = 0, {}, (0.0, 0)
        self.last_failure = None

    def check(self, data):
        if len(data) > 2 * UPLOAD_BYTES:  # MAX_CONTENT_LENGTH (20 MB) refuses it before any parser
            return
        self.examples += 1
        started = time.perf_counter()
        try:
            with hostile.memory_ceiling(300 * MB):
                self.func(data)
        except DomainError:
            pass
        except Exception as exc:  # noqa: BLE001 - anything but our own error is a finding
            self.last_failure = (data, traceback.format_exc())
            raise AssertionError(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_SECONDS:  # timed again: on a shared machine one slow run may be someone else's load
            elapsed = min(elapsed, self._timed(data))
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, len(data))
        if elapsed > SLOW_SECONDS:  # recorded, not raised: hypothesis would shrink on noisy timings
            self.last_failure = (data, f"slow: {elapsed:.1f} s for {len(data)} bytes")
            self.record(f"slow: {elapsed:.1f} s")

    def _timed(self, data):
        started = time.perf_counter()
        try:
            self.func(data)
        except Exception:  # noqa: BLE001, S110 - the first run already judged the outcome
            pass
        return time.perf_counter() - started

    def run(self, seconds):
        try:  # imports and first-call set-up are not the parser's time
            self.func(b"")
        except Exception:  # noqa: BLE001, S110 - warm-up only
            pass
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            test = settings(max_examples=25, deadline=None, database=None, phases=[Phase.generate],
                            suppress_health_check=list(HealthCheck))(given(self.strategy())(self.check))
            try:
                test()
            except Exception as exc:  # noqa: BLE001 - AssertionError, or hypothesis' Flaky/ExceptionGroup
                self.record(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    def record(self, summary):
        if self.last_failure is None:
            return
        data, trace = self.last_failure
        key = summary.split(":")[0] + trace.strip().splitlines()[-1][:80]
        if key in self.findings:
            return
        digest = hashlib.sha256(data).hexdigest()[:12]
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{self.name}-{digest}.bin").write_bytes(data)
        (OUT / f"{self.name}-{digest}.txt").write_text(trace)
        self.findings[key] = f"{summary} ({len(data)} bytes, artifacts/fuzz/{self.name}-{digest}.bin)"
        print(f"  FINDING {self.name}: {self.findings[key]}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", "600")))
    parser.add_argument("--only", default="", help="comma-separated target names")
    args = parser.parse_args(argv)
    names = [n for n in TARGETS if not args.only or n in args.only.split(",")]
    share = args.seconds / len(names)
    print(f"fuzzing {len(names)} targets, {share:.0f} s each", flush=True)
    total = 0
    for name in names:
        func, strategy = TARGETS[name]
        campaign = Campaign(name, func, strategy)
        started = time.monotonic()
        campaign.run(share)
        minutes = (time.monotonic() - started) / 60
        total += len(campaign.findings)
        print(f"{name}: {minutes:.1f} min, {campaign.examples} inputs, slowest {campaign.slowest[0]:.2f} s "
              f"({campaign.slowest[1]} bytes), {len(campaign.findings)} finding(s)", flush=True)
        for finding in campaign.findings.values():
            print(f"  - {finding}", flush=True)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
