"""Certificates: per-training settings and counter, issued certificates with frozen snapshots, file
versions (issued / signed outside the app) and the verification log."""
import enum

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.filerefs import NOT_A_STORED_FILE, STORED_FILE, stored_file_keys
from bimtek.core.i18n import N_
from bimtek.core.models import TimestampMixin, UTCDateTime, now_utc
from bimtek.extensions import db


class CertStatus(str, enum.Enum):
    VALID = "valid"
    REVOKED = "revoked"    # dicabut (reason required)
    REPLACED = "replaced"  # diganti by a re-issue with a new number


STATUS_LABELS = {
    CertStatus.VALID: N_("Sah"),
    CertStatus.REVOKED: N_("Dicabut"),
    CertStatus.REPLACED: N_("Diganti"),
}
_VALID_SQL = sa.text("status = 'valid'")


SIGN_METHODS = {
    "manual": N_("Manual: unduh, tandatangani di aplikasi lain, unggah kembali"),
    "pkcs12": N_("Sertifikat elektronik instansi (PKCS#12)"),
    "bsre_sign": N_("BSrE: tanda tangan pribadi (NIK + passphrase)"),
    "bsre_seal": N_("BSrE: segel elektronik instansi (TOTP)"),
}


class CertificateSettings(TimestampMixin, db.Model):
    """How a training's certificates look and are numbered; `last_seq` is the number counter."""

    __tablename__ = "certificate_settings"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            unique=True)
    number_template = sa.Column(sa.String(120), nullable=False, default="800/{nomor}/{unit}/{tahun}")
    last_seq = sa.Column(sa.Integer, nullable=False, default=0)  # only ever grows: numbers are never reused
    signer_jabatan = sa.Column(sa.String(300), nullable=False, default="")
    signer_name = sa.Column(sa.String(200), nullable=False, default="")
    signer_pangkat = sa.Column(sa.String(100), nullable=False, default="")
    signer_nip = sa.Column(sa.String(18), nullable=False, default="")
    place = sa.Column(sa.String(100), nullable=False, default="")
    issue_date = sa.Column(sa.Date)  # NULL = the training's last day
    signature_sha256 = sa.Column(sa.String(64), info=STORED_FILE)
    stamp_sha256 = sa.Column(sa.String(64), info=STORED_FILE)
    design = sa.Column(sa.String(60), nullable=False, default="default")
    # Electronic signature (TTE): how this training's certificates are signed (SIGN_METHODS), the institution's
    # PKCS#12 (kept as uploaded: encrypted by its password, which is never stored), the configured signer's
    # certificate (SHA-256 of its DER) and the trust anchors (PEM bundle) signatures are checked against.
    sign_method = sa.Column(sa.String(12), nullable=False, default="manual", server_default="manual")
    pkcs12_sha256 = sa.Column(sa.String(64), info=STORED_FILE)
    signer_cert_sha256 = sa.Column(sa.String(64), info=NOT_A_STORED_FILE)
    anchors_sha256 = sa.Column(sa.String(64), info=STORED_FILE)
    bsre_nik = sa.Column(sa.String(16), nullable=False, default="", server_default="")
    bsre_subscriber = sa.Column(sa.String(100), nullable=False, default="", server_default="")

    training = orm.relationship("Training")


