"""Foundation in a real browser: public pages, staff login, training management, phone width."""
import pytest

pytestmark = pytest.mark.e2e


def test_public_training_page_shows_schedule_in_wib(live_server, page, shoot):
    page.goto(live_server + "/")
    page.click("text=Bimtek Strategi Pengembangan Perpustakaan (SPP) dan TIK")
    page.wait_for_url("**/pelatihan/*")  # is_visible() does not wait for the next page
    assert page.locator("text=21–23 Juli 2020").first.is_visible()
    assert page.locator(".sessions li").count() == 6
    assert page.locator("text=08.00–12.00 WIB").count() == 3
    shoot(page, "00-public-training")


def test_admin_logs_in_and_opens_the_training(live_server, page, shoot):
    page.goto(live_server + "/akun/masuk")
    page.fill("input[name=email]", "admin@dkpus.example.id")
    page.fill("input[name=password]", "demo-bimtek-2020")
    page.click("main button[type=submit]")
    page.wait_for_url("**/kelola")
    page.click("text=Bimtek Strategi Pengembangan Perpustakaan (SPP) dan TIK")
    assert page.locator("text=Materi dan JP").is_visible()
    shoot(page, "01-manage-training")


def test_phone_width_menu(live_server, browser, shoot):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server + "/pelatihan/1")
    page.click("label.nav-toggle-label")
    assert page.locator("nav.mainnav >> text=Masuk staf").is_visible()
    shoot(page, "02-phone-training")
    context.close()
