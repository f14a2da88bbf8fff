"""Report PDFs: HTML to PDF with WeasyPrint, loading only data: URLs and the report stylesheet (no Flask)."""
import pathlib

from weasyprint import HTML

from bimtek.core.pdf_fetch import LocalFileFetcher

REFUSAL = "PDF laporan hanya boleh memuat berkas lokal aplikasi."


def render_pdf(html, asset_dir):
    """PDF bytes for `html`; relative URLs resolve inside `asset_dir` and nothing else is fetched."""
    root = pathlib.Path(asset_dir).resolve()
    return HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=LocalFileFetcher(root, REFUSAL)).write_pdf()
