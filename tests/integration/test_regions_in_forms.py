"""Kabupaten/kota: official names from registration, self-correction and roster import; datalists on the form."""
import io

import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.registration.models import Registration
from tests.factories import make_registration, make_staff
from tests.integration.registration_helpers import form, open_training


def test_registration_stores_the_official_name(db, client):
    training = open_training()
    client.post(f"/pelatihan/{training.id}/daftar",
                data=form(kabupaten="Kab.  Bangka", provinsi="Prov. Kep. Bangka Belitung"))
    registration = db.session.scalar(sa.select(Registration))
    assert (registration.kabupaten, registration.provinsi) == ("Kabupaten Bangka", "Kepulauan Bangka Belitung")


def test_non_government_participant_keeps_a_free_entry(db, client):
    training = open_training()
    client.post(f"/pelatihan/{training.id}/daftar", data=form(kabupaten="Lainnya", provinsi="Lainnya"))
    assert db.session.scalar(sa.select(Registration.kabupaten)) == "Lainnya"


def test_form_offers_search_as_you_type_narrowed_by_province_without_inline_script(db, client):
    training = open_training()
    page = client.get(f"/pelatihan/{training.id}/daftar").get_data(as_text=True)
    assert 'list="daftar-kabupaten"' in page and 'list="daftar-provinsi"' in page
    assert '<option value="Kabupaten Bangka Barat" data-province="Kepulauan Bangka Belitung">' in page
    assert '<option value="Lainnya">' in page and "js/regions.js" in page
    assert "<script>" not in page and page.index('id="provinsi"') < page.index('id="kabupaten"')


def test_self_correction_normalises(db, client, login_as):
    training = open_training()
    registration = make_registration(training, kabupaten="bangka")
    login_as(registration.user)
    data = form(kabupaten="pangkalpinang", provinsi="Babel")
    client.post(f"/peserta/pendaftaran/{registration.id}/ubah", data=data)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).kabupaten == "Kota Pangkal Pinang"


def test_roster_import_normalises_where_unambiguous(db, client, login_as):
    training = open_training(code="SPP2040")
    login_as(make_staff(training, Duty.PANITIA))
    body = ("Nama Lengkap,Jenis Kelamin,Jabatan,Instansi,Kabupaten/Kota,Provinsi,Email,No. HP\n"
            "Siti,P,Pustakawan,Perpusdes,Bangka,Kepulauan Bangka Belitung,siti@example.id,081234567890\n"
            "Budi,L,Pengelola,TBM,Kabupaten Bangka,Kep. Bangka Belitung,budi@example.id,081234567891\n"
            "Ani,P,Pengelola,TBM,Kab. Bangka,Bangka Belitung,ani@example.id,081234567892\n"
            "Dedi,L,Staf,Dinas,Bekasi,Jawa Barat,dedi@example.id,081234567893\n")
    response = client.post(f"/kelola/pelatihan/{training.id}/peserta/impor",
                           data={"file": (io.BytesIO(body.encode()), "peserta.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db.session.execute(sa.select(Registration.kabupaten, Registration.provinsi)
                                .order_by(Registration.seq)).all()
    assert [tuple(r) for r in stored] == [("Kabupaten Bangka", "Kepulauan Bangka Belitung")] * 3 + [
        ("Bekasi", "Jawa Barat")]
