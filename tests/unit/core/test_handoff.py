"""quick_handoffs: a shorter switch interval inside the block, the caller's one back after, whatever nests."""

import sys
import threading

from bimtek.core.handoff import QUICK_INTERVAL, quick_handoffs


def test_shorter_inside_and_restored_after():
    before = sys.getswitchinterval()
    with quick_handoffs():
        assert sys.getswitchinterval() <= QUICK_INTERVAL + 1e-9
        with quick_handoffs():
            assert sys.getswitchinterval() <= QUICK_INTERVAL + 1e-9
        assert sys.getswitchinterval() <= QUICK_INTERVAL + 1e-9
    assert sys.getswitchinterval() == before


def test_restored_after_an_error_and_never_lengthened():
    before = sys.getswitchinterval()
    try:
        with quick_handoffs():
            raise KeyError("x")
    except KeyError:
        pass
    assert sys.getswitchinterval() == before
    sys.setswitchinterval(QUICK_INTERVAL / 2)
    try:
        with quick_handoffs():
            assert sys.getswitchinterval() == QUICK_INTERVAL / 2
    finally:
        sys.setswitchinterval(before)


def test_overlapping_blocks_in_threads_restore_the_first_interval():
    before = sys.getswitchinterval()
    inside, leave = threading.Barrier(3), threading.Event()

    def worker():
        with quick_handoffs():
            inside.wait()
            leave.wait()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    assert sys.getswitchinterval() <= QUICK_INTERVAL + 1e-9
    leave.set()
    for thread in threads:
        thread.join()
    assert sys.getswitchinterval() == before
