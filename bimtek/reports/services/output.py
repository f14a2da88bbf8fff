"""The files: the whole report as DOCX or PDF, one daftar hadir as PDF or XLSX (the button, the CLI and the
tests all call these, so they write the same report)."""
from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from flask import render_template

from bimtek.config import ROOT
from bimtek.core.i18n import in_indonesian
from bimtek.core.spreadsheet import write_xlsx
from bimtek.reports.document import build_docx, separate_holders_text, separate_sheet_text
from bimtek.reports.rendering import render_pdf
from bimtek.reports.services.content import build_report
from bimtek.reports.services.settings import letterhead_for
from bimtek.reports.services.sheets import attendance_sheet

if TYPE_CHECKING:
    from bimtek.reports.images import Picture
    from bimtek.trainings.models import Training, TrainingSession

ASSETS = ROOT / "static" / "css"


def _png_uri(data: bytes | Picture | None) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii") if data else ""


def _logo_uri(logo: bytes | None) -> str:
    if not logo:
        return ""
    mime = "image/png" if logo.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(logo).decode("ascii")


def _num(value: Any) -> Any:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return value


def report_docx(training: Training, report: dict[str, Any] | None = None) -> bytes:
    """The whole report as DOCX (`report`: build_report's result when the caller has it already)."""
    return build_docx(report or build_report(training))


def report_pdf(training: Training, report: dict[str, Any] | None = None) -> bytes:
    """The whole report as PDF (`report`: build_report's result when the caller has it already)."""
    report = report or build_report(training)
    with in_indonesian():  # a document: Indonesian whatever language the organizer reads
        html = render_template("reports/report_pdf.html", r=report, png=_png_uri, num=_num,
                               logo_uri=_logo_uri(report["letterhead"]["logo"]),
                               enumerate_rows=lambda rows: [(n, *row) for n, row in enumerate(rows, start=1)],
                               category_rows=lambda cats: [(f"Peserta N-gain {name}", count) for name, count in cats],
                               separate_sheet_text=separate_sheet_text, separate_holders_text=separate_holders_text)
    return render_pdf(html, ASSETS)


def sheet_pdf(session: TrainingSession, part: int = 1) -> bytes:
    """One daftar hadir as PDF: the whole list, or part `part` of it when it is longer than PDF_PART_ROWS."""
    head = letterhead_for(session.training)
    with in_indonesian():
        html = render_template("reports/sheet_pdf.html", sheet=attendance_sheet(session, part), report_head=head,
                               logo_uri=_logo_uri(head.logo))
    return render_pdf(html, ASSETS)


def sheet_xlsx(session: TrainingSession) -> bytes:
    sheet = attendance_sheet(session)
    return write_xlsx(list(sheet["headers"]), sheet["rows"], sheet_title=f"Daftar hadir {sheet['title']}")


def report_filename(training: Training, ext: str) -> str:
    return f"laporan-kegiatan-{training.code}.{ext}"
