"""The report stays bounded for a big training: the daftar hadir PDF comes in numbered parts, and the whole
report points to each session's own files instead of printing thousands of rows (thresholds lowered here)."""
import io

import pypdf
from docx import Document

from bimtek.reports.services import content, sheets
from tests.factories import make_registration, make_staff, make_training


def _pdf_text(data):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_long_daftar_hadir_pdf_comes_in_numbered_parts(client, login_as, monkeypatch):
    monkeypatch.setattr(sheets, "PDF_PART_ROWS", 2)
    training = make_training()
    people = [make_registration(training, name=f"Peserta Nomor {n}") for n in range(1, 6)]
    login_as(make_staff(training, "panitia"))
    base = f"/kelola/pelatihan/{training.id}/laporan"
    session = training.sessions[0]
    page = client.get(base).get_data(as_text=True)
    assert "PDF dalam 3 bagian" in page and "Bagian 3 (No 5–5)" in page
    second = client.get(f"{base}/daftar-hadir/{session.id}.pdf?bagian=2")
    assert second.status_code == 200 and "bagian-2" in second.headers["Content-Disposition"]
    text = _pdf_text(second.data)
    assert "bagian 2 dari 3" in text and people[2].nama_lengkap in text and people[0].nama_lengkap not in text
    for bad in ("0", "4", "-1"):
        assert client.get(f"{base}/daftar-hadir/{session.id}.pdf?bagian={bad}").status_code == 404
    first = client.get(f"{base}/daftar-hadir/{session.id}.pdf?bagian=x")  # junk: the first part
    assert first.status_code == 200 and people[0].nama_lengkap in _pdf_text(first.data)
    whole = client.get(f"{base}/daftar-hadir/{session.id}.xlsx")
    assert whole.status_code == 200


def test_the_report_points_to_the_sheets_when_they_are_too_long(client, login_as, monkeypatch):
    monkeypatch.setattr(content, "APPENDIX_ROWS", 4)
    training = make_training()
    people = [make_registration(training) for _ in range(3)]
    login_as(make_staff(training, "panitia"))
    docx = client.get(f"/kelola/pelatihan/{training.id}/laporan.docx")
    doc = Document(io.BytesIO(docx.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.count("dilampirkan sebagai berkas tersendiri") == len(training.sessions)
    assert f"daftar-hadir-{training.code}-sesi-1.xlsx" in text
    assert not any(people[0].nama_lengkap in c.text for t in doc.tables for r in t.rows for c in r.cells)
    pdf = client.get(f"/kelola/pelatihan/{training.id}/laporan.pdf")
    assert "dilampirkan sebagai berkas" in _pdf_text(pdf.data)
