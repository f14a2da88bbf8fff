"""Participant roster (daftar peserta) import/export with the column headers Dinas staff use. Pure.

Import is all-or-nothing: every row is validated first and all problems are raised together in
one RosterImportError, so staff fix the file once and upload again.
"""

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from bimtek.core.errors import DomainError, ImportRowError, ValidationError
from bimtek.core.limits import ROSTER, quote
from bimtek.core.messages import N_, Message
from bimtek.core.spreadsheet import read_table, write_csv, write_xlsx
from bimtek.registration import phones
from bimtek.registration.nip import (
    JENIS_KELAMIN,
    format_nip,
    format_pangkat,
    parse_jenis_kelamin,
    parse_pangkat,
    validate_nip,
)
from bimtek.registration.numbering import format_registration_number, parse_registration_number

# Final column order of exports and of the import template.
ROSTER_HEADERS = (
    "Nama Lengkap", "NIP", "Jabatan", "Instansi", "Kabupaten/Kota", "Provinsi", "Email", "No. HP",
    "Jenis Kelamin", "Pangkat/Golongan", "Nomor Registrasi", "Status",
)
REQUIRED_HEADERS = ("Nama Lengkap", "Jabatan", "Instansi", "Kabupaten/Kota", "Provinsi", "Email", "No. HP")
# header -> RosterRow attribute
HEADER_FIELDS = {
    "Nama Lengkap": "nama_lengkap", "NIP": "nip", "Jabatan": "jabatan", "Instansi": "instansi",
    "Kabupaten/Kota": "kabupaten", "Provinsi": "provinsi", "Email": "email", "No. HP": "phone",
    "Jenis Kelamin": "jenis_kelamin", "Pangkat/Golongan": "pangkat",
    "Nomor Registrasi": "number", "Status": "status",
}
# Accepted spellings, compared after lower-casing and dropping everything but letters/digits.
HEADER_ALIASES = {
    "Nama Lengkap": ("namalengkap", "nama", "namapeserta", "namalengkapdangelar", "namalengkapbesertagelar"),
    "NIP": ("nip", "nipbaru"),
    "Jabatan": ("jabatan",),
    "Instansi": ("instansi", "unitkerja", "instansiunitkerja", "asalinstansi", "satuankerja", "opd"),
    "Kabupaten/Kota": ("kabupatenkota", "kabkota", "kabkot", "kabupaten", "kota"),
    "Provinsi": ("provinsi", "propinsi", "prov"),
    "Email": ("email", "alamatemail", "surel"),
    "No. HP": ("nohp", "nohpwa", "nomorhp", "nomorhpwa", "hp", "hpwa", "nowa", "nomorwa", "whatsapp",
               "nohpwhatsapp", "nomorwhatsapp", "notelp", "notelepon", "telepon"),
    "Jenis Kelamin": ("jeniskelamin", "jk", "lp", "gender"),
    "Pangkat/Golongan": ("pangkatgolongan", "pangkatgol", "pangkat", "golongan", "golruang",
                         "pangkatgolonganruang"),
    "Nomor Registrasi": ("nomorregistrasi", "noregistrasi", "noreg", "nomorpendaftaran", "nopendaftaran"),
    "Status": ("status", "statuspendaftaran"),
}
# Status codes match registration.models.Status values.
STATUS_LABELS = {
    "registered": "Terdaftar", "pending": "Menunggu", "waiting": "Daftar Tunggu",
    "rejected": "Ditolak", "withdrawn": "Mengundurkan Diri",
}
STATUS_ALIASES = {
    "terdaftar": "registered", "diterima": "registered",
    "menunggu": "pending", "menunggu persetujuan": "pending", "menunggu verifikasi": "pending",
    "daftar tunggu": "waiting", "waiting list": "waiting", "waitlist": "waiting",
    "ditolak": "rejected",
    "mengundurkan diri": "withdrawn", "mundur": "withdrawn", "batal": "withdrawn",
}
MAX_LENGTHS = {"nama_lengkap": 200, "jabatan": 200, "instansi": 300, "kabupaten": 100,
               "provinsi": 100, "email": 254}
_ALIAS_TO_HEADER = {alias: header for header, aliases in HEADER_ALIASES.items() for alias in aliases}
_MOBILE_RE = re.compile(r"08[1-9][0-9]{7,10}")
_PHONE_MAX_CHARS = 40  # "+62 812-3456-7890" with spaces; anything longer is not a phone number
_STATUS_MAX_CHARS = 40
_TEXT_FIELDS = ("nama_lengkap", "jabatan", "instansi", "kabupaten", "provinsi")


