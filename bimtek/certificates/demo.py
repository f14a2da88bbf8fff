"""Demo certificate settings for SPP2020 (signer, number template, drawn signature and stamp) and
certificates for the first two eligible participants, so the verify page has data. Idempotent."""
import io

import sqlalchemy as sa
from PIL import Image, ImageDraw

from bimtek.certificates import services, tasks
from bimtek.certificates.models import Certificate
from bimtek.extensions import db
from bimtek.trainings.models import Training

SIGNER = {
    "signer_jabatan": "Kepala Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
    "signer_name": "Dr. Asyraf Suryadin, M.Si.",
    "signer_pangkat": "Pembina Utama Muda (IV/c)",
    "signer_nip": "196905121994031007",  # fictional
}
DEMO_ISSUES = 2


def _png(draw, size):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _signature():
    return _png(lambda d: d.line([(30, 140), (80, 50), (110, 150), (160, 60), (200, 130), (290, 85), (370, 105)],
                                 fill=(20, 30, 110, 255), width=7), (400, 200))


def _stamp():
    def draw(d):
        d.ellipse((10, 10, 290, 290), outline=(70, 60, 180, 170), width=10)
        d.ellipse((55, 55, 245, 245), outline=(70, 60, 180, 170), width=5)
        d.text((112, 140), "DKPUS", fill=(70, 60, 180, 170))
    return _png(draw, (300, 300))


def seed(actor=None):
    """Settings for SPP2020 and up to two issued certificates; returns how many certificates exist."""
    training = db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))
    if training is None:
        return 0
    settings = services.settings_for(training)
    if settings.id is None:
        values = {**SIGNER, "number_template": "800/{nomor}/DKPUS/{tahun}", "place": training.city,
                  "issue_date": training.end_date, "design": "default"}
        services.save_settings(actor, training, values, signature=_signature(), stamp=_stamp())
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)
                                 .where(Certificate.training_id == training.id))
    if existing:
        return existing
    for registration in tasks.bulk_targets(training)[:DEMO_ISSUES]:
        services.issue_certificate(actor, registration)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)
                             .where(Certificate.training_id == training.id))
