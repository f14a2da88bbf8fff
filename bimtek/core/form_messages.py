"""WTForms' and Flask-WTF's built-in messages in Bahasa Indonesia.

WTForms ships no Indonesian catalog, so a validator without its own message (Length(max=200), a date that
does not parse, an integer field given "2,5") would answer in English inside an Indonesian form. Flask-WTF
looks for the request's translations in `request.wtforms_translations`; init_app fills it before every
request with these texts (Indonesian) or WTForms' own (any other locale).
"""
from flask import request
from flask_babel import get_locale

INDONESIAN = {
    "Invalid field name '%s'.": "Nama kolom '%s' tidak valid.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be at least %(min)d character long.": "Minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Panjang isian antara %(min)d dan %(max)d karakter.",
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Tanggal harus antara %(min)s dan %(max)s.",
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak valid.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Invalid IP address.": "Alamat IP tidak valid.",
    "Invalid Mac address.": "Alamat MAC tidak valid.",
    "Invalid URL.": "Tautan tidak valid.",
    "Invalid UUID.": "UUID tidak valid.",
    "Invalid value, must be one of: %(values)s.": "Nilai tidak valid; pilih salah satu: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Nilai tidak valid; tidak boleh: %(values)s.",
    "This field cannot be edited.": "Isian ini tidak dapat diubah.",
    "This field is disabled and cannot have a value.": "Isian ini dinonaktifkan dan tidak boleh diisi.",
    "Invalid CSRF Token.": "Token formulir (CSRF) tidak valid. Muat ulang halaman lalu kirim lagi.",
    "CSRF token missing.": "Token formulir (CSRF) tidak ada. Muat ulang halaman lalu kirim lagi.",
    "CSRF failed.": "Pemeriksaan formulir (CSRF) gagal. Muat ulang halaman lalu kirim lagi.",
    "CSRF token expired.": "Token formulir (CSRF) kedaluwarsa. Muat ulang halaman lalu kirim lagi.",
    "The CSRF token is missing.": "Token formulir (CSRF) tidak ada. Muat ulang halaman lalu kirim lagi.",
    "The CSRF token is invalid.": "Token formulir (CSRF) tidak valid. Muat ulang halaman lalu kirim lagi.",
    "The CSRF token has expired.": "Token formulir (CSRF) kedaluwarsa. Muat ulang halaman lalu kirim lagi.",
    "The CSRF tokens do not match.": "Token formulir (CSRF) tidak cocok. Muat ulang halaman lalu kirim lagi.",
    "The CSRF session token is missing.": "Sesi formulir berakhir. Muat ulang halaman lalu kirim lagi.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Choices cannot be None.": "Pilihan belum tersedia.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Satu atau lebih pilihan tidak valid.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang valid.",
    "Not a valid datetime value.": "Tanggal dan jam tidak valid.",
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid time value.": "Jam tidak valid.",
    "Not a valid week value.": "Minggu tidak valid.",
    "Not a valid integer value.": "Harus bilangan bulat, mis. 3.",
    "Not a valid decimal value.": "Harus berupa angka, mis. 75 atau 87.5.",
    "Not a valid float value.": "Harus berupa angka, mis. 75 atau 87.5.",
    "File does not have an approved extension: {extensions}":
        "Jenis berkas tidak diizinkan; pilih berkas {extensions}.",
    "File does not have an approved extension.": "Jenis berkas tidak diizinkan.",
    "File must be between {min_size} and {max_size} bytes.":
        "Ukuran berkas harus antara {min_size} dan {max_size} bita.",
}


class IndonesianFormMessages:
    """The translations object Flask-WTF asks for (ugettext/ungettext)."""

    def ugettext(self, string):
        return INDONESIAN.get(string, string)

    def ungettext(self, singular, plural, n):
        return INDONESIAN.get(singular, singular if n == 1 else plural)

    gettext, ngettext = ugettext, ungettext


def init_app(app):
    """Use the Indonesian texts whenever the request's locale is Indonesian."""
    @app.before_request
    def _indonesian_form_messages():
        if str(get_locale() or "id")[:2] == "id":
            request.wtforms_translations = IndonesianFormMessages()
