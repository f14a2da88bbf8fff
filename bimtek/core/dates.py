"""Indonesian (and English) date/time formatting and timezone conversion. Pure.

Built-in month/day tables so nothing depends on OS locales or CLDR version quirks
("Agt"/"Agu"). Times use a period ("09.00") and the Indonesian zone label (WIB/WITA/WIT).
"""
import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bimtek.core.errors import ValidationError

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
DAYS = {  # Monday first, as date.weekday()
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# Keppres 41/1987: the three Indonesian zones. Any other IANA zone falls back to its UTC offset.
ZONE_LABELS = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}
INDONESIAN_ZONES = (
    ("Asia/Jakarta", "WIB (UTC+7) — Sumatra, Jawa, Kalbar, Kalteng"),
    ("Asia/Pontianak", "WIB (UTC+7) — Pontianak"),
    ("Asia/Makassar", "WITA (UTC+8) — Bali, Nusa Tenggara, Kalsel, Kaltim, Sulawesi"),
    ("Asia/Jayapura", "WIT (UTC+9) — Maluku, Papua"),
)
EN_DASH = "\u2013"


def get_zone(tz_name):
    """Return the ZoneInfo for an IANA name or raise ValidationError in Indonesian."""
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(f"Zona waktu '{tz_name}' tidak dikenal.", field="timezone") from None


def zone_label(tz_name, at=None):
    """WIB/WITA/WIT for Indonesian zones, otherwise 'UTC+h' at the given instant."""
    if tz_name in ZONE_LABELS:
        return ZONE_LABELS[tz_name]
    at = at or datetime.now(timezone.utc)
    offset = at.astimezone(get_zone(tz_name)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def to_local(instant, tz_name):
    """Convert an aware UTC instant to the training's zone."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime; expected aware UTC")
    return instant.astimezone(get_zone(tz_name))


def local_to_utc(day, clock, tz_name):
    """Combine a local date and time in `tz_name` into an aware UTC instant."""
    return datetime.combine(day, clock, tzinfo=get_zone(tz_name)).astimezone(timezone.utc)


def format_date(d, locale="id", weekday=False):
    """'21 Juli 2020' or with weekday 'Selasa, 21 Juli 2020'."""
    if isinstance(d, datetime):
        d = d.date()
    text = f"{d.day} {MONTHS[_lang(locale)][d.month - 1]} {d.year}"
    return f"{DAYS[_lang(locale)][d.weekday()]}, {text}" if weekday else text


def format_date_range(start, end, locale="id"):
    """'21–23 Juli 2020', '30 Juli–1 Agustus 2020', '30 Desember 2020–2 Januari 2021'."""
    months = MONTHS[_lang(locale)]
    if end < start:
        start, end = end, start
    if start == end:
        return format_date(start, locale)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{EN_DASH}{end.day} {months[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {months[start.month - 1]}{EN_DASH}{end.day} {months[end.month - 1]} {end.year}"
    return f"{format_date(start, locale)}{EN_DASH}{format_date(end, locale)}"


def relocalize(text, locale="id"):
    """Indonesian date text frozen earlier (a certificate's '21–23 Juli 2020', 'Pangkalpinang, 23 Juli 2020')
    with its month and day names in `locale`: the numbers and the rest stay exactly as stored."""
    if _lang(locale) == "id" or not text:
        return text or ""
    names = dict(zip(MONTHS["id"] + DAYS["id"], MONTHS["en"] + DAYS["en"]))
    return _NAME_WORDS.sub(lambda match: names[match.group(0)], text)


_NAME_WORDS = re.compile(r"\b(" + "|".join(MONTHS["id"] + DAYS["id"]) + r")\b")


def format_time(instant, tz_name, with_zone=True):
    """'09.00 WIB' for an aware instant shown in the training's zone."""
    local = to_local(instant, tz_name)
    text = f"{local.hour:02d}.{local.minute:02d}"
    return f"{text} {zone_label(tz_name, instant)}" if with_zone else text


def format_time_range(start, end, tz_name):
    """'08.00–12.00 WIB'."""
    return f"{format_time(start, tz_name, False)}{EN_DASH}{format_time(end, tz_name)}"


def format_datetime(instant, tz_name, locale="id"):
    """'Selasa, 21 Juli 2020 pukul 09.00 WIB'."""
    local = to_local(instant, tz_name)
    word = "pukul" if _lang(locale) == "id" else "at"
    return f"{format_date(local.date(), locale, weekday=True)} {word} {format_time(instant, tz_name)}"


def place_date_line(place, d, locale="id"):
    """The signature line: 'Pangkalpinang, 23 Juli 2020'."""
    return f"{place}, {format_date(d, locale)}" if place else format_date(d, locale)


def roman_month(month):
    """7 → 'VII' (for letter and certificate numbers)."""
    return ROMAN_MONTHS[month - 1]


def parse_local_date(text):
    """Parse 'YYYY-MM-DD' (HTML date input) or raise ValidationError in Indonesian."""
    try:
        return date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise ValidationError(f"Tanggal '{text}' tidak valid; gunakan format TTTT-BB-HH.") from None


def parse_local_time(text):
    """Parse '08:00', '08.00' or '8.00' or raise ValidationError in Indonesian."""
    try:
        hour, minute = str(text).strip().replace(".", ":").split(":")[:2]
        return time(int(hour), int(minute))
    except (ValueError, TypeError):
        raise ValidationError(f"Jam '{text}' tidak valid; gunakan format JJ.MM, misalnya 08.00.") from None


def _lang(locale):
    return "en" if str(locale or "id").lower().startswith("en") else "id"
