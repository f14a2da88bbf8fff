"""`flask --app bimtek laporan TRAINING_ID --out FILE.docx|FILE.pdf`: the same report as the button."""
import os
import pathlib
import tempfile

import click

from bimtek.core.commands import OneLineCommand
from bimtek.extensions import db
from bimtek.reports import services
from bimtek.trainings.models import Training

FORMATS = (".docx", ".pdf")


@click.command("laporan", cls=OneLineCommand)
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
    handle, temporary = _open_beside(out)  # before the report is built: a wrong place fails at once
    try:
        data = services.report_docx(training) if suffix == ".docx" else services.report_pdf(training)
        db.session.commit()  # the default questionnaire may have just been created
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, out)  # never leave a half-written report behind
    except OSError as error:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise click.ClickException(f"Tidak dapat menulis {out}: {error.strerror or error}.") from None
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(f"Laporan ditulis ke {out} ({len(data):,} byte).".replace(",", "."))


def _open_beside(path):
    """(fd, name) of a new temporary file in the target's folder (created if needed), or a ClickException."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise click.ClickException(f"Tidak dapat menulis {path}: {error.strerror or error}.") from None
