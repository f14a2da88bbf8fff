"""Server-side paging of long lists (organizer pages at thousands of participants). Pure.

A page is chosen by the `hal` query argument (1-based); out-of-range values land on the nearest page, so a
filter that shrinks the list never shows an empty page with results elsewhere.
"""
from dataclasses import dataclass

PAGE_ARG = "hal"
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """Which slice of `total` items is shown: page `number` of `pages`, `size` items each."""

    number: int
    size: int
    total: int

    @classmethod
    def of(cls, requested, total, size=PAGE_SIZE):
        """The page for a requested number (any value: junk, zero, too large) over `total` items."""
        try:
            number = int(requested)
        except (TypeError, ValueError):
            number = 1
        pages = max(1, -(-total // size))
        return cls(min(max(number, 1), pages), size, total)

    @property
    def pages(self):
        return max(1, -(-self.total // self.size))

    @property
    def offset(self):
        return (self.number - 1) * self.size

    @property
    def first(self):
        """1-based position of the first item shown (0 when the list is empty)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self):
        return min(self.offset + self.size, self.total)

    def slice(self, items):
        """The items of this page from a full list."""
        return items[self.offset:self.offset + self.size]

    def numbers(self, around=2):
        """Page numbers to link: first, last and `around` each side of the current one; None marks a gap."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        shown, previous = [], 0
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if number > previous + 1:
                shown.append(None)
            shown.append(number)
            previous = number
        return shown
