"""Password strength rules (pure): a minimum length plus zxcvbn's estimate, explained in Indonesian.

zxcvbn (Dropbox's estimator) recognises dictionary words, names, dates, keyboard patterns and the user's
own name and e-mail, which length rules alone miss ("Perpustakaan1!" passes a length rule but not this).
"""
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200  # longer inputs are refused before the estimator sees them (its cost grows with length)
MIN_SCORE = 3  # zxcvbn 0–4; 3 = "safely unguessable: moderate protection from offline slow-hash attacks"

_WARNINGS = {
    "Straight rows of keys are easy to guess": "Deretan tombol keyboard mudah ditebak.",
    "Short keyboard patterns are easy to guess": "Pola keyboard pendek mudah ditebak.",
    'Repeats like "aaa" are easy to guess': 'Pengulangan seperti "aaa" mudah ditebak.',
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc"':
        'Pengulangan seperti "abcabc" hampir semudah "abc" untuk ditebak.',
    "Sequences like abc or 6543 are easy to guess": "Urutan seperti abc atau 6543 mudah ditebak.",
    "Recent years are easy to guess": "Tahun-tahun terakhir mudah ditebak.",
    "Dates are often easy to guess": "Tanggal mudah ditebak.",
    "This is a top-10 common password": "Ini salah satu kata sandi paling umum.",
    "This is a top-100 common password": "Ini salah satu kata sandi paling umum.",
    "This is a very common password": "Ini kata sandi yang sangat umum.",
    "This is similar to a commonly used password": "Kata sandi ini mirip kata sandi yang umum dipakai.",
    "A word by itself is easy to guess": "Satu kata saja mudah ditebak.",
    "Names and surnames by themselves are easy to guess": "Nama orang saja mudah ditebak.",
    "Common names and surnames are easy to guess": "Nama yang umum mudah ditebak.",
}


def password_problems(password, user_inputs=()):
    """Indonesian reasons why `password` is too weak (empty list: acceptable)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return [f"Kata sandi minimal {MIN_LENGTH} karakter."]
    if len(password) > MAX_LENGTH:
        return [f"Kata sandi maksimal {MAX_LENGTH} karakter."]
    inputs = [part for value in user_inputs for part in _words(value)]
    result = zxcvbn(password, user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return []
    problems = ["Kata sandi terlalu mudah ditebak."]
    warning = result["feedback"].get("warning") or ""
    if warning:
        problems.append(_WARNINGS.get(warning, "Hindari kata, nama, tanggal, atau pola yang umum."))
    problems.append("Pakai beberapa kata acak yang tidak berhubungan, mis. 'kopi jendela merah sungai', "
                    "dan jangan memakai nama atau email Anda.")
    return problems


def _words(value):
    text = str(value or "").lower().replace("@", " ").replace(".", " ")
    return [word for word in text.split() if len(word) >= 3]
