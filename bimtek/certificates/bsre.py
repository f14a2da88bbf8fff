"""BSrE e-sign API v2 client: the whole request/response mapping in one place (pure: no Flask, no database).

Contract (HTTP Basic with the client id/secret, JSON bodies, PDFs as base64):

* personal signature: ``POST /api/v2/sign/pdf`` {nik, passphrase, signatureProperties: [...], file: [...]}
* e-seal: ``POST /api/v2/seal/get/totp`` {idSubscriber} → {totp}, then ``POST /api/v2/seal/pdf``
  {idSubscriber, totp, signatureProperties: [...], file: [...]}
* success: {file: [base64 signed PDF, in request order]}; failure: HTTP 4xx/5xx {status_code, error}.

Adjust ``FATAL_HINTS``/``_payload``/``_signed_files`` when BSrE's documentation says otherwise. 5xx answers,
timeouts, refused or broken connections are retried with exponential backoff; a wrong passphrase, an expired or
revoked signing certificate, an unknown NIK or rejected client credentials are ``FatalBsreError`` (never
retried: the job stops at once); any other 4xx is about the documents (``DocumentError``: the caller splits
the batch to find the bad file); a 2xx answer without every signed file is fatal too (it is not about one
document). The passphrase is sent in the body only; no message here contains it (BSrE's own text is scrubbed).
"""
import base64
import time
from dataclasses import dataclass

import requests

from bimtek.core.errors import DomainError

SIGN_PATH, TOTP_PATH, SEAL_PATH = "/api/v2/sign/pdf", "/api/v2/seal/get/totp", "/api/v2/seal/pdf"

# (words in BSrE's error text or its status_code, plain Indonesian explanation). First match wins.
FATAL_HINTS = (
    (("passphrase", "2031"), "Passphrase salah. Penandatanganan dihentikan; periksa passphrase TTE lalu ulangi."),
    (("expired", "kadaluarsa", "kedaluwarsa", "2021"),
     "Sertifikat elektronik penandatangan di BSrE sudah kedaluwarsa. Perbarui sertifikat di BSrE lalu ulangi."),
    (("revoked", "dicabut", "2022"), "Sertifikat elektronik penandatangan di BSrE sudah dicabut."),
    (("nik tidak", "nik not", "user not found", "1111"),
     "NIK tidak terdaftar sebagai pemilik sertifikat elektronik BSrE."),
    (("totp", "idsubscriber", "subscriber not"),
     "Segel elektronik ditolak BSrE (ID subscriber atau TOTP tidak berlaku)."),
)
UNAUTHORIZED = "Aplikasi ditolak BSrE (BSRE_CLIENT_ID/BSRE_CLIENT_SECRET salah atau tidak berlaku)."
MALFORMED = ("Jawaban BSrE tidak sesuai format yang diharapkan (tidak memuat semua berkas yang ditandatangani). "
             "Penandatanganan dihentikan; hubungi pengelola aplikasi.")
UNAVAILABLE = "Layanan BSrE tidak dapat dihubungi atau sedang gangguan setelah {n} kali percobaan."


class BsreError(DomainError):
    """Any failure of a BSrE call; ``bsre_message`` is BSrE's own text (shown in brackets)."""

    def __init__(self, message, bsre_message=""):
        text = f"{message} (BSrE: {bsre_message})" if bsre_message else message
        super().__init__(text)
        self.bsre_message = bsre_message


class FatalBsreError(BsreError):
    """Signing cannot go on for any file: wrong passphrase, expired certificate, bad client credentials."""


class DocumentError(BsreError):
    """BSrE refused the documents of this request (one of them may be the only bad one)."""


class UnavailableError(BsreError):
    """5xx or no answer, still after every retry."""


@dataclass(frozen=True)
class Appearance:
    """signatureProperties of one file: visible box (points, page 1-based) and the texts BSrE embeds."""

    page: int = 1
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    image_png: bytes = b""
    location: str = ""
    reason: str = "Sertifikat pelatihan"
    contact: str = ""

    def as_json(self):
        visible = self.width > 0 and self.height > 0
        out = {"tampilan": "VISIBLE" if visible else "INVISIBLE", "location": self.location,
               "reason": self.reason, "contactInfo": self.contact}
        if visible:
            out.update(page=self.page, originX=round(self.x, 2), originY=round(self.y, 2),
                       width=round(self.width, 2), height=round(self.height, 2))
            if self.image_png:
                out["imageBase64"] = base64.b64encode(self.image_png).decode("ascii")
        return out


class BsreClient:
    """Calls to one BSrE endpoint with the application's credentials; retries only what may succeed later."""

    def __init__(self, base_url, client_id, client_secret, timeout=60.0, retries=3, backoff=1.0):
        self.base_url, self.auth = base_url.rstrip("/"), (client_id, client_secret)
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.http = requests.Session()

    def sign(self, nik, passphrase, files, appearances):
        """Signed PDFs (bytes, same order) for a personal signature with the signer's NIK + passphrase."""
        body = {"nik": nik, "passphrase": passphrase, **_payload(files, appearances)}
        return _signed_files(self._post(SIGN_PATH, body, passphrase), len(files))

    def seal(self, subscriber, files, appearances):
        """Sealed PDFs for the institution's e-seal: a fresh TOTP, then the seal request."""
        totp = str(self._post(TOTP_PATH, {"idSubscriber": subscriber}).get("totp") or "")
        body = {"idSubscriber": subscriber, "totp": totp, **_payload(files, appearances)}
        return _signed_files(self._post(SEAL_PATH, body), len(files))

    def _post(self, path, body, secret=""):  # nosec B107  # the text to scrub from answers, none by default
        for attempt in range(1, self.retries + 1):
            try:
                response = self.http.post(self.base_url + path, json=body, auth=self.auth, timeout=self.timeout)
            except requests.RequestException:  # timeouts, refused or broken connections, garbled answers
                response = None
            if response is not None and response.status_code < 500:
                return _answer(response, secret)
            if attempt < self.retries:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        raise UnavailableError(UNAVAILABLE.format(n=self.retries))


def _payload(files, appearances):
    return {"signatureProperties": [a.as_json() for a in appearances],
            "file": [base64.b64encode(f).decode("ascii") for f in files]}


def _answer(response, secret=""):  # nosec B107  # the text to scrub from answers, none by default
    """The JSON of a 2xx answer; the right BsreError for a 4xx one (BSrE's text never repeats the secret)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if response.ok:
        if not isinstance(data, dict):
            raise FatalBsreError(MALFORMED)
        return data
    data = data if isinstance(data, dict) else {}
    text = str(data.get("error") or data.get("message") or response.reason or "")
    if secret:
        text = text.replace(secret, "***")
    text, code = text[:300], str(data.get("status_code") or "")
    if response.status_code == 401:
        raise FatalBsreError(UNAUTHORIZED, text)
    haystack = f"{text} {code}".lower()
    for words, message in FATAL_HINTS:
        if any(word in haystack for word in words):
            raise FatalBsreError(message, text)
    raise DocumentError("BSrE menolak dokumen.", text)


def _signed_files(data, expected):
    """The signed PDFs of a 2xx answer; an answer without them is not about one document: the job stops."""
    files = data.get("file") or []
    if not isinstance(files, list) or len(files) != expected:
        raise FatalBsreError(MALFORMED)
    try:
        return [base64.b64decode(f, validate=True) for f in files]
    except (ValueError, TypeError):
        raise FatalBsreError(MALFORMED) from None
