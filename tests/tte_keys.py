"""Test-time PKI for TTE tests: a root CA and signer certificates (PKCS#12), made with cryptography.

Nothing here is a real key; every run makes fresh ones (cached per process: RSA generation is slow).
"""
import subprocess  # nosec B404 - pdfsig (poppler) is the independent validator the issue asks for
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

P12_PASSWORD = "kata-sandi-uji"


@dataclass(frozen=True)
class TestCA:
    key: object
    cert: x509.Certificate

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Uji BSrE"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(cn="Uji Root CA"):
    return _make_ca(cn)


@lru_cache(maxsize=None)
def _make_ca(cn):
    key, now = _rsa(), datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return TestCA(key, cert)


def make_signer(cn="Dr. Uji Penandatangan", ca_cn="Uji Root CA", expired=False):
    """(private key, certificate) issued by make_ca(ca_cn); expired=True ended yesterday."""
    return _make_signer(cn, ca_cn, expired)


@lru_cache(maxsize=None)
def _make_signer(cn, ca_cn, expired):
    ca, key, now = make_ca(ca_cn), _rsa(), datetime.now(timezone.utc)
    start, end = (now - timedelta(days=30), now - timedelta(days=1)) if expired else \
        (now - timedelta(days=1), now + timedelta(days=365))
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(ca.key, hashes.SHA256()))
    return key, cert


def issue(public_key, cn, ca_cn="Uji Root CA"):
    """A signing certificate for any public key (e.g. ECDSA), issued by the test CA."""
    ca, now = make_ca(ca_cn), datetime.now(timezone.utc)
    return (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca.cert.subject).public_key(public_key)
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca.key, hashes.SHA256()))


def make_p12(cn="Dr. Uji Penandatangan", password=P12_PASSWORD, ca_cn="Uji Root CA", expired=False):
    """PKCS#12 bytes of a signer (with its CA certificate)."""
    key, cert = make_signer(cn, ca_cn, expired)
    return pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, [make_ca(ca_cn).cert],
        serialization.BestAvailableEncryption(password.encode()))


def anchors():
    """The test CA as the admin's uploaded trust anchors."""
    from bimtek.certificates.signature_check import parse_anchors

    return parse_anchors(make_ca().pem)


def cert_sha256(cert):
    import hashlib
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def pdfsig(path, nss_dir=None):
    """poppler's pdfsig output for a file (independent implementation); returns the text."""
    args = ["pdfsig"] + (["-nssdir", str(nss_dir)] if nss_dir else []) + [str(path)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)  # nosec B603 - fixed argv
    return done.stdout + done.stderr


def trusting_nss_db(directory, ca_pem):
    """An NSS database (for pdfsig -nssdir) that trusts ca_pem; needs certutil (libnss3-tools)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(ca_pem)
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"],  # nosec B603 B607
                   check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{directory}", "-n", "uji-ca", "-t", "C,C,C",  # nosec B603 B607
                    "-i", str(directory / "ca.pem")], check=True, capture_output=True)
    return f"sql:{directory}"


def assert_pdfsig_valid(pdf_bytes, tmp_path, signer_cn):
    """poppler agrees: the signature is valid, covers the whole file, chains to the test CA, names the signer."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf_bytes)
    out = pdfsig(path, trusting_nss_db(tmp_path / "nss", make_ca().pem))
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert f"Signer Certificate Common Name: {signer_cn}" in out, out


@lru_cache(maxsize=None)
def make_tsa():
    """(key, certificate) of a timestamp authority issued by the test CA (critical EKU timeStamping)."""
    ca, key, now = make_ca(), _rsa(), datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name("Uji TSA")).issuer_name(ca.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca.key, hashes.SHA256()))
    return key, cert


class LocalTSA:
    """An RFC 3161 timestamp authority on a real socket (pyHanko's DummyTimeStamper behind http.server)."""

    def __enter__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import keys, tsp, x509 as asn1_x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        key, cert = make_tsa()
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
