"""RTL rows: validation, version diffs and the no-JS form (rows-0-kegiatan, row buttons)."""

from dataclasses import replace

import pytest
from hypothesis import given, strategies as st
from werkzeug.datastructures import MultiDict

from bimtek.action_plans.plan_rows import (
    FIELD_NAMES,
    MAX_ROWS,
    TPBIS_STRATEGIES,
    PlanRow,
    RowAction,
    add_row,
    apply_row_action,
    assign_keys,
    describe_changes,
    diff_versions,
    drop_blank_rows,
    form_data,
    move_row,
    parse_row_action,
    remove_row,
    rows_from_data,
    rows_from_form,
    rows_to_data,
    validate_plan,
)
from bimtek.core.errors import ValidationError

LAYANAN, PELIBATAN, ADVOKASI = TPBIS_STRATEGIES


def _row(strategi=LAYANAN, kegiatan="Kelas literasi digital", key="", **extra):
    values = dict(strategi=strategi, kegiatan=kegiatan, tujuan="Warga desa mahir mencari informasi",
                  sasaran="Remaja dan ibu rumah tangga", waktu_pelaksanaan="Agustus–Desember 2020",
                  penanggung_jawab="Kepala Perpustakaan Desa", indikator_keberhasilan="40 peserta/bulan",
                  sumber_dana="Dana Desa", mitra="PKK", key=key)
    values.update(extra)
    return PlanRow(**values)


FULL_PLAN = [_row(LAYANAN, key="1"), _row(PELIBATAN, "Pojok baca", key="2"),
             _row(ADVOKASI, "Audiensi kepala desa", key="3")]


def _messages(errors):
    return [(e.field, e.message) for e in errors]


def test_valid_plan_has_no_errors():
    assert validate_plan(FULL_PLAN, TPBIS_STRATEGIES, require_each_strategy=True) == []
    assert validate_plan([_row(sumber_dana="", mitra="")], TPBIS_STRATEGIES, False) == []


@pytest.mark.parametrize("field, value, message", [
    ("strategi", "", "Baris 1: Strategi TPBIS wajib diisi."),
    ("strategi", "Replikasi Mandiri", "Baris 1: Strategi harus salah satu dari: Peningkatan Layanan"),
    ("kegiatan", "  ", "Baris 1: Kegiatan wajib diisi."),
    ("tujuan", "", "Baris 1: Tujuan wajib diisi."),
    ("sasaran", "", "Baris 1: Sasaran wajib diisi."),
    ("waktu_pelaksanaan", "", "Baris 1: Waktu Pelaksanaan wajib diisi."),
    ("penanggung_jawab", "", "Baris 1: Penanggung Jawab wajib diisi."),
    ("indikator_keberhasilan", "", "Baris 1: Indikator Keberhasilan wajib diisi."),
    ("kegiatan", "x" * 301, "Baris 1: Kegiatan terlalu panjang (maks. 300 karakter)."),
    ("mitra", "x" * 301, "Baris 1: Mitra terlalu panjang"),
])
def test_row_field_errors_name_row_and_field(field, value, message):
    errors = validate_plan([_row(**{field: value})], TPBIS_STRATEGIES, require_each_strategy=False)
    assert len(errors) == 1
    assert errors[0].field == f"rows-0-{field}" and errors[0].context["row"] == 0
    assert errors[0].message.startswith(message)


def test_errors_of_later_rows_use_their_index():
    errors = validate_plan([_row(), _row(tujuan="")], TPBIS_STRATEGIES, False)
    assert _messages(errors) == [("rows-1-tujuan", "Baris 2: Tujuan wajib diisi.")]


