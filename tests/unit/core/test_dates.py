from datetime import date, datetime, time, timezone

import pytest

from bimtek.core import dates
from bimtek.core.errors import ValidationError


@pytest.mark.parametrize("d, weekday, expected", [
    (date(2020, 7, 21), True, "Selasa, 21 Juli 2020"),
    (date(2020, 7, 23), False, "23 Juli 2020"),
    (date(2020, 8, 17), True, "Senin, 17 Agustus 2020"),
    (date(2024, 2, 29), True, "Kamis, 29 Februari 2024"),
    (date(2021, 1, 3), True, "Minggu, 3 Januari 2021"),
    (date(2025, 5, 30), True, "Jumat, 30 Mei 2025"),
])
def test_format_date_indonesian(d, weekday, expected):
    assert dates.format_date(d, weekday=weekday) == expected


@pytest.mark.parametrize("start, end, expected", [
    (date(2020, 7, 21), date(2020, 7, 23), "21–23 Juli 2020"),
    (date(2020, 7, 21), date(2020, 7, 21), "21 Juli 2020"),
    (date(2020, 7, 30), date(2020, 8, 1), "30 Juli–1 Agustus 2020"),
    (date(2020, 12, 30), date(2021, 1, 2), "30 Desember 2020–2 Januari 2021"),
    (date(2020, 7, 23), date(2020, 7, 21), "21–23 Juli 2020"),  # reversed input is normalised
])
def test_format_date_range(start, end, expected):
    assert dates.format_date_range(start, end) == expected


def test_english_locale():
    assert dates.format_date(date(2020, 7, 21), "en", weekday=True) == "Tuesday, 21 July 2020"
    assert dates.format_date_range(date(2020, 7, 21), date(2020, 7, 23), "en") == "21–23 July 2020"


@pytest.mark.parametrize("tz, local_hour, label", [
    ("Asia/Jakarta", "09.00", "WIB"),
    ("Asia/Pontianak", "09.00", "WIB"),
    ("Asia/Makassar", "10.00", "WITA"),
    ("Asia/Jayapura", "11.00", "WIT"),
])
def test_format_time_in_zone(tz, local_hour, label):
    instant = datetime(2020, 7, 21, 2, 0, tzinfo=timezone.utc)
    assert dates.format_time(instant, tz) == f"{local_hour} {label}"


def test_session_at_0800_wib_is_0100_utc_and_back():
    instant = dates.local_to_utc(date(2020, 7, 21), time(8, 0), "Asia/Jakarta")
    assert instant == datetime(2020, 7, 21, 1, 0, tzinfo=timezone.utc)
    assert dates.format_time(instant, "Asia/Jakarta") == "08.00 WIB"
    assert dates.to_local(instant, "Asia/Jakarta").hour == 8


def test_utc_date_differs_from_local_date():
    # 06.30 WIB on 22 July is still 21 July in UTC: the local day must win.
    instant = dates.local_to_utc(date(2020, 7, 22), time(6, 30), "Asia/Jakarta")
    assert instant.date() == date(2020, 7, 21)
    assert dates.format_datetime(instant, "Asia/Jakarta") == "Rabu, 22 Juli 2020 pukul 06.30 WIB"


def test_non_indonesian_zone_gets_utc_offset_label():
    instant = datetime(2020, 7, 21, 2, 0, tzinfo=timezone.utc)
    assert dates.zone_label("Asia/Kolkata", instant) == "UTC+5:30"
    assert dates.zone_label("Europe/Amsterdam", instant) == "UTC+2"


def test_place_date_line_and_roman():
    assert dates.place_date_line("Pangkalpinang", date(2020, 7, 23)) == "Pangkalpinang, 23 Juli 2020"
    assert [dates.roman_month(m) for m in (1, 4, 7, 9, 12)] == ["I", "IV", "VII", "IX", "XII"]


def test_unknown_zone_is_a_clear_error():
    with pytest.raises(ValidationError, match="Zona waktu"):
        dates.get_zone("Asia/Atlantis")


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        dates.to_local(datetime(2020, 7, 21, 8, 0), "Asia/Jakarta")


@pytest.mark.parametrize("text, expected", [("08.00", time(8, 0)), ("8:30", time(8, 30)), ("13.05", time(13, 5))])
def test_parse_local_time(text, expected):
    assert dates.parse_local_time(text) == expected


def test_parse_bad_inputs():
    with pytest.raises(ValidationError, match="Jam"):
        dates.parse_local_time("25.00")
    with pytest.raises(ValidationError, match="Tanggal"):
        dates.parse_local_date("2020-02-30")


def test_relocalize_frozen_indonesian_date_text():
    assert dates.relocalize("21–23 Juli 2020", "en") == "21–23 July 2020"
    assert dates.relocalize("Pangkalpinang, 30 Juli–1 Agustus 2020", "en") == "Pangkalpinang, 30 July–1 August 2020"
    assert dates.relocalize("Selasa, 21 Juli 2020", "en") == "Tuesday, 21 July 2020"
    assert dates.relocalize("21–23 Juli 2020", "id") == "21–23 Juli 2020"
    assert dates.relocalize("Julius Majuli", "en") == "Julius Majuli" and dates.relocalize(None, "en") == ""
