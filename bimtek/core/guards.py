"""Budget checks of already-split tables and parsed JSON (pure). Each check is one C-level pass in the
common case; only a file that breaks a limit is walked again in Python to name the row and column."""

from itertools import chain

from bimtek.core.limits import (
    HEADER_ROWS_ALLOWANCE,
    JSON_MAX_DEPTH,
    JSON_MAX_VALUES,
    BudgetExceeded,
    TableBudget,
    thousands,
)


def check_row_count(count, budget: TableBudget, allowance=HEADER_ROWS_ALLOWANCE):
    """Refuse more than max_rows data rows (plus `allowance` rows of titles and header)."""
    if count > budget.max_rows + allowance:
        raise BudgetExceeded(f"berkas berisi lebih dari {thousands(budget.max_rows)} baris data; "
                             "pecah menjadi beberapa berkas", budget.max_rows + allowance + 1)


def check_table(rows, budget: TableBudget, lines=None, allowance=HEADER_ROWS_ALLOWANCE):
    """Rows (lists of str) within the budget: row count, columns per row, cells in all, characters per cell.

    `lines[i]` is the line number the user sees for rows[i] (default i + 1)."""
    check_row_count(len(rows), budget, allowance)
    widths = list(map(len, rows))
    if sum(widths) > budget.max_cells:
        raise BudgetExceeded(f"berkas berisi lebih dari {thousands(budget.max_cells)} sel")
    if max(widths, default=0) > budget.max_columns:
        index = next(i for i, width in enumerate(widths) if width > budget.max_columns)
        raise BudgetExceeded(f"terlalu banyak kolom (maks. {budget.max_columns})", _line(lines, index),
                             budget.max_columns + 1)
    if max(map(len, chain.from_iterable(rows)), default=0) > budget.max_cell_chars:
        _raise_long_cell(rows, budget, lines)


def check_cell(text, budget: TableBudget, row=None, column=None):
    """One cell's text within max_cell_chars."""
    if len(text) > budget.max_cell_chars:
        raise BudgetExceeded(_too_long(len(text), budget), row, column)


def _raise_long_cell(rows, budget, lines):
    for index, row in enumerate(rows):
        for column, text in enumerate(row, start=1):
            check_cell(text, budget, _line(lines, index), column)


def _too_long(length, budget, subject="isi sel"):
    return f"{subject} terlalu panjang ({thousands(length)} karakter; maks. {thousands(budget.max_cell_chars)})"


def _line(lines, index):
    return lines[index] if lines is not None and index < len(lines) else index + 1


def check_json_text(text):
    """Before json.loads: an upper bound of the number of values (commas + 1)."""
    if text.count(",") + 1 > JSON_MAX_VALUES:
        raise BudgetExceeded(f"JSON berisi lebih dari {thousands(JSON_MAX_VALUES)} nilai")


def check_json_value(value, budget: TableBudget, max_depth=JSON_MAX_DEPTH):
    """After json.loads: nesting depth and the length of every string (keys too), without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise BudgetExceeded(f"JSON bersarang terlalu dalam (lebih dari {max_depth} tingkat)")
        if isinstance(item, dict):
            for key in item:
                if len(key) > budget.max_cell_chars:
                    raise BudgetExceeded(_too_long(len(key), budget, "nama kunci JSON"))
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and len(item) > budget.max_cell_chars:
            raise BudgetExceeded(_too_long(len(item), budget, "teks JSON"))
