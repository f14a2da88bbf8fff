"""Demo evaluation for the SPP2020 training: a ten-question bank, pre-test and post-test by every demo
participant, and the questionnaire filled by eight of them (two left for the reminder). Runs any number of times."""
from datetime import timedelta

import sqlalchemy as sa

from bimtek.evaluation import question_bank, services
from bimtek.evaluation.models import TestAttempt
from bimtek.evaluation.services import surveys
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

Q = question_bank.QuestionData
BANK = (
    Q("Apa kepanjangan TPBIS?", ("Transformasi Perpustakaan Berbasis Inklusi Sosial", "Taman Perpustakaan Bersama "
      "Ilmu Sosial", "Teknologi Perpustakaan Berbasis Internet Sekolah", "Tim Perpustakaan Bina Inklusi Sosial"), 0,
      "TPBIS adalah program Perpustakaan Nasional untuk perpustakaan sebagai pusat kegiatan masyarakat."),
    Q("Berapa strategi utama TPBIS?", ("Dua", "Tiga", "Empat", "Lima"), 1,
      "Peningkatan Layanan Informasi, Pelibatan Masyarakat, serta Advokasi dan Kemitraan."),
    Q("Kegiatan manakah yang termasuk pelibatan masyarakat?", ("Pengadaan rak buku", "Pelatihan keterampilan warga "
      "di perpustakaan", "Inventarisasi koleksi", "Pengecatan gedung"), 1, ""),
    Q("Tujuan advokasi perpustakaan desa adalah …", ("Menambah jumlah pegawai", "Mendapat dukungan kebijakan dan "
      "anggaran", "Mengganti kepala desa", "Menutup layanan pada akhir pekan"), 1, ""),
    Q("1 JP (jam pelajaran) pelatihan ASN setara dengan …", ("30 menit", "40 menit", "45 menit", "60 menit"), 2, ""),
    Q("Rencana Tindak Lanjut (RTL) disusun oleh …", ("Narasumber", "Peserta pelatihan", "Panitia", "Penyedia "
      "Zoom"), 1, "RTL adalah rencana peserta untuk menerapkan hasil pelatihan di instansinya."),
    Q("Indikator keberhasilan yang baik bersifat …", ("Umum dan luas", "Terukur", "Rahasia", "Tidak perlu ada"), 1,
      ""),
    Q("Sumber dana kegiatan perpustakaan desa dapat berasal dari …", ("Dana Desa", "Pajak kendaraan", "Retribusi "
      "parkir nasional", "Tidak ada"), 0, ""),
    Q("Literasi digital mencakup kemampuan …", ("Mengetik cepat saja", "Mencari, menilai dan memakai informasi "
      "digital secara bijak", "Memperbaiki komputer", "Membuat situs web"), 1, ""),
    Q("Monitoring program dilakukan untuk …", ("Mencari kesalahan peserta", "Memantau capaian terhadap rencana",
      "Menambah beban kerja", "Mengganti materi"), 1, ""),
)
# Right answers out of ten, per demo participant in registration order: (pre-test, post-test).
RIGHT = ((4, 8), (3, 7), (5, 9), (6, 9), (2, 6), (4, 8), (3, 7), (7, 10), (5, 8), (10, 10))
SURVEY_RESPONDENTS = 8
OPEN_ANSWERS = ("Praktik menyusun RTL bersama fasilitator.", "Contoh kegiatan pelibatan masyarakat dari desa lain.",
                "Sesi TIK sangat membantu.", "Tambah waktu diskusi kelompok.", "Koneksi Zoom kadang terputus.",
                "Materi advokasi perlu contoh surat.", "Panitia sangat tanggap.",
                "Mohon bahan tayang dibagikan lebih awal.")


def seed(training, admin):
    """Bank, attempts and questionnaire for the demo training; returns the number of submitted attempts."""
    if not services.questions_of(training):
        services.save_settings(admin, training, 5, 20, 30, False, False)
        services.replace_bank(admin, training, list(BANK))
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value,
        Registration.user_id.is_not(None)).order_by(Registration.seq)).all()[:len(RIGHT)]
    first, last = training.sessions[0].starts_at, training.sessions[-1].starts_at
    for index, reg in enumerate(registrations):
        pre, post = RIGHT[index]
        _take(reg, "pre", pre, first - timedelta(hours=2, minutes=index))
        _take(reg, "post", post, last + timedelta(hours=2, minutes=index))
        if index < SURVEY_RESPONDENTS and surveys.response_of(reg) is None:
            surveys.submit(reg, _survey_answers(training, index), last + timedelta(hours=3))
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.count(TestAttempt.id)).where(
        TestAttempt.training_id == training.id, TestAttempt.submitted_at.is_not(None)))


def _take(registration, kind, right, at):
    if services.attempts_of(registration, kind):
        return
    attempt = services.start_attempt(registration, kind, at)
    for index, question in enumerate(services.questions_of(registration.training)):
        choice = question.correct_index if index < right else (question.correct_index + 1) % len(question.options)
        services.save_answer(attempt, question.id, choice, at)
    services.submit_attempt(registration.user, attempt, at + timedelta(minutes=12))


def _survey_answers(training, index):
    answers = {}
    for position, question in enumerate(surveys.questions_of(training)):
        if question.kind == "likert":
            answers[str(question.id)] = 5 if (index + position) % 3 == 0 else 4 if (index + position) % 5 else 3
        else:
            answers[str(question.id)] = OPEN_ANSWERS[(index + position) % len(OPEN_ANSWERS)]
    return answers
