"""The participant portal says what is true now: waiting list, pending, not started yet, running, ended."""
from datetime import date, timedelta

from tests.factories import make_registration, make_training
from tests.integration.certificate_helpers import certificate_training


def _portal(client, login_as, registration):
    login_as(registration.user)
    return client.get("/peserta").get_data(as_text=True)


def test_waiting_list_participant_sees_no_verdict_and_no_rtl_button(db, client, login_as):
    training, _ = certificate_training(rtl_required=True)
    registration = make_registration(training, status="waiting")
    page = _portal(client, login_as, registration)
    assert "Anda di daftar tunggu" in page
    assert "Kehadiran belum memenuhi syarat: ." not in page and "syarat: ." not in page
    assert "Isi RTL" not in page and "RTL dapat diisi setelah Anda terdaftar sebagai peserta." in page
    assert "Sertifikat hanya diterbitkan untuk peserta terdaftar" in page
    assert "Hadir 0 dari" not in page


def test_pending_participant_is_told_approval_comes_first(db, client, login_as):
    training = make_training(requires_approval=True)
    page = _portal(client, login_as, make_registration(training, status="pending"))
    assert "menunggu persetujuan panitia" in page and "Isi RTL" not in page


def test_registered_participant_before_the_start_is_told_when_it_starts(db, client, login_as):
    training = make_training(start=date(2027, 5, 5))
    page = _portal(client, login_as, make_registration(training))
    assert "Pelatihan dimulai Rabu, 5 Mei 2027 pukul 08.00 WIB." in page
    assert "Hadir 0 dari" not in page and "Belum memenuhi syarat" not in page
    assert "Sertifikat dapat diterbitkan setelah pelatihan selesai (7 Mei 2027)" in page
    assert "Isi RTL" in page  # a registered participant may prepare the RTL


def test_registered_participant_after_the_end_still_sees_what_is_missing(db, client, login_as):
    training = make_training(start=date.today() - timedelta(days=30))
    page = _portal(client, login_as, make_registration(training))
    assert "Belum memenuhi syarat" in page and "Kehadiran belum memenuhi syarat" in page
    assert "Pelatihan dimulai" not in page
