"""Browser journey fixtures: a real server (gunicorn-free Flask server process) on a free loopback port,
a fresh SQLite database with migrations + demo data, and headless Debian Chromium via Playwright."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from tests.e2e.checks import STATS, AuditedBrowser, audit_pending, axe_source
from tests.e2e.journey import Journey

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Start the app like README does (db upgrade, seed-demo, serve) and yield its base URL."""
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env = dict(os.environ, FLASK_APP="bimtek", DATABASE_URL=f"sqlite:///{tmp / 'e2e.sqlite3'}",
               BIMTEK_DATA_DIR=str(tmp / "data"), SECRET_KEY="e2e-secret", BASE_URL=f"http://127.0.0.1:{port}",
               BIMTEK_E2E="1", REPORT_INLINE_MAX_ROWS="30")  # the demo report (60 rows) is built as a job
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask"]
    for args in (["db", "upgrade"], ["seed-demo", "--password", "demo-bimtek-2020"]):
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, capture_output=True)
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(flask + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
                              env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = LiveServer(f"http://127.0.0.1:{port}")
    base.data_dir = tmp / "data"
    _wait_for(base + "/sehat", server)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


class LiveServer(str):
    """The base URL, plus where the server writes its files (the mail outbox, for sign-in codes)."""

    data_dir = None


def _wait_for(url, process, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian package 'chromium'")
    axe_source()  # fails every browser test at once when axe-core is not installed
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, env=dict(os.environ, LANGUAGE="id"), args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=id-ID"])
        yield AuditedBrowser(browser)  # every page it opens is checked after each navigation (checks.py)
        browser.close()


@pytest.fixture(autouse=True)
def _audit_last_pages():
    """The last document a test left open is checked too (the checks otherwise run on the next call)."""
    yield
    audit_pending()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def journey(live_server, browser):
    """The story the test_journey_*.py files tell in order (tests/e2e/journey.py)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("journey-*.png"):
        old.unlink()

    def shoot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    story = Journey(live_server, browser, shoot)
    yield story
    story.close()


@pytest.fixture
def shoot():
    """shoot(page, name): full-page screenshot into artifacts/screenshots (kept by CI)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shoot


def pytest_terminal_summary(terminalreporter):
    if STATS["pages"]:
        terminalreporter.write_line(f"page checks (layout at 390 and 1366 px, axe-core): {STATS['pages']} pages, "
                                    f"{STATS['seconds']:.0f} s")
