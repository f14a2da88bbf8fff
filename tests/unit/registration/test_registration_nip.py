"""NIP validation, jenis kelamin and pangkat/golongan parsing."""

from datetime import date

import pytest

from bimtek.core.errors import ValidationError
from bimtek.registration.nip import (
    PANGKAT_GOLONGAN,
    format_nip,
    format_pangkat,
    normalize_nip,
    parse_jenis_kelamin,
    parse_pangkat,
    validate_nip,
)

TODAY = date(2020, 7, 21)


@pytest.mark.parametrize("raw, expected", [
    ("19860926 201505 1 001", "198609262015051001"),
    ("198609262015051001", "198609262015051001"),
    ("19860926.201505.1.001", "198609262015051001"),
    ("19860926-201505-1-001", "198609262015051001"),
    ("  19860926  201505 1 001 ", "198609262015051001"),
    ("19860926\t201505\u00a01\u00a0001", "198609262015051001"),
    (198609262015051001, "198609262015051001"),
])
def test_normalize_nip_accepts_separators(raw, expected):
    assert normalize_nip(raw) == expected


@pytest.mark.parametrize("raw, fragment", [
    ("", "wajib diisi"),
    (None, "wajib diisi"),
    ("19860926 201505 1 00", "18 digit, tetapi yang diisi 17 digit"),
    ("19860926 201505 1 0011", "18 digit, tetapi yang diisi 19 digit"),
    ("19860926 201505 1 00A", "hanya boleh berisi angka"),
    ("1986O926 201505 1 001", "hanya boleh berisi angka"),
    ("١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١", "hanya boleh berisi angka"),  # non-ASCII digits
    ("19860926/201505/1/001", "hanya boleh berisi angka"),
])
def test_normalize_nip_rejects(raw, fragment):
    with pytest.raises(ValidationError, match=fragment) as exc:
        normalize_nip(raw)
    assert exc.value.field == "nip"


def test_validate_nip_decodes_the_parts():
    result = validate_nip("19860926 201505 1 001", "L", today=TODAY)
    assert (result.nip, result.birth_date, result.tmt, result.gender, result.warnings) == (
        "198609262015051001", date(1986, 9, 26), (2015, 5), "L", [])


@pytest.mark.parametrize("raw, fragment", [
    ("19860231 201505 1 001", r"Tanggal lahir pada NIP \(8 digit pertama: 19860231\) bukan tanggal yang valid"),
    ("19860230 201505 1 001", "bukan tanggal yang valid"),
    ("19861301 201505 1 001", "bukan tanggal yang valid"),
    ("18991231 192001 1 001", "Tanggal lahir pada NIP .* tidak mungkin"),
    ("20210101 202005 1 001", "Tanggal lahir pada NIP .* tidak mungkin"),  # born after TODAY
    ("19860926 201513 1 001", "Bulan TMT CPNS .*201513.* bulan harus 01–12"),
    ("19860926 201500 1 001", "bulan harus 01–12"),
    ("19860926 200205 1 001", "usia saat diangkat kurang dari 17 tahun"),
    ("19860926 202008 1 001", r"TMT CPNS pada NIP \(Agustus 2020\) berada di masa depan"),
    ("19860926 201505 3 001", "Digit ke-15 NIP .* harus 1 .* atau 2 .*, bukan 3"),
    ("19860926 201505 0 001", "bukan 0"),
    ("19860926 201505 1 000", "Nomor urut NIP .* tidak boleh 000"),
])
def test_validate_nip_rejects_impossible_numbers(raw, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate_nip(raw, today=TODAY)


@pytest.mark.parametrize("raw, jenis_kelamin, warns", [
    ("19860926 201505 1 001", "L", False),
    ("19860926 201505 1 001", "P", True),
    ("19860926 201505 2 001", "P", False),
    ("19860926 201505 2 001", "Laki-laki", True),
    ("19860926 201505 2 001", None, False),
    ("19860926 201505 2 001", "", False),
])
def test_gender_contradiction_is_a_warning_not_an_error(raw, jenis_kelamin, warns):
    result = validate_nip(raw, jenis_kelamin, today=TODAY)
    assert bool(result.warnings) is warns
    if warns:
        assert "tidak sesuai dengan jenis kelamin" in result.warnings[0]


@pytest.mark.parametrize("boundary, ok", [
    ("20030901", True),   # 17 years after Sep 1986 exactly
    ("20030801", False),
    ("20200701", True),   # TMT in the current month of TODAY
])
def test_tmt_boundaries(boundary, ok):
    raw = f"19860926{boundary[:6]}1001"
    if ok:
        assert validate_nip(raw, today=TODAY).tmt == (int(boundary[:4]), int(boundary[4:6]))
    else:
        with pytest.raises(ValidationError):
            validate_nip(raw, today=TODAY)


@pytest.mark.parametrize("raw, expected", [
    ("198609262015051001", "19860926 201505 1 001"),
    ("19860926.201505.1.001", "19860926 201505 1 001"),
])
def test_format_nip(raw, expected):
    assert format_nip(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("L", "L"), ("l", "L"), ("Laki-laki", "L"), ("LAKI-LAKI", "L"), ("laki laki", "L"), ("Pria", "L"),
    ("Lk.", "L"), ("P", "P"), ("Perempuan", "P"), ("wanita", "P"), ("", None), (None, None),
])
def test_parse_jenis_kelamin(raw, expected):
    assert parse_jenis_kelamin(raw) == expected


