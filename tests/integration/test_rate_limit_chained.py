"""DatabaseStorage.hit_chained (sign-in mail budgets, one statement on PostgreSQL): the second counter counts only
while the first is within its limit, exactly as two FixedWindowRateLimiter hits one after the other."""
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from bimtek.core.ratelimit import DatabaseStorage


def test_chained_hits_match_two_hits_in_a_row(app, db):
    storage = DatabaseStorage("bimtek+db://", engine_factory=lambda: db.engine)
    reference = FixedWindowRateLimiter(storage)
    address, recipient = parse("3 per hour"), parse("2 per 15 minutes")
    results = [storage.hit_chained((address, "a", "10.0.0.1"), (recipient, "r", "siti")) for _ in range(5)]
    assert results == [True, True, False, False, False]
    # the address counted all five; the recipient stopped counting once the address's budget was spent
    assert storage.get(address.key_for("a", "10.0.0.1")) == 5
    assert storage.get(recipient.key_for("r", "siti")) == 3
    # same outcome through the library, step by step, on fresh keys
    steps = [reference.hit(address, "a", "10.0.0.2") and reference.hit(recipient, "r", "budi") for _ in range(5)]
    assert steps == results
    assert storage.get(recipient.key_for("r", "budi")) == 3
    # another recipient from a fresh address has its own budget
    assert storage.hit_chained((address, "a", "10.0.0.3"), (recipient, "r", "siti")) is False
    assert storage.hit_chained((address, "a", "10.0.0.4"), (recipient, "r", "ani")) is True
