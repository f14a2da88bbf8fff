"""Shared set-up for certificate tests: a training with certificate settings and eligible participants."""
import io
import subprocess

from PIL import Image

from bimtek.accounts.models import Duty
from bimtek.action_plans import workflow
from bimtek.action_plans.models import ActionPlan, ActionPlanSettings
from bimtek.attendance import rules
from bimtek.attendance.services import set_override
from bimtek.certificates import services
from bimtek.extensions import db
from tests.factories import make_registration, make_staff, make_training

SIGNER = {"number_template": "800/{nomor}/DKPUS/{tahun}", "signer_jabatan": "Kepala Dinas Uji",
          "signer_name": "Dr. Asyraf Suryadin, M.Si.", "signer_pangkat": "Pembina Utama Muda (IV/c)",
          "signer_nip": "196905121994031007", "place": "Pangkalpinang", "issue_date": None, "design": "default"}


def png_bytes(size=(200, 100), fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 40, 120)).save(out, fmt)
    return out.getvalue()


def certificate_training(rtl_required=False, everyone_passes=False, **fields):
    """A training with saved certificate settings and a penandatangan; returns (training, signer)."""
    if everyone_passes:
        fields.update(pass_rule="jp", min_jp=0)
    training = make_training(city="Pangkalpinang", organizer_short="DKPUS", **fields)
    signer = make_staff(training, Duty.PENANDATANGAN)
    db.session.add(ActionPlanSettings(training_id=training.id, required_for_certificate=rtl_required,
                                      strategies=["A"], require_each_strategy=False))
    services.save_settings(signer, training, SIGNER, signature=png_bytes(), stamp=png_bytes((120, 120)))
    db.session.commit()
    return training, signer


def attend_all(registration, actor=None):
    """Mark the registration present in every session (manual overrides, as the panitia would)."""
    for session in registration.training.sessions:
        set_override(actor, session, registration.id, rules.HADIR, "hadir (uji)")
    db.session.commit()


def approve_rtl(registration):
    db.session.add(ActionPlan(registration_id=registration.id, training_id=registration.training_id,
                              status=workflow.DISETUJUI, rows=[]))
    db.session.commit()


def eligible_registration(training, **fields):
    registration = make_registration(training, **fields)
    attend_all(registration)
    return registration


def pdf_text(data):
    from bimtek.certificates.archive import pdf_text as extract

    return extract(data)


def qr_codes(pdf_bytes, tmp_path):
    """Decode the QR codes of the first page (pdftoppm render + zbarimg)."""
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                   check=True)
    png = sorted(tmp_path.glob("p*.png"))[0]
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
    return result.stdout.split()
