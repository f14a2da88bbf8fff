"""Demo letterhead (kop surat) of DKPUS Babel and the demo training's chapter texts; runs any number of times."""
import io

from PIL import Image, ImageDraw

from bimtek.reports import services

PARENT = "PEMERINTAH PROVINSI KEPULAUAN BANGKA BELITUNG"
ADDRESS = "Jl. Pulau Bangka, Kompleks Perkantoran Gubernur, Air Itam, Pangkalpinang 33149 · Telp. (0717) 439000"
DASAR = ("1. Undang-Undang Nomor 43 Tahun 2007 tentang Perpustakaan.\n"
         "2. Program Transformasi Perpustakaan Berbasis Inklusi Sosial (TPBIS) Perpustakaan Nasional RI tahun 2020.\n"
         "3. Dokumen Pelaksanaan Anggaran Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung "
         "tahun anggaran 2020.")
TUJUAN = ("Maksud kegiatan adalah meningkatkan kapasitas pengelola perpustakaan kabupaten dan desa dalam strategi "
          "pengembangan perpustakaan dan pemanfaatan TIK. Tujuannya agar peserta mampu menyusun rencana kegiatan "
          "TPBIS dalam situasi kenormalan baru dan melaksanakannya di daerah masing-masing.")


def _logo():
    """A plain round emblem (the demo has no real logo)."""
    image = Image.new("RGB", (240, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 230, 230], fill="#137a66")
    draw.ellipse([50, 50, 190, 190], fill="white")
    draw.rectangle([85, 80, 155, 160], fill="#137a66")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed(training, admin):
    if services.letterhead_for(training).id is None:
        services.save_letterhead(admin, training, PARENT, training.organizer_unit, ADDRESS, _logo())
    if services.fields_for(training).id is None:
        services.save_fields(admin, training, {
            "dasar": DASAR, "maksud_tujuan": TUJUAN, "penutup": "", "place": "Pangkalpinang",
            "signer_jabatan": "Kepala Dinas Kearsipan dan Perpustakaan", "signer_name": "Dr. Asyraf Suryadin, M.Si.",
            "signer_nip": "196805121994031004"})
