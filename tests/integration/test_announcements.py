"""Announcements: filter counts, preview, sending through the outbox (throttled, retried, status per recipient),
the WhatsApp list and who may use the pages."""
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from bimtek.accounts.models import Duty, Role
from bimtek.announcements.models import Announcement
from bimtek.core.models import now_utc
from bimtek.mail import services as mail
from bimtek.mail.models import OutboxMessage
from tests.factories import make_registration, make_staff, make_user
from tests.integration.certificate_helpers import approve_rtl, certificate_training, eligible_registration
from tests.integration.registration_helpers import latest_mail_body


def _people():
    training, signer = certificate_training(everyone_passes=False, meeting_url="https://zoom.us/j/777")
    siti = eligible_registration(training, name="Siti Aminah, S.IP.", kabupaten="Bangka", phone="+6281234567890",
                                 instansi="Dinas Perpustakaan Kabupaten Bangka")
    budi = make_registration(training, name="Budi", kabupaten="Kota Pangkal Pinang", phone="0812-1111-2222",
                             instansi="SMAN 1 Pangkalpinang")
    ani = make_registration(training, name="Ani", kabupaten="Bangka", status="waiting", phone="021 5551234")
    approve_rtl(siti)
    return training, siti, budi, ani


def _post(client, training, action, **fields):
    data = {"subject": "Uji", "body": "Yth. {nama} ({nomor}), tautan: https://zoom.us/j/1?pwd=a+b&x=1",
            "statuses": ["registered"], "action": action, **fields}
    return client.post(f"/kelola/pelatihan/{training.id}/pengumuman/", data=data)


def test_preview_counts_each_filter(client, db, login_as):
    training, *_ = _people()
    login_as(make_staff(training, Duty.PANITIA))
    cases = [({}, 2), ({"statuses": ["registered", "waiting"]}, 3), ({"kabupaten": ["Bangka"]}, 1),
             ({"instansi": "sman"}, 1), ({"rtl": ["disetujui"]}, 1), ({"rtl": ["belum_diisi"]}, 1),
             ({"certificate": ["belum"]}, 2), ({"certificate": ["sah"]}, 0), ({"attendance": ["belum"]}, 1)]
    for fields, expected in cases:
        page = _post(client, training, "preview", **fields).get_data(as_text=True)
        assert f"{expected} penerima" in page, fields
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0  # a preview sends nothing


def test_send_queues_one_personal_mail_each_and_shows_status(app, client, db, login_as):
    training, siti, budi, _ = _people()
    login_as(make_user(Role.ADMIN))
    response = _post(client, training, "send")
    assert response.status_code == 302
    announcement = db.session.scalar(sa.select(Announcement))
    assert len(announcement.recipients) == 2
    body = latest_mail_body(siti.email)
    assert f"Yth. Siti Aminah ({siti.number})" in body and "S.IP." not in body.split("\n")[0]
    assert "budi" not in body.lower()  # nothing of the other recipients
    app.config["MAIL_MAX_PER_HOUR"] = 1
    try:
        start = now_utc()
        assert mail.deliver_due(now=start) == (1, 0)  # throttled by the outbox
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Terkirim: 1" in page and "Menunggu dikirim: 1" in page
        assert mail.deliver_due(now=start + timedelta(minutes=61)) == (1, 0)
    finally:
        app.config["MAIL_MAX_PER_HOUR"] = 0
    assert "Terkirim: 2" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_no_recipient_means_nothing_sent(client, db, login_as):
    training, *_ = _people()
    login_as(make_user(Role.ADMIN))
    page = _post(client, training, "send", certificate=["sah"]).get_data(as_text=True)
    assert "Tidak ada peserta yang cocok" in page
    assert db.session.scalar(sa.select(sa.func.count(Announcement.id))) == 0


def test_whatsapp_list_has_encoded_personal_links_and_group_text(client, db, login_as):
    training, siti, budi, _ = _people()
    login_as(make_user(Role.ADMIN))
    location = _post(client, training, "send").headers["Location"]
    page = client.get(location + "/whatsapp").get_data(as_text=True)
    assert "Kirim lewat WhatsApp" in page and "+6281211112222" in page  # stored 0812-… shown in E.164
    link = next(part.split('"')[0] for part in page.split('href="') if part.startswith("https://wa.me/62812345"))
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["text"][0].startswith(f"Yth. Siti Aminah ({siti.number}), tautan: https://zoom.us/j/1?pwd=a+b&x=1")
    assert "Yth. Bapak/Ibu peserta (nomor registrasi Anda)" in page and "((" not in page


