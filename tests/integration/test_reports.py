"""Laporan kegiatan of the demo training: DOCX (python-docx and LibreOffice open it, right headings, tables and
numbers), PDF, the CLI contract, the same figures as the app's pages, and the daftar hadir downloads."""
import io
import re
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from docx import Document

from bimtek.certificates.services import training_rows
from bimtek.reports.services.sheets import SHEET_HEADERS
from bimtek.trainings.models import Training
from tests.factories import make_registration, make_staff, make_training, make_user

CHAPTERS = ["BAB I PENDAHULUAN", "BAB II PELAKSANAAN", "BAB III HASIL KEGIATAN", "BAB IV PENUTUP", "LAMPIRAN"]


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["seed-demo", "--password", "sandi-demo-panjang"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))


def _cell_rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def _value(doc, label):
    """The second cell of the first table row whose first cell is `label`."""
    for table in doc.tables:
        for row in _cell_rows(table):
            if row and row[0] == label:
                return row[1]
    raise AssertionError(f"no row {label!r}")


def _stat(client, url, pattern):
    """A number as a page shows it."""
    response = client.get(url)
    assert response.status_code == 200, url
    return re.search(pattern, response.get_data(as_text=True)).group(1)


def _figures(html):
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


def test_demo_report_docx_has_the_chapters_tables_and_the_pages_numbers(demo, runner, client, login_as, tmp_path):
    out = tmp_path / "laporan.docx"
    result = runner.invoke(args=["laporan", str(demo.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Laporan ditulis ke {out}")
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in CHAPTERS] == CHAPTERS
    assert {"A. Dasar", "B. Maksud dan Tujuan", "C. Narasumber dan Materi", "D. Pre-test dan Post-test",
            "Lampiran 1. Daftar Hadir per Sesi", "Lampiran 2. Daftar Pemegang Sertifikat"} <= set(headings)
    sheets = [t for t in doc.tables if tuple(_cell_rows(t)[0]) == SHEET_HEADERS]
    assert len(sheets) == len(demo.sessions) == 6
    assert all(len(t.rows) == 1 + 10 for t in sheets)  # ten registered demo participants
    assert len(doc.inline_shapes) >= 4  # logo, heatmap and charts

    login_as(make_user("admin"))
    scores = _figures(client.get(f"/kelola/pelatihan/{demo.id}/evaluasi").get_data(as_text=True))
    assert _value(doc, "Rata-rata pre-test") == scores["pre_average"] == "49"
    assert _value(doc, "Rata-rata post-test") == scores["post_average"] == "82"
    assert _value(doc, "N-gain kelas").startswith(scores["gain"]) and scores["gain"] == "0,65"
    assert _value(doc, "Peserta N-gain tidak terdefinisi") == "1"  # the participant with a pre-test of 100
    survey = _figures(client.get(f"/kelola/pelatihan/{demo.id}/evaluasi/kuesioner").get_data(as_text=True))
    report = _figures(client.get(f"/kelola/pelatihan/{demo.id}/laporan").get_data(as_text=True))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"Responden: {survey['respondents']} peserta (belum mengisi: {survey['pending']})" in text
    base = f"/kelola/pelatihan/{demo.id}"
    issued = _stat(client, base + "/sertifikat", r"Sertifikat sah</dt><dd>(\d+)")
    assert f"Sertifikat diterbitkan: {issued};" in text and report["certificates"].startswith(f"{issued} /")
    passed = _stat(client, base + "/kehadiran", r"Memenuhi syarat kehadiran</p><p class=\"stat\">(\d+)")
    assert f"Peserta memenuhi syarat kehadiran: {passed} dari 10." in text and report["attendance_passed"] == passed
    approved = _stat(client, base + "/rtl/ringkasan", r"RTL disetujui</dt><dd class=\"stat\">(\d+)")
    assert f"RTL disetujui: {approved} dari" in text and report["rtl_approved"] == approved
    assert sum(1 for r in training_rows(demo) if r.certificate and r.certificate.is_valid) == int(issued) > 0

    converted = _libreoffice_to_pdf(out, tmp_path)
    pdf_text = subprocess.run(["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True).stdout
    assert "LAPORAN PELAKSANAAN KEGIATAN" in pdf_text and "BAB IV PENUTUP" in pdf_text


def _libreoffice_to_pdf(docx, tmp_path):
    """LibreOffice (Makefile system-deps: libreoffice-writer-nogui) must open and convert the DOCX."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice missing: run `make system-deps` (installs libreoffice-writer-nogui)"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path / "lo"), str(docx)], capture_output=True, check=True, timeout=240)
    converted = tmp_path / "lo" / "laporan.pdf"
    assert converted.read_bytes().startswith(b"%PDF")
    return converted


def test_demo_report_pdf_and_the_cli_contract(demo, runner, tmp_path):
    out = tmp_path / "arsip" / "laporan.pdf"
    result = runner.invoke(args=["laporan", str(demo.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for heading in CHAPTERS + ["Lampiran 1. Daftar Hadir per Sesi", "DINAS KEARSIPAN DAN PERPUSTAKAAN"]:
        assert heading in text
    assert "0,65 (sedang)" in text
    assert list((tmp_path / "arsip").iterdir()) == [out]  # no temporary file left behind
    bad = runner.invoke(args=["laporan", str(demo.id), "--out", str(tmp_path / "laporan.odt")])
    assert bad.exit_code == 2 and ".docx atau .pdf" in bad.output
    missing = runner.invoke(args=["laporan", "999999", "--out", str(tmp_path / "x.docx")])
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.output
    assert not (tmp_path / "x.docx").exists()


def test_button_and_daftar_hadir_downloads(client, login_as, db):
    training = make_training(materi_jp=(3,))
    reg = make_registration(training, nip="198609262015052001")
    login_as(make_staff(training, "panitia"))
    base = f"/kelola/pelatihan/{training.id}/laporan"
    docx = client.get(base + ".docx")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert any(reg.nama_lengkap in c.text for t in Document(io.BytesIO(docx.data)).tables for r in t.rows
               for c in r.cells)
    session = training.sessions[0]
    pdf = client.get(f"{base}/daftar-hadir/{session.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    sheet = client.get(f"{base}/daftar-hadir/{session.id}.xlsx")
    assert sheet.status_code == 200 and sheet.data.startswith(b"PK")
    other = make_training()
    assert client.get(f"{base}/daftar-hadir/{other.sessions[0].id}.pdf").status_code == 404
    login_as(make_staff(training, "reviewer"))
    assert client.get(base + ".docx").status_code == 403
