"""Set-up for TTE tests: a training with issued certificates and the test key configured."""
import sqlalchemy as sa

from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.certificates.signature_check import check
from bimtek.extensions import db
from tests import tte_keys
from tests.integration.certificate_helpers import certificate_training, eligible_registration


def training_with_certificates(count=2, names=("Siti Aminah, S.IP.", "Budi Santoso")):
    """(training, signer, [certificates]) with ``count`` valid issued certificates."""
    training, signer = certificate_training()
    certs = [services.issue_certificate(signer, eligible_registration(training, name=names[i % len(names)]))
             for i in range(count)]
    db.session.commit()
    return training, signer, certs


def stored_pdf(cert):
    db.session.refresh(cert)
    return services.app_storage().get(cert.sha256)


def assert_signed_by_test_key(pdf, tmp_path, cn="Dr. Uji Penandatangan"):
    """pyHanko and poppler agree the file is validly signed over its whole length by the test signer."""
    _, cert = tte_keys.make_signer(cn)
    report = check(pdf, tte_keys.anchors(), tte_keys.cert_sha256(cert))
    assert report.verdict == "valid" and report.signer == cn, report
    tte_keys.assert_pdfsig_valid(pdf, tmp_path, cn)


def certificates_of(training):
    return db.session.scalars(sa.select(Certificate).where(Certificate.training_id == training.id)
                              .order_by(Certificate.seq)).all()


def sign_with_test_key(pdf, cn="Dr. Uji Penandatangan", ca_cn="Uji Root CA"):
    """A PAdES signature by a test signer (as a TTE application outside bimtek would make)."""
    from bimtek.certificates import pades
    key = pades.load_key(tte_keys.make_p12(cn, ca_cn=ca_cn), tte_keys.P12_PASSWORD)
    return pades.sign(pdf, key)[0]


def trust_test_ca(actor, training):
    """The test CA becomes the training's trust anchor (as the admin uploads BSrE's chain)."""
    from bimtek.certificates.services import tte
    tte.store_anchors(actor, training, tte_keys.make_ca().pem)
    db.session.commit()