@pytest.mark.parametrize("raw", ["X", "male", "3"])
def test_parse_jenis_kelamin_rejects(raw):
    with pytest.raises(ValidationError, match="tidak dikenali"):
        parse_jenis_kelamin(raw)


def test_pangkat_list_is_the_fixed_ordered_17():
    assert len(PANGKAT_GOLONGAN) == 17
    assert PANGKAT_GOLONGAN[0] == ("I/a", "Juru Muda")
    assert PANGKAT_GOLONGAN[8] == ("III/a", "Penata Muda")
    assert PANGKAT_GOLONGAN[-1] == ("IV/e", "Pembina Utama")
    assert PANGKAT_GOLONGAN[8].display == "Penata Muda (III/a)"
    assert [p.code for p in PANGKAT_GOLONGAN][:4] == ["I/a", "I/b", "I/c", "I/d"]


@pytest.mark.parametrize("raw, expected", [
    ("III/a", "III/a"),
    ("III-a", "III/a"),
    ("iii/A", "III/a"),
    ("III a", "III/a"),
    ("3a", "III/a"),
    ("Gol. III/a", "III/a"),
    ("Penata Muda", "III/a"),
    ("penata muda (iii/a)", "III/a"),
    ("Penata Muda (III/a)", "III/a"),
    ("Penata Muda Tingkat I", "III/b"),
    ("Penata Muda Tk. I", "III/b"),
    ("Penata Muda Tingkat I (III/b)", "III/b"),
    ("Juru Tk.I", "I/d"),
    ("Pembina Utama Madya", "IV/d"),
    ("IV/e", "IV/e"),
    ("Pembina Utama", "IV/e"),
    ("", None),
    (None, None),
])
def test_parse_pangkat(raw, expected):
    assert parse_pangkat(raw) == expected


@pytest.mark.parametrize("raw", ["V/a", "III/f", "Penata Mudah", "Penata (III/a)", "Kepala Seksi"])
def test_parse_pangkat_rejects_unknown_or_contradictory(raw):
    with pytest.raises(ValidationError, match="tidak dikenali atau tidak cocok") as exc:
        parse_pangkat(raw)
    assert exc.value.field == "pangkat"


@pytest.mark.parametrize("pangkat", PANGKAT_GOLONGAN)
def test_every_pangkat_round_trips_through_display_code_and_label(pangkat):
    assert parse_pangkat(pangkat.display) == pangkat.code
    assert parse_pangkat(pangkat.code) == pangkat.code
    assert parse_pangkat(pangkat.label) == pangkat.code
    assert format_pangkat(pangkat.code) == pangkat.display
