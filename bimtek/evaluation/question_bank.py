"""The question bank as rows of an XLSX file with Indonesian headers: read, check, write. Pure.

One row per question: Pertanyaan, Pilihan A … Pilihan E (two to five filled, in order), Kunci (the letter of
the right option) and an optional Pembahasan. Every bad row is reported at once, with its line number.
"""
import io
import re
import zipfile
from dataclasses import dataclass

from bimtek.core.errors import DomainError
from bimtek.core.limits import TableBudget, quote
from bimtek.core.spreadsheet import read_table, write_xlsx

LETTERS = "ABCDE"
OPTION_HEADERS = tuple(f"Pilihan {letter}" for letter in LETTERS)
HEADERS = ("No", "Pertanyaan") + OPTION_HEADERS + ("Kunci", "Pembahasan")
REQUIRED = ("Pertanyaan", "Pilihan A", "Pilihan B", "Kunci")
MAX_QUESTIONS = 200
MAX_QUESTION_CHARS = 2_000
MAX_OPTION_CHARS = 500
BUDGET = TableBudget(max_rows=MAX_QUESTIONS, max_columns=30, max_cells=10_000, max_cell_chars=MAX_QUESTION_CHARS,
                     max_xlsx_cells=20_000)


@dataclass(frozen=True)
class QuestionData:
    """One multiple-choice question: text, options in the author's order, index of the right one."""

    text: str
    options: tuple
    correct: int
    explanation: str = ""


def check_question(text, options, correct, explanation=""):
    """A list of Indonesian problems with one question (empty when it is fine)."""
    problems = []
    options = [o for o in options if o]
    if not text.strip():
        problems.append("Pertanyaan kosong")
    elif len(text) > MAX_QUESTION_CHARS:
        problems.append(f"Pertanyaan lebih dari {MAX_QUESTION_CHARS} karakter")
    if len(options) < 2:
        problems.append("Isi sedikitnya dua pilihan jawaban")
    if any(len(o) > MAX_OPTION_CHARS for o in options):
        problems.append(f"Pilihan jawaban lebih dari {MAX_OPTION_CHARS} karakter")
    if len({o.strip().casefold() for o in options}) != len(options):
        problems.append("Ada pilihan jawaban yang sama")
    if correct is None or not 0 <= correct < len(options):
        problems.append("Kunci jawaban harus huruf salah satu pilihan yang terisi")
    return problems


def parse_rows(rows):
    """[QuestionData] from [(line, {header: text})], or DomainError listing every bad row."""
    questions, errors = [], []
    for line, row in rows:
        options = [(row.get(h) or "").strip() for h in OPTION_HEADERS]
        filled = _contiguous(options)
        if filled is None:
            errors.append(f"Baris {line}: pilihan jawaban harus diisi berurutan mulai dari Pilihan A")
            continue
        key = (row.get("Kunci") or "").strip().upper()
        correct = LETTERS.index(key) if len(key) == 1 and key in LETTERS else None
        text, explanation = (row.get("Pertanyaan") or "").strip(), (row.get("Pembahasan") or "").strip()
        problems = check_question(text, filled, correct, explanation)
        if problems:
            errors.append(f"Baris {line}: " + "; ".join(problems) + (f" (Kunci: {quote(key)})" if key else ""))
            continue
        questions.append(QuestionData(text, tuple(filled), correct, explanation[:MAX_QUESTION_CHARS]))
    if errors:
        raise DomainError(errors[0], errors=errors)
    if not questions:
        raise DomainError("Berkas tidak berisi soal.")
    return questions


def _contiguous(options):
    """The filled options when they start at A without gaps, else None."""
    count = len(options)
    while count and not options[count - 1]:
        count -= 1
    filled = options[:count]
    return None if "" in filled else filled


_FORMULA_CELL = re.compile(
    rb'<c\b[^>]*\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>(?:(?!</c>|<c\b).){0,200}?<f[\s>/]', re.S)


def formula_cells(data):
    """[(line, column letter)] of the cells holding a formula in the first worksheet of XLSX bytes (a bank is
    typed text: a formula's value may be missing or computed differently elsewhere). Call after read_table has
    checked the archive's sizes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not names:
                return []
            first = min(names, key=lambda n: int(re.search(r"\d+", n.rsplit("/", 1)[1]).group()))
            xml = archive.read(first)
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    return [(int(line), column.decode()) for column, line in _FORMULA_CELL.findall(xml)]


def read_bank(filename, data):
    """Questions from uploaded .xlsx/.csv bytes (checked by content, within BUDGET) or DomainError."""
    table = read_table(filename, data, find_header=lambda cells: "Pertanyaan" in cells,
                       max_rows=MAX_QUESTIONS, budget=BUDGET)
    formulas = formula_cells(data) if data.startswith(b"PK") else []
    if formulas:
        errors = [f"Baris {line}: sel {column}{line} berisi rumus (formula); ketik isinya sebagai teks"
                  for line, column in formulas[:MAX_QUESTIONS]]
        raise DomainError(errors[0], errors=errors)
    missing = [h for h in REQUIRED if h not in table.headers]
    if missing:
        raise DomainError("Kolom wajib tidak ditemukan: " + ", ".join(missing)
                          + ". Unduh templat bank soal lalu isi kolomnya.")
    return parse_rows(table.rows)


def write_bank(questions):
    """XLSX bytes of [QuestionData] with the same headers read_bank accepts (round trip)."""
    rows = []
    for number, q in enumerate(questions, start=1):
        options = list(q.options) + [""] * (len(LETTERS) - len(q.options))
        rows.append([number, q.text, *options, LETTERS[q.correct], q.explanation])
    return write_xlsx(list(HEADERS), rows, sheet_title="Bank Soal")
