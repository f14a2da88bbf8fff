"""A local stand-in for the BSrE e-sign API v2 on a real socket, following the contract in bimtek/certificates/bsre.py.

It checks HTTP Basic credentials, signs every file with a test signer issued by the test CA (pyHanko), and can
be told to misbehave: ``fail_5xx`` answers 503 that many times, ``delay_once`` sleeps before one answer (the
client times out), a file whose text contains ``BAD_MARK`` makes the whole request fail with a document error.
"""
import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bimtek.certificates import pades
from bimtek.certificates.archive import pdf_text
from tests import tte_keys

CLIENT_ID, CLIENT_SECRET = "bimtek-uji", "rahasia-klien-uji"
NIK, PASSPHRASE, EXPIRED_NIK = "1971010101010001", "Passphrase-Benar-123", "1971010101010002"
SUBSCRIBER, SIGNER_CN, SEAL_CN = "SEAL-DINAS-01", "Uji BSrE Penandatangan", "Uji Segel Dinas Perpustakaan"
BAD_MARK = "TOLAK"


class StandIn:
    def __init__(self):
        self.fail_5xx, self.delay_once, self.requests, self.batches, self.totp = 0, 0.0, [], [], "000000"
        self.echo_passphrase, self.malformed, self.reject_all = False, False, False
        self._keys = {}
        self._lock = threading.Lock()

    def key(self, cn):
        if cn not in self._keys:
            self._keys[cn] = pades.load_key(tte_keys.make_p12(cn), tte_keys.P12_PASSWORD)
        return self._keys[cn]

    def __enter__(self):
        handler = _handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path, body):
        """(HTTP status, JSON answer) for one request, after the fault injections."""
        delay = 0.0
        with self._lock:
            self.requests.append(path)
            if self.fail_5xx:
                self.fail_5xx -= 1
                return 503, {"status_code": 5000, "error": "Service Unavailable"}
            delay, self.delay_once = self.delay_once, 0.0
        time.sleep(delay)  # the client has given up by now; it asks again
        if path == "/api/v2/seal/get/totp":
            if body.get("idSubscriber") != SUBSCRIBER:
                return 400, {"status_code": 2101, "error": "idSubscriber not found"}
            self.totp = str(int(time.time()))[-6:]
            return 200, {"totp": self.totp}
        if path == "/api/v2/sign/pdf":
            if body.get("nik") == EXPIRED_NIK:
                return 400, {"status_code": 2021, "error": "Sertifikat pengguna sudah expired"}
            if body.get("passphrase") != PASSPHRASE or body.get("nik") != NIK:
                echoed = f" ({body.get('passphrase')})" if self.echo_passphrase else ""
                return 400, {"status_code": 2031, "error": "Passphrase anda salah" + echoed}
            if self.malformed:
                return 200, {"status": "ok"}
            return self._sign(body, SIGNER_CN)
        if path == "/api/v2/seal/pdf":
            if body.get("idSubscriber") != SUBSCRIBER or body.get("totp") != self.totp:
                return 400, {"status_code": 2102, "error": "TOTP tidak valid"}
            return self._sign(body, SEAL_CN)
        return 404, {"error": "not found"}

    def _sign(self, body, cn):
        files, props = body.get("file") or [], body.get("signatureProperties") or []
        if len(files) != len(props):
            return 400, {"status_code": 2001, "error": "Jumlah signatureProperties tidak sama dengan file"}
        pdfs = [base64.b64decode(f) for f in files]
        if self.reject_all or any(BAD_MARK in pdf_text(pdf) for pdf in pdfs):
            return 400, {"status_code": 2002, "error": "Dokumen tidak valid"}
        self.batches.append(len(pdfs))
        signed = []
        for pdf, prop in zip(pdfs, props):
            box = None
            if prop.get("tampilan") == "VISIBLE":
                x, y = prop["originX"], prop["originY"]
                box = (x, y, x + prop["width"], y + prop["height"])
            options = pades.SignOptions(page=int(prop.get("page", 1)) - 1, box=box, reason=prop.get("reason", ""),
                                        location=prop.get("location", ""))
            signed.append(base64.b64encode(pades.sign(pdf, self.key(cn), options)[0]).decode())
        return 200, {"file": signed, "time": 1}


def _handler(standin):
    expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server naming
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.headers.get("Authorization") != expected:
                status, answer = 401, {"status_code": 1001, "error": "Unauthorized client"}
            else:
                status, answer = standin.answer(self.path, body)
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, *args):
            pass

    return Handler
