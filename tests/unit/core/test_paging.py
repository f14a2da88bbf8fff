"""Server-side paging: any requested page lands on a real one; the links show first, last and neighbours."""
import pytest

from bimtek.core.paging import Page


@pytest.mark.parametrize("requested, number", [(None, 1), ("", 1), ("x", 1), ("0", 1), ("-3", 1), ("2", 2),
                                               ("3", 3), ("99", 3), (2, 2)])
def test_requested_page_is_clamped(requested, number):
    assert Page.of(requested, 120, size=50).number == number


def test_slice_and_positions():
    page = Page.of("3", 120, size=50)
    assert (page.pages, page.offset, page.first, page.last) == (3, 100, 101, 120)
    assert page.slice(list(range(120))) == list(range(100, 120))
    empty = Page.of("5", 0)
    assert (empty.number, empty.pages, empty.first, empty.last, empty.slice([])) == (1, 1, 0, 0, [])


def test_page_numbers_with_gaps():
    assert Page.of("10", 1000, size=50).numbers() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert Page.of("1", 120, size=50).numbers() == [1, 2, 3]
