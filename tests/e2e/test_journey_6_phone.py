"""Journey steps 7 and 8: the pages people open on their phones (390 × 844) after the story has happened, and phone and
desktop screenshots of the pages issue 14 fixed."""
import pytest

from tests.e2e.journey import PASSWORD, PEOPLE, participant_login

pytestmark = pytest.mark.e2e


# --- phone width (390 × 844): the pages people open on their phones -------------------------------------

def test_07_phone_width_pass_over_key_pages(journey):
    phone = journey.page("phone-participant", width=390, height=844)
    phone.goto(journey.url("/"))
    journey.shot(phone, "phone-home")
    phone.goto(journey.url(f"/pelatihan/{journey.training_id}"))
    journey.shot(phone, "phone-training-page")
    phone.goto(journey.url(f"/pelatihan/{journey.training_id}/daftar"))
    journey.shot(phone, "phone-registration-form")
    phone.goto(journey.url("/peserta/masuk"))
    journey.shot(phone, "phone-participant-login")
    participant_login(journey, PEOPLE[1][1], page=phone)
    journey.shot(phone, "phone-participant-portal")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the portal scrolls sideways on a phone ({width}px)"
    phone.click("main a:has-text('RTL')")
    journey.shot(phone, "phone-participant-rtl")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"

    staff = journey.page("phone-panitia", width=390, height=844)
    staff.goto(journey.url("/akun/masuk"))
    journey.shot(staff, "phone-staff-login")
    staff.fill("input[name=email]", "panitia@dkpus.example.id")
    staff.fill("input[name=password]", PASSWORD)
    staff.click("main button[type=submit]")
    staff.wait_for_url("**/kelola")
    staff.goto(journey.manage("/peserta"))
    journey.shot(staff, "phone-panitia-roster")
    staff.goto(journey.manage("/kehadiran"))
    journey.shot(staff, "phone-panitia-attendance")
    staff.click("label.nav-toggle-label")
    journey.shot(staff, "phone-menu-open")


def test_08_pages_fixed_for_issue_14_at_phone_and_desktop_width(journey):
    """Screenshots of the pages whose contrast, focus ring or scroll boxes were fixed, at 390 and 1366 px."""
    public = journey.page("public-verifier")
    public.goto(journey.url(f"/pelatihan/{journey.training_id}"))
    journey.shots_at_both_widths(public, "fixed-public-training-badges")
    public.goto(journey.url(f"/pelatihan/{journey.training_id}/daftar"))
    public.focus("#nama_lengkap")  # the focus ring on a field
    journey.shots_at_both_widths(public, "fixed-registration-focus-ring")
    participant = journey.page(PEOPLE[0][1])
    participant.goto(journey.url("/peserta"))
    journey.shots_at_both_widths(participant, "fixed-participant-portal-badges")
    staff = journey.page("panitia")
    staff.goto(journey.manage("/kehadiran"))
    journey.shots_at_both_widths(staff, "fixed-attendance-overview-contrast-and-scroll-boxes")
    reviewer = journey.page("reviewer")
    reviewer.goto(journey.manage("/rtl"))
    journey.shots_at_both_widths(reviewer, "fixed-rtl-queue-scroll-box")
