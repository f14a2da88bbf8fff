"""Fixtures for certificate rendering tests: the default design and a synthetic training."""
import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from weasyprint import HTML

from bimtek.certificates import pades
from bimtek.certificates.rendering import BatchRenderer
from tests import tte_keys

DESIGN = Path(__file__).resolve().parents[3] / "certificates" / "default"


def _signature_png():
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(30, 140), (90, 40), (120, 150), (170, 60), (210, 130), (300, 90), (370, 110)],
              fill=(20, 30, 90, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _stamp_png():
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 290, 290), outline=(60, 60, 170, 200), width=10)
    draw.ellipse((60, 60, 240, 240), outline=(60, 60, 170, 200), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def pdf():
    """A small PDF to sign (signature tests)."""
    return HTML(string="<h1>SERTIFIKAT</h1><p>Nomor: 800/001/DKPUS/2020</p>").write_pdf()


@pytest.fixture(scope="module")
def key():
    """The configured signer's key from a PKCS#12 made at test time (signature tests)."""
    return pades.load_key(tte_keys.make_p12(), tte_keys.P12_PASSWORD)


@pytest.fixture(scope="session")
def design_dir():
    return DESIGN


@pytest.fixture(scope="session")
def shared():
    return {
        "unit_name": "Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
        "training_name": "Bimbingan Teknis SPP-TIK Program TPBIS Tahun 2020",
        "dates_text": "21–23 Juli 2020",
        "place_date": "Pangkalpinang, 23 Juli 2020",
        "materi": [("Kebijakan TPBIS", 6), ("Strategi Peningkatan Layanan Informasi", 12),
                   ("Rencana Tindak Lanjut", 12)],
        "signer": {"jabatan": "Kepala Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
                   "name": "Dr. Asyraf Suryadin, S.Sos., M.Si.", "pangkat": "Pembina Utama Muda (IV/c)",
                   "nip": "197001011990031001"},
        "signature": _signature_png(),
        "stamp": _stamp_png(),
    }


@pytest.fixture()
def person():
    return {"name": "Zoë Łukasiewicz Núñez, S.Kom.", "nip": "198609262015051001",
            "instansi": "Dinas Perpustakaan Kabupaten Bangka Barat", "number": "800/001/DKPUS/2020",
            "verify_url": "https://sertifikat.example.go.id/v/Ab3dEfGhJkMnPqRsTuVw"}


@pytest.fixture(scope="session")
def batch(design_dir, shared):
    return BatchRenderer(design_dir, shared)


@pytest.fixture(scope="session")
def batch_tte(design_dir, shared):
    return BatchRenderer(design_dir, shared, tte=True)
