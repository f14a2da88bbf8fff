"""Pooled connections are pinged only after sitting idle (core.database.watch_idle_connections), and a dead
connection found by that ping is replaced without the caller noticing."""
import sqlalchemy as sa

from bimtek.core.database import watch_idle_connections


def _engine(tmp_path, pings):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ping.sqlite3'}", poolclass=sa.pool.QueuePool)

    @sa.event.listens_for(engine, "connect")
    def trace(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(lambda sql: pings.append(sql) if sql.strip() == "SELECT 1" else None)
    return engine


def test_recently_used_connection_is_not_pinged(tmp_path):
    pings = []
    engine = _engine(tmp_path, pings)
    watch_idle_connections(engine, idle_seconds=60)
    for _ in range(5):
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 2")).scalar() == 2
    assert pings == []


def test_idle_connection_is_pinged_and_a_dead_one_replaced(tmp_path):
    pings = []
    engine = _engine(tmp_path, pings)
    watch_idle_connections(engine, idle_seconds=0)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
        conn.execute(sa.text("SELECT 2"))
    assert len(pings) == 1  # idle_seconds=0: every checkout after a check-in pings
    first.close()  # the server "went away" while the connection sat in the pool
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 3")).scalar() == 3
        assert conn.connection.dbapi_connection is not first
