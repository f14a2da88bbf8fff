"""Bahasa Indonesia by default; English as the second locale from the compiled catalog."""
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.factories import make_training

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
