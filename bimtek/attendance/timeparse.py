"""Date-time and duration strings of meeting exports → aware UTC datetimes / seconds (pure).

The day/month order of numeric dates is decided once per file (`DateReader`), never per row.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo

UTC = timezone.utc
MISSING = frozenset({"", "--", "-", "na", "n/a", "null", "none"})

_NUMERIC = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:,?\s+|T)(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:[.,]\d+)?"
    r"\s*(?:([AaPp])\.?[Mm]\.?)?$"
)
_MONTHNAME = re.compile(
    r"^([^\W\d_]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?[Mm]\.?)?$"
)
_KOREAN = re.compile(r"^(\d{1,2})월\s*(\d{1,2}),\s*(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])[Mm])?$")
_TIME_ONLY = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?[Mm]\.?)?$")
_ISO_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "mär": 3, "mrz": 3, "apr": 4, "may": 5, "mei": 5, "mai": 5, "jun": 6,
    "jul": 7, "aug": 8, "agu": 8, "agt": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "nop": 11,
    "dec": 12, "des": 12, "dez": 12,
}
_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|jam|godz|std|stunden?|m|min|mins|minutes?|menit|"
    r"s|sec|secs|seconds?|sek|detik|dtk)\.?(?![a-z])",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"h": 3600, "j": 3600, "g": 3600, "s": 1, "d": 1, "m": 60}
_WITHIN_HOUR = [timedelta(seconds=second) for second in range(3600)]  # shared offsets from a whole hour
_UNSET = object()


class DateReader:
    """Parse one file's timestamps consistently; call with a string → aware UTC datetime or None."""

    def __init__(self, samples, tz: tzinfo, hint: date | None = None, *, base_date: date | None = None):
        self.tz = tz
        self.base_date = base_date
        self.warnings: list[str] = []
        self._cache: dict[str, datetime | None] = {}
        self._offsets: dict = {}
        self._hours: dict = {}
        self._matches = {text: _NUMERIC.match(text.strip()) for text in set(samples)}
        self.day_first = self._decide_order(hint)

    def __call__(self, text: str) -> datetime | None:
        try:
            return self._cache[text]
        except KeyError:
            value = self._parse(text)
            self._cache[text] = value
            return value

    def read_raw(self, text: str) -> datetime | None:
        """`self(text.strip())` for an unstripped cell: sample texts reuse the match made in __init__."""
        known = self._matches.get(text)
        return self._from_numeric(known) if known is not None else self(text.strip())

    def _parse(self, text: str) -> datetime | None:
        raw = text.strip()
        if raw.lower() in MISSING:
            return None
        known = self._matches.get(text)
        if known is not None:
            return self._from_numeric(known)
        for parse in (self._numeric, self._monthname, self._iso, self._time_only):
            value = parse(raw)
            if value is not None:
                return value
        raise ValueError(f"waktu tidak dikenali: {raw[:40]!r}")

    def _decide_order(self, hint: date | None) -> bool:
        firsts = [m for m in self._matches.values() if m and len(m.group(1)) < 4]
        if not firsts:
            return False
        if any(int(m.group(1)) > 12 for m in firsts):
            return True
        if any(int(m.group(2)) > 12 for m in firsts):
            return False
        return self._ambiguous_order(firsts, hint)

    def _ambiguous_order(self, matches, hint: date | None) -> bool:
        if hint is not None:
            day_first_hits = sum(_ymd(m, True) == hint for m in matches)
            month_first_hits = sum(_ymd(m, False) == hint for m in matches)
            if day_first_hits != month_first_hits:
                return day_first_hits > month_first_hits
        if any(m.group(7) for m in matches):
            return False
        dotted = any("." in m.group(0)[:6] for m in matches)
        if not dotted:
            self.warnings.append("urutan hari/bulan pada tanggal ambigu; dibaca sebagai bulan/hari (format AS)")
        return dotted

    def _localize(self, naive: datetime) -> datetime:
        offset = self._hour_offset(naive.replace(minute=0, second=0, microsecond=0))
        if offset is False:  # a DST change inside this hour: convert exactly
            return naive.replace(tzinfo=self.tz).astimezone(UTC)
        return naive.replace(tzinfo=UTC) - offset

    def _hour_offset(self, hour: datetime):
        """UTC offset valid for the whole local hour starting at naive `hour`, or False across a DST change."""
        offset = self._offsets.get(hour)
        if offset is None:
            first = hour.replace(tzinfo=self.tz).utcoffset()
            last = hour.replace(minute=59, second=59, tzinfo=self.tz).utcoffset()
            offset = self._offsets[hour] = first if first == last else False
        return offset

    def _numeric(self, raw: str) -> datetime | None:
        m = _NUMERIC.match(raw)
        return self._from_numeric(m) if m else None

    def _from_numeric(self, m) -> datetime:
        """Fast path: UTC start of the local hour (cached per date+hour text) plus minutes and seconds."""
        a, b, c, hour, minute, second, ampm = m.groups()
        key = (a, b, c, hour, ampm)
        base = self._hours.get(key, _UNSET)
        if base is _UNSET:
            base = self._hours[key] = self._hour_base(m)
        minutes, seconds = int(minute), int(second or 0)
        if base is None or minutes > 59 or seconds > 59:  # DST hour or out-of-range value: exact path (raises)
            return self._exact_numeric(m)
        return base + _WITHIN_HOUR[60 * minutes + seconds]

    def _hour_base(self, m) -> datetime | None:
        """Aware UTC instant of the whole local hour of a numeric match; None when DST changes within it."""
        y, mo, d = _ymd_parts(m, self.day_first)
        naive = datetime(y, mo, d, _hms(m.group(4), "0", None, m.group(7))[0])
        offset = self._hour_offset(naive)
        return None if offset is False else naive.replace(tzinfo=UTC) - offset

    def _exact_numeric(self, m) -> datetime:
        y, mo, d = _ymd_parts(m, self.day_first)
        return self._localize(datetime(y, mo, d, *_hms(m.group(4), m.group(5), m.group(6), m.group(7))))

    def _monthname(self, raw: str) -> datetime | None:
        m = _MONTHNAME.match(raw)
        if m:
            month = _MONTHS.get(m.group(1)[:3].lower())
            if month is None:
                return None
            day, year = int(m.group(2)), int(m.group(3))
        else:
            m = _KOREAN.match(raw)
            if not m:
                return None
            month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return self._localize(datetime(year, month, day, *_hms(m.group(4), m.group(5), m.group(6), m.group(7))))

    def _iso(self, raw: str) -> datetime | None:
        if not _ISO_ZONED.match(raw):
            return None
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)

    def _time_only(self, raw: str) -> datetime | None:
        m = _TIME_ONLY.match(raw)
        if not m or self.base_date is None:
            return None
        hms = _hms(m.group(1), m.group(2), m.group(3), m.group(4))
        return self._localize(datetime(self.base_date.year, self.base_date.month, self.base_date.day, *hms))