@pytest.mark.parametrize("rows, missing", [
    ([_row(LAYANAN), _row(PELIBATAN)], [ADVOKASI]),
    ([_row(LAYANAN), _row(LAYANAN)], [PELIBATAN, ADVOKASI]),
    (FULL_PLAN, []),
])
def test_each_strategy_required_when_configured(rows, missing):
    errors = validate_plan(rows, TPBIS_STRATEGIES, require_each_strategy=True)
    assert [e.context["strategy"] for e in errors] == missing
    for error, name in zip(errors, missing):
        assert error.message == f"Belum ada kegiatan untuk strategi {name}; tambahkan minimal satu baris."
    assert validate_plan(rows, TPBIS_STRATEGIES, require_each_strategy=False) == []


def test_empty_and_oversized_plans():
    assert _messages(validate_plan([], TPBIS_STRATEGIES, False)) == [
        ("rows", "RTL harus berisi minimal satu kegiatan.")]
    errors = validate_plan([_row()] * (MAX_ROWS + 1), TPBIS_STRATEGIES, False)
    assert _messages(errors) == [("rows", f"RTL maksimal {MAX_ROWS} baris kegiatan.")]


def test_custom_strategy_list():
    assert validate_plan([_row("Replikasi Mandiri")], ("Replikasi Mandiri",), True) == []


def test_blank_rows_are_dropped_before_validation():
    rows = [_row(), PlanRow(key="9"), PlanRow(kegiatan="  ")]
    assert drop_blank_rows(rows) == [_row()]


# --- diff_versions -------------------------------------------------------------------------------

def _kinds(changes):
    return [(c.kind, c.key, c.old_index, c.new_index, [f.field for f in c.fields]) for c in changes]


ALL_FIELDS = list(FIELD_NAMES)


@pytest.mark.parametrize("new_rows, expected", [
    (FULL_PLAN, []),
    ([FULL_PLAN[0], replace(FULL_PLAN[1], sasaran="Lansia"), FULL_PLAN[2]],
     [("changed", "2", 1, 1, ["sasaran"])]),
    (FULL_PLAN + [_row(kegiatan="Baru", key="4")], [("added", "4", None, 3, ALL_FIELDS)]),
    ([FULL_PLAN[0], FULL_PLAN[2]], [("removed", "2", 1, None, ALL_FIELDS)]),
    # removing the first row shifts the others, but keys keep them matched: only one change
    (FULL_PLAN[1:], [("removed", "1", 0, None, ALL_FIELDS)]),
    ([FULL_PLAN[1], FULL_PLAN[0], FULL_PLAN[2]], [("moved", "2", 1, 0, [])]),
    ([replace(FULL_PLAN[2], mitra="Camat"), FULL_PLAN[0], FULL_PLAN[1]],
     [("changed", "3", 2, 0, ["mitra"])]),
    ([replace(FULL_PLAN[0], tujuan="  Warga desa mahir mencari informasi ")] + FULL_PLAN[1:], []),
])
def test_diff_by_key(new_rows, expected):
    assert _kinds(diff_versions(FULL_PLAN, new_rows)) == expected


def test_diff_falls_back_to_position_without_keys():
    old = [replace(r, key="") for r in FULL_PLAN]
    new = [old[0], replace(old[2], kegiatan="Audiensi bupati")]
    changes = diff_versions(old, new)
    assert [(c.kind, c.old_index, c.new_index) for c in changes] == [("changed", 1, 1), ("removed", 2, None)]
    assert {f.field for f in changes[0].fields} >= {"strategi", "kegiatan"}


def test_describe_changes_in_indonesian():
    new = [replace(FULL_PLAN[2], mitra="Camat"), FULL_PLAN[0], _row(kegiatan="Lomba bercerita", key="4")]
    lines = describe_changes(diff_versions(FULL_PLAN, new))
    assert lines == [
        "Baris 1 (sebelumnya baris 3) (Audiensi kepala desa) diubah — Mitra: “PKK” → “Camat”",
        "Baris 3 ditambahkan: Lomba bercerita",
        "Baris 2 versi sebelumnya dihapus: Pojok baca",
    ]
    assert describe_changes(diff_versions(FULL_PLAN, [FULL_PLAN[1], FULL_PLAN[0], FULL_PLAN[2]])) == [
        "Baris 2 dipindah ke baris 1: Pojok baca"]


