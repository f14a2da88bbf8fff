"""RTL PDF: HTML to A4 PDF with WeasyPrint, loading only local files from one folder (no Flask)."""
import pathlib
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from bimtek.core.errors import DomainError


class LocalFileFetcher(URLFetcher):
    """Serves data: URLs and files inside `root`; everything else (http, file outside) is refused."""

    def __init__(self, root):
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.root = pathlib.Path(root).resolve()

    def fetch(self, url, headers=None):
        """Fetch `url` only when it is data: or a file under the root."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            target = pathlib.Path(unquote(parts.path)).resolve()
            if target.is_relative_to(self.root) and target.is_file():
                return super().fetch(url, headers)
        raise DomainError("PDF RTL hanya boleh memuat berkas lokal aplikasi.", url=url)


def render_pdf(html, asset_dir):
    """PDF bytes for `html`; relative URLs resolve inside `asset_dir` and nothing else is fetched."""
    root = pathlib.Path(asset_dir).resolve()
    document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=LocalFileFetcher(root))
    return document.write_pdf()
