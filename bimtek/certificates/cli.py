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

NO_PASSWORD = "Kata sandi PKCS#12 tidak diberikan: atur variabel lingkungan TTE_PKCS12_PASSWORD."  # nosec B105  # a message


def _fail(message, code):
    """One Indonesian line on stderr, then exit: 2 for anything about the key, 1 for an unknown training."""
    click.echo(message, err=True)
    sys.exit(code)


def _key_bytes(path):
    """The bytes of the PKCS#12 file; exit 2 with one line when it cannot be read (no click usage text)."""
    file = Path(path)
    if not file.exists():
        _fail(f"Berkas PKCS#12 {path} tidak ditemukan.", 2)
    if not file.is_file():
        _fail(f"{path} bukan berkas PKCS#12 (.p12/.pfx).", 2)
    try:
        data = file.read_bytes()
    except OSError:
        _fail(f"Berkas PKCS#12 {path} tidak dapat dibaca (periksa izin berkas).", 2)
    if len(data) > tte.PKCS12_MAX_BYTES:
        _fail(f"{path} bukan berkas PKCS#12 (.p12/.pfx): terlalu besar.", 2)
    return data


def _is_id(text):
    return text.isascii() and text.isdigit() and len(text) < 10


@click.command("sign-certificates")
@click.argument("training_id")
@click.option("--pkcs12", "pkcs12_path", required=True,
              help="PKCS#12 (.p12) of the institution; its password comes from TTE_PKCS12_PASSWORD.")
def sign_certificates(training_id, pkcs12_path):
    """Sign every valid, not yet signed certificate of a training with the institution's key (PAdES).
    Exit 2 with one Indonesian line when the key cannot be used (missing or unreadable file, not a PKCS#12,
    wrong or missing password, expired, not the training's configured signer); exit 1 for an unknown training."""
    data = _key_bytes(pkcs12_path)
    training = db.session.get(Training, int(training_id)) if _is_id(training_id) else None
    if training is None:
        _fail(f"Pelatihan {training_id} tidak ditemukan.", 1)
    password = current_app.config.get("TTE_PKCS12_PASSWORD") or os.environ.get("TTE_PKCS12_PASSWORD") or ""
    try:
        key = tte.key_for_training(training, password, data)
    except pades.KeyProblem as problem:
        _fail(NO_PASSWORD if not password and problem.message == pades.WRONG_KEY else problem.message, 2)
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
