"""Test windows, Likert statistics, the default questionnaire and the XLSX question bank round trip."""
from datetime import datetime, timedelta, timezone

import pytest

from bimtek.core.errors import DomainError
from bimtek.evaluation import charts, likert, question_bank, windows

FIRST = datetime(2020, 7, 21, 1, 0, tzinfo=timezone.utc)
LAST = datetime(2020, 7, 23, 6, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("kind, now, state", [
    ("pre", FIRST - timedelta(seconds=1), "buka"),
    ("pre", FIRST, "tutup"),
    ("post", LAST - timedelta(seconds=1), "belum"),
    ("post", LAST, "buka"),
    ("post", LAST + timedelta(days=30), "buka"),
])
def test_test_windows(kind, now, state):
    assert windows.test_window(kind, FIRST, LAST, now) == state


def test_no_schedule_is_not_yet_and_messages_are_indonesian():
    assert windows.test_window("pre", None, None, FIRST) == "belum"
    assert windows.evaluation_window(LAST, FIRST) == "belum"
    assert "sesi pertama" in windows.window_message("pre", "tutup")
    assert "sesi terakhir" in windows.window_message("post", "belum")


def test_seconds_left():
    assert windows.seconds_left(FIRST, None, LAST) is None
    assert windows.seconds_left(FIRST, 30, FIRST + timedelta(minutes=10)) == 1200
    assert windows.seconds_left(FIRST, 30, FIRST + timedelta(hours=1)) == 0


def test_likert_summary_and_speakers():
    summary = likert.summarize([4, 5, 5, 3, 9, None], 5)
    assert (summary.count, summary.mean, summary.distribution) == (4, 4.25, (0, 0, 1, 1, 2))
    assert summary.mean_text == "4,25"
    assert likert.summarize([], 4).mean is None
    assert likert.speaker_means([("B", 4), ("A", 3), ("B", 2)]) == [("A", 3.0, 1), ("B", 3.0, 2)]
    assert likert.parse_value("4", 4) == 4 and likert.parse_value("5", 4) is None
    assert likert.parse_value("x", 5) is None


def test_default_questionnaire_covers_every_section_and_speaker():
    specs = likert.default_questions([(1, "Strategi", "Bu Ani"), (2, "TIK", "Pak Budi"), (3, "Tanpa", "")])
    assert {s.section for s in specs} == set(likert.SECTIONS)
    assert {s.speaker for s in specs if s.section == likert.NARASUMBER} == {"Bu Ani", "Pak Budi"}
    assert sum(1 for s in specs if s.kind == likert.OPEN) == 2


def test_bank_round_trip():
    bank = [question_bank.QuestionData("Apa itu TPBIS?", ("Program", "Makanan", "Kota"), 0, "Transformasi"),
            question_bank.QuestionData("Berapa strategi?", ("1", "2", "3", "4", "5"), 2)]
    data = question_bank.write_bank(bank)
    assert question_bank.read_bank("bank.xlsx", data) == bank


def test_bank_reports_every_bad_row():
    rows = [(2, {"Pertanyaan": "", "Pilihan A": "x", "Pilihan B": "y", "Kunci": "A"}),
            (3, {"Pertanyaan": "Q", "Pilihan A": "x", "Pilihan B": "y", "Kunci": "C"}),
            (4, {"Pertanyaan": "Q", "Pilihan A": "x", "Pilihan C": "y", "Kunci": "A"}),
            (5, {"Pertanyaan": "Q", "Pilihan A": "x", "Pilihan B": "x", "Kunci": "A"})]
    with pytest.raises(DomainError) as error:
        question_bank.parse_rows(rows)
    messages = error.value.context["errors"]
    assert [m.split(":")[0] for m in messages] == ["Baris 2", "Baris 3", "Baris 4", "Baris 5"]


def test_bank_refuses_non_spreadsheet_bytes_and_missing_columns():
    with pytest.raises(DomainError):
        question_bank.read_bank("bank.xlsx", b"%PDF-1.4 not a workbook")
    with pytest.raises(DomainError, match="Kolom wajib"):
        question_bank.read_bank("bank.csv", "Pertanyaan;Jawaban\nA;B\n".encode())


def test_paired_chart_geometry():
    chart = charts.paired_chart([("Soal 1", 50.0, 100.0), ("Soal 2", None, 25.0)], width=456)
    assert chart.rows[0].first_width == 200.0 and chart.rows[0].second_width == 400.0
    assert chart.rows[1].first_width == 0
    assert charts.percent_text(62.5) == "62,5%" and charts.percent_text(None) == "–"


def test_mean_chart_runs_from_zero_to_the_scale_top():
    chart = charts.mean_chart([("Materi", 4.0), ("Waktu", 2.0)], 4, width=456)
    assert [bar.width for bar in chart.bars] == [400.0, 200.0] and chart.scale == 4


def test_bank_reports_every_formula_cell():
    import io

    import openpyxl
    import pytest

    from bimtek.core.errors import DomainError
    from bimtek.evaluation import question_bank

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(question_bank.HEADERS))
    sheet.append([1, "=1+1", "a", "b", None, None, None, "A", None])
    sheet.append([2, "Soal dua", "a", "b", None, None, None, '=CHAR(65)', None])
    sheet.append([3, "Soal tiga", "a", "b", None, None, None, "A", None])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DomainError) as raised:
        question_bank.read_bank("bank.xlsx", out.getvalue())
    assert raised.value.context["errors"] == [
        "Baris 2: sel B2 berisi rumus (formula); ketik isinya sebagai teks",
        "Baris 3: sel H3 berisi rumus (formula); ketik isinya sebagai teks"]
    text_like_formulas = [question_bank.QuestionData("=SUM(1) adalah?", ("=a", "+b"), 1)]
    assert question_bank.read_bank("bank.xlsx", question_bank.write_bank(text_like_formulas)) == text_like_formulas
    xml = (b'<c r="A1" s="1"/><c r="B1"><f>1+1</f><v>2</v></c>')  # a self-closing cell before a formula cell
    assert question_bank._FORMULA_CELL.findall(xml) == [(b"B", b"1")]


def test_means_from_distributions_equal_the_means_of_every_answer():
    import random

    rng = random.Random(5)
    items = [(rng.choice("ABC"), tuple(rng.randrange(0, 40) for _ in range(5))) for _ in range(30)]
    expanded = [(name, point) for name, distribution in items
                for point, n in enumerate(distribution, start=1) for _ in range(n)]
    assert likert.means_from_distributions(items) == likert.speaker_means(expanded)
    assert likert.means_from_distributions([("A", (0, 0, 0)), ("B", (1, 0, 2))], ordered=True) == [("B", 2.33, 3)]
    assert list(likert.means_from_distributions([("Z", (1,)), ("A", (0, 1))], ordered=True)) == [
        ("Z", 1.0, 1), ("A", 2.0, 1)]  # first-seen order kept when asked
