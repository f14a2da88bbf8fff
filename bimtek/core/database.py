"""Database engine set-up: SQLite pragmas (WAL, foreign keys, busy timeout)."""
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

_configured = set()


def init_app(app):
    """Attach SQLite pragmas to every new connection of the app's engine."""
    from bimtek.extensions import db  # extensions imports core.models; binding happens after both exist

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite" or id(engine) in _configured:
            return
        _configured.add(id(engine))
        event.listen(engine, "connect", _sqlite_pragmas)
        engine.dispose()  # connections made before the listener existed lack the pragmas


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
