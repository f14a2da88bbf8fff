"""The columnar path (polars + numpy) gives exactly what the per-row path gives, or declines."""

import csv
import io
import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from bimtek.attendance import engine, name_rules, names
from bimtek.attendance.columnar import read_columns
from bimtek.attendance.matching import Registration

TZ = ZoneInfo("Asia/Jakarta")
START = datetime(2020, 7, 21, 8, 0, tzinfo=TZ)
END = datetime(2020, 7, 21, 12, 0, tzinfo=TZ)
HEADER = ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest",
          "Recording Consent", "In Waiting Room"]
NAMES = ["Budi Santoso", "Siti Nur Rahayu", "Agus Wijaya, S.Pd.", "Dewi (Dewi Lestari)", "SPP2020-0003 Rina",
         "0004_Andi (Andi Saputra)", "Sri's iPhone (Sri Hidayat)", "Tamu 1", "  Joko  ", "Wati ((x)) (Wati)",
         "Édi Sùrya", "ΣΟΦΙΑ", "", "Budi Santoso"]
EMAILS = ["", "", "budi@contoh.go.id", "SITI@Contoh.go.id", "taro1…", "x@y", "  dewi@contoh.go.id "]


def zoom_csv(rng, rows, *, stamp="%m/%d/%Y %I:%M:%S %p", header=HEADER, meeting=False, base=None):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if meeting:
        writer.writerow(["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)",
                         "Participants"])
        writer.writerow(["123", "Bimtek", "07/21/2020 08:00:00 AM", "07/21/2020 12:00:00 PM", "a@b.c", "240", "9"])
        writer.writerow([""] * 7)
    writer.writerow(header)
    base = base or datetime(2020, 7, 21, 7, 30)
    for _ in range(rows):
        join = base + timedelta(seconds=rng.randint(0, 5 * 3600))
        leave = join + timedelta(seconds=rng.randint(-60, 3600))
        leave_text = rng.choice([leave.strftime(stamp)] * 8 + ["", "--"])
        row = [rng.choice(NAMES), rng.choice(EMAILS), join.strftime(stamp), leave_text, "5",
               rng.choice(["Yes", "No", " yes "]), "", rng.choice(["No"] * 9 + ["Yes"])]
        writer.writerow(row[:len(header)])
    if rng.random() < 0.5:
        writer.writerow([""] * len(header))
    return out.getvalue().encode("utf-8")


def registrations():
    return [Registration("SPP2020-0001", "Budi Santoso", "budi@contoh.go.id"),
            Registration("SPP2020-0002", "Siti Nur Rahayu", "siti@contoh.go.id"),
            Registration("SPP2020-0003", "Rina Wati"), Registration("SPP2020-0004", "Andi Saputra"),
            Registration("SPP2020-0005", "Dewi Lestari"), Registration("SPP2020-0006", "Agus Wijaya")]


def both(files, regs, monkeypatch):
    fast = engine.analyse_session(files, START, END, TZ, regs)
    names.clear_caches()  # the per-row path normalises every name itself, not from the keys the fast path kept
    name_rules.clear_caches()
    with monkeypatch.context() as patch:
        patch.setattr(engine, "read_columns", lambda *args: None)
        slow = engine.analyse_session(files, START, END, TZ, regs)
    return fast, slow


