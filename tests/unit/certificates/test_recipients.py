"""Roles, their certificate variant and proposals from the materi list (pure)."""
import pytest

from bimtek.certificates.recipients import Proposal, check_recipient, from_materi, role_variant
from bimtek.core.errors import ValidationError


def test_role_variants():
    assert role_variant("narasumber", "Katalogisasi SLiMS", 3) == {
        "key": "narasumber", "label": "Narasumber", "materi": "Katalogisasi SLiMS", "jp": 3}
    assert role_variant("mc", "ignored", 3) == {"key": "mc", "label": "Pembawa Acara (MC)", "materi": "", "jp": None}
    with pytest.raises(ValidationError):
        role_variant("peserta")


def test_check_recipient():
    assert check_recipient("  Dr.  Budi,  M.Kom. ", "narasumber", 4) == ("Dr. Budi, M.Kom.", "narasumber", 4)
    assert check_recipient("Ani", "panitia", 4) == ("Ani", "panitia", None)  # materi only for narasumber
    for args in (("", "panitia", None), ("Budi", "narasumber", None), ("Budi", "x", None)):
        with pytest.raises(ValidationError):
            check_recipient(*args)


def test_from_materi_splits_trainers_and_skips_known():
    materi = [(1, "SLiMS", "Dr. Budi, M.Kom. dan Siti, S.IP."), (2, "Literasi", "Ani; Budi"), (3, "Diskusi", "")]
    assert from_materi(materi, existing={("ani", 2)}) == [
        Proposal("Dr. Budi, M.Kom.", "narasumber", 1), Proposal("Siti, S.IP.", "narasumber", 1),
        Proposal("Budi", "narasumber", 2)]
