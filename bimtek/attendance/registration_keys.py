"""The registrants' look-up keys computed as polars columns (pure): `number_key` of each number, the number's tail
digits (`matchers.tail_digits`) and the e-mail as the matcher compares it.

Only values of printable ASCII (U+0020…U+007E) go through the kernels: there the only whitespace is a space
(`str.split`, `str.strip`), `\\d` is [0-9] and Python's and polars' upper/lower case agree. Every other value is
given to the Python function itself (`tests/unit/attendance/test_registration_keys.py` compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bimtek.attendance.match_types import number_key
from bimtek.attendance.matchers import tail_digits
from bimtek.attendance.name_columns import PRINTABLE_ASCII

_MAX_DIGITS = 18  # longer tails do not fit an Int64: by the Python function


def registration_keys(numbers: Sequence[str], emails: Sequence[str]) -> tuple[list[str], list[int | None], list[str]]:
    """([number_key(n)], [tail_digits(n)], [e.strip().lower()]) for the numbers and e-mails."""
    frame = pl.LazyFrame({"number": numbers, "email": emails}, schema={"number": pl.String, "email": pl.String})
    digits = pl.col("number").str.extract(r"([0-9]+)[^0-9]*$", 1)
    fits = digits.str.len_bytes().fill_null(0) <= _MAX_DIGITS
    done = frame.select(
        plain_number=pl.col("number").str.contains(PRINTABLE_ASCII) & fits,
        plain_email=pl.col("email").str.contains(PRINTABLE_ASCII),
        key=pl.col("number").str.replace_all(" ", "", literal=True).str.to_uppercase(),
        tail=digits.cast(pl.Int64, strict=False),
        email=pl.col("email").str.strip_chars(" ").str.to_lowercase()).collect()
    keys, tails, email_keys = (done.get_column(name).to_list() for name in ("key", "tail", "email"))
    for position in done.get_column("plain_number").not_().arg_true().to_list():
        keys[position], tails[position] = number_key(numbers[position]), tail_digits(numbers[position])
    for position in done.get_column("plain_email").not_().arg_true().to_list():
        email_keys[position] = emails[position].strip().lower()
    return keys, tails, email_keys
