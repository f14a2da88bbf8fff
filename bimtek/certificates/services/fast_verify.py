"""The verify page's one statement per scan, on a raw pooled DBAPI connection (no ORM, no session): write the
verification log row (time, kind "page", user agent; no IP address) and read the certificate's version, i.e.
every column the page shows that can change. For certificates.page_cache, which serves the page from memory
while the version stays the same.

PostgreSQL: one round trip (a data-modifying CTE, autocommit). SQLite: a SELECT and an INSERT on the same
in-process connection, committed at once.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bimtek.core.models import now_utc

# Everything on the page that an organizer (or someone editing the row in the database) can change after issue;
# the snapshot is compared whole (by digest on PostgreSQL).
_VERSION = "id, status, revoked_reason, sha256, signed_at, signed_by, name, number"
_LOG = "INSERT INTO certificate_verifications (certificate_id, kind, result, user_agent, created_at) "
_FOUND = f"SELECT {_VERSION}, md5(snapshot::text) AS snap FROM certificates WHERE code = %(code)s"  # nosec B608
# (the f-strings here join constant SQL; every value is a bound parameter)

POSTGRES_FIND_AND_LOG = (
    f"WITH found AS ({_FOUND}), "  # nosec B608
    f"logged AS ({_LOG}SELECT id, 'page', '', %(ua)s, %(now)s FROM found) "
    "SELECT * FROM found")
# The same, committed without waiting for the WAL flush (set_config(…, true) lasts until the end of this
# statement's own transaction): a scan no longer waits for the disk (2–4 ms, far more on a busy disk); a crash of
# the PostgreSQL server itself (not of the app) may lose the log rows of its last fraction of a second
# (3 × wal_writer_delay, 0.6 s by default). VERIFY_LOG_SYNC_COMMIT=1 waits for the flush instead.
POSTGRES_FIND_AND_LOG_ASYNC = (
    f"WITH found AS ({_FOUND}), "  # nosec B608
    "async AS (SELECT set_config('synchronous_commit', 'off', true)), "
    f"logged AS ({_LOG}SELECT found.id, 'page', '', %(ua)s, %(now)s FROM found, async) "
    "SELECT found.* FROM found")
POSTGRES_VERSION = _FOUND
SQLITE_VERSION = f"SELECT {_VERSION}, snapshot FROM certificates WHERE code = ?"  # nosec B608
SQLITE_LOG = _LOG + "VALUES (?, 'page', '', ?, ?)"


def user_agent_of(value: str | None) -> str:
    """The user agent as the log keeps it (at most 300 characters), for every way a scan is logged."""
    return (value or "")[:300]


def _sqlite_time(instant: datetime) -> str:
    """Naive UTC in SQLAlchemy's SQLite DATETIME text form (what core.models.UTCDateTime stores)."""
    return instant.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


class RawStatements:
    """find_and_log(code, user_agent) and version_of(code) on connections from `engine`'s pool."""

    def __init__(self, engine: sa.Engine, wait_for_disk: bool = False) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.find_and_log_sql = POSTGRES_FIND_AND_LOG if wait_for_disk else POSTGRES_FIND_AND_LOG_ASYNC
        self._held: tuple[int, Any] | None = None  # (process id, connection) kept by the main thread
        sa.event.listen(engine, "engine_disposed", self.close)

    def find_and_log(self, code: str, user_agent: str | None) -> tuple[Any, ...] | None:
        """Log one page view of the certificate `code` and return its version; None (nothing logged) when there
        is no such certificate."""
        agent = user_agent_of(user_agent)
        if self.postgres:
            return self._run(lambda cursor: _first(cursor, self.find_and_log_sql, {
                "code": code, "ua": agent, "now": now_utc().replace(tzinfo=None)}))

        def sqlite(cursor: Any) -> tuple[Any, ...] | None:
            row = _first(cursor, SQLITE_VERSION, (code,))
            if row is not None:
                cursor.execute(SQLITE_LOG, (row[0], agent, _sqlite_time(now_utc())))
            return row
        return self._run(sqlite, commit=True)

    def version_of(self, code: str) -> tuple[Any, ...] | None:
        """The certificate's version as find_and_log returns it, without logging."""
        if self.postgres:
            return self._run(lambda cursor: _first(cursor, POSTGRES_VERSION, {"code": code}))
        return self._run(lambda cursor: _first(cursor, SQLITE_VERSION, (code,)))

    def _run(self, work: Callable[[Any], tuple[Any, ...] | None], commit: bool = False) -> tuple[Any, ...] | None:
        """`work(cursor)` in autocommit (PostgreSQL) or committed at once (SQLite). The main thread (a sync
        gunicorn worker serves every request there) keeps its connection: no pool checkout, reset and return per
        scan. Other threads (the development server) borrow one from the pool. A connection whose statement
        failed is dropped (a fresh one next time)."""
        kept = threading.current_thread() is threading.main_thread()
        connection = self._kept() if kept else self._borrowed()
        try:
            cursor = connection.cursor()
            try:
                row = work(cursor)
            finally:
                cursor.close()
            if commit:
                connection.commit()
        except BaseException:
            self._held = None if kept else self._held
            connection.invalidate()  # unknown state (or gone)
            if not kept:
                connection.close()
            raise
        if not kept:
            self._give_back(connection)
        return row

    def _kept(self) -> Any:
        """The main thread's connection in this process. After a fork (gunicorn) the child takes its own; the
        parent's is left alone (closing it here would end the parent's session on the server too)."""
        if self._held is not None and self._held[0] == os.getpid():
            return self._held[1]
        if self._held is not None:
            _INHERITED.append(self._held[1])
        self._held = (os.getpid(), self._borrowed())
        return self._held[1]

    def _borrowed(self) -> Any:
        connection = self.engine.raw_connection()
        if self.postgres:
            connection.dbapi_connection.autocommit = True
        return connection

    def _give_back(self, connection: Any) -> None:
        if self.postgres:
            connection.dbapi_connection.autocommit = False
        connection.close()

    def close(self, *_args: Any) -> None:
        """Close the kept connection (the engine is being disposed: tests, shutdown); a parent's is left alone."""
        held, self._held = self._held, None
        if held is not None and held[0] == os.getpid():
            held[1].invalidate()  # closed now, not handed to the pool that is being replaced
        elif held is not None:
            _INHERITED.append(held[1])


# Connections a forked child found kept by its parent: referenced for ever, never closed by the child.
_INHERITED: list[Any] = []


def _first(cursor: Any, sql: str, params: Any) -> tuple[Any, ...] | None:
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return tuple(row) if row is not None else None
