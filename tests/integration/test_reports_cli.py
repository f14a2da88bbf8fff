"""`flask laporan` with an --out it cannot write: one Indonesian line and exit 1, checked before the report is
built, and nothing left behind."""
import os

import pytest

from bimtek.reports import services
from tests.factories import make_training


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder(runner, db, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    training = make_training()
    result = runner.invoke(args=["laporan", str(training.id), "--out", str(folder / "laporan.pdf")])
    assert result.exit_code == 1 and "Tidak dapat menulis" in result.output
    assert list(folder.iterdir()) == []


def test_an_unwritable_place_fails_before_the_report_is_built(runner, db, tmp_path, monkeypatch):
    training = make_training()
    built = []
    monkeypatch.setattr(services, "report_pdf", lambda t: built.append(t) or b"%PDF")
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    for out in (blocker / "laporan.pdf", "/proc/laporan.pdf"):
        result = runner.invoke(args=["laporan", str(training.id), "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert "Tidak dapat menulis" in result.output and "Traceback" not in result.output
    assert built == []


def test_usage_mistakes_are_one_indonesian_line(runner, db, tmp_path):
    cases = [(["laporan", "abc", "--out", str(tmp_path / "x.docx")], "TRAINING_ID harus berupa bilangan bulat."),
             (["laporan", "1"], "--out wajib diisi (laporan --help menampilkan cara memakainya)."),
             (["laporan", "1", "--out"], "Opsi --out memerlukan nilai."),
             (["laporan", "1", "--keluar", "x.pdf"], "Opsi --keluar tidak dikenal"),
             (["laporan", "1", "--out", str(tmp_path / "x.odt")], "--out tidak sah: akhiran nama berkas harus .docx")]
    for args, expected in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output and "Usage" not in result.output and "Error" not in result.output, args
        assert len(result.output.strip().splitlines()) == 1, result.output
    missing = runner.invoke(args=["laporan", "999999", "--out", str(tmp_path / "x.docx")])
    assert missing.exit_code == 1 and missing.output.strip() == "Pelatihan dengan ID 999999 tidak ditemukan."
