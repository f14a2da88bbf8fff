"""Rate-limit counters shared by every worker process, kept in the application database.

Flask-Limiter's default `memory://` store lives inside one process, so `gunicorn -w 4` multiplied every
limit by four. With REDIS_URL the limits go to Redis; without it they go to this store, registered with
the `limits` library under the scheme ``bimtek+db://``. It implements the fixed-window counters with one
atomic upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING, SQLite ≥ 3.35 and PostgreSQL), each on a separate
autocommit connection (one statement is its own transaction: one round trip, no BEGIN/COMMIT), so a limit hit
never joins or waits for the request's work.
"""
import time

import sqlalchemy as sa
from limits.storage import Storage

from bimtek.core.models import metadata

rate_limit_counters = sa.Table(
    "rate_limit_counters", metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),  # epoch seconds
)

_INCREMENT = sa.text("""
    INSERT INTO rate_limit_counters (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limit_counters.expires_at <= :now THEN :amount
                   ELSE rate_limit_counters.count + :amount END,
      expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN :now + :expiry
                        ELSE rate_limit_counters.expires_at END
    RETURNING count""")
# Two counters in one round trip (PostgreSQL): the second counts only while the first is within its limit, as two
# hits one after the other would (a data-modifying CTE; no row back = the first limit is spent).
_INCREMENT_CHAINED = sa.text("""
    WITH first AS (
      INSERT INTO rate_limit_counters AS c (key, count, expires_at) VALUES (:key1, 1, :now + :expiry1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.expires_at <= :now THEN 1 ELSE c.count + 1 END,
        expires_at = CASE WHEN c.expires_at <= :now THEN :now + :expiry1 ELSE c.expires_at END
      RETURNING count)
    INSERT INTO rate_limit_counters AS c (key, count, expires_at)
      SELECT :key2, 1, :now + :expiry2 FROM first WHERE first.count <= :limit1
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN c.expires_at <= :now THEN 1 ELSE c.count + 1 END,
      expires_at = CASE WHEN c.expires_at <= :now THEN :now + :expiry2 ELSE c.expires_at END
    RETURNING count""")
_PURGE_EVERY = 500  # increments between sweeps of expired counters


class DatabaseStorage(Storage):
    """`limits` storage on the app's database; the engine comes from `engine_factory` at first use."""

    STORAGE_SCHEME = ["bimtek+db"]

    def __init__(self, uri=None, wrap_exceptions=False, engine_factory=None, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._engine_factory = engine_factory
        self._increments = 0

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    def _engine(self):
        return self._engine_factory()

    def incr(self, key, expiry, amount=1):
        now = time.time()
        with self._engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            count = conn.execute(_INCREMENT, {"key": key[:255], "amount": amount, "now": now,
                                              "expiry": float(expiry)}).scalar_one()
            self._increments += 1
            if self._increments % _PURGE_EVERY == 0:
                conn.execute(rate_limit_counters.delete().where(rate_limit_counters.c.expires_at < now))
        return count

    def hit_chained(self, first, second):
        """limits.strategies.FixedWindowRateLimiter.hit of `first`, then of `second` only if the first passed; each
        a (RateLimitItem, *identifiers) tuple. True when both passed. One statement on PostgreSQL."""
        (item1, *ids1), (item2, *ids2) = first, second
        engine = self._engine()
        if engine.dialect.name != "postgresql":  # SQLite: no data-modifying CTE; in-process, round trips are cheap
            return (self.incr(item1.key_for(*ids1), item1.get_expiry()) <= item1.amount
                    and self.incr(item2.key_for(*ids2), item2.get_expiry()) <= item2.amount)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            count = conn.execute(_INCREMENT_CHAINED, {
                "key1": item1.key_for(*ids1)[:255], "expiry1": float(item1.get_expiry()), "limit1": item1.amount,
                "key2": item2.key_for(*ids2)[:255], "expiry2": float(item2.get_expiry()), "now": time.time(),
            }).scalar()
        self._increments += 2
        return count is not None and count <= item2.amount

    def _row(self, key):
        with self._engine().connect() as conn:
            return conn.execute(sa.select(rate_limit_counters.c.count, rate_limit_counters.c.expires_at)
                                .where(rate_limit_counters.c.key == key[:255])).first()

    def get(self, key):
        row = self._row(key)
        return row.count if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key):
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > time.time() else time.time()

    def check(self):
        try:
            with self._engine().connect() as conn:
                conn.execute(sa.select(1))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def reset(self):
        with self._engine().begin() as conn:
            return conn.execute(rate_limit_counters.delete()).rowcount

    def clear(self, key):
        with self._engine().begin() as conn:
            conn.execute(rate_limit_counters.delete().where(rate_limit_counters.c.key == key[:255]))


def purge_expired_counters(session):
    """Delete counters whose window has passed (flush only)."""
    return session.execute(rate_limit_counters.delete().where(rate_limit_counters.c.expires_at < time.time())).rowcount
