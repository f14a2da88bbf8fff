"""The performance fast paths give exactly what the straightforward code gives."""

import random
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from rapidfuzz import fuzz, process

from bimtek.attendance import matching, names
from bimtek.attendance.decoding import table_from_text
from bimtek.attendance.intervals import has_overlap, merge_spans, person_time, union_seconds
from bimtek.attendance.matching import Registration, RegistrationIndex, normalize_name
from bimtek.attendance.parsers.tables import Columns, ParseContext, _interval_row, _RowMemo, interval_rows
from bimtek.attendance.segments import LogFormatError, Segment
from bimtek.attendance.timeparse import DateReader

UTC = timezone.utc


@pytest.mark.parametrize("zone, day", [
    ("Europe/Berlin", datetime(2024, 3, 31)), ("Europe/Berlin", datetime(2024, 10, 27)),
    ("America/New_York", datetime(2024, 11, 3)), ("Asia/Kathmandu", datetime(2024, 5, 2)),
    ("Asia/Jakarta", datetime(2020, 7, 21)),
])
def test_numeric_hour_cache_matches_exact_conversion(zone, day):
    tz = ZoneInfo(zone)
    texts = [(day + timedelta(minutes=7 * i, seconds=i % 60)).strftime("%m/%d/%Y %I:%M:%S %p") for i in range(420)]
    reader = DateReader(texts, tz, day.date())
    for text in texts:
        match = reader._matches[text]
        assert reader(text) == reader._exact_numeric(match) == reader.read_raw(text)


@pytest.mark.parametrize("text", ["07/21/2020 08:61:00 AM", "07/21/2020 08:10:60 AM", "13/13/2020 08:10:00",
                                  "07/21/2020 13:10:00 PM"])
def test_numeric_fast_path_raises_like_exact_path(text):
    reader = DateReader([text], ZoneInfo("Asia/Jakarta"))
    with pytest.raises(ValueError) as fast:
        reader(text)
    with pytest.raises(ValueError) as exact:
        reader._exact_numeric(reader._matches[text])
    assert str(fast.value) == str(exact.value)


def _registrations(rng, count):
    first = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Sri", "Joko"]
    last = ["Santoso", "Rahayu", "Wijaya", "Saputra", "Lestari", "Hidayat"]
    return [Registration(f"R{i}", f"{rng.choice(first)} {rng.choice(last)} {rng.choice(last)}") for i in range(count)]


@pytest.mark.parametrize("count", [0, 1, 2, 5, 300])
def test_prefetch_equals_extract(count, monkeypatch):
    rng = random.Random(count)
    regs = _registrations(rng, count)
    names = [r.name[: rng.randint(3, len(r.name))] + rng.choice(["", "x", " Budi", "a"]) for r in regs]
    names += ["Budi", "Siti Santoso", "zzz", "Agus Rahayu Wijaya"]
    monkeypatch.setattr(matching, "_CDIST_ROWS", 7)  # several blocks
    fast, slow = RegistrationIndex(regs), RegistrationIndex(regs)
    for limit in (1, 3):
        fast.prefetch(names, limit)
        for query in {normalize_name(n) for n in names if normalize_name(n)}:
            assert fast._fuzzy_cache[(query, limit)] == slow._extract(query, limit)


def _reference_shortlists(scores, limit):
    """`matching._shortlists` row by row, with 2-D masks (its first version)."""
    floor = np.maximum(scores.max(axis=1) - matching._SHORTLIST_SPAN, matching.SUGGEST_CUTOFF)
    out = []
    for row, best in zip(scores, floor):
        kept = row >= best - matching._CDIST_SLACK
        if np.count_nonzero(kept) < limit and best > matching.SUGGEST_CUTOFF:
            kth = np.sort(row)[len(row) - min(limit, len(row))]
            kept = row >= max(kth, matching.SUGGEST_CUTOFF) - matching._CDIST_SLACK
        out.append(np.flatnonzero(kept))
    return out


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(1, 30), st.integers(1, 4), st.integers(0, 10**6))
def test_shortlists_equal_the_row_by_row_rule(rows, columns, limit, seed):
    rng = np.random.default_rng(seed)
    # scores 0 (under the cutoff) or spread over 50–100, many rows with few columns near their best
    scores = np.where(rng.random((rows, columns)) < 0.5, 0, rng.choice([50.0, 60.0, 79.5, 80.0, 95.0, 100.0],
                                                                        (rows, columns))).astype(np.float32)
    found = matching._shortlists(scores, limit)
    assert len(found) == rows
    assert all(np.array_equal(a, b) for a, b in zip(found, _reference_shortlists(scores, limit)))


