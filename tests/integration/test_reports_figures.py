"""More of the report's figures against the pages that show them: item analysis, questionnaire means per section
and per speaker, and attendance per session (the same numbers, as each page prints them)."""
import io
import re
from html import unescape

import pytest
import sqlalchemy as sa
from docx import Document

from bimtek.trainings.models import Training
from tests.factories import make_user


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["seed-demo", "--password", "sandi-demo-panjang"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))


def _html_rows(html, after):
    """Cell texts of the rows of the first table after the text `after`."""
    part = html[html.index(after):]
    body = part[part.index("<tbody>"):part.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def _doc_table(doc, headers):
    for table in doc.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if tuple(rows[0]) == headers:
            return rows[1:]
    raise AssertionError(headers)


def test_report_tables_equal_the_pages(demo, client, login_as):
    login_as(make_user("admin"))
    base = f"/kelola/pelatihan/{demo.id}"
    doc = Document(io.BytesIO(client.get(base + "/laporan.docx").data))
    evaluation = client.get(base + "/evaluasi").get_data(as_text=True)
    items = _html_rows(evaluation, "Benar post-test")
    assert [[n, pre.rstrip("%"), post.rstrip("%")] for n, _t, pre, post in items] == [
        [n, pre, post] for n, _t, pre, post in _doc_table(doc, ("No", "Soal", "Benar pre-test (%)",
                                                                 "Benar post-test (%)"))]
    survey = client.get(base + "/evaluasi/kuesioner").get_data(as_text=True)
    assert _doc_table(doc, ("Narasumber", "Rata-rata", "Jawaban")) == _html_rows(survey, "Rata-rata per narasumber")
    sections = _doc_table(doc, ("Bagian", "Rata-rata"))
    assert sections and sections == _html_rows(survey, "Rata-rata per bagian")
    attendance = client.get(base + "/kehadiran").get_data(as_text=True)
    sessions = _doc_table(doc, ("Sesi", "Hadir", "Peserta", "JP"))
    in_report = [f"{hadir}/{total}" for _label, hadir, total, _jp in sessions]
    on_page = [row[4] for row in _html_rows(attendance, "Antrean")]
    assert len(in_report) == len(demo.sessions) and in_report == on_page
