"""The verify page behind the QR code served from memory (certificates.page_cache): the same bytes and headers as
Flask's render, every scan logged, every change of the certificate (through the app or directly in the database)
shown on the very next request, and everyone with the app's cookies served by Flask as before."""
import io
from contextlib import contextmanager

import sqlalchemy as sa
from flask import request_started

from bimtek.certificates import page_cache, services
from bimtek.certificates.models import Certificate, Verification
from bimtek.core.security import CSP
from bimtek.core.storage import app_storage
from tests.integration.certificate_helpers import certificate_training, eligible_registration


def _world(db, n=1):
    training, signer = certificate_training()
    regs = [eligible_registration(training, email=f"p{i}@example.id") for i in range(n)]
    certs = [services.issue_certificate(signer, r) for r in regs]
    db.session.commit()
    return training, signer, certs


@contextmanager
def _flask_requests(app):
    """Count the requests that reach Flask (a page served from memory never does)."""
    seen = []

    def count(sender, **extra):
        seen.append(1)
    request_started.connect(count, app)
    try:
        yield seen
    finally:
        request_started.disconnect(count, app)


def _logged(db, cert):
    db.session.expire_all()
    return db.session.scalars(sa.select(Verification).where(Verification.certificate_id == cert.id)
                              .order_by(Verification.id)).all()


def _change_row(db, cert, **values):
    """Change the certificate's row the way someone at the database would: plain SQL, its own connection."""
    with db.engine.begin() as conn:
        conn.execute(sa.update(Certificate.__table__).where(Certificate.__table__.c.id == cert.id).values(**values))
    db.session.expire_all()  # the test's app context is the requests' too: its session must not keep the old row


def test_second_scan_is_the_first_render_byte_for_byte_and_both_are_logged(app, db, client):
    _, _, (cert,) = _world(db)
    url = f"/v/{cert.code}"
    with _flask_requests(app) as seen:
        first = client.get(url, headers={"User-Agent": "PemindaiQR/1.0"})
        second = client.get(url, headers={"User-Agent": "PemindaiQR/2.0"})
    assert len(seen) == 1  # the second came from memory
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and list(first.headers) == list(second.headers)
    assert second.headers["Content-Security-Policy"] == CSP and second.headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in first.headers
    html = second.get_data(as_text=True)
    assert "Sertifikat sah." in html and cert.name in html and "csrf_token" not in html
    assert f'href="/v/{cert.code}/periksa"' in html and "Periksa berkas PDF" in html and "<form" not in html
    assert [(v.kind, v.user_agent) for v in _logged(db, cert)] == [("page", "PemindaiQR/1.0"),
                                                                    ("page", "PemindaiQR/2.0")]


def test_changes_made_directly_in_the_database_show_on_the_next_request(app, db, client):
    _, _, (cert,) = _world(db)
    url = f"/v/{cert.code}"
    assert "Sertifikat sah." in client.get(url).get_data(as_text=True)
    client.get(url)  # now in memory
    _change_row(db, cert, status="revoked", revoked_reason="Dicabut langsung di basis data")
    html = client.get(url).get_data(as_text=True)
    assert "Sertifikat dicabut." in html and "Dicabut langsung di basis data" in html
    snapshot = dict(cert.snapshot, training=dict(cert.snapshot["training"], name="Bimtek Nama Baru"))
    _change_row(db, cert, status="valid", revoked_reason="", snapshot=snapshot)
    html = client.get(url).get_data(as_text=True)
    assert "Sertifikat sah." in html and "Bimtek Nama Baru" in html
    assert len(_logged(db, cert)) == 4


def test_revocation_reissue_and_signed_replacement_show_on_the_next_request(app, db, client):
    _, signer, (cert, other) = _world(db, n=2)
    for c in (cert, other):
        client.get(f"/v/{c.code}")
        client.get(f"/v/{c.code}")
    services.revoke_certificate(signer, cert, "Peserta tidak memenuhi syarat kehadiran")
    new = services.reissue_certificate(signer, other)
    db.session.commit()
    assert "Peserta tidak memenuhi syarat kehadiran" in client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert "Sertifikat diganti." in client.get(f"/v/{other.code}").get_data(as_text=True)
    assert "Sertifikat sah." in client.get(f"/v/{new.code}").get_data(as_text=True)
    client.get(f"/v/{new.code}")
    new_sha = services.verification.sha256_hex(b"%PDF-1.4 ditandatangani")
    _change_row(db, new, sha256=new_sha, signed_by="Dr. Penanda Tangan",
                signed_at=new.issued_at)
    html = client.get(f"/v/{new.code}").get_data(as_text=True)
    assert "Ditandatangani secara elektronik oleh Dr. Penanda Tangan" in html