def test_extract_orders_ties_by_choice_position():
    """prefetch relies on it: equal scores come back in the order of the choices."""
    found = process.extract("abc", ["abd", "xbc", "abc", "abe", "abc"], scorer=fuzz.ratio, limit=4)
    assert [index for _, _, index in found] == [2, 4, 0, 1]


def _reference_normalize(name: str) -> str:
    """normalize_name before its `in`/isalpha guards (the regexes run unconditionally)."""
    text = name if name.isascii() else "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    text = text.lower().replace("_", " ")
    text = names._BRACKETS.sub(" ", text)
    text = names._DIGIT_TOKEN.sub(" ", text)
    text = names._POSSESSIVE_DEVICE.sub("", text)
    tokens = []
    for token in re.split(r"[\s,]+", text):
        token = names._NOT_LETTER.sub("", token)
        if token and not names._is_gelar(token) and token not in names._DEVICE_WORDS:
            token = token.replace(".", "")
            if token:
                tokens.append(token)
    return " ".join(sorted(tokens))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("abcAB xyz.,_-'’`()[]0129éİǄ\u0301\u00a0") + ["iphone", "Dr.", "S.Pd", "'s "]),
                max_size=25).map("".join))
def test_normalize_guards_keep_result(text):
    assert normalize_name(text) == _reference_normalize(text)


CSV = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\r\n"
    "Budi (Budi Santoso),budi@contoh.go.id,07/21/2020 08:00:00 AM,07/21/2020 08:30:00 AM,30,No,No\r\n"
    "Siti,,07/21/2020 08:05:00 AM,,,Yes,No\r\n"
    "Short row,,07/21/2020 08:05:00 AM\r\n"
    ",,07/21/2020 08:05:00 AM,07/21/2020 08:06:00 AM,1,No,No\r\n"
    ",,,,,,\r\n"
    "Tamu 1,,--,07/21/2020 08:06:00 AM,1,Yes,No\r\n"
    "Budi (Budi Santoso),budi@contoh.go.id,07/21/2020 08:10:00 AM,07/21/2020 08:05:00 AM,0,No,Yes\r\n"
)


def _both_paths(text, ctx):
    source = table_from_text("x.csv", text)
    cols = Columns(name=0, join=2, leave=3, email=1, guest=5, waiting_room=6, split_names=True)
    fast = interval_rows(source, 1, len(source.rows), cols, ctx)
    reader = DateReader([row[i] for row in source.rows[1:] for i in (2, 3) if i < len(row)], ctx.tz, ctx.hint)
    memo = _RowMemo(cols, ctx)
    slow = [_interval_row(source.rows[i], cols, reader, memo, ctx, source.line_of(i))
            for i in range(1, len(source.rows))]
    return fast, [s for s in slow if s is not None]


def test_column_loop_equals_row_function():
    start = datetime(2020, 7, 21, 1, 0, tzinfo=UTC)
    ctx = ParseContext("x.csv", ZoneInfo("Asia/Jakarta"), start, start + timedelta(hours=4))
    fast, slow = _both_paths(CSV, ctx)
    assert fast == slow and len(fast) == 4
    assert ctx.warnings[-1].startswith("x.csv: 2 baris tanpa kehadiran")


def test_column_loop_reports_the_first_bad_timestamp_line():
    text = CSV + "Andi,,07/21/2020 08:10:00 AM,jam sembilan,1,No,No\r\n" + "Andi,,jam sepuluh,,1,No,No\r\n"
    ctx = ParseContext("x.csv", ZoneInfo("Asia/Jakarta"))
    with pytest.raises(LogFormatError) as caught:
        _both_paths(text, ctx)
    assert caught.value.line == 9 and "jam sembilan" in str(caught.value)


def _t(minutes):
    return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(-20, 120)), min_size=1, max_size=12),
       st.integers(0, 200), st.integers(1, 200))
def test_person_time_equals_separate_passes(pairs, start, length):
    spans = [(_t(a), _t(a + d)) for a, d in pairs]
    segments = [Segment("n", "n", "", a, b, "f", 1) for a, b in spans]
    window = (_t(start).astimezone(ZoneInfo("Asia/Jakarta")), _t(start + length))
    got = person_time(segments, *window)
    assert got.seconds == union_seconds(spans, *window)
    assert got.first_join == min(a for a, _ in spans) and got.last_leave == max(b for _, b in spans)
    assert ("concurrent_devices" in got.flags) == has_overlap(spans)
    assert merge_spans(spans) == merge_spans(list(reversed(spans)))


