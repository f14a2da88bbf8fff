"""Check-in pairs as a meeting log (pure): one row per masuk→keluar pair, in the Zoom API JSON shape the parsers
read, named "Presensi mandiri – <number> <name>" so the engine matches it by registration number as one more
identity of that registration (without e-mail, so it never merges with the person's Zoom identity)."""
from __future__ import annotations

import json

FILENAME = "presensi-mandiri.json"
PREFIX = "Presensi mandiri – "
_ISO = "%Y-%m-%dT%H:%M:%SZ"


def display_name(number, name):
    return f"{PREFIX}{number} {name}"


def document(pairs):
    """pairs = [(number, name, masuk, keluar)] (aware UTC) → JSON bytes, or None without pairs."""
    rows = [{"name": display_name(number, name), "user_email": "", "join_time": masuk.strftime(_ISO),
             "leave_time": keluar.strftime(_ISO), "duration": int((keluar - masuk).total_seconds()),
             "status": "in_meeting"} for number, name, masuk, keluar in sorted(pairs) if keluar > masuk]
    if not rows:
        return None
    return json.dumps([{"source": "presensi mandiri", "participants": rows}], ensure_ascii=False,
                      sort_keys=True).encode("utf-8")
