"""A fork waits for background database work in flight (bimtek.core.forking): the RQ work-horse deadlock."""
import os
import threading

from bimtek.core import forking


def _fork_and_reap(order):
    pid = os.fork()
    if pid == 0:  # the child: the guard must be free here, and nothing else to do
        with forking.quiet_for_fork():
            pass
        os._exit(0)
    order.append("forked")
    _, status = os.waitpid(pid, 0)
    order.append(f"child exit {os.waitstatus_to_exitcode(status)}")


def test_a_fork_waits_until_another_threads_unit_is_done():
    entered, release, order = threading.Event(), threading.Event(), []

    def background_unit():
        with forking.quiet_for_fork():
            entered.set()
            release.wait(10)
            order.append("unit done")

    worker = threading.Thread(target=background_unit)
    worker.start()
    entered.wait(10)
    forker = threading.Thread(target=_fork_and_reap, args=(order,))
    forker.start()
    forker.join(0.5)  # without the guard the fork happens here, before the unit ends
    release.set()
    forker.join(10)
    worker.join(10)
    assert order == ["unit done", "forked", "child exit 0"]


def test_a_thread_may_fork_inside_its_own_unit():
    order = []
    with forking.quiet_for_fork():
        _fork_and_reap(order)
    assert order == ["forked", "child exit 0"]
    with forking.quiet_for_fork():  # still usable afterwards
        pass
