"""Journey step 3: panitia uploads a Zoom participants export per session, resolves a device name and
overrides an absence."""
import re
from datetime import datetime, timedelta

import pytest

from tests.e2e.journey import CAPACITY, PEOPLE, START, TRAINING, flash, no_error_page, staff_login

pytestmark = pytest.mark.e2e


# --- 3. panitia uploads a Zoom participants export per session -------------------------------------------

def _zoom_export(session_index, day, start, end, people, numbers):
    """A Zoom "Participants" report with meeting data, shaped like the real 2020–2021 export."""
    fmt = "%m/%d/%Y %I:%M:%S %p"
    s = datetime.combine(day, start) - timedelta(minutes=10)
    e = datetime.combine(day, end) + timedelta(minutes=5)
    lines = ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
             f"852 1848 62{session_index:02d},{TRAINING} - Sesi {session_index},{s.strftime(fmt)},{e.strftime(fmt)},"
             f"panitia@dkpus.example.id,{int((e - s).total_seconds() // 60)},{len(people) + 1}",
             "",
             "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent"]
    host_join = datetime.combine(day, start) - timedelta(minutes=10)
    lines.append(f"Panitia DKPUS (Host),panitia@dkpus.example.id,{host_join.strftime(fmt)},{e.strftime(fmt)},"
                 f"{int((e - host_join).total_seconds() // 60)},No,")
    for offset, (_name, email, _nip, _g, zoom) in enumerate(people):
        join = datetime.combine(day, start) - timedelta(minutes=3) + timedelta(minutes=offset)
        leave = datetime.combine(day, end) + timedelta(minutes=1)
        display = zoom.format(number=numbers[email])
        mail = email if offset == 1 else ""  # only signed-in Zoom users show an address
        lines.append(f"{display},{mail},{join.strftime(fmt)},{leave.strftime(fmt)},"
                     f"{int((leave - join).total_seconds() // 60)},{'Yes' if not mail else 'No'},Y")
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_03_panitia_uploads_zoom_logs_resolves_a_name_and_overrides_an_absence(journey, tmp_path):
    page = staff_login(journey, "panitia", "panitia@dkpus.example.id")
    page.click(f"text={TRAINING}")
    page.goto(journey.manage("/kehadiran"))
    journey.shot(page, "panitia-attendance-before-upload")
    seated = PEOPLE[:CAPACITY]
    slots = ((datetime.strptime("08:00", "%H:%M").time(), datetime.strptime("12:00", "%H:%M").time()),
             (datetime.strptime("13:00", "%H:%M").time(), datetime.strptime("16:30", "%H:%M").time()))
    session_links = page.locator("main a[href*='/kehadiran/sesi/']")
    session_urls = list(dict.fromkeys(session_links.nth(i).get_attribute("href") for i in range(session_links.count())))
    assert len(session_urls) == 6, session_urls
    for index, href in enumerate(session_urls, start=1):
        day = START + timedelta(days=(index - 1) // 2)
        start, end = slots[(index - 1) % 2]
        present = seated if index != 6 else seated[:3]  # Teguh is missing from the last log
        path = tmp_path / f"participants_85218486{index:02d}.csv"
        path.write_bytes(_zoom_export(index, day, start, end, present, journey.numbers))
        page.goto(journey.url(href))
        page.set_input_files("#files", str(path))
        page.click("main button:has-text('Unggah dan lihat pratinjau')")
        page.wait_for_url("**/pratinjau")
        no_error_page(page)
        if index == 1:
            journey.shot(page, "panitia-upload-preview-session-1")
        page.click("main button:has-text('Terapkan')")
        page.wait_for_url(re.compile(r".*/kehadiran/sesi/\d+$"))
        if index == 1:
            assert page.locator("#antrean").is_visible()
            assert "Galaxy A52" in page.locator("#antrean").inner_text()
            journey.shot(page, "panitia-session-1-review-queue")
            item = page.locator("#antrean li", has_text="Galaxy A52")
            option = item.locator("select option", has_text=PEOPLE[2][0]).first
            item.locator("select").select_option(value=option.get_attribute("value"))
            item.locator("button:has-text('Tetapkan') >> nth=-1").click()
            page.wait_for_load_state()
            assert "ditetapkan sebagai" in flash(page)
            assert "Galaxy A52" not in page.locator("#antrean").inner_text()
            maya = page.locator("main table tbody tr", has_text=PEOPLE[2][0]).inner_text()
            assert "Galaxy A52" in maya and "Hadir" in maya, maya
            journey.shot(page, "panitia-session-1-name-resolved")
        if index == 6:
            row = page.locator("main table tbody tr", has_text=PEOPLE[3][0])
            assert "Tidak hadir" in row.inner_text()
            row.locator("summary").click()
            row.locator("select[name=status]").select_option("hadir")
            row.locator("textarea[name=reason]").fill(
                "Hadir di ruang rapat Dinas bersama panitia (satu perangkat); tercatat di daftar hadir manual.")
            row.locator("button:has-text('Simpan koreksi')").click()
            page.wait_for_load_state()
            assert "Koreksi kehadiran disimpan" in flash(page)
            row = page.locator("main table tbody tr", has_text=PEOPLE[3][0])
            assert "daftar hadir manual" in row.inner_text()
            journey.shot(page, "panitia-session-6-absence-overridden")
    page.goto(journey.manage("/kehadiran"))
    no_error_page(page)
    journey.shot(page, "panitia-attendance-overview")
    overview = page.locator("main").inner_text()
    for name, *_ in seated:
        assert name in overview
