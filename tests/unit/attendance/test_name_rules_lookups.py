"""`NameRules`' lookups built in bulk equal the ones built registrant by registrant (numbers registered twice,
a token twice in one name, names without tokens included)."""

from hypothesis import given, settings, strategies as st

from bimtek.attendance.matching import Registration
from bimtek.attendance.name_rules import NameRules, ordered_tokens
from bimtek.attendance.names import is_dropped

WORD = st.sampled_from(["Budi", "Siti", "Nur", "Rahayu", "Santoso", "Dr.", "S.Pd.", "Sri", "iPhone", "123", ","])
REGISTRATION = st.builds(Registration, st.sampled_from([f"R-{n}" for n in range(6)]),
                         st.lists(WORD, max_size=5).map(" ".join))


def _reference(registrations):
    tokens, by_sorted, by_ends, by_tokens, by_joined, positions, by_token = {}, {}, {}, {}, {}, {}, {}
    for registration in registrations:
        found = ordered_tokens(registration.name, is_dropped)
        if not found:
            continue
        number = registration.number
        tokens[number] = found
        by_sorted.setdefault(tuple(sorted(found)), set()).add(number)
        by_ends.setdefault((found[0], found[-1]), set()).add(number)
        by_tokens.setdefault(found, set()).add(number)
        by_joined.setdefault("".join(found), set()).add(number)
        if len(found) > 2:
            by_joined.setdefault(found[0] + found[-1], set()).add(number)
        position = positions.setdefault(number, len(positions))
        for token in found:
            by_token.setdefault(token, set()).add(position)
    return tokens, by_sorted, by_ends, by_tokens, by_joined, list(positions), by_token


@settings(max_examples=300, deadline=None)
@given(st.lists(REGISTRATION, max_size=8))
def test_lookups_equal_the_registrant_by_registrant_ones(registrations):
    rules = NameRules(registrations, is_dropped)
    tokens, by_sorted, by_ends, by_tokens, by_joined, numbers, by_token = _reference(registrations)
    assert (rules.tokens, rules.by_sorted, rules.by_ends, rules.by_tokens, rules.by_joined, rules.numbers) == \
        (tokens, by_sorted, by_ends, by_tokens, by_joined, numbers)
    assert {token: sorted(found.tolist()) for token, found in rules.by_token.items()} == \
        {token: sorted(found) for token, found in by_token.items()}
