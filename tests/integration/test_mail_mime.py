"""Messages written directly as bytes (bimtek/mail/mime.py) read back exactly like EmailMessage's (build_message)."""
import email
import email.policy

import pytest

from bimtek.mail import mime, services as mail
from bimtek.mail.headers import with_subject

SUBJECT = "Pendaftaran SPP-0001 diterima — Bimtek Literasi “TPBIS” untuk Zoë Łukasiewicz, tahun 2026 (daring)"
TEXT = ("Yth. Zoë Łukasiewicz Núñez,\n\nNomor: SPP-0001\n=3D is not an escape here\nFrom the start\n.\n"
        "trailing spaces   \n" + "panjang " * 40 + "\r\nakhir tanpa baris baru")
HTML = "<p>Yth. <b>Zoë</b> — jadwal:</p>\n<table><tr><td>" + "sel " * 60 + "</td></tr></table>"
ICS = ("BEGIN:VCALENDAR\r\nSUMMARY:Bimtek Literasi – Zoë\r\n" + "X:" + "y" * 300 + "\r\nEND:VCALENDAR\r\n").encode()


def _read(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [(part.get_content_type(), part.get_filename(), part.get_content())
             for part in message.iter_attachments()]
    html = message.get_body(("html",))
    return (message["From"], message["To"], message["Subject"], message.get_content_type(),
            message.get_body(("plain",)).get_content(), html.get_content() if html else None, parts)


@pytest.mark.parametrize("html, attachments", [
    (None, ()), (HTML, ()), (None, (("SPP.ics", "text/calendar", ICS),)),
    (HTML, (("SPP.ics", "text/calendar", ICS), ("data.bin", "application/octet-stream", bytes(range(256)) * 3))),
])
def test_direct_bytes_read_like_email_message(app, html, attachments):
    sender = "Bimtek Dinas Perpustakaan <noreply@contoh.go.id>"
    full = with_subject(mail.build_message(sender, "zoe@contoh.id", SUBJECT, TEXT, html, attachments,
                                           "contoh.go.id").as_bytes(), SUBJECT)
    with app.app_context():
        direct = mime.message(mail._shared_headers(sender, SUBJECT), "zoe@contoh.id", "contoh.go.id", TEXT, html,
                              attachments)
    assert _read(direct) == _read(full)
    assert _read(direct)[2] == SUBJECT
    assert max(len(line) for line in direct.split(b"\n")) <= 78 and direct.isascii()
    parsed = email.message_from_bytes(direct, policy=email.policy.default)
    assert parsed["Message-ID"].endswith("@contoh.go.id>") and parsed["Date"] and parsed["MIME-Version"] == "1.0"
    assert not parsed.defects and all(not part.defects for part in parsed.walk())


def test_unusual_names_go_through_the_full_builder():
    assert mime.simple_attachments((("SPP2030.ics", "text/calendar", b""),))
    assert not mime.simple_attachments((("jadwal pelatihan.ics", "text/calendar", b""),))
    assert not mime.simple_attachments((('a".ics', "text/calendar", b""),))
    assert not mime.simple_attachments((("a.ics", "text/calendar; method=PUBLISH", b""),))
    assert not mime.plain_address("Budi <budi@contoh.id>") and mime.plain_address("budi@contoh.id")
