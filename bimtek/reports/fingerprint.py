"""A digest of the report's figures (pure): equal digests mean a stored report still shows today's numbers."""
import hashlib
import json

from bimtek.reports.images import Picture

# The daftar hadir rows are left out: the page that compares does not compute them (attendance itself is in the
# attendance recap, its heatmap and per-session counts).
LEFT_OUT = ("sheets",)


def _plain(value):
    """JSON for what json cannot write: a chart by what it draws (not drawn here), bytes (the logo) by their
    SHA-256, anything else as text."""
    if isinstance(value, Picture):
        return "picture:" + hashlib.sha256(value.key.encode("utf-8")).hexdigest()
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return repr(value)


def report_fingerprint(report):
    """SHA-256 hex of the report dict (build_report's result) without the daftar hadir rows."""
    figures = {key: value for key, value in report.items() if key not in LEFT_OUT}
    text = json.dumps(figures, sort_keys=True, default=_plain, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
