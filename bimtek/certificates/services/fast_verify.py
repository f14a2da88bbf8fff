"""The verify page's one statement per scan, on a raw pooled DBAPI connection (no ORM, no session): write the
verification log row (time, kind "page", user agent; no IP address) and read the certificate's version, i.e.
every column the page shows that can change. For certificates.page_cache, which serves the page from memory
while the version stays the same.

PostgreSQL: one round trip (a data-modifying CTE, autocommit). SQLite: a SELECT and an INSERT on the same
in-process connection, committed at once.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bimtek.core.models import now_utc

# Everything on the page that an organizer (or someone editing the row in the database) can change after issue;
# the snapshot is compared whole (by digest on PostgreSQL).
_VERSION = "id, status, revoked_reason, sha256, signed_at, signed_by, name, number"
_LOG = "INSERT INTO certificate_verifications (certificate_id, kind, result, user_agent, created_at) "

POSTGRES_FIND_AND_LOG = (
    f"WITH found AS (SELECT {_VERSION}, md5(snapshot::text) AS snap FROM certificates WHERE code = %(code)s), "
    f"logged AS ({_LOG}SELECT id, 'page', '', %(ua)s, %(now)s FROM found) "
    "SELECT * FROM found")
POSTGRES_VERSION = f"SELECT {_VERSION}, md5(snapshot::text) AS snap FROM certificates WHERE code = %(code)s"
SQLITE_VERSION = f"SELECT {_VERSION}, snapshot FROM certificates WHERE code = ?"
SQLITE_LOG = _LOG + "VALUES (?, 'page', '', ?, ?)"


def user_agent_of(value: str | None) -> str:
    """The user agent as the log keeps it (at most 300 characters, like services.log_verification)."""
    return (value or "")[:300]


def _sqlite_time(instant: datetime) -> str:
    """Naive UTC in SQLAlchemy's SQLite DATETIME text form (what core.models.UTCDateTime stores)."""
    return instant.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


class RawStatements:
    """find_and_log(code, user_agent) and version_of(code) on connections from `engine`'s pool."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    def find_and_log(self, code: str, user_agent: str | None) -> tuple[Any, ...] | None:
        """Log one page view of the certificate `code` and return its version; None (nothing logged) when there
        is no such certificate."""
        agent = user_agent_of(user_agent)
        if self.postgres:
            return self._run(lambda cursor: _first(cursor, POSTGRES_FIND_AND_LOG, {
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
        """`work(cursor)` on a pooled connection in autocommit (PostgreSQL) or committed at once (SQLite); the
        connection goes back to the pool as it came, or is dropped when the statement failed."""
        connection = self.engine.raw_connection()
        dbapi = connection.dbapi_connection
        try:
            if self.postgres:
                dbapi.autocommit = True
            cursor = connection.cursor()
            try:
                row = work(cursor)
            finally:
                cursor.close()
            if commit:
                connection.commit()
            if self.postgres:
                dbapi.autocommit = False
        except BaseException:
            connection.invalidate()  # unknown state (or gone): a fresh connection next time
            raise
        finally:
            connection.close()
        return row


def _first(cursor: Any, sql: str, params: Any) -> tuple[Any, ...] | None:
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return tuple(row) if row is not None else None