@given(st.permutations(range(6)))
def test_pure_reordering_reports_only_moves(order):
    old = [_row(kegiatan=f"K{i}", key=str(i + 1)) for i in range(6)]
    changes = diff_versions(old, [old[i] for i in order])
    assert all(c.kind == "moved" for c in changes)
    assert (changes == []) is (list(order) == sorted(order))


def test_stored_data_round_trip_tolerates_schema_drift():
    data = rows_to_data(FULL_PLAN)
    assert rows_from_data(data) == FULL_PLAN
    assert rows_from_data([{"kegiatan": "Lama", "anggaran": "5 juta", "mitra": None}]) == [PlanRow(kegiatan="Lama")]


# --- no-JS form ---------------------------------------------------------------------------------

def test_rows_from_form_reads_flat_keys_in_numeric_order():
    form = MultiDict([
        ("csrf_token", "x"), ("rows-10-kegiatan", "Kesepuluh"), ("rows-2-kegiatan", " Kedua "),
        ("rows-2-strategi", LAYANAN), ("rows-2-key", "5"), ("rows-2-unknown", "ignored"),
        ("rowsx-1-kegiatan", "ignored"), ("rows-a-kegiatan", "ignored"),
    ])
    assert rows_from_form(form) == [
        PlanRow(strategi=LAYANAN, kegiatan="Kedua", key="5"), PlanRow(kegiatan="Kesepuluh", key="6")]


def test_rows_from_form_accepts_dict_of_lists_and_form_data_is_its_inverse():
    assert rows_from_form(form_data(FULL_PLAN)) == FULL_PLAN
    assert rows_from_form({"rows-0-kegiatan": ["A", "B"]}) == [PlanRow(kegiatan="A", key="1")]


@pytest.mark.parametrize("keys, expected", [
    (["1", "2"], ["1", "2"]),
    (["", ""], ["1", "2"]),
    (["3", "3"], ["3", "4"]),
    (["x", "2"], ["3", "2"]),
])
def test_assign_keys(keys, expected):
    assert [r.key for r in assign_keys([PlanRow(key=k) for k in keys])] == expected


@pytest.mark.parametrize("value, expected", [
    ("add", RowAction("add")),
    ("remove-2", RowAction("remove", 2)),
    ("up-1", RowAction("up", 1)),
    ("down-0", RowAction("down", 0)),
    ("", None), ("delete-1", None), ("remove-", None), ("remove-x", None),
])
def test_parse_row_action(value, expected):
    assert parse_row_action(MultiDict([("row_action", value)])) == expected


@pytest.mark.parametrize("action, expected_keys", [
    (RowAction("add"), ["1", "2", "3", "4"]),
    (RowAction("remove", 1), ["1", "3"]),
    (RowAction("remove", 7), ["1", "2", "3"]),
    (RowAction("up", 1), ["2", "1", "3"]),
    (RowAction("up", 0), ["1", "2", "3"]),
    (RowAction("down", 1), ["1", "3", "2"]),
    (RowAction("down", 2), ["1", "2", "3"]),
    (RowAction("down", -1), ["1", "2", "3"]),
])
def test_apply_row_action(action, expected_keys):
    result = apply_row_action(FULL_PLAN, action)
    assert [r.key for r in result] == expected_keys
    assert [r.key for r in FULL_PLAN] == ["1", "2", "3"]  # input untouched


def test_add_row_is_blank_and_capped():
    assert add_row([])[0] == PlanRow(key="1")
    with pytest.raises(ValidationError, match=f"maksimal {MAX_ROWS}"):
        add_row([PlanRow(key=str(i)) for i in range(MAX_ROWS)])


def test_remove_then_move_are_pure_functions():
    assert remove_row(FULL_PLAN, 0) == FULL_PLAN[1:]
    assert move_row(FULL_PLAN, 2, -2) == [FULL_PLAN[2], FULL_PLAN[0], FULL_PLAN[1]]
