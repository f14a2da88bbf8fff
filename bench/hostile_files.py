"""Bench: every hostile file of issue 12 against its parser, each in a fresh process: file size, time to the
answer, peak memory growth (ru_maxrss after minus RSS before) and the answer. Goal: within 2 s, < 200 MB.

Run: .venv/bin/python bench/hostile_files.py [--case NAME]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess  # nosec B404  # re-runs this script with fixed arguments, one case per process
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import hostile  # noqa: E402

MB = 1024 * 1024


def _log(name):
    def run(data):
        from bimtek.attendance.parsers import parse_file

        return parse_file(name, data, "Asia/Jakarta")
    return run


def _roster(name):
    def run(data):
        from bimtek.registration.roster import parse_roster

        return parse_roster(name, data)
    return run


def _signed_pdf(data):
    from bimtek.certificates.archive import check_pdf, pdf_text

    check_pdf(data, 15 * MB)
    return pdf_text(data)


def _image(data):
    from bimtek.certificates.images import check_image

    return check_image(data, "Tanda tangan")


def _attachment(data):
    from bimtek.action_plans.attachments import check_attachment

    return check_attachment("rtl.docx", data)


CASES = {
    "finding1_45mb_shared_string": (lambda: hostile.shared_string_bomb(45_000_000, 10_000), _log("a.xlsx")),
    "finding1_5mb_shared_string": (lambda: hostile.shared_string_bomb(5_000_000, 10_000), _log("a.xlsx")),
    "finding2_roster_5mb_every_cell": (lambda: hostile.shared_string_bomb(
        5_000_000, 14_000, header=hostile.ROSTER_HEADER), _roster("p.xlsx")),
    "finding3_million_rows_xlsx": (lambda: hostile.many_rows_xlsx(1_000_000), _log("a.xlsx")),
    "xlsx_2m_tiny_cells": (lambda: hostile.dense_xlsx(140_000, 15), _log("a.xlsx")),
    "xlsx_600k_cells_at_budget": (lambda: hostile.dense_xlsx(40_000, 15), _log("a.xlsx")),
    "xlsx_row_1048576": (lambda: hostile.sparse_row_xlsx(1_048_576), _log("a.xlsx")),
    "xlsx_column_xfd": (lambda: hostile.wide_xlsx(20_000), _log("a.xlsx")),
    "xlsx_entity_bomb": (hostile.entity_bomb_xlsx, _log("a.xlsx")),
    "xlsx_200mb_member": (hostile.zip_bomb_member, _log("a.xlsx")),
    "csv_10mb_long_cells": (lambda: hostile.csv_long_cells(100_000, 15), _log("a.csv")),
    "csv_roster_long_email": (lambda: hostile.csv_long_cells(100_000, 15, header=hostile.ROSTER_HEADER),
                              _roster("p.csv")),
    "csv_3m_cells_at_budget": (lambda: (",".join(hostile.ZOOM_HEADER) + "\n").encode()
                               + (b"a," * 14 + b"a\n") * 199_000, _log("a.csv")),
    "csv_300k_rows": (lambda: b"Name (Original Name),Join Time,Leave Time\n" + b"a,b,c\n" * 300_000, _log("a.csv")),
    "json_deep": (lambda: hostile.deep_json(200_000), _log("a.json")),
    "json_2m_values": (lambda: hostile.wide_json(2_100_000), _log("a.json")),
    "pdf_flate_1gb": (lambda: hostile.pdf_flate_bomb(1000 * MB), _signed_pdf),
    "pdf_150k_pages": (lambda: hostile.pdf_many_pages(150_000), _signed_pdf),
    "pdf_deep_nesting": (lambda: hostile.pdf_deep_nesting(100_000), _signed_pdf),
    "png_100k_x_100k": (lambda: hostile.png_header_only(100_000, 100_000), _image),
    "docx_zip_bomb": (lambda: hostile.zip_bomb_member("word/document.xml"), _attachment),
}


def _rss():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def run_case(name):
    """Build the file, warm up the imports, then time the parser and measure the memory it added."""
    build, parse = CASES[name]
    data = build()
    try:
        parse(b"")  # imports and first-call set-up are not the parser's work
    except Exception:  # noqa: BLE001, S110 - warm-up only
        pass
    before = _rss()
    started = time.perf_counter()
    try:
        result = parse(data)
        answer = f"accepted (text found: {len(result)} characters)" if isinstance(result, str) else "accepted"
    except Exception as exc:  # noqa: BLE001 - the answer is what we report
        answer = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(json.dumps({"case": name, "bytes": len(data), "seconds": round(elapsed, 3),
                      "grown_mb": round(max(grown, 0) / MB, 1), "answer": answer[:160]}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES))
    args = parser.parse_args()
    if args.case:
        return run_case(args.case)
    print(f"{'case':34} {'file':>9} {'time s':>7} {'+MB':>6}  answer")
    worst_time = worst_mb = 0.0
    for name in CASES:
        done = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True,  # nosec
                              check=False, timeout=600)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        worst_time, worst_mb = max(worst_time, row["seconds"]), max(worst_mb, row["grown_mb"])
        print(f"{name:34} {row['bytes']:>9} {row['seconds']:>7.2f} {row['grown_mb']:>6.1f}  {row['answer'][:90]}")
    print(f"worst: {worst_time:.2f} s, +{worst_mb:.0f} MB (goal: within 2 s, < 200 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
