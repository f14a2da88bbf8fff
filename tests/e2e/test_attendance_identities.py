"""Issue 20 in a real browser on the demo training SPP2020, as a new panitia tries it: a second file in session 1
with the same people under other names (renamed display, a phone named "Galaxy A52"), and a phone log in session 3
with Maria Ulfa's second device without e-mail. After every click the figures on the page are checked."""
import re

import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "demo-bimtek-2020"
TRAINING = "Bimtek Strategi Pengembangan Perpustakaan (SPP) dan TIK"
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


def _csv(rows):
    return (HEADER + "".join(f"{name},{mail},{join},{leave},1,{'No' if mail else 'Yes'}\n"
                             for name, mail, join, leave in rows)).encode("utf-8")


@pytest.fixture(scope="module")
def panitia(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server + "/akun/masuk")
    page.fill("input[name=email]", "panitia@dkpus.example.id")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/kelola")
    page.click(f"text={TRAINING}")
    page.wait_for_url(re.compile(r".*/kelola/pelatihan/\d+.*"))
    training_id = re.search(r"/kelola/pelatihan/(\d+)", page.url).group(1)
    page.goto(f"{live_server}/kelola/pelatihan/{training_id}/kehadiran")
    links = page.locator("main a[href*='/kehadiran/sesi/']")
    sessions = list(dict.fromkeys(links.nth(i).get_attribute("href") for i in range(links.count())))
    yield page, [live_server + href for href in sessions]
    context.close()


def _minutes(page, number):
    row = page.locator("main table.att-table tbody tr", has_text=number)
    return int(row.locator("td").nth(2).inner_text().strip())


def _status(page, number):
    return page.locator("main table.att-table tbody tr", has_text=number).locator("td").nth(4).inner_text()


def _queue(page):
    """Names, reasons and effects of the queued items (not the participant pickers)."""
    return "\n".join(page.locator("#antrean .att-queue-name").all_inner_texts())


def _upload(page, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    page.set_input_files("#files", str(path))
    page.click("main button:has-text('Unggah dan lihat pratinjau')")
    page.wait_for_url("**/pratinjau")
    page.click("main button:has-text('Terapkan')")
    page.wait_for_url(re.compile(r".*/kehadiran/sesi/\d+$"))


def test_renamed_second_file_and_a_device_add_time_and_can_be_undone(panitia, tmp_path, shoot):
    page, sessions = panitia
    page.goto(sessions[0])
    nurhayati, yuliana = _minutes(page, "SPP2020-0005"), _minutes(page, "SPP2020-0007")
    assert nurhayati > 0 and yuliana > 0
    _upload(page, tmp_path, "zoom_kedua_sesi1.csv", _csv([
        ("Nurhayati TBM Pelangi", "", "07/21/2020 08:30:00 AM", "07/21/2020 11:00:00 AM"),
        ("Galaxy A52", "", "07/21/2020 07:50:00 AM", "07/21/2020 12:10:00 PM")]))
    queue = _queue(page)
    assert "Nurhayati TBM Pelangi" in queue and "Galaxy A52" in queue
    before, after = map(int, re.search(r"Nurhayati: (\d+) → (\d+) menit", queue).groups())
    assert before == nurhayati and after >= nurhayati  # e.g. "240 → 240 menit (tidak berubah, ...)"
    assert _minutes(page, "SPP2020-0005") == nurhayati  # uploading never takes time away
    shoot(page, "i20-01-session1-second-file-queued")

    item = page.locator("#antrean li", has_text="Nurhayati TBM Pelangi")
    item.locator("button:has-text('Tetapkan: Nurhayati')").click()
    page.wait_for_load_state()
    assert "ditetapkan sebagai" in page.locator(".flashes").inner_text()
    assert "Nurhayati TBM Pelangi" not in _queue(page)
    assert _minutes(page, "SPP2020-0005") == after and "Hadir" in _status(page, "SPP2020-0005")
    row = page.locator("main table.att-table tbody tr", has_text="SPP2020-0005").inner_text()
    assert "Nurhayati TBM Pelangi" in row and "Ditetapkan panitia" in row and "Nama sama" in row

    item = page.locator("#antrean li", has_text="Galaxy A52")
    option = item.locator("select option", has_text="Yuliana Sari").first
    item.locator("select").select_option(value=option.get_attribute("value"))
    item.locator("button:has-text('Tetapkan') >> nth=-1").click()
    page.wait_for_load_state()
    assert "Galaxy A52" not in _queue(page)
    assert _minutes(page, "SPP2020-0007") == 240 and "Hadir" in _status(page, "SPP2020-0007")
    shoot(page, "i20-02-session1-assigned")

    row = page.locator("main table.att-table tbody tr", has_text="SPP2020-0007")
    row.locator("div.att-identity", has_text="Galaxy A52").locator("button:has-text('Batalkan penetapan')").click()
    page.wait_for_load_state()
    assert "dibatalkan" in page.locator(".flashes").inner_text()
    assert _minutes(page, "SPP2020-0007") == yuliana and "Galaxy A52" in _queue(page)
    assert _minutes(page, "SPP2020-0005") == after
    shoot(page, "i20-03-session1-undone")


def test_second_device_without_email_counts_and_device_mark_stays_in_its_session(panitia, tmp_path, shoot):
    page, sessions = panitia
    page.goto(sessions[2])
    maria = _minutes(page, "SPP2020-0009")
    _upload(page, tmp_path, "hp_sesi3.csv", _csv([
        ("Maria Ulfa", "", "07/22/2020 08:00:00 AM", "07/22/2020 12:00:00 PM"),
        ("iPhone", "", "07/22/2020 09:00:00 AM", "07/22/2020 10:00:00 AM")]))
    assert "Maria Ulfa" not in _queue(page)  # her second identity, matched by name, adds to her e-mail one
    assert _minutes(page, "SPP2020-0009") == 240 >= maria
    assert "Hadir" in _status(page, "SPP2020-0009")
    page.locator("#antrean li", has_text="iPhone").locator("button:has-text('Bukan peserta')").click()
    page.wait_for_load_state()
    assert "di sesi ini saja" in page.locator(".flashes").inner_text()
    assert "iPhone" not in _queue(page)
    shoot(page, "i20-04-session3-phone-log")

    page.goto(sessions[3])
    _upload(page, tmp_path, "hp_sesi4.csv", _csv([
        ("iPhone", "", "07/22/2020 01:00:00 PM", "07/22/2020 02:00:00 PM")]))
    assert "iPhone" in _queue(page)  # another session's "iPhone" is someone else until decided
    page.goto(page.url.split("/kehadiran")[0] + "/kehadiran")
    overview = page.locator("main").inner_text()
    assert "Maria Ulfa" in overview
    shoot(page, "i20-05-overview")
