"""Database engine set-up: SQLite pragmas (WAL, foreign keys, busy timeout); a liveness ping only for pooled
server connections that sat idle (PostgreSQL)."""
import time

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import scoped_session

_configured = set()
# A pooled connection back in the pool for longer than this is pinged before reuse. `pool_pre_ping` pings on
# every checkout: one extra round trip per request, a quarter of the verify page's time on PostgreSQL. A
# connection used moments ago is alive unless the server went away in those seconds; then that one request
# fails and SQLAlchemy invalidates the whole pool, so the next requests reconnect.
PING_AFTER_IDLE_SECONDS = 5.0


def init_app(app):
    """Attach SQLite pragmas to every new connection of the app's engine; for server databases without
    `pool_pre_ping`, ping connections that were idle for PING_AFTER_IDLE_SECONDS."""
    from bimtek.extensions import db  # extensions imports core.models; binding happens after both exist

    with app.app_context():
        engine = db.engine
        if id(engine) in _configured:
            return
        _configured.add(id(engine))
        if engine.dialect.name != "sqlite":
            if not engine.pool._pre_ping:
                watch_idle_connections(engine)
            return
        event.listen(engine, "connect", _sqlite_pragmas)
        engine.dispose()  # connections made before the listener existed lack the pragmas


def watch_idle_connections(engine, idle_seconds=PING_AFTER_IDLE_SECONDS):
    """Ping a pooled connection at checkout only when it was checked in more than `idle_seconds` ago; a dead
    one raises DisconnectionError, on which the pool drops it and hands out a fresh connection."""
    def stamp(dbapi_connection, connection_record, *_):
        connection_record.info["bimtek_idle_since"] = time.monotonic()

    def checkout(dbapi_connection, connection_record, connection_proxy):
        since = connection_record.info.get("bimtek_idle_since")
        if since is not None and time.monotonic() - since <= idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError(str(error)) from error
        if alive is False:
            raise sa.exc.DisconnectionError("no answer to the liveness ping")

    event.listen(engine, "connect", stamp)
    event.listen(engine, "checkin", stamp)
    event.listen(engine, "checkout", checkout)


def autocommit_session(session):
    """Run the rest of this unit of work on an autocommit connection: for public read-mostly pages with at most
    one write (the verify page and its log row), which then cost one round trip per statement instead of
    BEGIN + statements + COMMIT. No-op when the session already began a transaction."""
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def commit_keeping_loaded(session):
    """Commit without expiring the loaded objects, for work that goes on with them right after (they hold what
    was just written, so reading them back would only cost queries)."""
    if isinstance(session, scoped_session):
        session = session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _sqlite_pragmas(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_postgres(session):
    """True when running on PostgreSQL (for row locks and advisory locks)."""
    return session.get_bind().dialect.name == "postgresql"


def lock_training_row(session, model, training_id):
    """Serialise writers of one training: SELECT … FOR UPDATE on PG, a write lock on SQLite.

    SQLite has one writer at a time; `BEGIN IMMEDIATE` is emulated by issuing a no-op
    UPDATE so the transaction takes the RESERVED lock before it reads seat counts.
    """
    if is_postgres(session):
        session.execute(sa.select(model.id).where(model.id == training_id).with_for_update())
    else:
        session.execute(sa.update(model).where(model.id == training_id).values(id=model.id))


def insert_many_if_absent(session, model, rows, conflict_columns, batch=1000):
    """`insert_if_absent` for many rows at once, `batch` rows per statement (bulk imports)."""
    insert = dialect_insert(session)
    statement = insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
    for start in range(0, len(rows), batch):
        session.execute(statement, rows[start:start + batch])


def insert_if_absent(session, model, values, conflict_columns):
    """INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL): a race-free get-or-create step.

    Two concurrent requests may both find no row; the loser's insert becomes a no-op instead
    of an IntegrityError, and the caller simply reads the row back.
    """
    insert = dialect_insert(session)
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict_columns))
    session.execute(statement)


def dialect_insert(session):
    """The dialect's own INSERT construct (both have ON CONFLICT DO NOTHING / DO UPDATE)."""
    return postgresql.insert if is_postgres(session) else sqlite.insert
