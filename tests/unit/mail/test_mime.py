"""mail.mime.raw_message writes the same bytes as build_message + with_subject (the path it replaces for the usual
shape of message), and declines every other shape."""
import random
import re

from hypothesis import given, settings, strategies as st

from bimtek.mail.headers import with_subject
from bimtek.mail.mime import raw_message
from bimtek.mail.services import build_message, message_bytes

SENDERS = ["Bimtek <noreply@bimtek.local>", "Panitia Bimtek, Perpusnas <panitia@perpusnas.go.id>",
           "Pänitia Zoë <x@y.id>", "noreply@bimtek.local"]
LINES = ["Yth. Peserta,", "", "Pendaftaran Anda — TERDAFTAR “TPBIS” 21–23 Juli", "x" * 77, "y" * 79, "é" * 90,
         "From the start", "--===============0000000000000000001==", "a = b =3D", "tab\there ", "  indented",
         "<p>Halaman: <a href=\"https://bimtek.example/pelatihan/3\">tautan</a></p>"]


def _reference(*args):
    return with_subject(build_message(*args).as_bytes(), args[2])


def _same_message(args, seed):
    """Both writers from the same random state; only the clock may differ (Date, Message-ID's time)."""
    random.seed(seed)
    expected = _reference(*args)
    random.seed(seed)
    actual = raw_message(*args)
    assert actual is not None, args

    def clockless(raw):
        raw = re.sub(rb"\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0000\n", b"\nDate: -\n", raw)
        return re.sub(rb"\nMessage-ID: <\d+\.", b"\nMessage-ID: <-.", raw)
    assert clockless(actual) == clockless(expected)


@settings(max_examples=300, deadline=None)
@given(sender=st.sampled_from(SENDERS), lines=st.lists(st.sampled_from(LINES), max_size=40),
       html_lines=st.none() | st.lists(st.sampled_from(LINES), max_size=40),
       attachments=st.lists(st.tuples(st.sampled_from(["LOAD.ics", "sertifikat-0042.pdf", "a"]),
                                      st.sampled_from(["text/calendar", "text/calendar; method=REQUEST",
                                                       "application/pdf", "application/"]),
                                      st.binary(max_size=300)), max_size=3),
       subject=st.sampled_from(["Pendaftaran SPP2020-0042 diterima — Bimtek “TPBIS”", "Subjek", ""]),
       seed=st.integers(0, 2 ** 32))
def test_the_same_bytes_as_the_email_package(sender, lines, html_lines, attachments, subject, seed):
    text = "\n".join(lines)
    html = None if html_lines is None else "\n".join(html_lines)
    _same_message((sender, "peserta.satu+bimtek@example.id", subject, text, html, tuple(attachments),
                   "bimtek.example.go.id"), seed)


def test_a_registration_mail_with_its_calendar():
    text = "Yth. Budi,\n\nPendaftaran Anda sudah kami terima dan Anda TERDAFTAR sebagai peserta pelatihan ini.\n" * 5
    html = "\n<!doctype html>\n<p>Yth. Budi,</p>\n" + "<p>Tanggal: 21–23 Juli 2020</p>\n" * 20
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + b"SUMMARY:Bimtek\r\n" * 50 + b"END:VCALENDAR\r\n"
    for seed in range(50):
        _same_message(("Bimtek <noreply@bimtek.local>", "budi@example.id", "Pendaftaran SPP2020-0042 diterima — X",
                       text, html, (("SPP2020.ics", "text/calendar", calendar),), "127.0.0.1"), seed)


def test_other_shapes_go_through_the_email_package():
    usual = ("Bimtek <noreply@bimtek.local>", "budi@example.id", "Subjek", "teks", None, (), "bimtek.local")
    assert raw_message(*usual) is not None
    for to in ["Budi <budi@example.id>", "bùdi@example.id", "a..b@example.id", "\"a b\"@example.id",
               "budi@example.id, ani@example.id", "x" * 60 + "@example.id"]:
        assert raw_message(usual[0], to, *usual[2:]) is None, to
    for attachment in [("nama berkas.pdf", "application/pdf", b"x"), ("berkas.pdf", "application/pdf", "teks"),
                       ("b" * 40 + ".pdf", "application/pdf", b"x"), ("", "application/pdf", b"x"),
                       ("a.pdf", "Application/PDF", b"x")]:
        assert raw_message(*usual[:5], (attachment,), usual[6]) is None, attachment
    assert raw_message(*usual[:6], "host_with_underscore") is None
    assert raw_message(*usual[:6], "h" * 60 + ".example.id") is None  # the Message-ID line would be folded


def test_message_bytes_falls_back_to_the_email_package():
    args = ("Bimtek <noreply@bimtek.local>", "Budi Santoso <budi@example.id>", "Subjek — X", "teks é", "<p>é</p>",
            (("nama berkas.pdf", "application/pdf", b"%PDF"),), "bimtek.local")
    random.seed(7)
    expected = _reference(*args)
    random.seed(7)
    assert message_bytes(*args).split(b"\nDate: ")[0] == expected.split(b"\nDate: ")[0]
    assert message_bytes(*args).split(b"\n\n", 1)[1].count(b"Content-Disposition: attachment") == 1