def _ymd_parts(m, day_first: bool) -> tuple[int, int, int]:
    a, b, c = m.group(1), int(m.group(2)), m.group(3)
    if len(a) == 4:
        return int(a), b, int(c)
    year = int(c) + 2000 if len(c) <= 2 else int(c)
    return (year, b, int(a)) if day_first else (year, int(a), b)


def _ymd(m, day_first: bool) -> date | None:
    try:
        return date(*_ymd_parts(m, day_first))
    except ValueError:
        return None


def _hms(hour: str, minute: str, second: str | None, ampm: str | None) -> tuple[int, int, int]:
    h = int(hour)
    if ampm:
        if h > 12 or h == 0:
            raise ValueError("jam AM/PM tidak valid")
        h = h % 12 + (12 if ampm in "Pp" else 0)
    return h, int(minute), int(second or 0)


def parse_duration(text: str) -> int | None:
    """Seconds in `1h 2m 0s`, `1 hr 5 min`, `2 godz. 19 min 19 s`, `01:02:03`, `46:10` or plain minutes."""
    raw = text.strip().lower()
    if raw in MISSING:
        return None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", raw):
        return round(float(raw.replace(",", ".")) * 60)
    if re.fullmatch(r"\d+:\d{2}(?::\d{2})?", raw):
        parts = [int(p) for p in raw.split(":")]
        return parts[0] * 3600 + parts[1] * 60 + parts[2] if len(parts) == 3 else parts[0] * 60 + parts[1]
    total, found = 0.0, False
    for number, unit in _DURATION_PART.findall(raw):
        total += float(number.replace(",", ".")) * _UNIT_SECONDS[_unit_key(unit.lower())]
        found = True
    return round(total) if found else None


def _unit_key(unit: str) -> str:
    if unit.startswith(("min", "men")) or unit == "m":
        return "m"
    if unit.startswith("std"):
        return "h"
    return unit[0]


def shift_past(join: datetime, leave: datetime) -> datetime:
    """Midnight wrap for time-of-day logs: a leave before the join is on the next day."""
    return leave + timedelta(days=1) if leave < join else leave
