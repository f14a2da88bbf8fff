"""The registrants' name keys computed as columns equal `normalize_name` / `ordered_tokens` name by name."""

import random

from hypothesis import given, settings, strategies as st

from bimtek.attendance import name_columns, name_rules, names
from bimtek.attendance.engine import _prepared_index
from bimtek.attendance.matching import Registration, RegistrationIndex
from bimtek.attendance.name_columns import normalized_names, ordered_name_tokens

PIECES = ["Budi", "Siti", "Nur", "Rahayu", "Santoso", "McDonald", "SitiNur", "Dr.", "Drs. ", "Hj.", "H.", "Ir",
          ", S.Pd.", ", M.Si", "S.Pd.I", "A.Md.Kep", "s.kom", "Prof.", "iPhone", "Samsung", "HP", "laptop", "'s ",
          "’s ", "`s", "SPP2020-0001", "0012_", "12a", "a1b", "(Budi)", "[x]", "((y))", "Tamu 1", "/", ";", "|", "-",
          "_", ",", ", ", ".", "..", " ", "  ", "\t", "\x1c", "\x1f", "\xa0", "é", "É", "Sití", "Ñoño", "ΣΟΦΙΑ",
          "İ", "Ǆ", "\u0301", "ß", "ﬁ", "٣", "\u200b", "Budi Santoso TBM", "Rahayu, Siti", "O'Neil", "d'Arc"]
CHARS = list("abcxyzABCXYZ .,_-'’`()[]{}0129/;|&:!?#@\"\\~^*+=<>$%") + ["é", "\xa0", "\x1c", "\x7f", "\x00", "Σ", "ı"]


def _random_names(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        if rng.random() < 0.6:
            out.append("".join(rng.choice(PIECES) + rng.choice(["", " ", "", ", "]) for _ in range(rng.randint(0, 6))))
        else:
            out.append("".join(rng.choice(CHARS) for _ in range(rng.randint(0, 16))))
    return out


def _normalized_both_ways(texts):
    """normalized_names(texts), checked equal with the keys joined natively (each from nothing remembered)."""
    names.clear_caches()
    natively = normalized_names(texts, beside_other_work=True)
    names.clear_caches()
    keys = normalized_names(texts)
    assert natively == keys
    return keys


def _expected(texts):
    names.clear_caches()
    name_rules.clear_caches()
    expected = ([names.normalize_name(text) for text in texts],
                [name_rules.ordered_tokens(text, names.is_dropped) for text in texts])
    names.clear_caches()  # else `normalized_names` would answer from what `normalize_name` remembered
    name_rules.clear_caches()
    return expected


def test_columns_equal_the_functions_on_random_names():
    texts = _random_names(15, 6000)
    keys, tokens = _expected(texts)
    assert _normalized_both_ways(texts) == keys
    assert ordered_name_tokens(texts) == tokens
    assert sum(bool(key) for key in keys) > 3000 and sum(len(t) > 1 for t in tokens) > 1000  # not all empty


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES + CHARS), max_size=12).map("".join), min_size=1, max_size=8))
def test_columns_equal_the_functions(texts):
    keys, tokens = _expected(texts)
    assert _normalized_both_ways(texts) == keys
    assert ordered_name_tokens(texts) == tokens


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_columns_equal_the_functions_on_any_text(texts):
    keys, tokens = _expected(texts)
    assert _normalized_both_ways(texts) == keys
    assert ordered_name_tokens(texts) == tokens


def test_empty_list():
    assert normalized_names([]) == [] and ordered_name_tokens([]) == []


def test_prepared_index_equals_the_index_built_name_by_name():
    texts = _random_names(3, 800)
    regs = [Registration(f"R{i}", text or "x", f"r{i}@contoh.go.id") for i, text in enumerate(texts)]
    fast = _prepared_index(lambda: regs)
    names.clear_caches()  # the index name by name computes every key again
    name_rules.clear_caches()
    slow = RegistrationIndex(regs)
    assert fast.by_name == slow.by_name and fast.choices == slow.choices
    for name in ("tokens", "by_joined", "numbers", "by_sorted", "by_ends", "by_tokens"):
        assert getattr(fast.rules, name) == getattr(slow.rules, name), name
    assert fast.rules.by_token.keys() == slow.rules.by_token.keys()
    assert all((fast.rules.by_token[t] == slow.rules.by_token[t]).all() for t in slow.rules.by_token)


def test_remembered_names_are_not_computed_again(monkeypatch):
    names.clear_caches()
    assert normalized_names(["Budi Santoso", "Siti"]) == ["budi santoso", "siti"]
    computed = []
    monkeypatch.setattr(name_columns, "_normalized", lambda texts, _: computed.extend(texts) or ["x"] * len(texts))
    assert normalized_names(["Siti", "Rina", "Budi Santoso"]) == ["siti", "x", "budi santoso"]
    assert computed == ["Rina"]


def test_no_word_left():
    texts = ["", " ", "Dr.", "iPhone", "0012_", ", S.Pd.", "Budi"]
    keys, _ = _expected(texts)
    assert _normalized_both_ways(texts) == keys == ["", "", "", "", "", "", "budi"]
    names.clear_caches()
    assert normalized_names(["Dr.", "  "]) == ["", ""]


def test_surname_first_with_a_comma():
    texts = ["Rahayu, Siti Nur", "Rahayu , Siti", ", Rahayu, Siti", "Dr., Rahayu, Siti", "Rahayu, Siti, S.Pd.",
             "Siti Rahayu, Nur", "Rahayu,", "Rahayu, Siti, Nur", "Rahayu,,Siti", "0012, Rahayu Siti",
             "Rahayu-Nur, Siti"]
    _, tokens = _expected(texts)
    assert ordered_name_tokens(texts) == tokens
    assert tokens[:5] == [("siti", "nur", "rahayu"), ("siti", "rahayu"), ("siti", "rahayu"), ("siti", "rahayu"),
                          ("siti", "rahayu")]
