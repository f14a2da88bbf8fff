"""The blank registration form is rendered once per training/locale and reused with each visitor's own CSRF token
(bimtek/registration/form_views.py); submitted forms are rendered in full."""
import re

from tests.integration.registration_helpers import form, open_training

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _form_views(client, training):
    with client.application.app_context():  # its own `g` (the fixture's app context would share the CSRF token)
        page = client.get(f"/pelatihan/{training.id}/daftar").get_data(as_text=True)
    return page, TOKEN.findall(page)


def test_every_visitor_gets_own_token_in_the_same_markup(csrf_app, db):
    training = open_training(organizer_unit="Dinas Perpustakaan Kabupaten Bangka")
    first, second = csrf_app.test_client(), csrf_app.test_client()
    page_one, tokens_one = _form_views(first, training)
    page_two, tokens_two = _form_views(second, training)
    assert len(set(tokens_one)) == 1 and len(set(tokens_two)) == 1 and tokens_one[0] != tokens_two[0]
    assert page_one.replace(tokens_one[0], "T") == page_two.replace(tokens_two[0], "T")
    assert "Dinas Perpustakaan Kabupaten Bangka" in page_two and 'name="nama_lengkap"' in page_two
    # each token belongs to its own session: the first visitor's token fails in the second one's session
    with csrf_app.app_context():
        stolen = second.post(f"/pelatihan/{training.id}/daftar", data=form(csrf_token=tokens_one[0]))
    assert stolen.status_code == 400
    with csrf_app.app_context():
        own = second.post(f"/pelatihan/{training.id}/daftar", data=form(csrf_token=tokens_two[0]))
    assert own.status_code == 302


def test_cached_form_follows_locale_training_and_organizer(csrf_app, db):
    one, other = open_training(organizer_unit="Dinas A"), open_training(organizer_unit="Dinas B")
    client = csrf_app.test_client()
    _form_views(client, one)
    assert "Dinas B" in _form_views(client, other)[0]
    other.organizer_unit = "Dinas C"
    db.session.commit()
    page = _form_views(client, other)[0]
    assert "Dinas C" in page and "Dinas B" not in page
    client.post("/bahasa/en", data={"csrf_token": _form_views(client, one)[1][0], "next": "/"})
    english = _form_views(client, one)[0]
    assert "Full name and titles" in english
    assert "Nama lengkap dan gelar" not in english


def test_submitted_form_keeps_values_and_errors(csrf_app, db):
    training = open_training()
    client = csrf_app.test_client()
    _page, (token, *_) = _form_views(client, training)
    data = form(csrf_token=token, nama_lengkap="Budi <b>Santoso</b>")
    del data["consent"]
    again = client.post(f"/pelatihan/{training.id}/daftar", data=data).get_data(as_text=True)
    assert "Persetujuan wajib dicentang" in again and "Budi &lt;b&gt;Santoso&lt;/b&gt;" in again
    blank = _form_views(client, training)[0]
    assert "Santoso" not in blank and "Persetujuan wajib dicentang" not in blank
