"""Encryption of stored secrets (Zoom client secrets, webhook tokens) with Fernet (pure).

The Fernet key is derived with HKDF-SHA256 from BIMTEK_ENCRYPTION_KEY when set, else from SECRET_KEY, so a
database dump or backup alone does not reveal the secrets. Changing the key makes stored secrets unreadable:
`SecretUnreadable` asks the organizer to enter them again.
"""
import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bimtek.core.errors import DomainError

_INFO = b"bimtek stored secrets v1"


class SecretUnreadable(DomainError):
    """A stored secret cannot be decrypted (the encryption key changed)."""


def _fernet(key_material):
    if not key_material:
        raise ValueError("key material required")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(str(key_material).encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def key_material(config):
    """BIMTEK_ENCRYPTION_KEY if set, else SECRET_KEY (from a config mapping)."""
    return config.get("BIMTEK_ENCRYPTION_KEY") or config.get("SECRET_KEY")


def encrypt(text, material):
    """Fernet token (str) of `text`."""
    return _fernet(material).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token, material):
    """The text of a Fernet token; SecretUnreadable (Indonesian) when the key changed or the token is damaged."""
    try:
        return _fernet(material).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError, UnicodeError):
        raise SecretUnreadable("Rahasia yang tersimpan tidak dapat dibuka (kunci enkripsi BIMTEK_ENCRYPTION_KEY/"
                               "SECRET_KEY berubah). Simpan ulang kredensial Zoom.") from None
