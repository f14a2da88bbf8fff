"""Scores, N-gain (including pre = 100), categories, class summary and item analysis."""
import pytest

from bimtek.evaluation import scoring


def test_score_counts_right_answers_and_ignores_unknown_questions():
    keys = {1: 0, 2: 3, 3: 1, 4: 2}
    result = scoring.score(keys, {1: 0, 2: 3, 3: 0, 99: 1})
    assert (result.correct, result.total, result.value) == (2, 4, 50.0)


def test_empty_bank_scores_zero():
    assert scoring.score({}, {1: 0}).value == 0.0


def test_score_rounds_to_two_decimals():
    assert scoring.score({1: 0, 2: 0, 3: 0}, {1: 0}).value == 33.33


@pytest.mark.parametrize("pre, post, gain, category", [
    (40, 82, 0.7, "tinggi"),
    (40, 100, 1.0, "tinggi"),
    (50, 65, 0.3, "sedang"),
    (50, 84.9, 0.7, "tinggi"),  # 0.698 rounds to 0.70
    (50, 80, 0.6, "sedang"),
    (50, 60, 0.2, "rendah"),
    (60, 40, -0.5, "rendah"),  # a drop is a negative gain, still rendah
    (0, 0, 0.0, "rendah"),
])
def test_n_gain_and_category(pre, post, gain, category):
    assert scoring.n_gain(pre, post) == gain
    assert scoring.gain_category(scoring.n_gain(pre, post)) == category


def test_pre_test_of_100_has_no_gain_and_says_so():
    assert scoring.n_gain(100, 100) is None
    assert scoring.n_gain(100, 80) is None
    assert scoring.gain_category(None) is None
    assert scoring.gain_text(None) == "tidak terdefinisi (nilai pre-test 100)"
    assert scoring.gain_text(0.45) == "0,45 (sedang)"


def test_missing_test_has_no_gain():
    assert scoring.n_gain(None, 80) is None
    assert scoring.n_gain(50, None) is None


def test_class_summary_pairs_only_for_gain():
    summary = scoring.class_summary([(40, 80), (60, 90), (None, 70), (100, 100), (50, None)])
    assert summary.pre_average == 62.5  # 40, 60, 100, 50
    assert summary.post_average == 85.0  # 80, 90, 70, 100
    assert summary.paired_count == 3
    # class gain from the paired averages: pre 66.67, post 90 → (90 − 66.67) / 33.33
    assert summary.gain == 0.7 and summary.category == "tinggi"
    assert summary.categories == {"tinggi": 1, "sedang": 1, "rendah": 0, "tidak terdefinisi": 1}  # 0.67, 0.75


def test_class_summary_all_perfect_pre_is_undefined():
    summary = scoring.class_summary([(100, 100), (100, 90)])
    assert summary.gain is None and summary.category is None


def test_class_summary_empty():
    summary = scoring.class_summary([])
    assert (summary.pre_average, summary.post_average, summary.gain) == (None, None, None)


def test_item_analysis_share_correct_pre_vs_post():
    keys = {10: 1, 11: 0}
    pre = [{10: 1, 11: 2}, {10: 0, 11: 2}]
    post = [{10: 1, 11: 0}, {10: 1, 11: 2}, {10: 1}]
    assert scoring.item_analysis([10, 11], keys, pre, post) == [(10, 50.0, 100.0), (11, 0.0, 33.3)]
    assert scoring.item_analysis([10], keys, [], post)[0][1] is None


def test_item_analysis_from_counts_equals_the_per_attempt_one():
    keys = {10: 0, 11: 2, 12: 1}
    pre = [{10: 0, 11: 1}, {10: 1, 11: 2, 12: 1}, {}]
    post = [{10: 0, 11: 2, 12: 3}]

    def correct(sets):
        return {qid: sum(1 for answers in sets if answers.get(qid) == key) for qid, key in keys.items()}

    assert scoring.item_analysis_from_counts([10, 11, 12], correct(pre), len(pre), correct(post), len(post)) == \
        scoring.item_analysis([10, 11, 12], keys, pre, post)
    assert scoring.item_analysis_from_counts([10], {}, 0, {10: 1}, 3) == [(10, None, 33.3)]
