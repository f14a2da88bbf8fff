"""Numbers on pages use the reader's decimal mark (issue 14: "5.33" JP and "98.3" on Indonesian pages)."""
import pytest
from flask import render_template_string

MACROS = '{% from "attendance/_status.html" import jp %}'


@pytest.mark.parametrize(("lang", "expected"), [("id", "5,33 · 98,3 · 1.234 · –"), ("en", "5.33 · 98.3 · 1,234 · –")])
def test_the_angka_filter_follows_the_locale(app, lang, expected):
    with app.test_request_context(f"/?lang={lang}"):
        assert render_template_string(
            "{{ 5.3333|angka }} · {{ 98.26|angka(1) }} · {{ 1234|angka }} · {{ none|angka }}") == expected


@pytest.mark.parametrize(("lang", "expected"), [("id", "5,33 JP · 12,5%"), ("en", "5.33 JP · 12.5%")])
def test_jp_and_percentages_on_pages(app, lang, expected):
    with app.test_request_context(f"/?lang={lang}"):
        assert render_template_string(MACROS + "{{ jp(5.3333) }} JP · {{ 12.5|persen }}") == expected
