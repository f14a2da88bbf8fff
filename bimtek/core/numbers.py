"""Numbers for people: the locale's decimal mark and grouping ("5,33" and "1.234" in Indonesian, "5.33" and
"1,234" in English), at most `digits` decimals with no trailing zeros. Pages and documents only: exports keep
machine-readable numbers."""
from babel.numbers import format_decimal


def format_number(value, lang="id", digits=2):
    """`value` (int, float, Decimal) for the locale `lang`, rounded to `digits` decimals; "–" for no value."""
    if value is None or value == "":
        return "–"
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=lang)


def format_percent(value, lang="id", digits=1):
    """'98,3%' (the figure is already a percentage); "–" when there is none."""
    return "–" if value is None else f"{format_number(value, lang, digits)}%"
