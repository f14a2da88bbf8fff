"""Shorter GIL hand-offs while one thread calls native code and another runs Python (pure).

A thread coming back from code that released the GIL (polars, numpy on large arrays) waits for it up to the
interpreter's switch interval, 5 ms by default, while another thread is running Python. Reading a log as columns
makes dozens of such calls while the roster index is built in Python beside it: each one waited the full
interval, so the two barely ran side by side. A shorter interval only while both run lets the native parts
overlap the Python ones; threads switch a little more often, nothing else changes.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

QUICK_INTERVAL = 0.0005  # seconds
_lock = threading.Lock()
_active = 0
_saved = 0.0


@contextmanager
def quick_handoffs(interval: float = QUICK_INTERVAL):
    """Use a switch interval of at most `interval` inside the block; nesting- and thread-safe (the first block
    to enter saves the interval, the last one to leave puts it back)."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, _saved))
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                sys.setswitchinterval(_saved)
