"""Pure parts of the activity report: instansi types, durations, numbers, PNG charts, and the DOCX writer."""
import io

from docx import Document
from PIL import Image

from bimtek.reports import document, images, recap


def test_instansi_type():
    assert recap.instansi_type("Dinas Perpustakaan Kabupaten Bangka Selatan") == "Dinas/OPD"
    assert recap.instansi_type("Perpustakaan Desa Kundi") == "Perpustakaan desa/kelurahan"
    assert recap.instansi_type("TBM Pelangi Toboali") == "Taman Bacaan Masyarakat"
    assert recap.instansi_type("SMP Negeri 1 Koba") == "Sekolah/Perguruan tinggi"
    assert recap.instansi_type("") == recap.instansi_type("Komunitas Baca") == "Lainnya"


def test_durations_and_decimals():
    assert recap.duration_text(0) == "–"
    assert recap.duration_text(45 * 60 + 30) == "45 menit"
    assert recap.duration_text(3 * 3600 + 27 * 60) == "3 jam 27 menit"
    assert (recap.decimal(12.5), recap.decimal(82.0), recap.decimal(0.65), recap.decimal(None)) == (
        "12,5", "82", "0,65", "–")


def test_pngs_are_images_of_the_expected_shape():
    heat = Image.open(io.BytesIO(images.heatmap_png(["S1", "S2"], [("0001 Ani", [(100, False), (0, True)], True)])))
    bars = Image.open(io.BytesIO(images.bars_png([("Layanan", 5), ("Advokasi", 0)])))
    pairs = Image.open(io.BytesIO(images.pairs_png([("Soal 1", 50.0, None)])))
    assert heat.format == bars.format == pairs.format == "PNG"
    assert heat.width > heat.height and bars.height < pairs.height * 2
    assert images.heat_colour(0, True) == "#e9edf1" and images.heat_colour(95, False) == "#1f8a6d"


def minimal_report():
    png = images.bars_png([])
    sheet = {"title": "Sesi 1", "day": "Selasa, 21 Juli 2020", "time": "08.00–12.00 WIB", "training": "Bimtek",
             "headers": ("No", "Nama", "NIP", "Instansi", "Kab/Kota", "Waktu masuk", "Waktu keluar", "Durasi",
                         "Keterangan"),
             "rows": [[1, "Ani", "", "Perpustakaan Desa", "Bangka", "07.55", "12.01", "4 jam 6 menit", "Hadir"]]}
    return {
        "letterhead": {"parent_line": "PEMERINTAH PROVINSI", "unit_name": "Dinas Perpustakaan", "address": "Jl. A",
                       "logo": None},
        "training": {"name": "Bimtek", "dates": "21–23 Juli 2020", "sessions": [("Sesi 1", "Selasa", "08.00")],
                     "zone": "WIB", "mode": "Daring", "place": "", "materi": [("TIK", "Pak Budi", 3)], "total_jp": 3},
        "texts": {"dasar": "Dasar 1\nDasar 2", "maksud_tujuan": "Tujuan", "penutup": "Demikian.", "place": "Koba",
                  "signer_jabatan": "Kepala", "signer_name": "Dr. X", "signer_nip": ""},
        "registration": {"registered": 1, "by_status": [("Terdaftar", 1)], "by_kabupaten": [("Bangka", 1)],
                         "by_gender": [("Perempuan", 1)], "by_type": [("Lainnya", 1)]},
        "attendance": {"passed": 1, "registered": 1, "sessions": [("Sesi 1", 1, 1, 3.0)], "heatmap": png},
        "rtl": {"approved": 0, "participants": 1, "activities": 0, "by_strategy": [], "chart": png},
        "tests": {"pre_average": 40.0, "pre_count": 1, "post_average": 80.0, "post_count": 1,
                  "gain_text": "0,67 (sedang)",
                  "categories": [("sedang", 1)], "items": [(1, "Soal?", 0.0, 100.0)], "chart": png},
        "survey": {"respondents": 1, "pending": 0, "scale": 5, "hidden": True, "minimum": 3, "chart": png},
        "certificates": {"issued": 1, "revoked": 0, "eligible": 1,
                         "holders": [("Ani", "Desa", "800/1/X/2020", "Berlaku")]},
        "sheets": [sheet],
    }


def test_docx_writer_makes_headings_tables_and_hides_a_small_survey():
    doc = Document(io.BytesIO(document.build_docx(minimal_report())))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in document.CHAPTERS] == list(document.CHAPTERS)
    texts = "\n".join(p.text for p in doc.paragraphs)
    assert "Rekap tidak ditampilkan karena responden kurang dari 3 orang." in texts
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["Rata-rata post-test", "80"] in cells and ["", "Jumlah", "", "3"] in cells
    assert ["1", "Ani", "", "Perpustakaan Desa", "Bangka", "07.55", "12.01", "4 jam 6 menit", "Hadir"] in cells
    assert doc.sections[-1].page_width > doc.sections[-1].page_height  # appendices in landscape
