"""Keyboard only (issue 14), inside the journey: a sixth person registers through the public form and Teguh (seated,
no RTL yet) writes and submits his action plan, with Tab, Shift+Tab, typing, arrow keys, Space and Enter; no click.
At every stop the focus must be visible and follow the form's order (tests/e2e/keyboard.py)."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import CODE, FIELDS, PEOPLE, RTL_ROWS, participant_login
from tests.e2e.keyboard import choose, focused, tab, walk
from tests.e2e.mailbox import mails_to, wait_for_new_mail

pytestmark = pytest.mark.e2e

NEWCOMER = {"nama_lengkap": "Rina Marlina, S.Sos.", "jenis_kelamin": "P", "phone": "081234567099",
            "email": "rina.marlina@example.id", "jabatan": "Pustakawan", "instansi": "Perpustakaan Desa Air Anyir",
            "provinsi": "Kepulauan Bangka Belitung", "kabupaten": "Bangka", "nip": "19880315 201101 2 003"}


def _select(page, value):
    """Arrow keys to the option with `value` in the focused <select>."""
    values, now = page.evaluate("() => [Array.from(document.activeElement.options).map(o => o.value),"
                                " document.activeElement.selectedIndex]")
    choose(page, now, values.index(value))
    assert page.evaluate("() => document.activeElement.value") == value


def test_newcomer_registers_with_the_keyboard_only(journey):
    page = journey.page("keyboard-newcomer")
    page.goto(journey.url(f"/pelatihan/{journey.training_id}/daftar"))
    seen = len(mails_to(journey.base, NEWCOMER["email"]))

    def act(state):
        key = state["key"]
        if key == "jenis_kelamin":
            _select(page, NEWCOMER[key])
        elif key == "pangkat":
            choose(page, 0, 5)
        elif key == "consent":
            page.keyboard.press("Space")
            assert page.is_checked("#consent")
        elif key in NEWCOMER:
            page.keyboard.type(NEWCOMER[key])
            if key == "email":  # Shift+Tab goes back one field, Tab returns
                tab(page, backwards=True)
                assert focused(page, "form")["key"] == "phone"
                tab(page)
                assert focused(page, "form")["key"] == "email"
        elif state["tag"] == "button" and state["text"] == "Daftar":
            journey.shot(page, "keyboard-registration-form-filled")
            page.keyboard.press("Enter")
            return True
        return False

    visited = walk(page, "main form.card", act)
    assert visited[:3] == ["nama_lengkap", "jenis_kelamin", "phone"], visited
    page.wait_for_url("**/daftar/selesai")
    subject, body = wait_for_new_mail(journey.base, NEWCOMER["email"], seen)
    assert re.search(rf"{CODE}-\d{{4}}", subject) and "DAFTAR TUNGGU" in body  # the seats went to the first four
    page.context.close()
    del journey.contexts["keyboard-newcomer"]


def test_participant_writes_and_submits_the_rtl_with_the_keyboard_only(journey):
    name, email = PEOPLE[3][0], PEOPLE[3][1]
    page = participant_login(journey, email)
    for _ in range(40):  # Tab to the RTL link on "Halaman saya", then Enter
        tab(page)
        if page.evaluate("() => (document.activeElement.getAttribute('href') || '').startsWith('/peserta/rtl/')"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/peserta/rtl/*")
    values = {f"rows-{i}-{field}": value for i, row in enumerate(RTL_ROWS) for field, value in zip(FIELDS, row)}
    values["rows-0-sumber_dana"] = "Dana Desa"

    def act(state):
        key = state["key"]
        if key in values and state["tag"] == "select":
            _select(page, values[key])
        elif key in values:
            page.keyboard.type(values[key])
        elif state["tag"] == "button" and state["text"] == "Ajukan RTL":
            journey.shot(page, "keyboard-rtl-form-filled")
            page.keyboard.press("Enter")  # the confirm dialog is accepted (Journey.page)
            return True
        return False

    visited = walk(page, "#rtl-form", act)
    assert [key for key in visited if key in values] == list(values)[:len(FIELDS)] + [
        "rows-0-sumber_dana"] + list(values)[len(FIELDS):-1], visited
    expect(page.locator("main")).to_contain_text("sedang ditinjau reviewer")  # waits for the page after Enter
    assert name in page.locator("main").inner_text()
    journey.shot(page, "keyboard-rtl-submitted")