def _reference_find(rules, names):
    """NameRules.find before its rule lookups: every registrant sharing two tokens tested, `close` always built."""
    from bimtek.attendance.name_rules import _in_order_partial, ordered_tokens

    hits, close = set(), set()
    for name in names:
        tokens = ordered_tokens(name, rules.is_dropped)
        if not tokens:
            continue
        if len(tokens) == 1 and len(tokens[0]) >= 6:
            hits |= {n for n in rules.by_joined.get(tokens[0], ()) if len(rules.tokens[n]) >= 2}
        if len(tokens) >= 2:
            for number in rules._sharing(tokens, 2):
                registered = rules.tokens[number]
                if sorted(registered) == sorted(tokens) or _in_order_partial(tokens, registered) or (
                        len(registered) >= 2 and len(tokens) > len(registered)
                        and tokens[:len(registered)] == registered):
                    hits.add(number)
        close |= rules._close(tokens)
    if len(hits) == 1 and not (close - hits):
        return next(iter(hits)), [next(iter(hits))]
    return None, sorted(hits | (close if hits else set()))


def test_name_rules_lookups_equal_testing_every_sharing_registrant():
    from bimtek.attendance.name_rules import NameRules
    from bimtek.attendance.names import is_dropped

    rng = random.Random(7)
    first = ["Budi", "Siti", "Agus", "Dewi", "Nur", "Sri", "Joko"]
    last = ["Santoso", "Rahayu", "Wijaya", "Saputra", "Lestari"]
    regs = [Registration(f"R{i}", " ".join(rng.choice(first + last) for _ in range(rng.randint(1, 4))))
            for i in range(600)]
    rules = NameRules(regs, is_dropped)
    words = first + last + ["N.", "S", "TBM", "Pelangi"]
    found = 0
    for _ in range(3000):
        reg = rng.choice(regs).name
        name = rng.choice([" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))), reg, "".join(reg.split()),
                           " ".join(reg.split()[::2]), reg + " TBM Pelangi", ", ".join(reg.split()[::-1][:2])])
        expected = _reference_find(rules, [name])
        assert rules.find([name]) == expected, name
        found += bool(expected[1])
    assert found > 100  # the rules did fire


@pytest.mark.parametrize("cols", [
    Columns(name=0, join=1, leave=2, email=3, guest=4, waiting_room=5, split_names=True),
    Columns(name=0, join=1, leave=2, guest=4, role=6, split_names=True),
    Columns(name=0, join=1, leave=2, email=3),
])
def test_columnar_identities_equal_the_row_memo(cols):
    """The vectorised identities (names split, e-mails cleaned, flags, roles) equal `_RowMemo.identity`."""
    import polars as pl

    from bimtek.attendance.columnar_identity import identities

    rng = random.Random(1)
    parts = ["Budi", " ", "(", ")", "x", "É", "İ", "\x1f", "\u3000", "@", ".", "…", ",", "ß", "Σ", "a@b.c", "A@B.CO",
             "yes", "Ya", "\n", "[", "]", "'s", "iPhone", "host", "Penyaji"]
    memo = _RowMemo(cols, ParseContext("x.csv", ZoneInfo("UTC")))
    fields = (cols.name, cols.email, cols.guest, cols.waiting_room, cols.role)
    positions = [cols.name if i is None else i for i in fields]
    cells = []
    for _ in range(5000):
        row = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 7))) for _ in range(7)]
        cells.append(tuple(row[i] for i in positions))
    frame = pl.DataFrame({f"k{j}": [c[j] for c in cells] for j in range(5)})
    assert identities(frame, memo) == [memo.identity(c) for c in cells]


def _reference_candidates(index, names, limit=3):
    """`RegistrationIndex.candidates` merging every query's answer (its first version)."""
    best = {}
    for query in dict.fromkeys(normalize_name(name) for name in names):
        for choice, score in index._extract(query, limit):
            best[choice] = max(score, best.get(choice, 0.0))
    return sorted(best.items(), key=lambda item: -item[1])[:limit]


@pytest.mark.parametrize("seed", range(4))
def test_candidates_of_one_query_equal_the_merged_answer(seed):
    rng = random.Random(seed)
    index = RegistrationIndex(_registrations(rng, 200))
    for name in ["Budi", "Siti Santoso", "zzz", "", "Agus Rahayu Wijaya", "Rahayu Wijaya Agus", "Dr. Siti"]:
        for names_ in ([name], [name, name.upper()], [name, "Joko"]):
            for limit in (1, 3):
                assert index.candidates(names_, limit) == _reference_candidates(index, names_, limit)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="a@. .x\t\n…", max_size=8), min_size=1, max_size=40))
def test_columnar_email_cleaning_equals_clean_email(values):
    """The one-pattern e-mail check of the columnar identities reads every text as `clean_email` does."""
    import polars as pl

    from bimtek.attendance.columnar_identity import _clean_email
    from bimtek.attendance.segments import clean_email

    stripped = [value.strip() for value in values]
    cleaned = pl.DataFrame({"e": stripped}).select(_clean_email(pl.col("e"))).to_series().to_list()
    assert cleaned == [clean_email(value) for value in stripped]
