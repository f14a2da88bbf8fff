"""CLI: python -m bimtek.attendance FILE [FILE ...] --start … --end … --tz … [--roster R.csv] [--json]."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bimtek.attendance.decoding import EXPECTED_LOG
from bimtek.attendance.engine import SessionResult, analyse_session
from bimtek.attendance.json_output import session_json
from bimtek.attendance.roster_file import read_roster
from bimtek.attendance.segments import LogFormatError
from bimtek.core.errors import DomainError
from bimtek.core.gcpause import paused_gc

EXIT_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the CLI contract."""
    parser = argparse.ArgumentParser(prog="python -m bimtek.attendance",
                                     description="Hitung kehadiran dari laporan peserta Zoom/Teams/Google Meet.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="laporan peserta (CSV, XLSX, JSON)")
    parser.add_argument("--start", required=True, help="awal sesi, mis. 2020-07-21T08:00")
    parser.add_argument("--end", required=True, help="akhir sesi, mis. 2020-07-21T12:00")
    parser.add_argument("--tz", default="Asia/Jakarta", help="zona waktu untuk waktu tanpa zona")
    parser.add_argument("--roster", help="ekspor daftar peserta (CSV/XLSX)")
    parser.add_argument("--json", action="store_true", help="cetak satu objek JSON")
    return parser


def _read(path: str, expected: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        problem = f"berkas tidak dapat dibuka ({exc.strerror or exc})"
        raise LogFormatError(Path(path).name, 1, problem, expected) from exc


def _moment(text: str, zone: tzinfo, label: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise DomainError(f"--{label} '{text}' bukan tanggal-waktu ISO (mis. 2020-07-21T08:00)") from exc
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError(f"--tz '{name}' bukan zona waktu yang dikenal (mis. Asia/Jakarta)") from exc


def run(args: argparse.Namespace) -> tuple[SessionResult, tzinfo]:
    """Read inputs and analyse the session (raises DomainError on bad input)."""
    zone = _zone(args.tz)
    start, end = _moment(args.start, zone, "start"), _moment(args.end, zone, "end")
    files = [(Path(p).name, _read(p, EXPECTED_LOG)) for p in args.files]
    registrations = None
    if args.roster:  # read by the engine while it reads the logs (see analyse_session)
        registrations = partial(read_roster, Path(args.roster).name, _read(args.roster, "daftar peserta CSV/XLSX"))
    return analyse_session(files, start, end, zone, registrations), zone


def render_table(result: SessionResult, zone: tzinfo) -> str:
    """Readable Indonesian table of the result."""
    head = ("Nama", "Email", "Menit", "%", "Masuk", "Keluar", "Baris", "No. Registrasi", "Cocok", "Catatan")
    rows = [head] + [_table_row(p, zone) for p in result.people]
    widths = [min(32, max(len(r[i]) for r in rows)) for i in range(len(head))]
    lines = [f"Format: {result.format}",
             f"Sesi: {result.start.astimezone(zone):%d-%m-%Y %H:%M} – {result.end.astimezone(zone):%d-%m-%Y %H:%M}",
             ""]
    lines += ["  ".join(cell[:32].ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"\nJumlah orang: {len(result.people)}; belum cocok: {len(result.unmatched)}")
    for item in result.unmatched:
        hints = ", ".join(f"{s.registration} {s.name} ({s.score:g})" for s in item.suggestions) or "-"
        lines.append(f"  ? {item.name} <{item.email or '-'}>: {item.reason}; saran: {hints}")
    lines += [f"Peringatan: {w}" for w in result.warnings]
    return "\n".join(lines)


def _table_row(person, zone: tzinfo) -> tuple[str, ...]:
    def clock(value):
        return value.astimezone(zone).strftime("%H:%M:%S") if value else "-"

    match = f"{person.match.method} {person.match.confidence:g}" if person.match else "-"
    return (person.name, person.email or "-", f"{person.attended_seconds / 60:.1f}", f"{person.percent:g}",
            clock(person.first_join), clock(person.last_leave), str(person.rows), person.registration or "-",
            match, ", ".join(person.flags) or "-")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status (2 for unreadable or unknown input)."""
    args = build_parser().parse_args(argv)
    # the cyclic GC stays off until the output is written and the result dropped: the analysis builds no cycles,
    # so reference counting frees its ~10^5 objects, and the collector, back on, does not scan them all once more
    with paused_gc():
        try:
            result, zone = run(args)
        except DomainError as exc:
            print(" ".join(str(exc).split()), file=sys.stderr)
            return EXIT_INPUT
        if args.json:
            text = session_json(result, zone)  # = json.dumps(result.to_dict(zone), ensure_ascii=False)
        else:
            text = render_table(result, zone)
        del result
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