def assert_same(fast, slow):
    assert json.dumps(fast.to_dict(TZ), ensure_ascii=False) == json.dumps(slow.to_dict(TZ), ensure_ascii=False)
    assert [list(p.segments) for p in fast.people] == [list(p.segments) for p in slow.people]
    assert [(f.filename, f.format, list(f.segments), f.warnings) for f in fast.files] == \
        [(f.filename, f.format, list(f.segments), f.warnings) for f in slow.files]
    assert list(fast.identities) == slow.identities


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("roster", [True, False])
def test_columnar_equals_per_row(seed, roster, monkeypatch):
    rng = random.Random(seed)
    files = [("sesi.csv", zoom_csv(rng, rng.randint(1, 300), meeting=seed % 2 == 1))]
    if seed % 3 == 0:  # a second device's export, with rows repeated across the files
        files.append(("sesi_hp.csv", files[0][1][: len(files[0][1]) // 2].rsplit(b"\r\n", 1)[0] + b"\r\n"))
    assert all(read_columns(name, data, TZ, START, END) is not None for name, data in files)
    assert_same(*both(files, registrations() if roster else None, monkeypatch))


@pytest.mark.parametrize("stamp", ["%d/%m/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%-m/%-d/%Y %-I:%M:%S %p"])
def test_other_stamp_shapes(stamp, monkeypatch):
    data = zoom_csv(random.Random(3), 200, stamp=stamp, base=datetime(2020, 7, 21, 7, 30))
    assert read_columns("s.csv", data, TZ, START, END) is not None
    assert_same(*both([("s.csv", data)], registrations(), monkeypatch))


def test_times_centuries_apart_use_the_window_fallback(monkeypatch):
    rows = [[f"Orang {i % 30}", "", f"01/0{1 + i % 9}/{1001 + i * 37 % 8000} 09:00:00 AM",
             f"01/0{1 + i % 9}/{1001 + i * 37 % 8000} 10:00:00 AM", "60", "No", "", "No"] for i in range(120)]
    out = io.StringIO()
    csv.writer(out).writerows([HEADER] + rows)
    data = out.getvalue().encode()
    assert read_columns("s.csv", data, TZ, START, END) is not None
    assert_same(*both([("s.csv", data)], None, monkeypatch))


@pytest.mark.parametrize("mangle", [
    lambda data: data.replace(b"Budi Santoso", b'"Budi\r\nSantoso"', 1),  # a quoted line break
    lambda data: data.replace(b"\r\n", b"\r", 3),  # lone CRs end rows for csv.reader
    lambda data: data.replace(b"Budi", b"B\xe9di"),  # cp1252, not UTF-8
    lambda data: data.replace(b"AM", b"XM", 1),  # a time it cannot read
    lambda data: data.replace(b"07/21/2020", b"02/30/2020", 1),  # an impossible date
    lambda data: data.replace(b"Budi Santoso", b'Budi "x" Santoso', 1),  # a stray quote
    lambda data: data.replace(b"Budi Santoso", b"Budi," + b"x" * 2500, 1),  # a cell over the budget
    lambda data: data.encode("utf-16") if isinstance(data, str) else data.decode().encode("utf-16"),
])
def test_unusual_files_decline_or_agree(mangle, monkeypatch):
    data = mangle(zoom_csv(random.Random(5), 120))
    try:
        slow = both([("s.csv", data)], registrations(), monkeypatch)
    except Exception as exc:  # noqa: BLE001  (the per-row path's error must be the one raised)
        with monkeypatch.context() as patch:
            patch.setattr(engine, "read_columns", lambda *args: None)
            with pytest.raises(type(exc)) as again:
                engine.analyse_session([("s.csv", data)], START, END, TZ, registrations())
        assert str(again.value) == str(exc)
        assert read_columns("s.csv", data, TZ, START, END) is None
        return
    assert_same(*slow)


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Kathmandu", "Europe/Berlin",
                                  "America/New_York", "UTC"])
@pytest.mark.parametrize("base", [datetime(2024, 3, 31), datetime(2024, 11, 3), datetime(1920, 5, 1),
                                  datetime(1000, 1, 3), datetime(2020, 7, 21)])
def test_iso_texts_equal_isoformat(zone, base):
    import numpy as np

    from bimtek.attendance.columnar import _micros, iso_texts, moment

    tz = ZoneInfo(zone)
    rng = random.Random(zone)
    values = [_micros(base.replace(tzinfo=ZoneInfo("UTC")) + timedelta(seconds=rng.randint(0, 3 * 86400)))
              for _ in range(500)]
    texts = iso_texts(np.array(values, dtype=np.int64), tz)
    assert texts is not None
    assert texts == [moment(value).astimezone(tz).isoformat() for value in values]
    assert iso_texts(np.array([values[0] + 1], dtype=np.int64), tz) is None  # not a whole second


@pytest.mark.parametrize("seed", range(6))
def test_person_join_leave_order_equals_lexsort(seed):
    import numpy as np

    from bimtek.attendance.engine_columnar import _by_person_join_leave, _combined_key

    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 3000))
    person = rng.integers(0, [3, 50, 9000, 5, 40, 2][seed], size)
    join = rng.integers(0, [60, 5 * 3600, 5 * 3600, 10 ** 9, 20, 3][seed], size) * 1_000_000 + 1_595_300_000_000_000
    leave = join + rng.integers(-5, 3600, size) * 1_000_000
    if seed == 4:
        leave[0] += 1  # not a whole second: the lexsort itself
    order, expected = _by_person_join_leave(person, join, leave), np.lexsort((leave, join, person))
    for values in (person, join, leave):
        assert (values[order] == values[expected]).all()
    key = _combined_key(person - 1, join, leave)  # equal keys = equal rows (the de-duplication relies on it)
    assert (key is None) == (seed in (3, 4))  # 3: times 30 years apart do not fit; 4: not whole seconds
    if key is not None:
        assert len(np.unique(key)) == len(set(zip(person.tolist(), join.tolist(), leave.tolist())))


