"""A WeasyPrint URL fetcher that loads only data: URLs and files inside one folder. Pure (no Flask).

Every PDF we render (certificates, RTL) uses it, so no template can reach the network or the
rest of the file system.
"""
import pathlib
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher

from bimtek.core.errors import DomainError


class LocalFileFetcher(URLFetcher):
    """Serves data: URLs and files inside `root`; anything else raises DomainError(`refusal`)."""

    def __init__(self, root, refusal="PDF hanya boleh memuat berkas lokal aplikasi."):
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.root = pathlib.Path(root).resolve()
        self.refusal = refusal

    def fetch(self, url, headers=None):
        """Fetch `url` only when it is data: or a file under the root."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            target = pathlib.Path(unquote(parts.path)).resolve()
            if target.is_relative_to(self.root) and target.is_file():
                return super().fetch(url, headers)
        raise DomainError(self.refusal, url=url)
