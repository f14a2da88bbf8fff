"""`flask --app bimtek laporan TRAINING_ID --out FILE.docx|FILE.pdf`: the same report as the button."""
import os
import pathlib
import tempfile

import click

from bimtek.extensions import db
from bimtek.reports import services
from bimtek.trainings.models import Training

FORMATS = (".docx", ".pdf")


@click.command("laporan")
@click.argument("training_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=pathlib.Path),
              help="Berkas tujuan: .docx atau .pdf (jenis menurut akhiran nama).")
def laporan(training_id, out):
    """Tulis laporan pelaksanaan kegiatan pelatihan TRAINING_ID ke berkas DOCX atau PDF."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise click.BadParameter("akhiran nama berkas harus .docx atau .pdf", param_hint="--out")
    training = db.session.get(Training, training_id)
    if training is None:
        raise click.ClickException(f"Pelatihan dengan ID {training_id} tidak ditemukan.")
    data = services.report_docx(training) if suffix == ".docx" else services.report_pdf(training)
    db.session.commit()  # the default questionnaire may have just been created
    _write_atomically(out, data)
    click.echo(f"Laporan ditulis ke {out} ({len(data):,} byte).".replace(",", "."))


def _write_atomically(path, data):
    """Never leave a half-written report behind: write a temporary file beside it, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise
