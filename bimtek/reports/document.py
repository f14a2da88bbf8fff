"""The activity report as DOCX (python-docx), from the plain data of services.content. Pure.

python-docx builds every heading, table and picture from code, so the Dinas gets an ordinary Word file it can
edit, with real Heading styles (navigation pane, table of contents) and tables, not a filled-in template.
"""
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bimtek.reports.recap import decimal

CHAPTERS = ("BAB I PENDAHULUAN", "BAB II PELAKSANAAN", "BAB III HASIL KEGIATAN", "BAB IV PENUTUP", "LAMPIRAN")


def build_docx(report):
    """DOCX bytes of the report dict."""
    doc = Document()
    _base_style(doc)
    _letterhead(doc, report["letterhead"])
    _title(doc, report["training"])
    _chapter_one(doc, report)
    _chapter_two(doc, report)
    _chapter_three(doc, report)
    _chapter_four(doc, report)
    _appendices(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _base_style(doc):
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(11)
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2)


def _bottom_rule(paragraph):
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _letterhead(doc, head):
    table = doc.add_table(rows=1, cols=2)
    logo_cell, text_cell = table.rows[0].cells
    logo_cell.width, text_cell.width = Cm(2.8), Cm(13.2)
    if head.get("logo"):
        logo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(head["logo"]), width=Cm(2.2))
    lines = [(head.get("parent_line", ""), 12, True), (head["unit_name"].upper(), 14, True),
             (head.get("address", ""), 9, False)]
    first = True
    for text, size, bold in lines:
        if not text:
            continue
        paragraph = text_cell.paragraphs[0] if first else text_cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    _bottom_rule(doc.add_paragraph())


def _title(doc, training):
    for text, size in (("LAPORAN PELAKSANAAN KEGIATAN", 14), (training["name"].upper(), 12),
                       (training["dates"], 11)):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = True, Pt(size)


def table(doc, headers, rows, widths=None, total_cm=16.0):
    """A bordered table with a bold header row; None prints as '–'. Column widths (cm) are given, or shared out
    over `total_cm` by the length of each column's texts, and written into the table grid too (LibreOffice lays
    a table out from its grid, Word from the cells).

    The body rows are appended as XML (python-docx's add_row().cells walks the whole table on every row, so a
    daftar hadir of thousands of rows took minutes); the result is the same Word table."""
    texts = [[_text(value) for value in row] for row in rows]
    widths = widths or _shares(headers, texts, total_cm)
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.autofit = False
    for column, width in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        column.set(qn("w:w"), str(int(Cm(width).twips)))
    for cell, header, width in zip(grid.rows[0].cells, headers, widths):
        cell.text = ""
        cell.paragraphs[0].add_run(_xml_text(header)).bold = True
        cell.width = Cm(width)
    twips = [str(int(Cm(w).twips)) for w in widths]
    tbl = grid._tbl
    for row in texts:
        tr = OxmlElement("w:tr")
        for index, text in enumerate(row):
            tr.append(_cell(text, twips[index] if index < len(twips) else None))
        tbl.append(tr)
    doc.add_paragraph()
    return grid


def _text(value):
    return "–" if value is None else (decimal(value) if isinstance(value, float) else str(value))


def _shares(headers, texts, total_cm):
    """Column widths in cm: each column's share of `total_cm` follows its longest text (sampled), within bounds."""
    weights = []
    for index, header in enumerate(headers):
        longest = max([len(str(header))] + [len(row[index]) for row in texts[:200] if index < len(row)])
        weights.append(min(max(longest, 3), 45) + 3)  # + the cell padding
    whole = sum(weights)
    return [total_cm * weight / whole for weight in weights]


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _xml_text(value):
    """Text an XML document can hold (control characters dropped)."""
    return str(value).translate(_CONTROL)


def _cell(text, width):
    tc = OxmlElement("w:tc")
    properties = OxmlElement("w:tcPr")
    tc_width = OxmlElement("w:tcW")
    tc_width.set(qn("w:w"), width or "0")
    tc_width.set(qn("w:type"), "dxa" if width else "auto")
    properties.append(tc_width)
    tc.append(properties)
    paragraph = OxmlElement("w:p")
    for number, line in enumerate(_xml_text(text).split("\n")):
        run = OxmlElement("w:r")
        if number:
            run.append(OxmlElement("w:br"))
        node = OxmlElement("w:t")
        node.set(qn("xml:space"), "preserve")
        node.text = line
        run.append(node)
        paragraph.append(run)
    tc.append(paragraph)
    return tc


def _para(doc, text):
    for block in str(text).split("\n"):
        if block.strip():
            doc.add_paragraph(block.strip())


def _chapter_one(doc, report):
    doc.add_heading(CHAPTERS[0], level=1)
    doc.add_heading("A. Dasar", level=2)
    _para(doc, report["texts"]["dasar"])
    doc.add_heading("B. Maksud dan Tujuan", level=2)
    _para(doc, report["texts"]["maksud_tujuan"])


def _chapter_two(doc, report):
    training, registration = report["training"], report["registration"]
    doc.add_heading(CHAPTERS[1], level=1)
    doc.add_heading("A. Waktu", level=2)
    doc.add_paragraph(f"Kegiatan dilaksanakan pada {training['dates']} dalam {len(training['sessions'])} sesi "
                      f"({training['zone']}).")
    table(doc, ("No", "Sesi", "Hari/Tanggal", "Pukul"),
          [(n, label, day, time) for n, (label, day, time) in enumerate(training["sessions"], start=1)])
    doc.add_heading("B. Tempat", level=2)
    doc.add_paragraph(f"Moda: {training['mode']}." + (f" Tempat: {training['place']}." if training["place"] else ""))
    doc.add_heading("C. Narasumber dan Materi", level=2)
    rows = [(n, title, trainer, jp) for n, (title, trainer, jp) in enumerate(training["materi"], start=1)]
    table(doc, ("No", "Materi", "Narasumber", "JP"), rows + [("", "Jumlah", "", training["total_jp"])])
    doc.add_heading("D. Peserta", level=2)
    doc.add_paragraph(f"Peserta terdaftar sebanyak {registration['registered']} orang dari "
                      f"{len(registration['by_kabupaten'])} kabupaten/kota.")


def _chapter_three(doc, report):
    doc.add_heading(CHAPTERS[2], level=1)
    _registration_and_attendance(doc, report)
    _rtl(doc, report["rtl"])
    _tests(doc, report["tests"])
    _survey(doc, report["survey"])
    certificates = report["certificates"]
    doc.add_heading("F. Sertifikat", level=2)
    doc.add_paragraph(f"Sertifikat diterbitkan: {certificates['issued']}; dicabut: {certificates['revoked']}; "
                      f"peserta memenuhi syarat: {certificates['eligible']}. Daftar pemegang pada Lampiran 2.")


def _registration_and_attendance(doc, report):
    registration, attendance = report["registration"], report["attendance"]
    doc.add_heading("A. Pendaftaran", level=2)
    table(doc, ("Status pendaftaran", "Jumlah"), registration["by_status"])
    table(doc, ("Kabupaten/Kota", "Peserta"), registration["by_kabupaten"])
    table(doc, ("Jenis kelamin", "Peserta"), registration["by_gender"])
    table(doc, ("Jenis instansi", "Peserta"), registration["by_type"])
    doc.add_heading("B. Kehadiran", level=2)
    doc.add_paragraph(f"Peserta memenuhi syarat kehadiran: {attendance['passed']} dari {attendance['registered']}.")
    table(doc, ("Sesi", "Hadir", "Peserta", "JP"),
          [(label, present, total, jp) for label, present, total, jp in attendance["sessions"]])
    doc.add_paragraph("Peta kehadiran (persentase durasi hadir per sesi):")
    doc.add_picture(io.BytesIO(bytes(attendance["heatmap"])), width=Cm(16))


def _rtl(doc, rtl):
    doc.add_heading("C. Rencana Tindak Lanjut (RTL)", level=2)
    doc.add_paragraph(f"RTL disetujui: {rtl['approved']} dari {rtl['participants']} peserta; "
                      f"kegiatan direncanakan: {rtl['activities']}.")
    table(doc, ("Strategi", "Kegiatan direncanakan"), rtl["by_strategy"])


def _tests(doc, tests):
    doc.add_heading("D. Pre-test dan Post-test", level=2)
    table(doc, ("Ukuran", "Nilai"), [
        ("Rata-rata pre-test", tests["pre_average"]), ("Peserta pre-test", tests["pre_count"]),
        ("Rata-rata post-test", tests["post_average"]), ("Peserta post-test", tests["post_count"]),
        ("N-gain kelas", tests["gain_text"])] + [(f"Peserta N-gain {name}", count)
                                                 for name, count in tests["categories"]])
    doc.add_paragraph("N-gain = (post − pre) / (100 − pre); tinggi ≥ 0,7; sedang 0,3–0,7; rendah < 0,3. Nilai "
                      "pre-test 100 tidak memiliki N-gain (tidak terdefinisi).")
    table(doc, ("No", "Soal", "Benar pre-test (%)", "Benar post-test (%)"), tests["items"])


def _survey(doc, survey):
    doc.add_heading("E. Evaluasi Penyelenggaraan dan Narasumber", level=2)
    doc.add_paragraph(f"Responden: {survey['respondents']} peserta (belum mengisi: {survey['pending']}); "
                      f"skala 1–{survey['scale']}. Jawaban anonim.")
    if survey["hidden"]:
        doc.add_paragraph(f"Rekap tidak ditampilkan karena responden kurang dari {survey['minimum']} orang.")
        return
    table(doc, ("Bagian", "Rata-rata"), survey["sections"])
    table(doc, ("Narasumber", "Rata-rata", "Jawaban"), survey["speakers"])
    table(doc, ("No", "Bagian", "Pernyataan", "Rata-rata", "Jawaban"), survey["questions"])
    for question, texts in survey["texts"]:
        doc.add_paragraph(question).runs[0].bold = True
        for text in texts:
            doc.add_paragraph(text, style="List Bullet")


def _chapter_four(doc, report):
    texts = report["texts"]
    doc.add_heading(CHAPTERS[3], level=1)
    _para(doc, texts["penutup"])
    signature = doc.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    lines = [f"{texts['place']}, ................" if texts["place"] else "", texts["signer_jabatan"], "", "", "",
             texts["signer_name"], f"NIP {texts['signer_nip']}" if texts["signer_nip"] else ""]
    signature.add_run("\n".join(line for line in lines if line is not None))


def separate_sheet_text(sheet):
    """The appendix line for a daftar hadir too long to print inside the report (DOCX and PDF)."""
    return (f"Daftar hadir sesi ini memuat {sheet['count']:,} peserta sehingga dilampirkan sebagai berkas tersendiri "
            f"({' / '.join(sheet['files'])}; unduh dari halaman Laporan Kegiatan).").replace(",", ".")


def separate_holders_text(certificates):
    return (f"Daftar {certificates['holder_count']:,} pemegang sertifikat terlalu panjang untuk dicetak di sini; "
            "daftarnya ada pada halaman Sertifikat pelatihan ini.").replace(",", ".")


def _landscape(doc):
    section = doc.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.5)


def _appendices(doc, report):
    _landscape(doc)
    doc.add_heading(CHAPTERS[4], level=1)
    doc.add_heading("Lampiran 1. Daftar Hadir per Sesi", level=2)
    for sheet in report["sheets"]:
        doc.add_heading(f"{sheet['title']} — {sheet['day']}, {sheet['time']}", level=3)
        if sheet["rows"] is None:
            doc.add_paragraph(separate_sheet_text(sheet))
            continue
        table(doc, sheet["headers"], sheet["rows"], widths=(1, 5, 3.4, 5, 3, 1.9, 1.9, 2.4, 3))
    doc.add_heading("Lampiran 2. Daftar Pemegang Sertifikat", level=2)
    certificates = report["certificates"]
    if certificates["holders"] is None:
        doc.add_paragraph(separate_holders_text(certificates))
    else:
        holders = [(n, *row) for n, row in enumerate(certificates["holders"], start=1)]
        table(doc, ("No", "Nama", "Instansi", "Nomor sertifikat", "Status"), holders, total_cm=26.0)
    doc.add_heading("Lampiran 3. Grafik", level=2)
    for caption, png in (("Kegiatan RTL per strategi", report["rtl"]["chart"]),
                         ("Persentase jawaban benar per soal (pre-test dan post-test)", report["tests"]["chart"]),
                         ("Rata-rata evaluasi per bagian", None if report["survey"]["hidden"]
                          else report["survey"]["chart"])):
        if png:
            doc.add_paragraph(caption).runs[0].bold = True
            doc.add_picture(io.BytesIO(bytes(png)), width=Cm(15))
