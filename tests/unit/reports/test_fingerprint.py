"""The report fingerprint: the same figures give the same digest; any figure, chart byte or text changes it; the
daftar hadir rows (which the page does not compute) do not count."""
from bimtek.reports.fingerprint import report_fingerprint

REPORT = {"registration": {"registered": 10, "by_gender": [("Laki-laki", 6), ("Perempuan", 4)]},
          "tests": {"gain": 0.65, "chart": b"\x89PNG-one"}, "texts": {"dasar": "Undang-Undang"},
          "sheets": [{"rows": [("1", "Siti")]}], "appendix_rows": 1200}


def test_same_figures_same_digest_whatever_the_key_order_and_the_sheets():
    shuffled = dict(reversed(list(REPORT.items())))
    assert report_fingerprint(shuffled) == report_fingerprint(REPORT)
    assert report_fingerprint({**REPORT, "sheets": []}) == report_fingerprint(REPORT)
    assert len(report_fingerprint(REPORT)) == 64


def test_a_figure_a_chart_or_a_text_changes_the_digest():
    base = report_fingerprint(REPORT)
    assert report_fingerprint({**REPORT, "registration": {**REPORT["registration"], "registered": 9}}) != base
    assert report_fingerprint({**REPORT, "tests": {"gain": 0.65, "chart": b"\x89PNG-two"}}) != base
    assert report_fingerprint({**REPORT, "texts": {"dasar": "Peraturan"}}) != base