class Certificate(db.Model):
    """One issued certificate. `snapshot` freezes everything printed on it at issue time."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.UniqueConstraint("training_id", "number", name="uq_certificates_training_number"),
        sa.UniqueConstraint("training_id", "seq", name="uq_certificates_training_seq"),
        # At most one valid certificate per registration (a second issuer's insert fails).
        sa.Index("uq_certificates_valid_registration", "registration_id", unique=True,
                 sqlite_where=_VALID_SQL, postgresql_where=_VALID_SQL),
        sa.Index("uq_certificates_valid_recipient", "recipient_id", unique=True,
                 sqlite_where=_VALID_SQL, postgresql_where=_VALID_SQL),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    seq = sa.Column(sa.Integer, nullable=False)
    number = sa.Column(sa.String(160), nullable=False)
    code = sa.Column(sa.String(64), nullable=False, unique=True)  # unguessable verification code
    status = sa.Column(sa.String(10), nullable=False, default=CertStatus.VALID.value, index=True)
    snapshot = sa.Column(sa.JSON, nullable=False, info=stored_file_keys("signature_sha256", "stamp_sha256"))
    name = sa.Column(sa.String(200), nullable=False)  # frozen name (also in snapshot), for lists
    sha256 = sa.Column(sa.String(64), nullable=False, info=STORED_FILE)  # the stored file that is downloaded now
    original_sha256 = sa.Column(sa.String(64), nullable=False, info=STORED_FILE)  # the file as first issued
    size = sa.Column(sa.Integer, nullable=False, default=0)
    issued_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    issued_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    signed_at = sa.Column(UTCDateTime)  # replaced by an electronically signed PDF (TTE)
    signed_by = sa.Column(sa.String(200), nullable=False, default="", server_default="")  # signer's name (TTE)
    revoked_at = sa.Column(UTCDateTime)
    revoked_reason = sa.Column(sa.Text, nullable=False, default="")
    revoked_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    replaced_at = sa.Column(UTCDateTime)
    replaced_by_id = sa.Column(sa.Integer, sa.ForeignKey("certificates.id", ondelete="SET NULL"))
    emailed_at = sa.Column(UTCDateTime)
    # Set instead of registration_id for narasumber, moderator, MC and panitia (CertificateRecipient).
    recipient_id = sa.Column(sa.Integer, sa.ForeignKey("certificate_recipients.id", ondelete="SET NULL"), index=True)

    training = orm.relationship("Training")
    registration = orm.relationship("Registration")
    recipient = orm.relationship("CertificateRecipient")
    replaced_by = orm.relationship("Certificate", remote_side=[id])
    files = orm.relationship("CertificateFile", back_populates="certificate", order_by="CertificateFile.id",
                             cascade="all, delete-orphan")

    @property
    def status_label(self):
        return STATUS_LABELS[CertStatus(self.status)]

    @property
    def is_valid(self):
        return self.status == CertStatus.VALID.value

    @classmethod
    def of_training(cls, training_id):
        """Select a training's certificates, newest number first."""
        return sa.select(cls).where(cls.training_id == training_id).order_by(cls.seq.desc())


class CertificateFile(db.Model):
    """Every file a certificate ever had (content-addressed storage); older ones are kept."""

    __tablename__ = "certificate_files"

    id = sa.Column(sa.Integer, primary_key=True)
    certificate_id = sa.Column(sa.Integer, sa.ForeignKey("certificates.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    kind = sa.Column(sa.String(10), nullable=False)  # "issued" | "signed"
    sha256 = sa.Column(sa.String(64), nullable=False, index=True, info=STORED_FILE)
    size = sa.Column(sa.Integer, nullable=False)
    filename = sa.Column(sa.String(255), nullable=False, default="")  # uploaded file name (signed)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    certificate = orm.relationship("Certificate", back_populates="files")


class Verification(db.Model):
    """One look-up of a certificate on the public page: time, user agent, kind and result (no IP)."""

    __tablename__ = "certificate_verifications"

    id = sa.Column(sa.Integer, primary_key=True)
    certificate_id = sa.Column(sa.Integer, sa.ForeignKey("certificates.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    kind = sa.Column(sa.String(10), nullable=False)  # "page" | "json" | "upload"
    result = sa.Column(sa.String(20), nullable=False, default="")  # upload: current | older | mismatch
    user_agent = sa.Column(sa.String(300), nullable=False, default="")


class CertificateRecipient(db.Model):
    """Someone who is not a participant and gets a certificate: narasumber (with the materi given), moderator,
    MC or panitia. Their certificates are ordinary Certificate rows with `recipient_id` set."""

    __tablename__ = "certificate_recipients"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    name = sa.Column(sa.String(200), nullable=False)
    nip = sa.Column(sa.String(18), nullable=False, default="")
    instansi = sa.Column(sa.String(300), nullable=False, default="")
    role = sa.Column(sa.String(20), nullable=False)  # recipients.ROLES
    materi_id = sa.Column(sa.Integer, sa.ForeignKey("materi.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)

    training = orm.relationship("Training")
    materi = orm.relationship("Materi")


class RecipientNumbering(db.Model):
    """How recipients' certificates are numbered: the participants' sequence and template (shared), or an own
    template and counter. Own numbers are stored as negative `Certificate.seq` so both sequences fit the
    training's unique (training_id, seq) key."""

    __tablename__ = "certificate_recipient_numbering"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            unique=True)
    shared_sequence = sa.Column(sa.Boolean, nullable=False, default=True)
    number_template = sa.Column(sa.String(120), nullable=False, default="800/{nomor}/NS/{unit}/{tahun}")
    last_seq = sa.Column(sa.Integer, nullable=False, default=0)