@pytest.mark.parametrize("spot", range(22))
@pytest.mark.parametrize("byte", [b"0", b"9", b"/", b":", b" ", b"A", b"P", b"M", b"B", b"x", b"\x7f", b"-"])
def test_fixed_stamps_byte_by_byte_decline_or_agree(spot, byte, monkeypatch):
    """Every byte of a `mm/dd/yyyy hh:mm:ss AM` join time swapped for another: the fast path reads exactly what
    the per-row path reads, or declines (the per-row path then gives its own error)."""
    data = zoom_csv(random.Random(7), 40)
    stamp = datetime(2020, 7, 21, 9, 41, 26).strftime("%m/%d/%Y %I:%M:%S %p").encode()
    row = b"Dewi (Dewi Lestari),,%s,%s,1,No,,No" % (stamp, stamp.replace(b"09", b"10"))
    data = data.replace(b"\r\n", b"\r\n" + row + b"\r\n", 1)
    changed = stamp[:spot] + byte + stamp[spot + 1:]
    data = data.replace(stamp, changed, 1)
    try:
        slow = both([("s.csv", data)], registrations(), monkeypatch)
    except Exception:  # noqa: BLE001  (an error only the per-row path raises)
        assert read_columns("s.csv", data, TZ, START, END) is None
        return
    assert_same(*slow)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="a,\r\n", min_size=1, max_size=30))
def test_a_lone_carriage_return_anywhere_declines(text):
    """csv.reader ends a row at a CR that starts no CR LF pair; polars does not: such a body is never read."""
    import polars as pl

    from bimtek.attendance.columnar import _frame

    body = text.encode()
    lone = any(char == "\r" and text[at + 1:at + 2] != "\n" for at, char in enumerate(text))
    try:
        frame = _frame(b"x,y\n" + body, 4, 2, ",", 1)
    except pl.exceptions.PolarsError:
        return  # `read_columns` declines these too
    if lone:
        assert frame is None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["Asia/Jakarta", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
       st.sampled_from([datetime(2024, 3, 31), datetime(2024, 10, 27), datetime(2024, 11, 3), datetime(2024, 7, 1)]),
       st.lists(st.tuples(st.integers(0, 3 * 86_400 - 1), st.booleans()), min_size=1, max_size=30),
       st.integers(1, 3))
def test_local_to_utc_equals_the_offset_of_each_hour(zone, day, values, spread):
    """`_to_utc` (one offset for a span without changes, else per hour) equals each value's own hour offset,
    or declines exactly when one of the present values' hours changes its offset."""
    import numpy as np

    from bimtek.attendance.columnar_stamps import _US, _hour_offset, _to_utc

    tz = ZoneInfo(zone)
    base = int((day - timedelta(days=1) - datetime(1970, 1, 1)).total_seconds())
    local = np.array([(base + seconds // spread) * _US for seconds, _ in values], dtype=np.int64)
    missing = np.array([gone for _, gone in values])
    offsets = [None if gone else _hour_offset(int(value) // (3600 * _US), tz) for value, gone in zip(local, missing)]
    got = _to_utc(local, missing, tz)
    if any(offset is None for offset, gone in zip(offsets, missing) if not gone):
        assert got is None
    else:
        expected = [0 if gone else int(value) - offset for value, gone, offset in zip(local, missing, offsets)]
        assert got is not None and got.tolist() == expected


@pytest.mark.parametrize("meeting", [False, True])
def test_a_bom_and_meeting_rows_before_the_header(meeting, monkeypatch):
    """The rows after the header are read in place (polars skips the header lines itself): with a BOM and
    the meeting summary above the header, the same rows and line numbers as the per-row path."""
    data = b"\xef\xbb\xbf" + zoom_csv(random.Random(11), 150, meeting=meeting)
    assert read_columns("s.csv", data, TZ, START, END) is not None
    assert_same(*both([("s.csv", data)], registrations(), monkeypatch))
