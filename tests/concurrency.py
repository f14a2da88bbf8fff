"""Run the same database work from several real threads at once (each with its own session)."""
import threading


def run_at_once(app, db, work, count=8):
    """Call work() in `count` threads released together; commit each; return (results, errors)."""
    barrier, results, errors = threading.Barrier(count), [], []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(work())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — returned to the test, which asserts on it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
