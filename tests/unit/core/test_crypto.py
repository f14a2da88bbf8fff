"""Stored secrets: Fernet with a key derived from BIMTEK_ENCRYPTION_KEY or SECRET_KEY."""
import pytest

from bimtek.core import crypto


def test_round_trip_and_key_choice():
    token = crypto.encrypt("rahasia-zoom", "kunci-a")
    assert "rahasia-zoom" not in token
    assert crypto.decrypt(token, "kunci-a") == "rahasia-zoom"
    assert crypto.key_material({"SECRET_KEY": "s", "BIMTEK_ENCRYPTION_KEY": "e"}) == "e"
    assert crypto.key_material({"SECRET_KEY": "s", "BIMTEK_ENCRYPTION_KEY": None}) == "s"


def test_changed_key_asks_to_enter_the_secret_again():
    token = crypto.encrypt("rahasia-zoom", "kunci-a")
    with pytest.raises(crypto.SecretUnreadable) as failure:
        crypto.decrypt(token, "kunci-b")
    assert "Simpan ulang" in str(failure.value) and "rahasia" not in str(failure.value)
