"""Per-participant shuffle: deterministic for one seed, different across participants, a permutation."""
from bimtek.evaluation import shuffling


def test_same_seed_same_order_and_input_untouched():
    items = list(range(20))
    first = shuffling.shuffled(items, "a")
    assert first == shuffling.shuffled(items, "a")
    assert sorted(first) == items and items == list(range(20))


def test_participants_get_different_orders():
    seeds = [shuffling.participant_seed(1, reg, "post") for reg in range(1, 11)]
    orders = {tuple(shuffling.shuffled(range(10), seed)) for seed in seeds}
    assert len(orders) > 5


def test_pre_and_post_orders_differ_for_one_participant():
    pre = shuffling.shuffled(range(10), shuffling.participant_seed(1, 7, "pre"))
    post = shuffling.shuffled(range(10), shuffling.participant_seed(1, 7, "post"))
    assert pre != post


def test_paper_shuffles_questions_and_options_as_original_indexes():
    questions = [(101, 4), (102, 2), (103, 5)]
    paper = shuffling.paper(questions, "seed")
    assert paper == shuffling.paper(questions, "seed")
    assert sorted(qid for qid, _ in paper) == [101, 102, 103]
    counts = dict(questions)
    for qid, options in paper:
        assert sorted(options) == list(range(counts[qid]))