def test_only_panitia_and_admin(client, db, login_as):
    training, *_ = _people()
    login_as(make_staff(training, Duty.REVIEWER))
    assert client.get(f"/kelola/pelatihan/{training.id}/pengumuman/").status_code == 403
    login_as(make_user(Role.PESERTA))
    assert client.get(f"/kelola/pelatihan/{training.id}/pengumuman/").status_code == 403


def test_portal_and_training_page_share_on_whatsapp(client, db, login_as):
    training, siti, *_ = _people()
    login_as(siti.user)
    page = client.get("/peserta").get_data(as_text=True)
    link = next(part.split('"')[0] for part in page.split('href="') if part.startswith("https://wa.me/?text="))
    text = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0]
    assert text.startswith(training.name) and text.endswith(f"/pelatihan/{training.id}")
    assert "Bagikan ke WhatsApp" in client.get(f"/pelatihan/{training.id}").get_data(as_text=True)


def test_hostile_subjects_bodies_and_placeholders(client, db, login_as):
    import email
    import email.policy
    training, siti, budi, _ = _people()
    budi.nama_lengkap = "Budi\r\nBcc: korban@example.id"
    db.session.commit()
    login_as(make_user(Role.ADMIN))
    page = _post(client, training, "preview", body="Yth. {nmaa}, isi {x}").get_data(as_text=True)
    assert "Penanda {nmaa}, {x} tidak dikenal" in page and "penerima" not in page.split("Penanda")[0][-200:]
    body = "Yth. {Nama} ({ nomor }) 🙏\nBaris dua: <script>alert(1)</script> & #1 {"
    response = _post(client, training, "send", subject="Info {nama}\r\nBcc: evil@example.id <b>", body=body)
    assert response.status_code == 302
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    for row in rows:
        message = email.message_from_bytes(row.raw, policy=email.policy.default)
        assert message["Bcc"] is None and "\n" not in str(message["Subject"])
        html = message.get_body(("html",)).get_content()
        assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; #1 {" in html
        assert "🙏<br>" in html or "white-space" in html  # the line break survives in the HTML alternative
        text = message.get_body(("plain",)).get_content()
        assert "Baris dua: <script>alert(1)</script> & #1 {" in text
    assert str(email.message_from_bytes(rows[0].raw, policy=email.policy.default)["Subject"]).startswith(
        "Info Siti Aminah Bcc: evil@example.id <b>")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<b>" not in shown.split("<main")[1] and "&lt;b&gt;" in shown
    whatsapp = client.get(response.headers["Location"] + "/whatsapp").get_data(as_text=True)
    link = next(part.split('"')[0] for part in whatsapp.split('href="') if part.startswith("https://wa.me/62812345"))
    assert "%F0%9F%99%8F%0ABaris" in link and "%26%20%231" in link and "<script>" not in link
    assert parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0] == \
        f"Yth. Siti Aminah ({siti.number}) 🙏\nBaris dua: <script>alert(1)</script> & #1 {{"


def test_unknown_placeholder_message_in_english(client, db, login_as):
    training, *_ = _people()
    login_as(make_user(Role.ADMIN))
    client.post("/bahasa/en", data={"next": "/"})
    page = _post(client, training, "preview", body="Dear {name}").get_data(as_text=True)
    assert "Unknown placeholder {name}. Use {nama}" in page


def test_whatsapp_list_says_when_a_long_message_is_cut(client, db, login_as):
    training, *_ = _people()
    login_as(make_user(Role.ADMIN))
    short = client.get(_post(client, training, "send").headers["Location"] + "/whatsapp").get_data(as_text=True)
    assert "karakter pertama" not in short
    location = _post(client, training, "send", body="Yth. {nama}. " + "Materi hari ini. " * 150).headers["Location"]
    page = client.get(location + "/whatsapp").get_data(as_text=True)
    assert "tautan WhatsApp hanya memuat 2.000 karakter pertama" in page
