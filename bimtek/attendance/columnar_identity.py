"""`_RowMemo.identity` over the distinct identity cells of a log at once (pure): polars string kernels for the
usual names and e-mails, the per-value Python functions for the rest (non-ASCII, nested brackets).

An identity is (display, original, e-mail, flags, role), exactly as `parsers.tables._RowMemo.identity` gives it
for the raw cells (name, e-mail, guest, waiting room, role); () for a blank name.
"""

from __future__ import annotations

import polars as pl

from bimtek.attendance.parsers.tables import _Memo, _RowMemo

# what Python's str.strip() removes (polars alone would keep U+001C…U+001F)
PY_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# "Display (Original)" with one bracket pair closing the name: what `split_original_name` splits the usual way
_ONE_PAIR = r"^[^()]*\([^()]*\)$"
_PLAUSIBLE_EMAIL = r"^[^@ …]+@[^@ …]*\.[^@ …]*$"


def identities(cells: pl.DataFrame, memo: _RowMemo) -> list[tuple]:
    """Identity of each row of `cells` (columns k0…k4: name, e-mail, guest, waiting room, role cells)."""
    cols = memo.cols

    def stripped(name: str, index: int | None) -> pl.Expr:  # an absent column reads "" (its key repeats the name)
        return pl.lit("") if index is None else pl.col(name).str.strip_chars(PY_SPACE)
    frame = cells.lazy().select(
        raw=pl.col("k0").str.strip_chars(PY_SPACE),
        email=stripped("k1", cols.email),
        guest=stripped("k2", cols.guest),
        waiting=stripped("k3", cols.waiting_room),
        role=stripped("k4", cols.role),
    ).with_columns(
        simple=pl.col("raw").str.contains(_ONE_PAIR) | ~pl.col("raw").str.ends_with(")"),
        ascii_email=pl.col("email").str.contains(r"^[\x00-\x7f]*$"),
    ).with_columns(
        display=pl.when(pl.col("raw").str.ends_with(")"))
        .then(pl.col("raw").str.extract(r"^([^(]*)\(", 1).str.strip_chars(PY_SPACE)).otherwise(pl.col("raw")),
        original=pl.when(pl.col("raw").str.ends_with(")"))
        .then(pl.col("raw").str.extract(r"\(([^()]*)\)$", 1).str.strip_chars(PY_SPACE)).otherwise(pl.col("raw")),
        clean=_clean_email(pl.col("email")),
    ).with_columns(  # `split_original_name`: an empty side keeps the name whole
        display=pl.when((pl.col("display") == "") | (pl.col("original") == "")).then(pl.col("raw"))
        .otherwise(pl.col("display")),
        original=pl.when((pl.col("display") == "") | (pl.col("original") == "")).then(pl.col("raw"))
        .otherwise(pl.col("original")),
    )
    if not cols.split_names:
        frame = frame.with_columns(display=pl.col("raw"), original=pl.col("raw"), simple=pl.lit(True))
    blank = pl.col("raw").is_null() | (pl.col("raw") == "")
    frame = frame.select(
        "raw", "display", "original", "email", "guest", "waiting", "role", blank=blank,
        odd_name=~blank & ~pl.col("simple"), odd_email=~blank & ~pl.col("ascii_email").fill_null(False),
        clean=pl.when(pl.col("ascii_email")).then(pl.col("clean"))).with_row_index("at")
    # one native call: the kernels' columns, and the few rows the Python functions read instead
    found, odd_names, odd_emails, blanks = pl.collect_all([
        frame.select("display", "original", "clean", "guest", "waiting", "role"),
        frame.filter("odd_name").select("at", "raw"), frame.filter("odd_email").select("at", "email"),
        frame.filter("blank").select("at")])
    display, original, email = (found.get_column(name).to_list() for name in ("display", "original", "clean"))
    for at, raw in odd_names.iter_rows():
        display[at], original[at] = memo.name(raw)
    for at, raw in odd_emails.iter_rows():
        email[at] = memo.email(raw)
    flag_sets = _Memo(lambda key: memo.row_flags(*key))
    flags = list(map(flag_sets.__getitem__, zip(*(found.get_column(name).to_list() for name in ("guest", "waiting")))))
    if cols.role is None:
        roles = [cols.default_role] * found.height
    else:
        roles = list(map(_Memo(memo.role).__getitem__, found.get_column("role").to_list()))
    out: list[tuple] = list(zip(display, original, email, flags, roles))
    for at in blanks.get_column("at").to_list():
        out[at] = ()
    return out


def _clean_email(value: pl.Expr) -> pl.Expr:
    """`segments.clean_email` for ASCII text (the caller uses the Python one for anything else): one "@" with
    something before it and a "." after it, no space or "…" anywhere."""
    return pl.when(value.str.contains(_PLAUSIBLE_EMAIL)).then(value.str.to_lowercase()).otherwise(pl.lit(""))