@dataclass
class RosterRow:
    """One participant as written in a roster file (canonical values after parsing)."""

    nama_lengkap: str
    jabatan: str
    instansi: str
    kabupaten: str
    provinsi: str
    email: str  # lower-cased
    phone: str  # "+6281234567890" (E.164)
    nip: object = None  # 18 digits or None
    jenis_kelamin: object = None  # 'L' / 'P' / None
    pangkat: object = None  # code like "III/a" or None
    number: object = None  # "SPP2020-0042" or None
    status: object = None  # key of STATUS_LABELS or None
    line: int = field(default=0, compare=False)
    warnings: list = field(default_factory=list, compare=False)


class RosterImportError(DomainError):
    """The whole import was refused; `errors` lists every ImportRowError (line + reason)."""

    def __init__(self, errors, message=None):
        lines = sorted({e.line for e in errors})
        message = message or (
            f"Impor dibatalkan: {len(lines)} baris bermasalah (baris {', '.join(map(str, lines))}). "
            "Tidak ada data yang disimpan; perbaiki berkas lalu unggah ulang.")
        super().__init__(message, errors=list(errors))
        self.errors = list(errors)


def header_key(text):
    """Comparison key of a header: "No. HP/WA" -> "nohpwa"."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


def map_headers(headers):
    """Map canonical header -> header as written in the file; unknown columns are ignored."""
    found = {}
    for written in headers:
        canonical = _ALIAS_TO_HEADER.get(header_key(written))
        if canonical in found:
            raise DomainError(
                f"Kolom '{quote(found[canonical])}' dan '{quote(written)}' sama-sama berarti {canonical}; "
                "hapus salah satu.")
        if canonical:
            found[canonical] = written
    return found


def normalize_phone(raw):
    """E.164 number ("+6281234567890") from any common Indonesian spelling (see registration.phones)."""
    return phones.to_e164(raw)


def normalize_email(raw):
    """Syntax-checked, lower-cased e-mail address (no DNS lookup); else ValidationError.

    The length is checked first: the validator's run time grows with the square of the input length."""
    text = str(raw or "").strip()
    if len(text) > MAX_LENGTHS["email"]:
        raise ValidationError(Message(N_("Email terlalu panjang (maks. %(max)s karakter)."), max=MAX_LENGTHS["email"]),
                              field="email")
    try:
        text = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        text = ""
    if not text or len(text) > MAX_LENGTHS["email"]:
        raise ValidationError(Message(N_("Format email '%(value)s' tidak valid."), value=quote(raw)), field="email")
    return text.lower()


def parse_status(raw):
    """Status code from a label such as "Terdaftar" or "Daftar Tunggu"; None when blank."""
    text = " ".join(str(raw or "")[:_STATUS_MAX_CHARS].lower().replace("_", " ").split())
    if not text:
        return None
    if text in STATUS_LABELS:
        return text
    if text not in STATUS_ALIASES:
        choices = ", ".join(STATUS_LABELS.values())
        raise ValidationError(f"Status '{quote(raw)}' tidak dikenal; pilih salah satu: {choices}.", field="status")
    return STATUS_ALIASES[text]


def parse_roster(filename, data, today=None):
    """Parse and validate a roster file; return RosterRows or raise one RosterImportError for all bad rows."""
    table = read_table(filename, data, find_header=_looks_like_roster_header, budget=ROSTER)
    columns = map_headers(table.headers)
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        line = table.header_line
        reason = (f"kolom wajib tidak ditemukan: {', '.join(missing)}. Judul kolom yang benar: "
                  f"{', '.join(ROSTER_HEADERS)}.")
        raise RosterImportError([ImportRowError(line, reason)], message=f"Baris {line}: {reason}")
    if not table.rows:
        raise RosterImportError([], message="Berkas tidak berisi data peserta.")
    rows, errors = [], []
    for line, cells in table.rows:
        values = {HEADER_FIELDS[h]: cells.get(written, "") for h, written in columns.items()}
        row, row_errors = _parse_row(line, values, today)
        rows.append(row)
        errors.extend(row_errors)
    errors.extend(_duplicate_errors(rows))
    if errors:
        raise RosterImportError(sorted(errors, key=lambda e: e.line))
    return rows


def _looks_like_roster_header(cells):
    """A header row has at least three known column names (title rows above it are skipped)."""
    return len({_ALIAS_TO_HEADER.get(header_key(c)) for c in cells} - {None}) >= 3


