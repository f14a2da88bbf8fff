"""Keep background threads' database work and `os.fork()` apart.

RQ forks a work-horse for every job while the worker's own job watchdog (or mail sender) thread may be in the
middle of a query. A fork copies every lock in the state it is in, and only the forking thread goes on in the
child: a lock the background thread held at that moment (SQLAlchemy's mapper-configuration mutex, its
compiled-statement cache, a pool) stays held for ever in the work-horse. The work-horse then hung inside its
claim's transaction, whose row lock in turn blocked the parent's watchdog (seen on PostgreSQL and SQLite: two
workers standing still for minutes).

Background threads run each unit of database work inside `quiet_for_fork()`; `os.fork()` (RQ, multiprocessing)
waits until no such unit is in flight, and the child starts with the guard free. Units are short (one watchdog
look, one mail batch), so a fork waits at most that long.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_units: dict[int, int] = {}  # thread ident -> units of background work in flight
_idle = threading.Condition(threading.Lock())


@contextmanager
def quiet_for_fork() -> Iterator[None]:
    """Mark a unit of background work during which this process must not fork."""
    me = threading.get_ident()
    with _idle:
        _units[me] = _units.get(me, 0) + 1
    try:
        yield
    finally:
        with _idle:
            left = _units.pop(me, 1) - 1  # absent in a child forked inside this unit
            if left:
                _units[me] = left
            else:
                _idle.notify_all()


def _others_busy() -> bool:
    # A thread forking inside its own unit must not wait for itself.
    return any(ident != threading.get_ident() for ident in _units)


def _before_fork() -> None:
    # Holding the condition's lock across the fork keeps new units from starting until the fork is done.
    _idle.acquire()
    while _others_busy():
        _idle.wait()


def _after_fork_in_parent() -> None:
    _idle.release()


def _after_fork_in_child() -> None:
    global _idle
    _units.clear()  # the units belonged to threads that do not exist in the child
    _idle = threading.Condition(threading.Lock())


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                    after_in_child=_after_fork_in_child)
