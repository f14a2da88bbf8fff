"""E-mails to certificate holders besides the 'issued' one (kept out of services.py, which is already long)."""
import sqlalchemy as sa

from bimtek.accounts.models import Duty, TrainingRole, User
from bimtek.extensions import db
from bimtek.mail.services import absolute_url, queue_mail


def notify_revoked(cert):
    """Queue the 'certificate revoked' e-mail: the reason, what it means, whom to contact (same transaction)."""
    registration = cert.registration
    if registration is None or registration.anonymized_at is not None or not registration.email:
        return None
    training = cert.snapshot["training"]
    return queue_mail(registration.email, f"Sertifikat {cert.number} dicabut", "certificate_revoked",
                      certificate=cert, registration=registration, training=training,
                      verify_url=cert.snapshot.get("verify_url") or absolute_url("certificates.verify",
                                                                                 code=cert.code),
                      portal_url=absolute_url("registration.portal"),
                      contacts=panitia_emails(cert.training_id))


def panitia_emails(training_id):
    """Addresses of the training's panitia: whom a participant can ask (the sender is a no-reply address)."""
    return db.session.scalars(sa.select(User.email).join(TrainingRole).where(
        TrainingRole.training_id == training_id, TrainingRole.duty == Duty.PANITIA.value,
        User.is_active_account.is_(True)).order_by(User.email).limit(3)).all()
