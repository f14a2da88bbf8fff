"""Rendering a bulk issue batch by batch with the fast renderer (no Flask).

The shared layer is built once per run (`make_layer`; chunk jobs of a scale-out run load the parent's copy
with `layer_from_bytes`), and one pool of render processes is kept for the whole run; each batch is handed
to it on its own, so at most one batch of PDFs is ever in memory, whatever the number of certificates.
"""
import multiprocessing
import pickle  # nosec B403  # only the layer this job wrote itself, checked against its SHA-256 first

from bimtek.certificates.design import load_design
from bimtek.certificates.rendering import BatchRenderer, batch_charset, build_layer

POOL_CHUNKSIZE = 16
MIN_FOR_POOL = 64  # fewer certificates than this in a run: render in this process (no fork)


def make_layer(design_dir, shared, people):
    """The shared layer for a run whose people (renderer contexts) are known: fonts hold every character."""
    design = load_design(design_dir)
    return build_layer(design, shared, False, batch_charset(design, people))


def layer_to_bytes(layer):
    return pickle.dumps(layer, protocol=pickle.HIGHEST_PROTOCOL)


def layer_from_bytes(data):
    """The layer written by layer_to_bytes; callers pass only bytes whose SHA-256 they checked."""
    return pickle.loads(data)  # nosec B301  # our own bytes from the content-addressed store, digest checked


_WORKER: dict = {}


def _init_worker(design_dir, shared, layer):
    _WORKER["renderer"] = BatchRenderer(design_dir, shared, layer=layer)


def _render_fast(person):
    return _WORKER["renderer"].render_fast(person)


class BatchPool:
    """Renders batches of people for one run; use as a context manager (the pool ends with the run)."""

    def __init__(self, design_dir, shared, layer, processes=2, expected=0):
        self.renderer = BatchRenderer(design_dir, shared, layer=layer)
        self.pool = None
        if processes > 1 and expected >= MIN_FOR_POOL:
            # Workers run only the fast path (no Pango), so forking is safe; full renders stay in this process.
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self.pool = multiprocessing.get_context(method).Pool(
                processes, initializer=_init_worker, initargs=(str(self.renderer.design.path),
                                                               self.renderer.shared, layer))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def start(self, people):
        """Hand a batch to the render processes now (they work on it while the caller stores the previous
        batch); returns the handle for results()."""
        pending = self.pool.imap(_render_fast, people, chunksize=POOL_CHUNKSIZE) if self.pool is not None else None
        return people, pending

    def results(self, handle):
        """Yield (index, pdf bytes or None, error or None) for each person of a started batch, in order."""
        people, pending = handle
        for index, person in enumerate(people):
            try:
                pdf = next(pending) if pending is not None else self.renderer.render_fast(person)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001 - the full path below decides whether this person fails
                pdf = None
            if pdf is None:
                try:
                    pdf = self.renderer.render_full(person)
                except Exception as error:  # noqa: BLE001 - reported per certificate
                    yield index, None, error
                    continue
            yield index, pdf, None

    def render(self, people):
        return self.results(self.start(people))
