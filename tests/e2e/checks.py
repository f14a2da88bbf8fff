"""What every page of the browser journeys must pass, checked after each navigation: nothing wider than a phone
(390 px) or a desktop (1366 px) screen, and no serious or critical axe-core violation at either width.

The browser fixture hands out AuditedPage proxies: a "load" listener only marks the page as unchecked (a listener
must not drive the page while the test's own command is in flight), and the next call the test makes on the page
runs the checks first, so every document a journey lands on is checked before it is used. `audit_pending()`
checks the pages whose last document got no further call (end of a test).

E2E_AUDIT=report keeps going and writes every finding to artifacts/audit.txt instead of failing at the first.
"""
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1366, "height": 900})
REPORT = Path(__file__).resolve().parents[2] / "artifacts" / "audit.txt"
BLOCKING = ("serious", "critical")

# Elements whose right edge is past the viewport, unless an ancestor scrolls them (overflow-x auto or scroll);
# a clipping ancestor (hidden) does not excuse them: the part past the edge is cut off.
OVERFLOW_JS = """(width) => {
  const found = [];
  const doc = document.documentElement.scrollWidth;
  if (doc > width) found.push(`document is ${doc}px wide`);
  const held = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || box.right + window.scrollX <= width + 0.5) continue;
    if (held(el)) continue;
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).join('.') : '';
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (classes ? '.' + classes : '');
    found.push(`${name} ends at ${Math.round(box.right)}px: ${(el.innerText || '').trim().slice(0, 40)}`);
    if (found.length > 8) break;
  }
  return found;
}"""

# The page's structure without its words: tags, ids, classes, roles, ARIA and form attributes (numbers in them
# made alike), with runs of identical siblings (table rows, list items) counted once. axe-core's verdict depends on
# this, so a document whose skeleton was already checked at that width is not run again (one more row of the same
# kind changes nothing); the layout check, which long words can break, runs on every document.
SKELETON_JS = """() => {
  const names = ['id', 'class', 'role', 'type', 'for', 'tabindex', 'style', 'disabled', 'hidden', 'open'];
  const skeleton = (el) => {
    let text = '<' + el.tagName;
    for (const attr of el.attributes) {
      if (names.includes(attr.name) || attr.name.startsWith('aria-')) {
        text += ' ' + attr.name + '=' + attr.value.replace(/\\d+/g, 'N');
      }
    }
    let last = null;
    for (const child of el.children) {
      const part = skeleton(child);
      if (part !== last) text += part;
      last = part;
    }
    return text + '>';
  };
  const text = skeleton(document.body);
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return location.pathname.replace(/\\d+/g, 'N') + ' ' + text.length + ' ' + hash;
}"""

