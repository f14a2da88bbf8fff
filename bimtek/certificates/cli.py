"""Certificate commands (thin edge: services do the work, the command commits once per certificate)."""
import os
import sys
from pathlib import Path

import click
from flask import current_app

from bimtek.certificates import pades
from bimtek.certificates.services import tte
from bimtek.certificates.services.backends import LocalKeyBackend
from bimtek.certificates.services.signing import replace_with_signed
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.trainings.models import Training


@click.command("sign-certificates")
@click.argument("training_id", type=int)
@click.option("--pkcs12", "pkcs12_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="PKCS#12 (.p12) of the institution; its password comes from TTE_PKCS12_PASSWORD.")
def sign_certificates(training_id, pkcs12_path):
    """Sign every valid, not yet signed certificate of a training with the institution's key (PAdES)."""
    training = db.session.get(Training, training_id)
    if training is None:
        raise click.ClickException(f"Pelatihan {training_id} tidak ditemukan.")
    password = current_app.config.get("TTE_PKCS12_PASSWORD") or os.environ.get("TTE_PKCS12_PASSWORD") or ""
    try:
        key = tte.key_for_training(training, password, Path(pkcs12_path).read_bytes())
    except pades.KeyProblem as problem:
        click.echo(problem.message, err=True)
        sys.exit(2)
    backend, count = LocalKeyBackend(key), 0
    for cert_id in tte.pending_ids(training):  # as the bulk job: render with the footer, sign, file then row
        cert = tte.locked_certificate(cert_id)
        if cert is not None and cert.is_valid and cert.signed_at is None:
            for signed, pdf, signer in backend.sign_batch([cert]):
                replace_with_signed(None, signed, pdf, app_storage(), signed_by=signer, how="pkcs12")
                count += 1
        db.session.commit()
    click.echo(f"{count} sertifikat ditandatangani secara elektronik ({_levels(backend.levels)}).")


def _levels(levels):
    return ", ".join(f"PAdES {level}: {n}" for level, n in sorted(levels.items())) or "tidak ada yang perlu"
