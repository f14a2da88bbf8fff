"""Rows of an RTL (one planned activity each): validation, version diffs, no-JS form handling. Pure.

Each row carries a stable `key` (a small integer as text, kept in a hidden form field and in the
stored version) so a reviewer's diff follows a row even after rows are added, removed or moved.
"""

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import NamedTuple

from bimtek.core.errors import ValidationError

TPBIS_STRATEGIES = ("Peningkatan Layanan Informasi", "Pelibatan Masyarakat", "Advokasi dan Kemitraan")
MAX_ROWS = 30
FORM_PREFIX = "rows"
ROW_ACTION_FIELD = "row_action"  # <button name="row_action" value="add|remove-2|up-2|down-2">


class FieldSpec(NamedTuple):
    """One RTL column: attribute name, Indonesian label, required, max length."""

    name: str
    label: str
    required: bool
    max_length: int


PLAN_FIELDS = (
    FieldSpec("strategi", "Strategi TPBIS", True, 100),
    FieldSpec("kegiatan", "Kegiatan", True, 300),
    FieldSpec("tujuan", "Tujuan", True, 500),
    FieldSpec("sasaran", "Sasaran", True, 300),
    FieldSpec("waktu_pelaksanaan", "Waktu Pelaksanaan", True, 100),
    FieldSpec("penanggung_jawab", "Penanggung Jawab", True, 200),
    FieldSpec("indikator_keberhasilan", "Indikator Keberhasilan", True, 500),
    FieldSpec("sumber_dana", "Sumber Dana/Anggaran", False, 200),
    FieldSpec("mitra", "Mitra", False, 300),
)
FIELD_NAMES = tuple(spec.name for spec in PLAN_FIELDS)
FIELD_LABELS = {spec.name: spec.label for spec in PLAN_FIELDS}
_KEY_RE = re.compile(r"[0-9]{1,6}")
_FORM_KEY_RE = re.compile(r"([0-9]{1,4})-([a-z_]+)")
_ACTION_RE = re.compile(r"(add)|(remove|up|down)-([0-9]{1,4})")


@dataclass
class PlanRow:
    """One planned activity of an RTL."""

    strategi: str = ""
    kegiatan: str = ""
    tujuan: str = ""
    sasaran: str = ""
    waktu_pelaksanaan: str = ""
    penanggung_jawab: str = ""
    indikator_keberhasilan: str = ""
    sumber_dana: str = ""
    mitra: str = ""
    key: str = ""  # stable row identity across versions; "" when unknown


