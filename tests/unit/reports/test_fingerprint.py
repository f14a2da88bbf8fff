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


def test_a_picture_counts_by_what_it_draws_and_is_not_drawn_for_the_digest():
    from bimtek.reports import images

    rows = (("0001 Ani", ((100.0, False), (0.0, True)), True),)
    heat = images.Picture("heatmap", (("S1", "S2"), rows))
    report = {**REPORT, "attendance": {"heatmap": heat}}
    base = report_fingerprint(report)
    assert "png" not in heat.__dict__  # digested without drawing
    assert report_fingerprint({**REPORT, "attendance": {"heatmap": images.Picture("heatmap", (("S1", "S2"), rows))}}) \
        == base
    other = (("0001 Ani", ((99.0, False), (0.0, True)), True),)
    assert report_fingerprint({**REPORT, "attendance": {"heatmap": images.Picture("heatmap", (("S1", "S2"),
                                                                                              other))}}) != base
    bars = images.Picture("bars", ((("Sesi", 4.5),),), (("maximum", 5),))
    assert bytes(heat) == images.heatmap_png(("S1", "S2"), rows)  # the same PNG as drawing it directly
    assert bytes(bars) == images.bars_png((("Sesi", 4.5),), maximum=5)
