"""Indonesian phone numbers in E.164 (+62…) and WhatsApp click-to-chat links (pure).

Accepted spellings: 0812-3456-7890, 0812 3456 7890, (0812) 3456.7890, +62 812-3456-7890, +62 (0)812…,
62812…, 0062812…, 812… (a spreadsheet dropped the zero), and landlines with their area code such as
021 555 1234 or (0274) 123456. Mobile numbers start with 8 after the country code.
"""
import re
import unicodedata
from urllib.parse import quote

from bimtek.core.errors import ValidationError
from bimtek.core.limits import quote as quote_value
from bimtek.core.messages import N_, Message

COUNTRY = "62"
MAX_CHARS = 40  # "+62 (0) 812-3456-7890 ext" and the like; anything longer is not a phone number
_SEPARATORS = re.compile(r"[\s.\-()/]")
_MOBILE = re.compile(r"8[1-9][0-9]{7,10}")       # 0812-345-678 … 0812-3456-78901
_LANDLINE = re.compile(r"[2-79][1-9][0-9]{6,9}")  # 021 123456 … 0778 1234 5678
MAX_MESSAGE_CHARS = 2000  # long prefilled texts make links some phones refuse to open


def national_digits(raw):
    """The number without country code or trunk zero ('81234567890'), or None when it is not one."""
    if isinstance(raw, float) and raw.is_integer():  # a spreadsheet cell read as a number: 81234567890.0
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw or ""))  # full-width digits and spaces of some keyboards
    if len(text) > MAX_CHARS:
        return None
    digits = _SEPARATORS.sub("", text).replace("+(0)", "+").replace("(0)", "")
    for prefix in ("+62", "0062", "62", "0"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
            break
    if digits.startswith("0"):  # "+62 0812…" written with the trunk zero
        digits = digits[1:]
    if not digits.isdigit():
        return None
    return digits if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits) else None


def to_e164(raw):
    """'+6281234567890' from any common spelling; ValidationError with an Indonesian message otherwise."""
    digits = national_digits(raw)
    if digits is None:
        raise ValidationError(Message(N_(
            "Nomor HP '%(value)s' tidak valid; isi nomor Indonesia, misalnya 081234567890, +62 812-3456-7890 "
            "atau 021 5551234."), value=quote_value(raw)), field="phone")
    return "+" + COUNTRY + digits


def e164_or_raw(raw):
    """Best effort for stored values written before numbers were normalised (exports, links)."""
    digits = national_digits(raw)
    return "+" + COUNTRY + digits if digits else str(raw or "")


def is_mobile(e164):
    """True for a mobile number (+628…): the ones WhatsApp can reach."""
    return str(e164 or "").startswith("+628")


def wa_link(e164, message):
    """https://wa.me/<digits>?text=<percent-encoded message>; None when the number is not a mobile one."""
    number = e164_or_raw(e164)
    if not is_mobile(number):
        return None
    return f"https://wa.me/{number[1:]}?text={quote(message[:MAX_MESSAGE_CHARS], safe='')}"


def share_link(message):
    """https://wa.me/?text=… : WhatsApp asks whom to send it to (sharing a training page)."""
    return f"https://wa.me/?text={quote(message[:MAX_MESSAGE_CHARS], safe='')}"
