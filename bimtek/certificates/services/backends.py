"""Who signs a batch of certificates: the institution's own key (pyHanko, locally) or BSrE (personal signature
or e-seal over its API v2). Both render each certificate again WITH the TTE footer from its snapshot and
answer ``sign_batch(certs)`` with (certificate, signed PDF or None, signer's name or the reason it failed).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from bimtek.certificates import bsre, pades, signature_check
from bimtek.certificates.design import load_design
from bimtek.certificates.fast_signing import FastSigner
from bimtek.certificates.services import tte
from bimtek.certificates.services.settings import design_dir, settings_for
from bimtek.certificates.services.signing import _tte_renderer, renderer_key
from bimtek.core.errors import ValidationError
from bimtek.core.storage import app_storage

if TYPE_CHECKING:
    from bimtek.certificates.models import Certificate, CertificateSettings
    from bimtek.trainings.models import Training

LOCAL_BATCH = 20


def check_ready(settings: CertificateSettings, secret: str | None, config: Mapping[str, Any]) -> None:
    """Raise an Indonesian error when signing with the training's method cannot start (nothing is sent)."""
    method = settings.sign_method
    if method == "pkcs12":
        tte.key_for_training(settings.training, secret)
        return
    if method not in ("bsre_sign", "bsre_seal"):
        raise ValidationError("Pilih cara tanda tangan elektronik (sertifikat instansi atau BSrE) di pengaturan TTE.")
    if not (config.get("BSRE_API_URL") and config.get("BSRE_CLIENT_ID") and config.get("BSRE_CLIENT_SECRET")):
        raise ValidationError("BSrE belum dikonfigurasi (BSRE_API_URL, BSRE_CLIENT_ID, BSRE_CLIENT_SECRET).")
    if method == "bsre_sign" and not (settings.bsre_nik and secret):
        raise ValidationError("NIK penandatangan (di pengaturan TTE) dan passphrase wajib diisi.", field="secret")
    if method == "bsre_seal" and not settings.bsre_subscriber:
        raise ValidationError("ID subscriber segel elektronik BSrE belum diisi di pengaturan TTE.")


def backend_for(method: str, training: Training, secret: str | None,
                config: Mapping[str, Any]) -> LocalKeyBackend | BsreBackend:
    """The backend that signs for this method (KeyProblem/ValidationError when it cannot)."""
    if method == "pkcs12":
        return LocalKeyBackend(tte.key_for_training(training, secret))
    client = bsre.BsreClient(config["BSRE_API_URL"], config["BSRE_CLIENT_ID"], config["BSRE_CLIENT_SECRET"],
                             timeout=float(config.get("BSRE_TIMEOUT_SECONDS", 60)),
                             retries=int(config.get("BSRE_RETRIES", 3)), backoff=float(config.get("BSRE_BACKOFF", 1.0)))
    return BsreBackend(client, settings_for(training), method, secret, int(config.get("BSRE_BATCH_SIZE", 20)))


class _Rendering:
    """Renders certificates with the TTE footer (fast renderer, shared per design and training data)."""

    def __init__(self) -> None:
        self.storage, self.renderers = app_storage(), {}

    def render(self, cert: Certificate) -> bytes:
        return _tte_renderer(cert.snapshot, self.storage, self.renderers)()


class LocalKeyBackend(_Rendering):
    """The institution's key. B-B files drawn by the fast renderer are signed by FastSigner (the update is
    prepared once per layout); B-T/B-LT (a TSA is configured) and full-path renders go through pyHanko."""

    how, batch_size = "pkcs12", LOCAL_BATCH

    def __init__(self, key: pades.SigningKey) -> None:
        super().__init__()
        self.key, self.options, self.fast, self.levels = key, {}, {}, {}

    def sign_batch(self, certs: Iterable[Certificate]) -> Iterator[tuple[Certificate, bytes, str]]:
        for cert in certs:
            design = cert.snapshot["design"]
            if design not in self.options:
                self.options[design] = tte.sign_options(design)
            signed, level = self._sign(cert, self.options[design])
            self.levels[level] = self.levels.get(level, 0) + 1
            yield cert, signed, self.key.holder

    def _sign(self, cert: Certificate, options: pades.SignOptions) -> tuple[bytes, str]:
        layout = renderer_key(cert.snapshot)
        before = self.renderers[layout].fallbacks if layout in self.renderers else 0
        pdf = self.render(cert)
        drawn_fast = self.renderers[layout].fallbacks == before
        if options.tsa_url or self.key.private_key is None or not drawn_fast:
            return pades.sign(pdf, self.key, options)
        if layout not in self.fast:
            self.fast[layout] = FastSigner(pdf, self.key.private_key, self.key.cert, self.key.chain, box=options.box,
                                           page=options.page, reason=options.reason, location=options.location)
        signer = self.fast[layout]
        return (signer.sign(pdf), "B-B") if signer.matches(pdf) else pades.sign(pdf, self.key, options)


class BsreBackend(_Rendering):
    """BSrE signs batches; a refused batch is split in halves until the bad file is alone."""

    def __init__(self, client: bsre.BsreClient, settings: CertificateSettings, method: str, secret: str | None,
                 batch_size: int) -> None:
        super().__init__()
        self.client, self.settings, self.how, self.batch_size = client, settings, method, max(1, batch_size)
        self._secret = secret
        self.anchors = (signature_check.parse_anchors(self.storage.get(settings.anchors_sha256))
                        if settings.anchors_sha256 else [])

    def _call(self, pdfs: list[bytes], appearances: list[bsre.Appearance]) -> list[bytes]:
        if self.how == "bsre_seal":
            return self.client.seal(self.settings.bsre_subscriber, pdfs, appearances)
        return self.client.sign(self.settings.bsre_nik, self._secret, pdfs, appearances)

    def sign_batch(self, certs: Iterable[Certificate]) -> list[tuple[Certificate, bytes | None, str]]:
        items = [(cert, self.render(cert), self._appearance(cert)) for cert in certs]
        return self._split(items)

    def _split(self,
               items: list[tuple[Certificate, bytes, bsre.Appearance]]) -> list[tuple[Certificate, bytes | None, str]]:
        try:
            signed = self._call([pdf for _, pdf, _ in items], [a for _, _, a in items])
        except bsre.DocumentError as error:
            if len(items) == 1:
                return [(items[0][0], None, error.message)]
            half = len(items) // 2
            return self._split(items[:half]) + self._split(items[half:])
        return [self._checked(cert, pdf) for (cert, _, _), pdf in zip(items, signed)]

    def _checked(self, cert: Certificate, pdf: bytes) -> tuple[Certificate, bytes | None, str]:
        """Only a file whose signature is intact, covers everything and (with anchors) is trusted is kept."""
        report = signature_check.check(pdf, self.anchors)
        acceptable = report.ok or (report.verdict == signature_check.UNTRUSTED and not self.anchors)
        if not acceptable:
            return cert, None, f"PDF dari BSrE ditolak: {report.message}"
        return cert, pdf, report.signer

    def _appearance(self, cert: Certificate) -> bsre.Appearance:
        design = load_design(design_dir(cert.snapshot["design"]))
        signature = cert.snapshot.get("signature_sha256")
        if not design.signature_box_mm:
            return bsre.Appearance(location=design.place)
        x1, y1, x2, y2 = (v * tte.MM for v in design.signature_box_mm)
        return bsre.Appearance(page=design.signature_page + 1, x=x1, y=y1, width=x2 - x1, height=y2 - y1,
                               image_png=self.storage.get(signature) if signature else b"", location=design.place)
