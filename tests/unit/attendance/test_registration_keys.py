"""The registrants' number and e-mail keys computed as columns equal the Python functions, value by value."""

from hypothesis import given, settings, strategies as st

from bimtek.attendance.match_types import number_key
from bimtek.attendance.matchers import tail_digits, tail_index
from bimtek.attendance.matching import Registration, RegistrationIndex
from bimtek.attendance.registration_keys import registration_keys

PIECES = ["SPP2020-", "0012", "0", "12", " ", "  ", "\t", "\xa0", "\x1c", "spp", "ß", "é", "٣", "١٢", "-", "/", ".",
          "A", "x", "9" * 19, "9" * 18, "", "@", "Peserta", "@Contoh.GO.id", "İ", "Σ"]


def _expected(numbers, emails):
    return ([number_key(number) for number in numbers], [tail_digits(number) for number in numbers],
            [email.strip().lower() for email in emails])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
                          st.lists(st.sampled_from(PIECES), max_size=6).map("".join)), min_size=1, max_size=12))
def test_columns_equal_the_functions(pairs):
    numbers, emails = [number for number, _ in pairs], [email for _, email in pairs]
    assert registration_keys(numbers, emails) == _expected(numbers, emails)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), min_size=1, max_size=6))
def test_columns_equal_the_functions_on_any_text(pairs):
    numbers, emails = [number for number, _ in pairs], [email for _, email in pairs]
    assert registration_keys(numbers, emails) == _expected(numbers, emails)


def test_tail_digits():
    assert [tail_digits(n) for n in ["SPP2020-0012", "SPP2020-0012.", "A-1b", "abc", "", "12 34 x", "٣٤"]] == \
        [12, 12, 1, None, None, 34, 34]


def test_index_with_bulk_keys_equals_the_index_value_by_value():
    regs = [Registration(number, f"Nama {position}", email) for position, (number, email) in enumerate([
        ("SPP2020-0001", " A@Contoh.go.id "), ("spp 2020-0002", ""), ("X-0001", "a@contoh.go.id"), ("", "b@x.id"),
        ("  ", "  "), ("ß-7", "İ@x.id"), ("REG/2020/3", "c@x.id"), ("SPP2020-0002", "d@x.id"), ("99" * 10, "")])]
    fast, slow = RegistrationIndex(regs, bulk_keys=True), RegistrationIndex(regs)
    assert list(fast.by_number.items()) == list(slow.by_number.items())
    assert list(fast.by_email.items()) == list(slow.by_email.items())
    assert list(fast.by_tail.items()) == list(slow.by_tail.items()) == list(tail_index(regs).items())
    assert slow.by_tail[1] is None and slow.by_tail[2] is None and slow.by_tail[3] is regs[6]