SETTLED_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => %s.includes(v.impact)).map(v => [v.id,
    `${v.impact} ${v.id} (${v.help}): ` + v.nodes.slice(0, 4).map(n => n.target.join(' ') +
      ((n.any[0] || n.all[0] || n.none[0] || {}).message ? ` [${(n.any[0] || n.all[0] || n.none[0]).message}]` : '')
    ).join(' | ')]);
}""" % list(BLOCKING)

EXCEPTIONS: tuple = ()  # (axe rule id, URL pattern, why) for a violation accepted on purpose: none today

_pages = []
_findings = []
_axe_seen = set()  # (width, skeleton) already passed through axe-core
STATS = {"pages": 0, "seconds": 0.0}  # shown at the end of the run (conftest.py)


def axe_source():
    """The pinned axe-core; missing means `make install` did not run: fail loudly, never skip."""
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: run `make install` (npm ci in tests/e2e/axe)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def layout_problems(page, width):
    return page.evaluate(OVERFLOW_JS, width)


def axe_problems(page):
    if not page.evaluate("typeof window.axe === 'object'"):
        # The app's CSP (script-src 'self') refuses the inline <script> that page.add_script_tag writes; an
        # evaluate() runs outside CSP, so the journeys keep testing the app under its real policy.
        page.evaluate(axe_source())
    return [text for rule, text in page.evaluate(AXE_JS)
            if not any(rule == id_ and pattern.search(page.url) for id_, pattern, _why in EXCEPTIONS)]


def check_page(page):
    """Both widths on the page's current document; restores the test's viewport."""
    started = time.perf_counter()
    page.wait_for_load_state()
    original = page.viewport_size
    problems = []
    # The test's own size last, so that in the usual case (a phone or a 1366 px desktop) nothing is restored.
    viewports = sorted(VIEWPORTS, key=lambda viewport: viewport == original)
    try:
        for viewport in viewports:
            page.set_viewport_size(viewport)
            page.evaluate(SETTLED_JS)  # resize listeners run before the next frames
            width = viewport["width"]
            problems += [f"{width}px layout: {p}" for p in layout_problems(page, width)]
            skeleton = (width, page.evaluate(SKELETON_JS))
            if skeleton not in _axe_seen:
                _axe_seen.add(skeleton)
                problems += [f"{width}px axe: {p}" for p in axe_problems(page)]
    finally:
        if page.viewport_size != original:
            page.set_viewport_size(original)
        STATS["pages"] += 1
        STATS["seconds"] += time.perf_counter() - started
    if problems:
        _fail(page.url, problems)


def _fail(url, problems):
    message = f"{url}\n  " + "\n  ".join(dict.fromkeys(problems))
    if os.environ.get("E2E_AUDIT") == "report":
        _findings.append(message)
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text("\n".join(dict.fromkeys(_findings)) + "\n", encoding="utf-8")
        return
    raise AssertionError("page fails the layout/accessibility checks: " + message)


class AuditedPage:
    """A Playwright page that checks each newly loaded document before the test's next call on it (and waits for
    a committed navigation to finish loading first)."""

    def __init__(self, page, context=None):
        self._page, self._pending, self._loading = page, False, False
        self.context = context or page.context
        page.on("framenavigated", self._navigated)
        page.on("load", self._loaded)
        _pages.append(self)

    def _navigated(self, frame):
        if frame == self._page.main_frame:
            self._loading = True

    def _loaded(self, _page):
        self._pending, self._loading = True, False

    def audit(self):
        """Check now if a document loaded since the last check (also called at the end of every test)."""
        if self._loading and not self._page.is_closed():
            # A click that navigates returns once the next document commits; let it finish loading so the
            # test's next call (and the checks) see the whole page, not a half-parsed one.
            self._page.wait_for_load_state()
            self._loading = False
        if self._pending and not self._page.is_closed():
            self._pending = False
            try:
                check_page(self._page)
            except PlaywrightError as error:
                if "context was destroyed" not in str(error) and "navigat" not in str(error):
                    raise
                self._pending = True  # the page went on to another document (a reload): check that one

    def __getattr__(self, name):
        value = getattr(self._page, name)
        if not callable(value) or name in ("on", "once", "remove_listener", "is_closed"):
            return value

        def audited(*args, **kwargs):
            self.audit()
            return value(*args, **kwargs)

        return audited


class AuditedContext:
    def __init__(self, context):
        self._context, self._pages = context, []

    def new_page(self, *args, **kwargs):
        page = AuditedPage(self._context.new_page(*args, **kwargs), self)
        self._pages.append(page)
        return page

    def close(self, *args, **kwargs):
        for page in self._pages:
            page.audit()
        self._context.close(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._context, name)


class AuditedBrowser:
    def __init__(self, browser):
        self._browser = browser

    def new_context(self, *args, **kwargs):
        return AuditedContext(self._browser.new_context(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(self._browser, name)


def audit_pending():
    """Check every open page whose last document the test never touched after it loaded."""
    for page in list(_pages):
        if page._page.is_closed():
            _pages.remove(page)
        else:
            page.audit()
