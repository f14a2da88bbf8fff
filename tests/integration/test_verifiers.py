"""Verifiers: the page shows number, issue date and signer; unknown codes say so; look-up by number + name."""
import sqlalchemy as sa

from bimtek.certificates import services
from bimtek.certificates.models import Verification
from tests.integration.certificate_helpers import certificate_training, eligible_registration


def _issued(db, name="Siti Aminah, S.IP.", n=1):
    training, signer = certificate_training()
    certs = [services.issue_certificate(signer, eligible_registration(
        training, email=f"v{i}@example.id", name=name if i == 0 else f"Peserta {i}",
        nip="198609262015051001", instansi="Instansi Rahasia")) for i in range(n)]
    db.session.commit()
    return training, certs


def test_verify_page_shows_number_issue_date_and_signer_but_nothing_personal(db, client):
    training, (cert,) = _issued(db)
    html = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert cert.number in html and "Nomor sertifikat" in html
    assert "Tanggal terbit" in html and "23 Juli 2020" in html  # the training's last day by default
    assert "Dr. Asyraf Suryadin, M.Si." in html and "Kepala Dinas Uji" in html
    for secret in ("v0@example.id", "Instansi Rahasia", "198609262015051001", "196905121994031007"):
        assert secret not in html
    data = client.get(f"/v/{cert.code}.json").get_json()
    assert data["number"] == cert.number and data["issued_on"] == "2020-07-23"
    assert data["signer"] == {"name": "Dr. Asyraf Suryadin, M.Si.", "jabatan": "Kepala Dinas Uji"}


def test_unknown_code_says_not_registered_with_what_to_do_and_404(db, client):
    for code in ("abcdefghijkmnpqrstuv", "tidak-ada", "x" * 70):
        page = client.get(f"/v/{code}")
        html = page.get_data(as_text=True)
        assert page.status_code == 404
        assert "Sertifikat tidak terdaftar" in html and "Pindai ulang kode QR" in html
        assert "Halaman tidak ditemukan" not in html and 'name="number"' in html


def test_lookup_by_number_and_name_ignores_case_and_spaces(db, client):
    training, (cert, other) = _issued(db, n=2)
    assert client.get("/verifikasi").status_code == 200
    number = "  " + cert.number.lower().replace("/", " / ") + " "
    page = client.post("/verifikasi", data={"number": number, "name": "siti   AMINAH,  s.ip."})
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/v/{cert.code}")
    kinds = db.session.scalars(sa.select(Verification.kind)).all()
    assert kinds == ["lookup"]


def test_lookup_mismatch_reveals_nothing(db, client):
    training, (cert, other) = _issued(db, n=2)
    for data in ({"number": cert.number, "name": "Peserta 1"},  # the other holder's name
                 {"number": cert.number, "name": "Siti"},
                 {"number": "800/", "name": "Siti Aminah, S.IP."},
                 {"number": cert.number[:-1], "name": "Siti Aminah, S.IP."}):
        page = client.post("/verifikasi", data=data)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Tidak ada sertifikat dengan nomor dan nama tersebut" in html
        for leak in (cert.code, other.code, other.number, "Siti Aminah", "Peserta 1", training.name):
            assert leak not in html.replace(data["name"], "")
    empty = client.post("/verifikasi", data={"number": "", "name": ""})
    assert empty.status_code == 400 and empty.get_data(as_text=True).count("Wajib diisi.") == 2
    assert db.session.scalar(sa.select(sa.func.count(Verification.id))) == 0


def test_lookup_is_rate_limited(limited):
    client = limited.test_client()
    codes = [client.post("/verifikasi", data={"number": f"800/{i}/X/2020", "name": "A"}).status_code
             for i in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
