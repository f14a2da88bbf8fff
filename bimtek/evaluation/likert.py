"""Evaluasi penyelenggaraan and evaluasi narasumber: the default questionnaire and its statistics. Pure.

Answers are anonymous: statistics take bare values, never who gave them.
"""
from dataclasses import dataclass

LIKERT, OPEN = "likert", "open"
SCALES = (4, 5)
SCALE_LABELS = {
    4: ("Sangat tidak setuju", "Tidak setuju", "Setuju", "Sangat setuju"),
    5: ("Sangat tidak setuju", "Tidak setuju", "Netral", "Setuju", "Sangat setuju"),
}
MAX_OPEN_CHARS = 2_000
MIN_RESPONDENTS = 3  # below this, a recap could reveal one person's answers

MATERI, NARASUMBER, WAKTU, SARANA, PANITIA, SARAN = (
    "Materi", "Narasumber", "Waktu", "Sarana daring", "Panitia", "Saran")
SECTIONS = (MATERI, NARASUMBER, WAKTU, SARANA, PANITIA, SARAN)

GENERAL = (
    (MATERI, LIKERT, "Materi pelatihan sesuai dengan kebutuhan tugas saya."),
    (MATERI, LIKERT, "Materi tersusun runtut dan mudah dipahami."),
    (WAKTU, LIKERT, "Alokasi waktu pelatihan memadai untuk materi yang disampaikan."),
    (WAKTU, LIKERT, "Sesi dimulai dan diakhiri tepat waktu."),
    (SARANA, LIKERT, "Kualitas audio dan video rapat daring baik."),
    (SARANA, LIKERT, "Bahan tayang dan materi unduhan mudah diakses."),
    (PANITIA, LIKERT, "Panitia memberikan informasi yang jelas dan tepat waktu."),
    (PANITIA, LIKERT, "Panitia tanggap terhadap pertanyaan dan kendala peserta."),
)
PER_SPEAKER = (
    "Narasumber menguasai materi.",
    "Narasumber menyampaikan materi dengan jelas.",
    "Narasumber memberi kesempatan bertanya dan menjawab dengan baik.",
)
OPEN_QUESTIONS = (
    "Apa yang paling bermanfaat dari pelatihan ini?",
    "Saran untuk perbaikan penyelenggaraan berikutnya.",
)


@dataclass(frozen=True)
class QuestionSpec:
    section: str
    kind: str
    text: str
    materi_position: int | None = None  # the materi a narasumber question is about
    speaker: str = ""


def default_questions(materi):
    """The default set for [(position, title, trainer)]: general items, three per speaker per materi, open ones."""
    specs = [QuestionSpec(section, kind, text) for section, kind, text in GENERAL]
    for position, title, trainer in materi:
        if not trainer:
            continue
        for text in PER_SPEAKER:
            specs.append(QuestionSpec(NARASUMBER, LIKERT, f"{text} — {title}", position, trainer))
    specs.extend(QuestionSpec(SARAN, OPEN, text) for text in OPEN_QUESTIONS)
    return specs


def parse_value(raw, scale):
    """An int 1..scale from form text, else None (empty or out of range is 'not answered')."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= scale else None


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    distribution: tuple  # counts of 1..scale

    @property
    def mean_text(self):
        return "–" if self.mean is None else f"{self.mean:.2f}".replace(".", ",")


def summarize(values, scale):
    """Count, mean (2 decimals) and distribution of Likert values (out-of-range ones are ignored)."""
    values = [v for v in values if isinstance(v, int) and 1 <= v <= scale]
    distribution = tuple(sum(1 for v in values if v == point) for point in range(1, scale + 1))
    mean = round(sum(values) / len(values), 2) if values else None
    return Summary(len(values), mean, distribution)


def speaker_means(rows):
    """[(speaker, mean of all their items, answer count)] from [(speaker, value)], by speaker name."""
    by_speaker = {}
    for speaker, value in rows:
        by_speaker.setdefault(speaker, []).append(value)
    return [(name, round(sum(v) / len(v), 2), len(v)) for name, v in sorted(by_speaker.items())]


def means_from_distributions(items, ordered=False):
    """speaker_means from [(name, distribution of 1..scale)] without one value per answer: [(name, mean, answer
    count)] by name, or in first-seen order when `ordered`; names without answers are left out."""
    totals = {}
    for name, distribution in items:
        points, count = totals.get(name, (0, 0))
        totals[name] = (points + sum(point * n for point, n in enumerate(distribution, start=1)),
                        count + sum(distribution))
    rows = [(name, round(points / count, 2), count) for name, (points, count) in totals.items() if count]
    return rows if ordered else sorted(rows)
