"""Activity report settings: the organizer unit's letterhead (set once per unit) and the training's editable
chapter texts (dasar, maksud dan tujuan, penutup); the stored report files built in the background."""
import sqlalchemy as sa

from bimtek.core.filerefs import STORED_FILE
from bimtek.core.models import TimestampMixin, UTCDateTime, now_utc
from bimtek.extensions import db


class Letterhead(TimestampMixin, db.Model):
    """Kop surat of one organizer unit (matched on Training.organizer_unit): name lines, address, logo PNG/JPEG."""

    __tablename__ = "report_letterheads"

    id = sa.Column(sa.Integer, primary_key=True)
    organizer_unit = sa.Column(sa.String(300), nullable=False, unique=True)
    parent_line = sa.Column(sa.String(300), nullable=False, default="")  # e.g. PEMERINTAH PROVINSI …
    unit_name = sa.Column(sa.String(300), nullable=False)
    address = sa.Column(sa.String(500), nullable=False, default="")
    logo = sa.Column(sa.LargeBinary)  # checked image bytes, at most 512 KB
    logo_mime = sa.Column(sa.String(30))


class ReportFields(TimestampMixin, db.Model):
    """The training's own words for chapters I and IV; empty fields get a default text."""

    __tablename__ = "report_fields"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            unique=True)
    dasar = sa.Column(sa.Text, nullable=False, default="")
    maksud_tujuan = sa.Column(sa.Text, nullable=False, default="")
    penutup = sa.Column(sa.Text, nullable=False, default="")
    place = sa.Column(sa.String(100), nullable=False, default="")
    signer_jabatan = sa.Column(sa.String(200), nullable=False, default="")
    signer_name = sa.Column(sa.String(200), nullable=False, default="")
    signer_nip = sa.Column(sa.String(30), nullable=False, default="")


class ReportFile(db.Model):
    """The current laporan kegiatan file of a training in one format, built by a background job (replaced on
    rebuild). `fingerprint` is a digest of the figures it was built from: the page compares it with the figures
    it shows now to say the file is out of date."""

    __tablename__ = "report_files"
    __table_args__ = (sa.UniqueConstraint("training_id", "fmt", name="uq_report_files_training_fmt"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False)
    fmt = sa.Column(sa.String(4), nullable=False)  # docx | pdf
    sha256 = sa.Column(sa.String(64), nullable=False, info=STORED_FILE)
    size = sa.Column(sa.Integer, nullable=False)
    fingerprint = sa.Column(sa.String(64), nullable=False)
    built_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    built_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    job_id = sa.Column(sa.Integer, sa.ForeignKey("jobs.id", ondelete="SET NULL"))