def test_language_comes_from_the_query_and_each_language_is_kept_apart(app, db, client):
    _, _, (cert,) = _world(db)
    url = f"/v/{cert.code}"
    indonesian = client.get(url).get_data(as_text=True)
    assert '<html lang="id">' in indonesian and f'href="/v/{cert.code}?lang=en"' in indonesian
    with _flask_requests(app) as seen:
        english = [client.get(url + "?lang=en") for _ in range(2)]
    assert len(seen) == 1 and english[0].data == english[1].data
    html = english[1].get_data(as_text=True)
    assert '<html lang="en">' in html and "Valid certificate." in html and f'href="/v/{cert.code}"' in html
    assert f'href="/v/{cert.code}/periksa?lang=en"' in html and 'href="/verifikasi?lang=en"' in html
    check = client.get(f"/v/{cert.code}/periksa?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in check and f'href="/v/{cert.code}?lang=en"' in check
    assert "Sertifikat sah." in client.get(url).get_data(as_text=True)
    with _flask_requests(app) as seen:  # any other query string: Flask, as before
        assert "Sertifikat sah." in client.get(url + "?utm_source=qr").get_data(as_text=True)
    assert len(seen) == 1 and len(_logged(db, cert)) == 6


def test_a_signed_in_user_gets_the_normal_page_from_flask(app, db, client, login_as):
    _, signer, (cert,) = _world(db)
    url = f"/v/{cert.code}"
    client.get(url)
    login_as(signer)
    with _flask_requests(app) as seen:
        html = client.get(url).get_data(as_text=True)
    assert len(seen) == 1 and "Sertifikat sah." in html
    assert "Keluar" in html and 'name="csrf_token"' in html and "/bahasa/en" in html  # sign-out and language forms
    assert len(_logged(db, cert)) == 2


def test_unknown_code_is_the_404_page_every_time_and_nothing_is_logged(app, db, client):
    _world(db)
    with _flask_requests(app) as seen:
        pages = [client.get("/v/abcdefghijkmnpqrstuv") for _ in range(2)]
    assert [p.status_code for p in pages] == [404, 404] and len(seen) == 2
    assert "Sertifikat tidak terdaftar" in pages[1].get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Verification)) == 0


def test_database_trouble_on_the_fast_path_leaves_the_page_to_flask(app, db, client, monkeypatch):
    _, _, (cert,) = _world(db)
    fast = app.wsgi_app
    assert isinstance(fast, page_cache.VerifyFastPath)

    def broken(code, user_agent):
        raise RuntimeError("database gone")
    monkeypatch.setattr(fast, "find_and_log", broken)
    page = client.get(f"/v/{cert.code}")
    assert page.status_code == 200 and "Sertifikat sah." in page.get_data(as_text=True)
    assert len(_logged(db, cert)) == 1  # logged once, by Flask


def test_pdf_check_has_its_own_page_and_the_old_address_still_answers(app, db, client):
    _, _, (cert,) = _world(db)
    form = client.get(f"/v/{cert.code}/periksa").get_data(as_text=True)
    assert 'type="file"' in form and cert.number in form and f'href="/v/{cert.code}"' in form
    original = app_storage().get(cert.sha256)
    for url in (f"/v/{cert.code}/periksa", f"/v/{cert.code}"):
        html = client.post(url, data={"file": (io.BytesIO(original), "s.pdf")},
                           content_type="multipart/form-data").get_data(as_text=True)
        assert "Berkas identik dengan sertifikat yang tersimpan" in html and 'type="file"' in html
    assert [(v.kind, v.result) for v in _logged(db, cert)] == [("page", ""), ("upload", "current"),
                                                               ("upload", "current")]
    assert client.get("/v/abcdefghijkmnpqrstuv/periksa").status_code == 404


def test_pdf_check_needs_its_csrf_token(csrf_app, db):
    _, _, (cert,) = _world(db)
    client = csrf_app.test_client()
    page = client.get(f"/v/{cert.code}/periksa")
    assert 'name="csrf_token"' in page.get_data(as_text=True) and "Set-Cookie" in page.headers
    assert client.post(f"/v/{cert.code}/periksa", data={"file": (io.BytesIO(b"%PDF-"), "a.pdf")},
                       content_type="multipart/form-data").status_code == 400


def test_both_addresses_of_the_pdf_check_share_one_rate_limit(limited):
    client = limited.test_client()
    url = "/v/abcdefghijkmnpqrstuv"  # unknown code: 404, but every upload attempt still counts

    def upload(address):
        return client.post(address, data={"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
                           content_type="multipart/form-data").status_code
    codes = [upload(url if i % 2 else url + "/periksa") for i in range(11)]
    assert codes[:10] == [404] * 10 and codes[10] == 429 and upload(url) == 429
    assert client.get(url).status_code == 404 and client.get(url + "/periksa").status_code == 404
