"""RTL PDF: HTML to A4 PDF with WeasyPrint, loading only local files from one folder (no Flask)."""
import pathlib

from weasyprint import HTML

from bimtek.core.pdf_fetch import LocalFileFetcher

RTL_REFUSAL = "PDF RTL hanya boleh memuat berkas lokal aplikasi."


def render_pdf(html, asset_dir):
    """PDF bytes for `html`; relative URLs resolve inside `asset_dir` and nothing else is fetched."""
    root = pathlib.Path(asset_dir).resolve()
    document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=LocalFileFetcher(root, RTL_REFUSAL))
    return document.write_pdf()
