"""Per-participant order of questions and options, the same every time the participant opens the test. Pure.

The order comes from a seed string (training, registration, test kind), hashed with SHA-256 into a private
random.Random, so neighbours in a Zoom room see different orders while one participant's page never reshuffles
between reloads, devices or the autosave round trip.
"""
import hashlib
import random


def _rng(seed):
    seed_bytes = hashlib.sha256(seed.encode("utf-8")).digest()[:8]
    return random.Random(int.from_bytes(seed_bytes, "big"))  # nosec B311  # a stable order per participant, not a secret


def shuffled(items, seed):
    """A new list with `items` in the seed's order (the input is not changed)."""
    out = list(items)
    _rng(seed).shuffle(out)
    return out


def participant_seed(training_id, registration_id, kind):
    return f"bimtek-test:{training_id}:{registration_id}:{kind}"


def paper(questions, seed):
    """[(question id, [original option index in display order])] for [(question id, option count)]."""
    ordered = shuffled(questions, seed)
    return [(qid, shuffled(range(count), f"{seed}:{qid}")) for qid, count in ordered]
