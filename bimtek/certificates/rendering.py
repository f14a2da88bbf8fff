"""Certificate PDFs from a design folder (no Flask).

Two paths produce the same certificate:

* ``render_pdf``: the full path, one WeasyPrint render per certificate (~100 ms). Always correct;
  used for previews, for one-off re-issues and whenever the fast path cannot draw a text.
* ``BatchRenderer`` / ``render_batch``: the fast path. The parts a training's certificates share
  are rendered once by WeasyPrint from the same HTML/CSS; per person only the name, NIP, instansi,
  number and QR code are written into that PDF (about 1 ms each), across processes.
"""

import multiprocessing
import string

from weasyprint import CSS, HTML
from weasyprint.urls import FatalURLFetchingError

from bimtek.certificates.design import (
    DesignURLFetcher,
    field_texts,
    load_design,
    page_css,
    render_html,
    shared_variables,
)
from bimtek.certificates.layout import field_boxes, fitted_size, shrink_css
from bimtek.certificates.overlay import SAMPLE_TEXT, OverlayWriter, finish_layer, glyph_page, measure, plan_fields
from bimtek.core.errors import DomainError

BASE_CHARSET = string.digits + string.ascii_letters + " .,:;/-()'’"


def font_subsetter():
    """Which library WeasyPrint subsets embedded fonts with: ``"harfbuzz"`` or ``"fonttools"``."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset  # loads the C libraries: only when asked
    if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        return "harfbuzz"
    return "fonttools"


def _layout(design, html, extra_css=""):
    """Lay out HTML of a design with WeasyPrint, loading only the design's own files."""
    fetcher = DesignURLFetcher(design.path)
    try:
        document = HTML(string=html, base_url=design.path.as_uri() + "/", url_fetcher=fetcher)
        return document.render(stylesheets=[CSS(string=page_css(design) + extra_css,
                                                url_fetcher=fetcher)])
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise DomainError(str(cause) if isinstance(cause, DomainError) else str(exc),
                          **getattr(cause, "context", {})) from None


def _shrink_overrides(design, document):
    """Font sizes (px) for text fields that overflow their box in a laid-out document."""
    boxes = field_boxes(document)
    overrides = {}
    for key, spec in design.fields.items():
        box = boxes.get(key)
        if spec.kind == "text" and box is not None:
            size = fitted_size(box, box.text_width, spec.min_font_size)
            if size is not None:
                overrides[key] = size
    return overrides


def render_pdf(design_dir, context, tte=False):
    """Render one certificate with WeasyPrint; ``context`` holds shared and person keys."""
    design = load_design(design_dir)
    html = render_html(design, shared_variables(design, context, tte),
                       field_texts(design, context), qr_url=context.get("verify_url"))
    document = _layout(design, html)
    overrides = _shrink_overrides(design, document)
    if overrides:
        document = _layout(design, html, shrink_css(overrides))
    return document.write_pdf()


def build_layer(design, shared_context, tte=False, charset=BASE_CHARSET):
    """Render the shared layer of a training once and plan its per-person fields."""
    variables = shared_variables(design, shared_context, tte)
    samples = {key: SAMPLE_TEXT for key in design.fields}
    measured = _layout(design, render_html(design, variables, samples))
    boxes = measure(measured, design)
    text_fields, qr = plan_fields(design, boxes, set(charset) | set(BASE_CHARSET))
    html = render_html(design, variables, {key: "" for key in design.fields})
    glyphs = glyph_page([box for _, box, *_ in text_fields], set(charset) | set(BASE_CHARSET))
    html = html.replace("</body>", glyphs + "</body>") if "</body>" in html else html + glyphs
    pdf = _layout(design, html).write_pdf()
    return finish_layer(pdf, len(measured.pages), text_fields, qr)


class BatchRenderer:
    """Fast renderer for many certificates of one training; falls back to ``render_pdf`` per person."""

    def __init__(self, design_dir, shared_context, tte=False, charset=None, layer=None):
        self.design = load_design(design_dir)
        self.shared = dict(shared_context)
        self.tte = tte
        self.layer = layer or build_layer(self.design, self.shared, tte, charset or default_charset())
        self.writer = OverlayWriter(self.layer)
        self.fallbacks = 0

    def render(self, person):
        """PDF bytes of one person's certificate."""
        return self.render_fast(person) or self.render_full(person)

    def render_fast(self, person):
        """PDF bytes from the fast path, or None when this person needs the full path."""
        return self.writer.write(field_texts(self.design, person), person.get("verify_url"))

    def render_full(self, person):
        """PDF bytes from the full WeasyPrint path (names the batch fonts can't draw)."""
        self.fallbacks += 1
        return render_pdf(self.design.path, {**self.shared, **person}, self.tte)


def default_charset():
    """Characters embedded when the batch is not known up front: Latin-1 and Latin Extended-A."""
    return BASE_CHARSET + "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x180)))


def batch_charset(design, people):
    """Every character the people's field texts use (so fonts are subset once per batch)."""
    chars = set(BASE_CHARSET)
    for person in people:
        for text in field_texts(design, person).values():
            chars.update(text)
    return "".join(sorted(chars))


_WORKER: dict = {}


def _init_worker(design_dir, shared_context, tte, layer):
    """Pool initializer: build the worker's renderer from the parent's layer (no re-render)."""
    _WORKER["renderer"] = BatchRenderer(design_dir, shared_context, tte=tte, layer=layer)


def _render_keyed(item):
    """Pool task: (key, person) -> (key, pdf bytes or None when the full path is needed)."""
    key, person = item
    return key, _WORKER["renderer"].render_fast(person)


def render_batch(design_dir, shared_context, people, processes=2, tte=False, chunksize=32):
    """Yield ``(key, pdf_bytes)`` for each person, in order; ``key`` is ``person["key"]`` or the index."""
    people = list(people)
    keyed = [(person.get("key", index), person) for index, person in enumerate(people)]
    design = load_design(design_dir)
    renderer = BatchRenderer(design_dir, shared_context, tte=tte,
                             charset=batch_charset(design, people))
    if processes <= 1 or len(keyed) < 2 * chunksize:
        for key, person in keyed:
            yield key, renderer.render(person)
        return
    # Workers only run the fast path (no Pango), so forking is safe and starts instantly;
    # the rare full-path renders happen here in the parent.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    people_by_key = dict(keyed)
    with multiprocessing.get_context(method).Pool(
            processes, initializer=_init_worker,
            initargs=(str(design.path), renderer.shared, tte, renderer.layer)) as pool:
        for key, pdf in pool.imap(_render_keyed, keyed, chunksize=chunksize):
            yield key, pdf or renderer.render_full(people_by_key[key])
