"""The page checks themselves (checks.py) see what they must: a page wider than the phone, an element past the right
edge, and axe-core's serious violations; a table scrolling inside its own box is fine."""
import pytest

from tests.e2e.checks import axe_problems, layout_problems

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html><html lang="id"><head><title>Uji</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Uji</h1>%s</main></body></html>"""


@pytest.fixture
def raw_page(browser):
    # The unaudited browser: these pages are wrong on purpose.
    context = browser._browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def test_layout_check_sees_a_wide_page_and_an_element_past_the_edge(raw_page):
    raw_page.set_content(PAGE % '<div style="width: 600px">lebar</div>')
    assert any(p.startswith("document is 608px wide") for p in layout_problems(raw_page, 390))  # 8px body margin
    raw_page.set_content(PAGE % '<div style="position: absolute; left: 300px; width: 200px">keluar</div>')
    assert any("ends at 500px" in p for p in layout_problems(raw_page, 390)), layout_problems(raw_page, 390)


def test_layout_check_allows_a_table_that_scrolls_in_its_box(raw_page):
    raw_page.set_content(PAGE % '<div style="overflow-x: auto"><table style="width: 900px"><tr><td>a</td></tr>'
                                '</table></div>')
    assert layout_problems(raw_page, 390) == []


def test_axe_reports_an_unlabelled_field_and_poor_contrast(raw_page):
    raw_page.set_content(PAGE % '<form><input type="text" name="nama"></form>'
                                '<p style="color: #aaa; background: #fff">pucat</p>')
    found = " ".join(axe_problems(raw_page))
    assert "label" in found and "color-contrast" in found, found
