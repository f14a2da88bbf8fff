"""Keyboard-only helpers (issue 14): walk a form with Tab / Shift+Tab, check that focus is always visible and that it
moves in the form's order (the DOM order, which must also read top-to-bottom, left-to-right on screen)."""

# What has focus, where it is, and whether its focus indicator can be seen: an outline of at least 2 px whose colour
# has 3:1 contrast with white (WCAG 2.4.11/1.4.11), or the browser's own focus ring (outline-style: auto).
FOCUS_JS = """(form) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rgba = (style.outlineColor.match(/[\\d.]+/g) || []).map(Number);
  const alpha = rgba.length > 3 ? rgba[3] : 1;
  const channel = (c) => { c = (c * alpha + 255 * (1 - alpha)) / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const lum = 0.2126 * channel(rgba[0]) + 0.7152 * channel(rgba[1]) + 0.0722 * channel(rgba[2]);
  const contrast = 1.05 / (lum + 0.05);
  const visible = style.outlineStyle === 'auto' ||
    (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && contrast >= 3);
  const box = el.getBoundingClientRect();
  return {key: el.id || el.getAttribute('name') || (el.innerText || el.value || '').trim().slice(0, 30),
          text: (el.innerText || el.value || '').trim().slice(0, 30), tag: el.tagName.toLowerCase(),
          type: el.type || '', visible,
          outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} (${contrast.toFixed(1)}:1)`,
          top: box.top + window.scrollY, left: box.left + window.scrollX, inForm: !!el.closest(form)};
}"""

# The controls Tab should visit inside `form`, in DOM order.
TAB_STOPS_JS = """(selector) => {
  const form = document.querySelector(selector);
  const positive = document.querySelectorAll('[tabindex]:not([tabindex="0"]):not([tabindex^="-"])');
  if (positive.length) return {positive: positive.length};
  const stops = Array.from(form.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'))
    .filter(el => !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 && el.getClientRects().length &&
                  getComputedStyle(el).visibility !== 'hidden');
  const key = (el) => el.id || el.getAttribute('name') || (el.innerText || el.value || '').trim().slice(0, 30);
  return {stops: stops.map(key)};
}"""


def focused(page, form):
    return page.evaluate(FOCUS_JS, form)


def tab(page, backwards=False):
    page.keyboard.press("Shift+Tab" if backwards else "Tab")
    return page.evaluate("() => document.activeElement === document.body")  # True: focus left the page


def assert_visible(state):
    assert state["visible"], f"focus on {state['key']} is not visible: outline {state['outline']}"


def tab_stops(page, form):
    found = page.evaluate(TAB_STOPS_JS, form)
    assert "positive" not in found, f"{found['positive']} element(s) with a positive tabindex reorder Tab"
    return found["stops"]


def tab_into(page, form, limit=60):
    """Tab from the top of the page to the form's first control; every stop on the way shows its focus."""
    for _ in range(limit):
        tab(page)
        state = focused(page, form)
        if state:
            assert_visible(state)
            if state["inForm"]:
                return state
    raise AssertionError(f"{limit} Tab presses did not reach {form}")


def assert_reads_in_order(before, after):
    """The next stop is lower on the page, or on the same line and further right."""
    same_line = abs(after["top"] - before["top"]) <= 8
    assert after["top"] > before["top"] + 8 or (same_line and after["left"] > before["left"]), \
        f"focus jumps back from {before['key']} to {after['key']}"


def choose(page, index_now, index_wanted):
    """Pick a <select> option with the arrow keys (a closed select changes value on ArrowDown/ArrowUp)."""
    key = "ArrowDown" if index_wanted > index_now else "ArrowUp"
    for _ in range(abs(index_wanted - index_now)):
        page.keyboard.press(key)


def walk(page, form, act):
    """Tab through `form` from its first control to the last: at each stop check visibility and order, then
    act(state) may type, press Space/arrows, or press Enter (returns True when it submitted the form)."""
    stops = tab_stops(page, form)
    state = tab_into(page, form)
    seen, previous = [], None
    while True:
        assert_visible(state)
        assert state["key"] == stops[len(seen)], f"Tab reached {state['key']}, expected {stops[len(seen)]}"
        if previous:
            assert_reads_in_order(previous, state)
        seen.append(state["key"])
        if act(state):
            return seen
        previous = state
        tab(page)
        state = focused(page, form)
        assert state and state["inForm"], f"Tab left the form after {seen[-1]} without submitting"
