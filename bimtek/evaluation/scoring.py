"""Test scores, class averages, N-gain and item analysis. Pure.

N-gain follows Hake: g = (post − pre) / (100 − pre) on 0–100 scores. A participant who scored 100 on the
pre-test has no room to gain, so their g is undefined (None), never a division by zero. The class g is computed
from the class averages of the participants who did both tests (Hake's ⟨g⟩).
"""
from dataclasses import dataclass

from bimtek.core.messages import N_, Message

HIGH, MEDIUM, LOW = N_("tinggi"), N_("sedang"), N_("rendah")
UNDEFINED_TEXT = N_("tidak terdefinisi (nilai pre-test 100)")
HIGH_FROM, MEDIUM_FROM = 0.7, 0.3


@dataclass(frozen=True)
class Score:
    correct: int
    total: int

    @property
    def value(self):
        """0–100, two decimals; an empty bank scores 0."""
        return round(100 * self.correct / self.total, 2) if self.total else 0.0


def score(keys, answers):
    """Score of {question id: chosen original option index} against {question id: correct index}.

    Unanswered and unknown questions count as wrong; answers to questions not in `keys` are ignored.
    """
    correct = sum(1 for qid, right in keys.items() if answers.get(qid) == right)
    return Score(correct, len(keys))


def n_gain(pre, post):
    """(post − pre) / (100 − pre), rounded to 2 decimals; None when pre is 100 (no room to gain) or missing."""
    if pre is None or post is None or pre >= 100:
        return None
    return round((post - pre) / (100 - pre), 2)


def gain_category(gain):
    """'tinggi' (g ≥ 0.7), 'sedang' (0.3 ≤ g < 0.7), 'rendah' (g < 0.3) or None for an undefined gain."""
    if gain is None:
        return None
    if gain >= HIGH_FROM:
        return HIGH
    return MEDIUM if gain >= MEDIUM_FROM else LOW


def gain_text(gain):
    """'0,45 (sedang)' or the undefined sentence, for pages and reports (a Message: pages show it |tr)."""
    if gain is None:
        return Message(UNDEFINED_TEXT)
    return Message(N_("%(gain)s (%(category)s)"), gain=f"{gain:.2f}".replace(".", ","),
                   category=Message(gain_category(gain)))


def average(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None


@dataclass(frozen=True)
class ClassSummary:
    pre_average: float | None
    post_average: float | None
    pre_count: int
    post_count: int
    paired_count: int
    gain: float | None
    categories: dict

    @property
    def category(self):
        return gain_category(self.gain)


def class_summary(pairs):
    """Summary of [(pre score or None, post score or None)] per participant.

    Averages use everyone who did that test; the class N-gain uses only participants with both scores.
    `categories` counts participants per category (and 'tidak terdefinisi').
    """
    pres = [p for p, _ in pairs if p is not None]
    posts = [q for _, q in pairs if q is not None]
    paired = [(p, q) for p, q in pairs if p is not None and q is not None]
    categories = {HIGH: 0, MEDIUM: 0, LOW: 0, "tidak terdefinisi": 0}
    for p, q in paired:
        categories[gain_category(n_gain(p, q)) or "tidak terdefinisi"] += 1
    gain = n_gain(average([p for p, _ in paired]), average([q for _, q in paired])) if paired else None
    return ClassSummary(average(pres), average(posts), len(pres), len(posts), len(paired), gain, categories)


def item_analysis(question_ids, keys, pre_sets, post_sets):
    """[(question id, % correct in pre-test or None, % correct in post-test or None)] in bank order.

    `pre_sets`/`post_sets` are lists of {question id: chosen index}, one per submitted attempt.
    """
    def share(sets, qid):
        if not sets:
            return None
        return round(100 * sum(1 for answers in sets if answers.get(qid) == keys[qid]) / len(sets), 1)

    return [(qid, share(pre_sets, qid), share(post_sets, qid)) for qid in question_ids]


def item_analysis_from_counts(question_ids, pre_correct, pre_count, post_correct, post_count):
    """item_analysis from counts: {question id: right answers} and the number of attempts, per test (what a
    database GROUP BY gives, instead of every answer of thousands of attempts)."""
    def share(correct, count, qid):
        return round(100 * correct.get(qid, 0) / count, 1) if count else None

    return [(qid, share(pre_correct, pre_count, qid), share(post_correct, post_count, qid)) for qid in question_ids]
