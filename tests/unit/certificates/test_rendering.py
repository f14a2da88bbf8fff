import io
import shutil
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from bimtek.certificates.design import DesignURLFetcher, field_texts, load_design, render_html, shared_variables
from bimtek.certificates.rendering import font_subsetter, render_batch, render_pdf
from bimtek.certificates.shaping import ShapingFont, resolve_font
from bimtek.core.errors import DomainError

NAME_BOX_PT = 235 / 25.4 * 72
PAGE_WIDTH_PT = 297 / 25.4 * 72
TTE = "Balai Sertifikasi Elektronik (BSrE), BSSN"


def _text(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def _both(batch, design_dir, shared, person, tte=False):
    return {"fast": batch.render(person), "naive": render_pdf(design_dir, {**shared, **person}, tte=tte)}


def test_front_and_back_content(batch, design_dir, shared, person):
    for path, pdf in _both(batch, design_dir, shared, person).items():
        front, back = _text(pdf)
        assert "Zoë Łukasiewicz Núñez, S.Kom." in front, path
        assert "Nomor: 800/001/DKPUS/2020" in front, path
        assert "NIP. 19860926 201505 1 001" in front, path
        assert "Dinas Perpustakaan Kabupaten Bangka Barat" in front, path
        assert "Bimbingan Teknis SPP-TIK Program TPBIS Tahun 2020" in front, path
        assert "30 JP" in front and "Pindai untuk verifikasi" in front, path
        assert "Pembina Utama Muda (IV/c)" in front and "NIP. 19700101 199003 1 001" in front, path
        assert TTE not in front, path
        assert "Strategi Peningkatan Layanan Informasi" in back and "Jumlah" in back, path


def test_tte_footer_only_when_requested(batch_tte, design_dir, shared, person):
    for path, pdf in _both(batch_tte, design_dir, shared, person, tte=True).items():
        front = _text(pdf)[0].replace("\n", " ")
        assert TTE in front and "Pasal 5 ayat (1)" in front, path


def test_person_without_nip(batch, person):
    front = _text(batch.render({**person, "nip": None}))[0]
    assert "NIP. 1986" not in front and "Zoë Łukasiewicz Núñez" in front


def _drawn_name(pdf, name):
    """(font size, x) of the drawn name, from pypdf's text visitor."""
    hits = []

    def visit(text, cm, tm, font, size):
        if name[:12] in text:
            hits.append((size * tm[0] * cm[0], tm[4] * cm[0] + cm[4]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert hits, "name not drawn"
    return hits[0]


def test_long_names_shrink_to_fit(batch, design_dir, shared, person):
    name = "Prof. Dr. Ir. Raden Mas Muhammad Abdurrahman Wicaksono Hadiningrat Kusumawardhana, S.T., M.Eng."
    font = ShapingFont(resolve_font(("Noto Serif",), 700, False)[1])
    for path, pdf in _both(batch, design_dir, shared, {**person, "name": name}).items():
        size, x = _drawn_name(pdf, name)
        width = font.shape(name).width / font.upem * size
        assert size < 25, path
        assert width <= NAME_BOX_PT + 1, path
        assert 0 < x and x + width < PAGE_WIDTH_PT, path
        assert name in _text(pdf)[0].replace("\n", " "), path


def test_escaping_user_text(batch, design_dir, shared, person):
    evil = {**person, "name": "<script>alert(1)</script>", "instansi": "A & B <i>x</i>"}
    design = load_design(design_dir)
    html = render_html(design, shared_variables(design, shared, False), field_texts(design, evil))
    assert "<script>" not in html and "&lt;script&gt;" in html
    for path, pdf in _both(batch, design_dir, shared, evil).items():
        front = _text(pdf)[0]
        assert "<script>alert(1)</script>" in front and "A & B <i>x</i>" in front, path


def test_cjk_name_falls_back_to_full_path(design_dir, shared, person):
    from bimtek.certificates.rendering import BatchRenderer
    renderer = BatchRenderer(design_dir, shared, charset="abc")
    pdf = renderer.render({**person, "name": "王小明"})
    assert renderer.fallbacks == 1
    assert "王小明" in _text(pdf)[0]


@pytest.mark.parametrize("url", [
    "http://example.com/x.png", "https://example.com/style.css", "file:///etc/passwd",
    "file:///work/secret.png", "ftp://example.com/a"])
def test_url_fetcher_refuses_outside(design_dir, url):
    with pytest.raises((DomainError, ValueError)):
        DesignURLFetcher(design_dir).fetch(url)


def test_url_fetcher_allows_design_files(design_dir):
    response = DesignURLFetcher(design_dir).fetch((design_dir / "assets" / "emblem.svg").as_uri())
    assert b"<svg" in response.read()
    response.close()
    with pytest.raises(DomainError):
        DesignURLFetcher(design_dir).fetch((design_dir / ".." / "default" / ".." / "x.svg").as_uri())


def test_design_loading_outside_file_fails(tmp_path, shared, person, design_dir):
    for name in ("design.toml", "template.html", "style.css"):
        shutil.copy(design_dir / name, tmp_path / name)
    shutil.copytree(design_dir / "assets", tmp_path / "assets")
    css = (tmp_path / "style.css").read_text()
    (tmp_path / "style.css").write_text(css + "\n.title { background: url(http://example.com/t.png); }")
    with pytest.raises(DomainError):
        render_pdf(tmp_path, {**shared, **person})


def test_fast_output_is_valid_standalone_pdf(batch, person, tmp_path):
    pdf = batch.render(person)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 2
        for font in doc.pages[0].Resources.Font.values():
            assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor
        assert "/ToUnicode" in font
    if shutil.which("qpdf"):
        (tmp_path / "c.pdf").write_bytes(pdf)
        check = subprocess.run(["qpdf", "--check", str(tmp_path / "c.pdf")], capture_output=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_qr_in_pdf_decodes(batch, person, tmp_path):
    pyzbar = pytest.importorskip("pyzbar.pyzbar")
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    from PIL import Image
    (tmp_path / "c.pdf").write_bytes(batch.render(person))
    subprocess.run(["pdftoppm", "-r", "110", "-f", "1", "-l", "1", "-png", str(tmp_path / "c.pdf"),
                    str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    with Image.open(png) as image:
        assert [d.data.decode() for d in pyzbar.decode(image)] == [person["verify_url"]]


def test_render_batch_in_order_with_keys(design_dir, shared, person):
    people = [{**person, "key": f"k{i}", "number": f"800/{i:03d}/DKPUS/2020"} for i in range(1, 4)]
    results = list(render_batch(design_dir, shared, people, processes=1))
    assert [key for key, _ in results] == ["k1", "k2", "k3"]
    assert "Nomor: 800/003/DKPUS/2020" in _text(results[2][1])[0]


def test_font_subsetter_is_reported():
    assert font_subsetter() in ("harfbuzz", "fonttools")
