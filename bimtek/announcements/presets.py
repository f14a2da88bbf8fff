"""Ready-made announcement texts (pure). Placeholders are filled per training when the form opens;
{nama} and {nomor} stay and are filled per recipient when the message is sent."""
from string import Formatter

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
    """str.format for known names only; never raises on user-typed braces."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return text
    out = []
    for literal, name, _spec, _conversion in parts:
        out.append(literal)
        if name is not None:
            out.append(str(values[name]) if name in values else "{" + name + "}")
    return "".join(out)
