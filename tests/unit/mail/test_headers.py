"""mail.headers: the Subject reads back exactly as written, whatever its words (issue 14: a double space)."""
import email
import email.policy
import random

from bimtek.mail.headers import subject_line, with_subject

WORDS = ["Sertifikat", "Bimtek", "—", "“TPBIS”", "Perpustakaan", "Desa", "–", "Literasi", "Zoë", "2020", "x" * 60]


def _read(raw):
    return email.message_from_bytes(raw + b"\n", policy=email.policy.default)["Subject"]


def test_random_subjects_read_back_exactly_and_stay_folded():
    rng = random.Random(14)
    for _ in range(500):
        subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))[:300].strip()
        raw = subject_line(subject)
        assert _read(raw) == " ".join(subject.split())
        assert all(len(line) <= 78 or b" " not in line.strip() for line in raw.split(b"\n"))


def test_with_subject_replaces_a_folded_subject_only():
    raw = b"From: a@b.id\nSubject: lama\n panjang\nTo: c@d.id\n\nSubject: bukan header\n"
    assert with_subject(raw, "Baru — sekali") == (
        b"From: a@b.id\n" + subject_line("Baru — sekali") + b"To: c@d.id\n\nSubject: bukan header\n")
