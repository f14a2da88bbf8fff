"""Materials: upload checks, files before rows, access (participants-only never reaches anonymous users),
download counts, links, the portal and the training page."""
import io

import sqlalchemy as sa

from bimtek.accounts.models import Duty, Role
from bimtek.core.storage import app_storage
from bimtek.materials.models import Material
from tests.factories import make_registration, make_staff, make_training, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _upload(client, training, title, data, visibility="participants", filename="modul.pdf", **extra):
    return client.post(f"/kelola/pelatihan/{training.id}/bahan/unggah", content_type="multipart/form-data", data={
        "berkas-title": title, "berkas-visibility": visibility, "berkas-file": (io.BytesIO(data), filename),
        **{f"berkas-{k}": v for k, v in extra.items()}})


def _setup(login_as):
    training = make_training()
    login_as(make_staff(training, Duty.PANITIA))
    return training


def test_upload_stores_file_then_row_and_counts_downloads(client, db, login_as):
    training = _setup(login_as)
    materi = training.materi[0]
    response = _upload(client, training, "Modul 1", PDF, materi_id=str(materi.id),
                       session_id=str(training.sessions[0].id))
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Material))
    assert (item.kind, item.materi_id, item.size) == ("pdf", materi.id, len(PDF)) and app_storage().exists(item.sha256)
    for _ in range(2):
        download = client.get(f"/pelatihan/{training.id}/bahan/{item.id}")
        assert download.status_code == 200 and download.data == PDF
    assert 'filename="Modul-1.pdf"' in download.headers["Content-Disposition"]
    db.session.expire_all()
    assert item.downloads == 2
    page = client.get(f"/kelola/pelatihan/{training.id}/bahan").get_data(as_text=True)
    assert "Modul 1" in page and "Materi 1" in page


def test_refused_uploads_leave_no_row(app, client, db, login_as):
    training = _setup(login_as)
    fake = _upload(client, training, "Bukan PDF", b"MZ\x90\x00 this is a program", filename="modul.pdf")
    assert fake.status_code == 400 and "tidak dikenali" in fake.get_data(as_text=True)
    app.config["MATERIALS_MAX_UPLOAD_MB"] = 0.0001
    try:
        big = _upload(client, training, "Besar", PDF + b"0" * 200)
    finally:
        app.config["MATERIALS_MAX_UPLOAD_MB"] = 15
    assert big.status_code == 400 and "terlalu besar" in big.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0


def test_participants_only_never_reaches_anonymous_users(app, client, db, login_as):
    training = _setup(login_as)
    _upload(client, training, "Rahasia peserta", PDF)
    _upload(client, training, "Untuk umum", PDF + b"%public", visibility="public")
    secret, public = db.session.scalars(sa.select(Material).order_by(Material.id)).all()
    participant = make_registration(training)
    outsider = make_registration(make_training())
    with app.test_client() as anonymous:
        answer = anonymous.get(f"/pelatihan/{training.id}/bahan/{secret.id}")
        assert answer.status_code == 302 and "/peserta/masuk" in answer.headers["Location"] and PDF not in answer.data
        page = anonymous.get(f"/pelatihan/{training.id}").get_data(as_text=True)
        assert "Untuk umum" in page and "Rahasia peserta" not in page
        assert anonymous.get(f"/pelatihan/{training.id}/bahan/{public.id}").status_code == 200
    login_as(outsider.user)
    assert client.get(f"/pelatihan/{training.id}/bahan/{secret.id}").status_code == 404
    login_as(participant.user)
    assert client.get(f"/pelatihan/{training.id}/bahan/{secret.id}").data == PDF
    portal = client.get("/peserta").get_data(as_text=True)
    assert "Rahasia peserta" in portal and "Untuk umum" in portal
    db.session.expire_all()
    assert (secret.downloads, public.downloads) == (1, 1)


def test_links_open_and_count(client, db, login_as):
    training = _setup(login_as)
    response = client.post(f"/kelola/pelatihan/{training.id}/bahan/tautan", data={
        "tautan-title": "Rekaman hari 1", "tautan-url": "https://youtu.be/rekaman1", "tautan-visibility": "public"})
    assert response.status_code == 302
    bad = client.post(f"/kelola/pelatihan/{training.id}/bahan/tautan", data={
        "tautan-title": "Jahat", "tautan-url": "javascript:alert(1)", "tautan-visibility": "public"})
    assert bad.status_code == 400
    item = db.session.scalar(sa.select(Material))
    opened = client.get(f"/pelatihan/{training.id}/bahan/{item.id}")
    assert opened.status_code == 302 and opened.headers["Location"] == "https://youtu.be/rekaman1"
    db.session.expire_all()
    assert item.downloads == 1


def test_remove_and_who_may_manage(client, db, login_as):
    training = _setup(login_as)
    _upload(client, training, "Modul", PDF)
    item = db.session.scalar(sa.select(Material))
    login_as(make_staff(training, Duty.REVIEWER))
    assert client.get(f"/kelola/pelatihan/{training.id}/bahan").status_code == 403
    assert client.post(f"/kelola/pelatihan/{training.id}/bahan/{item.id}/hapus").status_code == 403
    login_as(make_user(Role.ADMIN))
    assert client.post(f"/kelola/pelatihan/{training.id}/bahan/{item.id}/hapus").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0


def test_public_items_of_a_training_not_yet_public_stay_with_its_staff(app, client, db, login_as):
    training = _setup(login_as)
    _upload(client, training, "Untuk umum", PDF, visibility="public")
    [item] = db.session.scalars(sa.select(Material)).all()
    training.is_published = False
    db.session.commit()
    assert client.get(f"/pelatihan/{training.id}/bahan/{item.id}").data == PDF  # its panitia may still open it
    with app.test_client() as anonymous:
        answer = anonymous.get(f"/pelatihan/{training.id}/bahan/{item.id}")
        assert answer.status_code in (302, 404) and PDF not in answer.data
    login_as(make_registration(make_training()).user)  # another training's participant
    assert client.get(f"/pelatihan/{training.id}/bahan/{item.id}").status_code == 404


def test_hostile_file_names_and_renamed_executables(client, db, login_as):
    training = _setup(login_as)
    exe = b"MZ\x90\x00" + b"\0" * 200
    assert _upload(client, training, "Modul", exe, filename="modul.pdf").status_code == 400
    assert _upload(client, training, "../../etc/passwd", PDF, filename="../../../etc/passwd.pdf").status_code == 302
    [item] = db.session.scalars(sa.select(Material)).all()
    answer = client.get(f"/pelatihan/{training.id}/bahan/{item.id}")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="etc-passwd.pdf"'
