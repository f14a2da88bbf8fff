"""Issue 12, finding 2: a roster whose every cell holds a 5 MB string is refused at once (naming row and
column), lengths are checked before e-mail validation, and messages never quote megabytes back."""

import pytest

from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.spreadsheet import read_table
from bimtek.registration.roster import RosterImportError, normalize_email, normalize_phone, parse_roster
from tests import hostile

MB = 1024 * 1024
HEADER = hostile.ROSTER_HEADER


def refusal(filename, data):
    with hostile.memory_ceiling(300 * MB), pytest.raises(DomainError) as caught:
        parse_roster(filename, data)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    return message


def test_finding2_5mb_string_in_every_cell_of_2000_rows():
    data = hostile.shared_string_bomb(5_000_000, 2_000 * len(HEADER), header=HEADER)
    assert len(data) < 100_000
    message = refusal("peserta.xlsx", data)
    assert message.startswith("Berkas 'peserta.xlsx' ditolak. Baris 2, kolom A: isi sel terlalu panjang (5.000.0")
    assert "maks. 1.000" in message


def test_long_email_cell_in_csv_is_refused_before_validation():
    row = ["Budi", "Staf", "Dinas", "Bangka", "Babel", "a" * 200_000 + "@x.id", "081234567890"]
    data = (",".join(HEADER) + "\n" + ",".join(row) + "\n").encode()
    assert "Baris 2" in refusal("p.csv", data)


def test_cell_just_over_the_budget_names_its_column():
    row = ["Budi", "Staf", "Dinas", "Bangka", "Babel", "b@x.id", "0" * 1001]
    data = (",".join(HEADER) + "\n" + ",".join(row) + "\n").encode()
    assert "Baris 2, kolom G: isi sel terlalu panjang (1.001 karakter; maks. 1.000)" in refusal("p.csv", data)


def test_email_length_is_checked_before_the_validator():
    with hostile.memory_ceiling(100 * MB), pytest.raises(ValidationError, match="terlalu panjang"):
        normalize_email("a" * 2_000_000 + "@contoh.go.id")


def test_messages_quote_bad_values_short():
    with pytest.raises(ValidationError) as caught:
        normalize_phone("9" * 900)
    assert len(caught.value.message) < 200 and "…" in caught.value.message


def test_many_bad_rows_give_short_messages():
    row = ["Budi", "Staf", "Dinas", "Bangka", "Babel", "x" * 900, "y" * 900]
    data = (",".join(HEADER) + "\n" + "\n".join([",".join(row)] * 2_000) + "\n").encode()
    with hostile.memory_ceiling(300 * MB), pytest.raises(RosterImportError) as caught:
        parse_roster("p.csv", data)
    assert len(caught.value.errors) == 4_000
    assert max(len(error.message) for error in caught.value.errors) < 250


@pytest.mark.parametrize("build, fragment", [
    (lambda: hostile.wide_xlsx(3), "kolom XFD: terlalu banyak kolom (maks. 100)"),
    (lambda: hostile.sparse_row_xlsx(1_048_576), "lebih dari 20.000 baris data"),
    (lambda: hostile.many_rows_xlsx(1_000_000, header=HEADER), "lebih dari 20.000 baris data"),
    (hostile.entity_bomb_xlsx, "DTD"),
    (hostile.zip_bomb_member, "terlalu besar setelah dibuka"),
])
def test_read_table_refuses_hostile_workbooks(build, fragment):
    with hostile.memory_ceiling(300 * MB), pytest.raises(DomainError) as caught:
        read_table("t.xlsx", build())
    assert fragment in caught.value.message and caught.value.message.startswith("Berkas 't.xlsx' ditolak.")


def test_read_table_refuses_too_many_csv_rows():
    with pytest.raises(DomainError, match="lebih dari 20.000 baris data"):
        read_table("t.csv", b"A,B\n" + b"1,2\n" * 30_000)