class FieldChange(NamedTuple):
    """One field of a row that differs between two versions."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class RowChange:
    """A row added, removed, changed or moved between two versions (indexes are 0-based)."""

    kind: str  # "added" | "removed" | "changed" | "moved"
    key: str
    old_index: object  # int or None
    new_index: object  # int or None
    kegiatan: str
    fields: tuple = ()
    moved: bool = False


class RowAction(NamedTuple):
    """A row button of the no-JS form: kind "add"/"remove"/"up"/"down" and the row index."""

    kind: str
    row: int | None = None


def is_blank(row):
    """True when every field of the row is empty (a freshly added, untouched row)."""
    return not any(getattr(row, name).strip() for name in FIELD_NAMES)


def drop_blank_rows(rows):
    """Rows minus untouched blank ones; call before validating and saving."""
    return [row for row in rows if not is_blank(row)]


def validate_plan(rows, strategies=TPBIS_STRATEGIES, require_each_strategy=False):
    """All problems of a plan as ValidationErrors (field "rows-<i>-<name>", context row=i); [] if valid."""
    if not rows:
        return [ValidationError("RTL harus berisi minimal satu kegiatan.", field=FORM_PREFIX)]
    errors = []
    if len(rows) > MAX_ROWS:
        errors.append(ValidationError(f"RTL maksimal {MAX_ROWS} baris kegiatan.", field=FORM_PREFIX))
    for index, row in enumerate(rows):
        errors.extend(_row_errors(index, row, strategies))
    if require_each_strategy:
        used = {row.strategi.strip() for row in rows}
        errors.extend(
            ValidationError(f"Belum ada kegiatan untuk strategi {name}; tambahkan minimal satu baris.",
                            field=FORM_PREFIX, strategy=name)
            for name in strategies if name not in used)
    return errors


def _row_errors(index, row, strategies):
    """Required, length and strategy checks of one row."""
    errors = []
    for spec in PLAN_FIELDS:
        value = getattr(row, spec.name).strip()
        message = None
        if spec.required and not value:
            message = f"{spec.label} wajib diisi."
        elif len(value) > spec.max_length:
            message = f"{spec.label} terlalu panjang (maks. {spec.max_length} karakter)."
        elif spec.name == "strategi" and value not in strategies:
            message = f"Strategi harus salah satu dari: {', '.join(strategies)}."
        if message:
            errors.append(ValidationError(
                f"Baris {index + 1}: {message}", field=f"{FORM_PREFIX}-{index}-{spec.name}", row=index))
    return errors


def diff_versions(old_rows, new_rows):
    """What changed from old_rows to new_rows: matched by key when every row has one, else by position."""
    if _all_keyed(old_rows) and _all_keyed(new_rows):
        pairs = _pairs_by_key(old_rows, new_rows)
    else:
        pairs = _pairs_by_position(old_rows, new_rows)
    moved = _moved_old_indexes(pairs)
    changes = []
    for old_index, new_index in pairs:
        change = _compare(old_rows, new_rows, old_index, new_index, moved)
        if change:
            changes.append(change)
    return sorted(changes, key=lambda c: (c.new_index is None, c.new_index or 0, c.old_index or 0))


def _all_keyed(rows):
    keys = [row.key for row in rows]
    return all(keys) and len(set(keys)) == len(keys)


def _pairs_by_key(old_rows, new_rows):
    """(old index or None, new index or None) for every row of either version."""
    old_at = {row.key: i for i, row in enumerate(old_rows)}
    new_keys = {row.key for row in new_rows}
    pairs = [(old_at.get(row.key), i) for i, row in enumerate(new_rows)]
    return pairs + [(i, None) for i, row in enumerate(old_rows) if row.key not in new_keys]


def _pairs_by_position(old_rows, new_rows):
    count = max(len(old_rows), len(new_rows))
    return [(i if i < len(old_rows) else None, i if i < len(new_rows) else None) for i in range(count)]


def _moved_old_indexes(pairs):
    """Old indexes of matched rows whose relative order changed (outside the longest kept order)."""
    matched = [old for old, new in pairs if old is not None and new is not None]  # in new order
    kept = _longest_increasing(matched)
    return set(matched) - kept


def _longest_increasing(values):
    """The values of one longest strictly increasing subsequence (patience sorting)."""
    tails, parent = [], {}
    for value in values:
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (mid + 1, hi) if tails[mid] < value else (lo, mid)
        parent[value] = tails[lo - 1] if lo else None
        tails[lo:lo + 1] = [value]
    result, value = set(), tails[-1] if tails else None
    while value is not None:
        result.add(value)
        value = parent[value]
    return result


def _compare(old_rows, new_rows, old_index, new_index, moved):
    """RowChange for one pair, or None when the row is unchanged and not moved."""
    old = old_rows[old_index] if old_index is not None else None
    new = new_rows[new_index] if new_index is not None else None
    row = new or old
    base = {"key": row.key, "old_index": old_index, "new_index": new_index, "kegiatan": row.kegiatan.strip()}
    if old is None:
        return RowChange("added", fields=_field_changes(PlanRow(), new), **base)
    if new is None:
        return RowChange("removed", fields=_field_changes(old, PlanRow()), **base)
    changed = _field_changes(old, new)
    is_moved = old_index in moved
    if changed:
        return RowChange("changed", fields=changed, moved=is_moved, **base)
    return RowChange("moved", moved=True, **base) if is_moved else None


def _field_changes(old, new):
    return tuple(
        FieldChange(spec.name, spec.label, getattr(old, spec.name).strip(), getattr(new, spec.name).strip())
        for spec in PLAN_FIELDS
        if getattr(old, spec.name).strip() != getattr(new, spec.name).strip())


def describe_changes(changes):
    """One Indonesian sentence per change, for the review history ("Baris 2 (…) diubah — …")."""
    return [_DESCRIBE[change.kind](change) for change in changes]


def _describe_changed(change):
    details = "; ".join(f"{f.label}: \u201c{f.old}\u201d \u2192 \u201c{f.new}\u201d" for f in change.fields)
    where = f"Baris {change.new_index + 1}"
    if change.moved:
        where += f" (sebelumnya baris {change.old_index + 1})"
    return f"{where} ({change.kegiatan}) diubah \u2014 {details}"


_DESCRIBE = {
    "added": lambda c: f"Baris {c.new_index + 1} ditambahkan: {c.kegiatan or '(tanpa nama kegiatan)'}",
    "removed": lambda c: f"Baris {c.old_index + 1} versi sebelumnya dihapus: {c.kegiatan}",
    "moved": lambda c: f"Baris {c.old_index + 1} dipindah ke baris {c.new_index + 1}: {c.kegiatan}",
    "changed": _describe_changed,
}


def rows_to_data(rows):
    """Plain dicts for JSON storage of a version."""
    return [asdict(row) for row in rows]


def rows_from_data(data):
    """PlanRows from stored dicts; unknown keys are ignored and missing fields are ''."""
    names = {f.name for f in fields(PlanRow)}
    return [PlanRow(**{k: str(v or "") for k, v in item.items() if k in names}) for item in data]


def rows_from_form(form, prefix=FORM_PREFIX):
    """PlanRows from a plain form post with keys like "rows-0-kegiatan" (MultiDict or dict), in index order."""
    by_index = {}
    for name in form.keys():
        match = _FORM_KEY_RE.fullmatch(name[len(prefix) + 1:]) if name.startswith(prefix + "-") else None
        if match and (match.group(2) in FIELD_NAMES or match.group(2) == "key"):
            value = _first(form.get(name))
            by_index.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    return assign_keys([PlanRow(**by_index[i]) for i in sorted(by_index)])


def _first(value):
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def form_data(rows, prefix=FORM_PREFIX):
    """The flat form fields for rows (inverse of rows_from_form)."""
    return {f"{prefix}-{i}-{name}": value for i, row in enumerate(rows) for name, value in asdict(row).items()}


def assign_keys(rows):
    """Give rows with a missing, malformed or duplicate key a fresh one; other keys stay."""
    seen, result = set(), []
    next_key = _next_key(rows)
    for row in rows:
        if not _KEY_RE.fullmatch(row.key) or row.key in seen:
            row = replace(row, key=str(next_key))
            next_key += 1
        seen.add(row.key)
        result.append(row)
    return result


def _next_key(rows):
    return 1 + max((int(row.key) for row in rows if _KEY_RE.fullmatch(row.key)), default=0)


def parse_row_action(form):
    """The row button pressed in the form ("add", "remove-2", "up-2", "down-2") or None."""
    match = _ACTION_RE.fullmatch(_first(form.get(ROW_ACTION_FIELD)).strip())
    if not match:
        return None
    if match.group(1):
        return RowAction("add")
    return RowAction(match.group(2), int(match.group(3)))


def add_row(rows):
    """Rows plus one blank row with a fresh key; ValidationError beyond MAX_ROWS."""
    if len(rows) >= MAX_ROWS:
        raise ValidationError(f"RTL maksimal {MAX_ROWS} baris kegiatan.", field=FORM_PREFIX)
    return list(rows) + [PlanRow(key=str(_next_key(rows)))]


def remove_row(rows, index):
    """Rows without row `index` (unchanged if out of range, e.g. a stale form)."""
    return [row for i, row in enumerate(rows) if i != index]


def move_row(rows, index, offset):
    """Rows with row `index` moved by `offset` (-1 up, +1 down); unchanged at the edges/out of range."""
    target = index + offset
    if not (0 <= index < len(rows) and 0 <= target < len(rows)):
        return list(rows)
    result = list(rows)
    result.insert(target, result.pop(index))
    return result


ROW_ACTIONS = {
    "add": lambda rows, index: add_row(rows),
    "remove": remove_row,
    "up": lambda rows, index: move_row(rows, index, -1),
    "down": lambda rows, index: move_row(rows, index, 1),
}


def apply_row_action(rows, action):
    """Apply a RowAction from parse_row_action to the rows; returns a new list."""
    return ROW_ACTIONS[action.kind](rows, action.row)
