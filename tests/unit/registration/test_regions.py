"""The shipped Kemendagri list and the normalising of typed kabupaten/kota and provinsi names."""
import csv

import pytest

from bimtek.registration import regions


def test_the_shipped_list_has_its_shape_and_source():
    assert len(regions.provinces()) == 38
    codes = {p.code for p in regions.provinces()}
    assert len(regions.regencies()) == 514 and all(r.province_code in codes for r in regions.regencies())
    with regions.DATA_FILE.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["kode", "nama"]
    source = (regions.DATA_FILE.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "300.2.2-2138 Tahun 2025" in source and "MIT" in source and "b7ad440" in source
    bangka = [r.name for r in regions.regencies("Kepulauan Bangka Belitung")]
    assert bangka == ["Kabupaten Bangka", "Kabupaten Belitung", "Kabupaten Bangka Selatan", "Kabupaten Bangka Tengah",
                      "Kabupaten Bangka Barat", "Kabupaten Belitung Timur", "Kota Pangkal Pinang"]


@pytest.mark.parametrize("provinsi, kabupaten, expected", [
    ("Kepulauan Bangka Belitung", "Bangka", ("Kepulauan Bangka Belitung", "Kabupaten Bangka")),
    ("Kepulauan Bangka Belitung", "Kabupaten Bangka", ("Kepulauan Bangka Belitung", "Kabupaten Bangka")),
    ("Babel", "Kab. Bangka", ("Kepulauan Bangka Belitung", "Kabupaten Bangka")),
    ("Prov. Kep. Bangka Belitung", "kab  bangka barat", ("Kepulauan Bangka Belitung", "Kabupaten Bangka Barat")),
    ("Bangka Belitung", "Pangkalpinang", ("Kepulauan Bangka Belitung", "Kota Pangkal Pinang")),
    ("", "Bangka Tengah", ("", "Kabupaten Bangka Tengah")),  # unique in the whole country
    ("DKI Jakarta", "Jakarta Utara", ("Daerah Khusus Ibukota Jakarta", "Kota Administrasi Jakarta Utara")),
    ("Jawa Barat", "Bekasi", ("Jawa Barat", "Bekasi")),  # Kabupaten and Kota Bekasi: ambiguous, kept
    ("Jawa Barat", "Kota  Bekasi", ("Jawa Barat", "Kota Bekasi")),
    ("Jawa Tengah", "Kab. Semarang", ("Jawa Tengah", "Kabupaten Semarang")),
    ("Kepulauan Bangka Belitung", "Desa Kundi", ("Kepulauan Bangka Belitung", "Desa Kundi")),  # lainnya
    ("Luar negeri", "Lainnya", ("Luar negeri", "Lainnya")),
])
def test_normalize(provinsi, kabupaten, expected):
    assert regions.normalize(provinsi, kabupaten) == expected


def test_a_name_in_another_province_is_not_forced():
    # "Bangka" typed under Jawa Barat: not a kabupaten there, kept as typed rather than moved to Babel
    assert regions.normalize("Jawa Barat", "Bangka") == ("Jawa Barat", "Bangka")
