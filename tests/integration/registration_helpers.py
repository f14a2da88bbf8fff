"""Shared data for the registration integration tests."""
from datetime import date, timedelta

from bimtek.core.models import now_utc
from tests.factories import make_training

FORM = {
    "nama_lengkap": "Siti Aminah, S.IP.", "jenis_kelamin": "P", "jabatan": "Pustakawan Ahli Pertama",
    "instansi": "Dinas Perpustakaan Kabupaten Bangka", "kabupaten": "Bangka", "provinsi": "Kepulauan Bangka Belitung",
    "email": "siti@example.id", "phone": "0812 3456 7890", "nip": "", "pangkat": "", "consent": "y",
}


def open_training(**fields):
    """A published training in the future whose registration window is open now."""
    now = now_utc()
    fields.setdefault("registration_opens_at", now - timedelta(days=1))
    fields.setdefault("registration_closes_at", now + timedelta(days=30))
    return make_training(start=fields.pop("start", date.today() + timedelta(days=60)), **fields)


def form(**overrides):
    return {**FORM, **overrides}
