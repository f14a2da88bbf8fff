"""Ready-made announcement texts (pure). Placeholders are filled per training when the form opens;
{nama} and {nomor} stay and are filled per recipient when the message is sent."""
import re

PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]{0,40})\s*\}")
PERSONAL = ("nama", "nomor")

PRESETS = {
    "tautan": ("Perubahan tautan rapat — {pelatihan}",
               "Yth. {nama},\n\nTautan rapat daring pelatihan {pelatihan} berubah. Gunakan tautan baru ini:\n"
               "{tautan_rapat}\n\nSaat bergabung, tulis nama tampilan \"{nomor} {nama}\" agar kehadiran tercatat.\n"),
    "rtl": ("Pengingat mengisi RTL — {pelatihan}",
            "Yth. {nama},\n\nMohon segera mengisi Rencana Tindak Lanjut (RTL) pelatihan {pelatihan} di halaman "
            "peserta:\n{portal}\n\nRTL yang disetujui diperlukan untuk sertifikat.\n"),
    "evaluasi": ("Evaluasi pelatihan dibuka — {pelatihan}",
                 "Yth. {nama},\n\nEvaluasi pelatihan {pelatihan} sudah dibuka. Mohon isi melalui halaman peserta:\n"
                 "{portal}\n\nTerima kasih atas masukan Anda.\n"),
    "sertifikat": ("Sertifikat tersedia — {pelatihan}",
                   "Yth. {nama},\n\nSertifikat pelatihan {pelatihan} sudah dapat diunduh di halaman peserta:\n"
                   "{portal}\n\nNomor registrasi Anda: {nomor}.\n"),
}
PRESET_LABELS = (("tautan", "Perubahan tautan rapat"), ("rtl", "Pengingat mengisi RTL"),
                 ("evaluasi", "Evaluasi dibuka"), ("sertifikat", "Sertifikat tersedia"))


def preset(key, training_name, meeting_url, portal_url):
    """(subject, body) of a ready template for this training, or None for an unknown key."""
    if key not in PRESETS:
        return None
    values = {"pelatihan": training_name, "tautan_rapat": meeting_url or "(tautan rapat)", "portal": portal_url}
    subject, body = PRESETS[key]
    return safe_format(subject, values), safe_format(body, values)


def personalise(text, name, number):
    """Fill {nama} and {nomor} for one recipient; any other brace text is left untouched."""
    return safe_format(text, {"nama": name, "nomor": number})


def safe_format(text, values):
    """Replace {name} (any case, spaces inside the braces allowed) for the known names only; everything else,
    stray or doubled braces included, stays exactly as typed. Never raises."""
    def fill(match):
        key = match.group(1).lower()
        return str(values[key]) if key in values else match.group(0)

    return PLACEHOLDER.sub(fill, str(text))


def group_text(text, name, number_words):
    """The message for a WhatsApp group: {nama}/{nomor} become neutral words, shown once in brackets whether or
    not the author already put the placeholder in brackets ("Yth. {nama} ({nomor})" → "… (nomor registrasi …)")."""
    bracketed = re.sub(r"\(\s*(" + PLACEHOLDER.pattern + r")\s*\)",
                       lambda m: m.group(1) if m.group(2).lower() == "nomor" else m.group(0), str(text))
    return safe_format(bracketed, {"nama": name, "nomor": f"({number_words})"})


def unknown_placeholders(text, known=PERSONAL):
    """The {words} in the text that are not placeholders we fill, each once, in order ('{nmaa}')."""
    found = []
    for match in PLACEHOLDER.finditer(str(text)):
        if match.group(1).lower() not in known and match.group(0) not in found:
            found.append(match.group(0))
    return found