def _parse_row(line, values, today):
    """One RosterRow (possibly incomplete) and its ImportRowErrors."""
    parsed, errors = {}, []
    for attr, parse in _FIELD_PARSERS:
        raw = values.get(attr, "")
        try:
            parsed[attr] = parse(raw)
        except ValidationError as exc:
            errors.append(ImportRowError(line, exc.message, column=_HEADER_OF[attr]))
            parsed[attr] = None
    warnings = []
    if parsed["nip"]:
        try:
            result = validate_nip(parsed["nip"], parsed["jenis_kelamin"], today=today)
            parsed["nip"] = result.nip
            parsed["jenis_kelamin"] = parsed["jenis_kelamin"] or result.gender
            warnings = result.warnings
        except ValidationError as exc:
            errors.append(ImportRowError(line, exc.message, column="NIP"))
    return RosterRow(**parsed, line=line, warnings=warnings), errors


def _text(attr):
    """Parser for a required free-text column with a length limit."""
    def parse(raw):
        text = str(raw or "")
        if len(text) > 4 * MAX_LENGTHS[attr]:  # cheap cut before splitting: the cell may be huge
            text = text[:4 * MAX_LENGTHS[attr]] + "…"
        text = " ".join(text.split())
        if not text:
            raise ValidationError(f"{_HEADER_OF[attr]} wajib diisi.", field=attr)
        if len(text) > MAX_LENGTHS[attr]:
            raise ValidationError(
                f"{_HEADER_OF[attr]} terlalu panjang (maks. {MAX_LENGTHS[attr]} karakter).", field=attr)
        return text
    return parse


def _required(parser, attr):
    def parse(raw):
        if not str(raw or "").strip():
            raise ValidationError(f"{_HEADER_OF[attr]} wajib diisi.", field=attr)
        return parser(raw)
    return parse


def _optional(parser):
    return lambda raw: parser(raw) if str(raw or "").strip() else None


def _parse_nip_digits(raw):
    """Digits only here; dates/gender are checked once jenis kelamin is known."""
    return re.sub(r"[\s.\-]", "", str(raw))


def _parse_registration(raw):
    code, seq = parse_registration_number(raw)
    return format_registration_number(code, seq)


_HEADER_OF = {attr: header for header, attr in HEADER_FIELDS.items()}
_FIELD_PARSERS = tuple((attr, _text(attr)) for attr in _TEXT_FIELDS) + (
    ("email", _required(normalize_email, "email")),
    ("phone", _required(normalize_phone, "phone")),
    ("jenis_kelamin", parse_jenis_kelamin),
    ("nip", _optional(_parse_nip_digits)),
    ("pangkat", parse_pangkat),
    ("number", _optional(_parse_registration)),
    ("status", parse_status),
)


def _duplicate_errors(rows):
    """Errors for e-mails, NIPs and registration numbers repeated within the file."""
    errors = []
    for attr, header in (("email", "Email"), ("nip", "NIP"), ("number", "Nomor Registrasi")):
        first_line = {}
        for row in rows:
            value = getattr(row, attr)
            if not value:
                continue
            key = value.casefold()
            if key in first_line:
                errors.append(ImportRowError(
                    row.line, f"{header} {value} sudah dipakai di baris {first_line[key]}.", column=header))
            else:
                first_line[key] = row.line
    return errors


def roster_values(row):
    """The export cells of one RosterRow, in ROSTER_HEADERS order."""
    return [
        row.nama_lengkap, format_nip(row.nip) if row.nip else "", row.jabatan, row.instansi,
        row.kabupaten, row.provinsi, row.email, phones.e164_or_raw(row.phone),
        JENIS_KELAMIN.get(row.jenis_kelamin, ""), format_pangkat(row.pangkat),
        row.number or "", STATUS_LABELS.get(row.status, ""),
    ]


def export_roster(rows, fmt="csv"):
    """Export RosterRows as CSV or XLSX bytes with ROSTER_HEADERS; NIP written "19860926 201505 1 001"."""
    values = [roster_values(row) for row in rows]
    if fmt == "csv":
        return write_csv(ROSTER_HEADERS, values)
    if fmt == "xlsx":
        return write_xlsx(ROSTER_HEADERS, values, sheet_title="Daftar Peserta")
    raise ValidationError(f"Format ekspor '{fmt}' tidak didukung; pilih csv atau xlsx.", field="fmt")
