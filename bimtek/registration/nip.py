"""NIP, jenis kelamin and pangkat/golongan of civil servants (PNS). Pure.

NIP = 18 digits (Perka BKN 22/2007): birth date YYYYMMDD + TMT CPNS YYYYMM + gender digit
(1 = laki-laki, 2 = perempuan) + 3-digit sequence, written "19860926 201505 1 001".
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from bimtek.core.errors import ValidationError
from bimtek.core.limits import quote
from bimtek.core.messages import N_, Message

NIP_LENGTH = 18
MIN_BIRTH_YEAR = 1900
MIN_AGE_AT_TMT = 17  # CPNS are appointed at 18+; one year of slack for data-entry rounding
GENDER_DIGITS = {"1": "L", "2": "P"}
JENIS_KELAMIN = {"L": "Laki-laki", "P": "Perempuan"}
_GENDER_ALIASES = {
    "l": "L", "lk": "L", "laki": "L", "laki-laki": "L", "laki laki": "L", "lakilaki": "L",
    "lelaki": "L", "pria": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P",
}
_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
_SEPARATORS = re.compile(r"[\s.\-]+")
_DIGITS = re.compile(r"[0-9]+")


@dataclass
class NipResult:
    """A validated NIP and what it encodes."""

    nip: str
    birth_date: date
    tmt: tuple  # (year, month) of TMT CPNS
    gender: str  # 'L' or 'P'
    warnings: list = field(default_factory=list)


def normalize_nip(raw):
    """Return the 18 NIP digits; spaces, dots and dashes are removed; else ValidationError."""
    text = _SEPARATORS.sub("", "" if raw is None else str(raw))
    if not text:
        raise ValidationError(Message(N_("NIP wajib diisi.")), field="nip")
    if not _DIGITS.fullmatch(text):
        raise ValidationError(Message(N_(
            "NIP hanya boleh berisi angka (spasi, titik, atau tanda hubung boleh dipakai sebagai pemisah).")),
            field="nip")
    if len(text) != NIP_LENGTH:
        raise ValidationError(Message(N_("NIP harus %(length)s digit, tetapi yang diisi %(given)s digit."),
                                      length=NIP_LENGTH, given=len(text)), field="nip")
    return text


def format_nip(nip):
    """Write a NIP in the official grouping "19860926 201505 1 001"."""
    digits = normalize_nip(nip)
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def validate_nip(raw, jenis_kelamin=None, today=None):
    """Validate a NIP against its encoded dates and gender; return NipResult or raise ValidationError."""
    nip = normalize_nip(raw)
    today = today or date.today()
    birth = _birth_date(nip[:8], today)
    tmt = _tmt(nip[8:14], birth, today)
    gender = _gender(nip[14])
    if nip[15:] == "000":
        raise ValidationError(Message(N_(
            "Nomor urut NIP (3 digit terakhir) tidak boleh 000. Jika berkas berasal dari Excel, "
            "NIP kemungkinan tersimpan sebagai angka sehingga digit terakhirnya hilang; "
            "format kolom NIP sebagai Teks.")), field="nip")
    warnings = []
    declared = parse_jenis_kelamin(jenis_kelamin)
    if declared and declared != gender:
        warnings.append(Message(N_(
            "Digit jenis kelamin pada NIP (%(digit)s = %(nip_gender)s) tidak sesuai dengan jenis kelamin yang diisi "
            "(%(declared)s). Periksa kembali NIP atau jenis kelamin."), digit=nip[14],
            nip_gender=Message(JENIS_KELAMIN[gender].lower()), declared=Message(JENIS_KELAMIN[declared])))
    return NipResult(nip=nip, birth_date=birth, tmt=tmt, gender=gender, warnings=warnings)


def _birth_date(part, today):
    """Digits 1-8 as a real, past birth date."""
    try:
        birth = date(int(part[:4]), int(part[4:6]), int(part[6:]))
    except ValueError:
        raise ValidationError(Message(
            N_("Tanggal lahir pada NIP (8 digit pertama: %(part)s) bukan tanggal yang valid."), part=part),
            field="nip") from None
    if birth.year < MIN_BIRTH_YEAR or birth > today:
        raise ValidationError(Message(N_("Tanggal lahir pada NIP (%(date)s) tidak mungkin."), date=_tanggal(birth)),
                              field="nip")
    return birth


def _tmt(part, birth, today):
    """Digits 9-14 as (year, month) of TMT CPNS, at least MIN_AGE_AT_TMT after birth, not future."""
    year, month = int(part[:4]), int(part[4:])
    if not 1 <= month <= 12:
        raise ValidationError(Message(
            N_("Bulan TMT CPNS pada NIP (digit 9–14: %(part)s) tidak valid; bulan harus 01–12."), part=part),
            field="nip")
    label = f"{_BULAN[month - 1]} {year}"
    if (year, month) < (birth.year + MIN_AGE_AT_TMT, birth.month):
        raise ValidationError(Message(
            N_("TMT CPNS pada NIP (%(month)s) tidak mungkin: usia saat diangkat kurang dari %(age)s tahun."),
            month=label, age=MIN_AGE_AT_TMT), field="nip")
    if (year, month) > (today.year, today.month):
        raise ValidationError(Message(N_("TMT CPNS pada NIP (%(month)s) berada di masa depan."), month=label),
                              field="nip")
    return (year, month)


def _gender(digit):
    """Digit 15: 1 = L, 2 = P."""
    if digit not in GENDER_DIGITS:
        raise ValidationError(Message(
            N_("Digit ke-15 NIP (kode jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), bukan %(digit)s."),
            digit=digit), field="nip")
    return GENDER_DIGITS[digit]


def _tanggal(d):
    return f"{d.day} {_BULAN[d.month - 1]} {d.year}"


def parse_jenis_kelamin(raw):
    """Return 'L', 'P' or None (blank) from L/P/Laki-laki/Perempuan/Pria/Wanita; else ValidationError."""
    text = " ".join(str(raw or "").replace(".", " ").split()).lower()
    if not text:
        return None
    if text not in _GENDER_ALIASES:
        raise ValidationError(Message(
            N_("Jenis kelamin '%(value)s' tidak dikenali; isi L (Laki-laki) atau P (Perempuan)."), value=quote(raw)),
            field="jenis_kelamin")
    return _GENDER_ALIASES[text]


class Pangkat(NamedTuple):
    """One pangkat/golongan: code "III/a" and label "Penata Muda"."""

    code: str
    label: str

    @property
    def display(self):
        """Display form "Penata Muda (III/a)"."""
        return f"{self.label} ({self.code})"


PANGKAT_GOLONGAN = tuple(Pangkat(code, label) for code, label in (
    ("I/a", "Juru Muda"), ("I/b", "Juru Muda Tingkat I"), ("I/c", "Juru"), ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"), ("II/b", "Pengatur Muda Tingkat I"), ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"), ("III/b", "Penata Muda Tingkat I"), ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"), ("IV/b", "Pembina Tingkat I"), ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"), ("IV/e", "Pembina Utama"),
))
PANGKAT_BY_CODE = {p.code: p for p in PANGKAT_GOLONGAN}
PANGKAT_CHOICES = tuple((p.code, p.display) for p in PANGKAT_GOLONGAN)  # for <select>
_BY_LABEL = {p.label.lower(): p.code for p in PANGKAT_GOLONGAN}
_ROMAN = {"i": "I", "ii": "II", "iii": "III", "iv": "IV", "1": "I", "2": "II", "3": "III", "4": "IV"}
_CODE_RE = re.compile(r"(?<![a-z0-9])(iv|iii|ii|i|[1-4])\s*[/\-.]?\s*([a-e])(?![a-z0-9])")
_NOISE_RE = re.compile(r"\b(?:golongan|gol|pangkat)\b|[()\[\],:/\-]")


@lru_cache(maxsize=64)  # exports format the same few codes thousands of times
def format_pangkat(code):
    """Display form of a pangkat code: "III/a" -> "Penata Muda (III/a)"; '' for None."""
    return PANGKAT_BY_CODE[parse_pangkat(code)].display if code else ""


def parse_pangkat(raw):
    """Parse "III/a", "III-a", "Penata Muda", "penata muda (iii/a)" into a code like "III/a" (None if blank)."""
    text = _clean_pangkat(raw)
    if not text:
        return None
    match = _CODE_RE.search(text)
    rest = _clean_label(_CODE_RE.sub(" ", text, count=1) if match else text)
    label_code = _BY_LABEL.get(rest)
    code = f"{_ROMAN[match.group(1)]}/{match.group(2)}" if match else label_code
    if code not in PANGKAT_BY_CODE or (match and rest and label_code != code):
        raise ValidationError(Message(
            N_("Pangkat/golongan '%(value)s' tidak dikenali atau tidak cocok; contoh yang benar: "
               "III/a atau Penata Muda (III/a)."), value=quote(raw)), field="pangkat")
    return code


def _clean_pangkat(raw):
    """Lower-case, 'Tk. I'/'Tingkat 1' spelled 'tingkat i', whitespace collapsed."""
    text = " ".join(str(raw or "").lower().split())
    text = re.sub(r"\btk\b\.?", "tingkat", text)
    return re.sub(r"\btingkat\s*(?:1|i)\b", "tingkat i", text)


def _clean_label(text):
    """Drop brackets/'gol.' noise so only a label remains."""
    return " ".join(_NOISE_RE.sub(" ", text.replace(".", " ")).split())
