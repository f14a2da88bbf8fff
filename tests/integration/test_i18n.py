"""Bahasa Indonesia by default; English as the second locale from the compiled catalog."""
import importlib
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bimtek.accounts.models import Role
from tests.factories import make_training, make_user

CATALOG = Path(__file__).resolve().parents[2] / "translations" / "en" / "LC_MESSAGES"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """Compile messages.po → .mo when it is missing or stale (make install normally does this)."""
    po, mo = CATALOG / "messages.po", CATALOG / "messages.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as source:
            catalog = read_po(source, locale="en")
        with mo.open("wb") as target:
            write_mo(target, catalog)


def test_indonesian_is_the_default(client, db):
    make_training()
    page = client.get("/").get_data(as_text=True)
    assert "Pelatihan" in page and "Masuk peserta" in page
    assert '<html lang="id">' in page


def test_english_switch_translates_the_interface(client, db):
    training = make_training()
    client.post("/bahasa/en", data={"next": "/"})
    page = client.get(f"/pelatihan/{training.id}").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Participant sign-in" in page or "Participant login" in page or "Sign in" in page
    assert "Masuk peserta" not in page
    # Dates follow the locale too.
    assert "July 2020" in page
    client.post("/bahasa/id", data={"next": "/"})
    assert "Juli 2020" in client.get(f"/pelatihan/{training.id}").get_data(as_text=True)


def _english(client):
    client.post("/bahasa/en", data={"next": "/"})


def test_english_404_page(client, db):
    _english(client)
    response = client.get("/tidak-ada-halaman-ini")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and "Halaman tidak ditemukan" not in page


def test_indonesian_404_page_is_unchanged(client, db):
    page = client.get("/tidak-ada-halaman-ini").get_data(as_text=True)
    assert "Halaman tidak ditemukan" in page and "Halaman yang Anda cari tidak ada atau sudah dipindahkan." in page


def test_english_form_labels(client, db, login_as):
    login_as(make_user(Role.ADMIN))
    _english(client)
    page = client.get("/kelola/pelatihan/baru").get_data(as_text=True)
    assert "Training name" in page and "Nama pelatihan" not in page
    assert "Hybrid (online &amp; in person)" in page  # lazy choice labels stay HTML-escaped


def test_english_flash_after_failed_staff_login(client, db):
    make_user(Role.STAFF, email="staf@example.id")
    _english(client)
    page = client.post("/akun/masuk", data={"email": "staf@example.id", "password": "salah-sekali"}).get_data(
        as_text=True)
    assert "Incorrect email or password." in page and "Email atau kata sandi salah." not in page


LABEL_CONSTANTS = [
    ("bimtek.attendance.services", "STATUS_LABELS"), ("bimtek.attendance.services", "METHOD_LABELS"),
    ("bimtek.attendance.services", "EXCLUSION_LABELS"), ("bimtek.action_plans.workflow", "STATUS_LABELS"),
    ("bimtek.action_plans.workflow", "ACTION_LABELS"), ("bimtek.action_plans.plan_rows", "FIELD_LABELS"),
    ("bimtek.jobs.models", "JOB_STATUS_LABELS"), ("bimtek.registration.models", "STATUS_LABELS"),
    ("bimtek.trainings.models", "MODE_LABELS"), ("bimtek.mail.models", "MAIL_STATUS_LABELS"),
    ("bimtek.certificates.models", "STATUS_LABELS"), ("bimtek.accounts.models", "ROLE_LABELS"),
    ("bimtek.accounts.models", "DUTY_LABELS"), ("bimtek.core.web", "ERROR_TITLES"),
    ("bimtek.core.web", "ERROR_MESSAGES"),
]


@pytest.mark.parametrize("module, name", LABEL_CONSTANTS, ids=lambda v: v)
def test_label_constants_are_in_the_catalog(module, name):
    """Templates translate these plain-Indonesian constants with _(value): each value needs a marker (MARKERS/N_)."""
    with (CATALOG / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="en")
    labels = getattr(importlib.import_module(module), name).values()
    missing = [label for label in labels if not (catalog.get(label) and catalog.get(label).string)]
    assert missing == []
