"""Small pure helpers for the activity report: instansi type, counts, durations, number formats."""
from bimtek.action_plans.charts import count_by

INSTANSI_TYPES = (
    ("Dinas/OPD", ("dinas", "dpk", "dkpus", "dispusip", "badan", "kantor", "opd", "pemerintah")),
    ("Perpustakaan desa/kelurahan", ("desa", "kelurahan", "nagari", "gampong")),
    ("Taman Bacaan Masyarakat", ("tbm", "taman bacaan", "rumah baca", "pojok baca")),
    ("Sekolah/Perguruan tinggi", ("sekolah", "sd ", "smp", "sma", "smk", "madrasah", "universitas", "institut",
                                  "politeknik", "stie", "stkip", "kampus")),
)
OTHER = "Lainnya"


def instansi_type(name):
    """A coarse type of an instansi from its name (the report groups participants by it)."""
    text = f" {(name or '').casefold()} "
    for label, keys in INSTANSI_TYPES:
        if any(key in text for key in keys):
            return label
    return OTHER


def counts(values, order=()):
    """[(value, count)]: values of `order` first, then by count and name (as the app's charts)."""
    return count_by(values, order)


GENDER_LABELS = {"L": "Laki-laki", "P": "Perempuan"}


def duration_text(seconds):
    """'2 jam 5 menit', '45 menit' or '–' for nothing."""
    if not seconds:
        return "–"
    minutes = int(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} jam {minutes} menit" if hours else f"{minutes} menit"


def decimal(value, digits=2):
    """Indonesian decimal comma: 12,5; '–' for None."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(",.").replace(".", ",") if digits else str(round(value))
