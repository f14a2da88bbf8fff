"""Everything the activity report contains, computed by the same service functions the app's pages call
(attendance overview, RTL summary, evaluation overviews, certificate rows), so each figure has one source.
Returns plain data (text, numbers, PNG bytes) for the DOCX and PDF writers (read only).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.action_plans.services import summary as rtl_summary
from bimtek.attendance.services import training_overview
from bimtek.certificates.services import training_rows
from bimtek.core.dates import format_date, format_time_range, to_local
from bimtek.core.gcpause import paused_gc
from bimtek.core.messages import N_, Message
from bimtek.evaluation.scoring import gain_text
from bimtek.evaluation.services.overview import survey_overview, test_overview
from bimtek.extensions import db
from bimtek.registration.models import STATUS_LABELS, Registration, Status
from bimtek.reports import images, recap
from bimtek.reports.services.settings import letterhead_for, texts_of
from bimtek.reports.services.sheets import attendance_sheet

if TYPE_CHECKING:
    from bimtek.attendance.rules import Verdict
    from bimtek.attendance.services.figures import Overview
    from bimtek.trainings.models import Training, TrainingSession


# The report's appendices print at most this many daftar hadir rows (all sessions together) and holders; a bigger
# training gets a pointer to each session's own download instead, so the DOCX and the PDF stay bounded in size
# and time (WeasyPrint lays out about 100 table rows a second).
APPENDIX_ROWS = 1_200


def build_report(training: Training, sheets: bool = True,
                 on_step: Callable[[str], None] = lambda label: None) -> dict[str, Any]:
    """The whole report as a dict of plain values (`sheets=False`: without the daftar hadir rows, for the page).

    `on_step(label)` is called before each part (a background job reports progress and renews its claim there).
    The cyclic collector is paused meanwhile: the tens of thousands of ORM rows loaded at 8,000 participants made
    CPython rescan the growing heap again and again (half the page's CPU time) without finding garbage.
    """
    with paused_gc():
        return _build_report(training, sheets, on_step)


def _build_report(training: Training, sheets: bool, on_step: Callable[[str], None]) -> dict[str, Any]:
    on_step(Message(N_("Menghitung rekap pendaftaran dan kehadiran…")))
    overview = training_overview(training)
    report = {"training": _training(training), "letterhead": _letterhead(training), "texts": texts_of(training),
              "registration": registration_recap(training), "attendance": attendance_recap(training, overview),
              "appendix_rows": APPENDIX_ROWS}
    on_step(Message(N_("Menghitung rekap RTL dan evaluasi…")))
    report.update(rtl=rtl_recap(training), tests=tests_recap(training), survey=survey_recap(training))
    on_step(Message(N_("Menghitung rekap sertifikat…")))
    # the attendance recap's verdicts (every registered participant) serve the certificate eligibility too
    report["certificates"] = certificate_recap(training, {row.registration.id: row.verdict for row in overview.rows})
    on_step(Message(N_("Menyusun daftar hadir…")))
    report["sheets"] = [session_sheet(session, len(overview.rows), len(overview.rows) * len(training.sessions))
                        for session in training.sessions] if sheets else []
    return report


BUILD_STEPS = 4  # the on_step calls of build_report


def session_sheet(session: TrainingSession, registered: int, all_rows: int) -> dict[str, Any]:
    """The session's daftar hadir, or (all sessions over APPENDIX_ROWS rows) its heading, count and files only."""
    if all_rows <= APPENDIX_ROWS:
        return {**attendance_sheet(session), "count": registered, "files": ()}
    tz, code = session.training.timezone, session.training.code
    return {"title": session.label, "day": format_date(to_local(session.starts_at, tz).date(), weekday=True),
            "time": format_time_range(session.starts_at, session.ends_at, tz), "rows": None, "count": registered,
            "files": tuple(f"daftar-hadir-{code}-sesi-{session.number}.{ext}" for ext in ("xlsx", "pdf"))}


def _training(training: Training) -> dict[str, Any]:
    return {
        "name": training.name, "code": training.code, "program": training.program,
        "organizer": training.organizer_unit, "dates": training.dates_text, "mode": training.mode_label,
        "place": training.location or ("Daring melalui Zoom" if training.mode == "daring" else ""),
        "zone": training.zone_label, "total_jp": training.total_jp, "year": training.start_date.year,
        "sessions": [(s.label, _session_day(s, training), format_time_range(s.starts_at, s.ends_at, training.timezone))
                     for s in training.sessions],
        "materi": [(m.title, m.trainer, m.jp) for m in training.materi],
    }


def _session_day(session: TrainingSession, training: Training) -> str:
    return format_date(to_local(session.starts_at, training.timezone).date(), weekday=True)


def _letterhead(training: Training) -> dict[str, Any]:
    head = letterhead_for(training)
    return {"parent_line": head.parent_line, "unit_name": head.unit_name, "address": head.address,
            "logo": head.logo}


def registration_recap(training: Training) -> dict[str, Any]:
    """Counts per status, and for registered participants per kabupaten/kota, gender and instansi type."""
    regs = db.session.execute(sa.select(  # plain rows: the four columns counted, not 8,000 ORM objects
        Registration.status, Registration.kabupaten, Registration.jenis_kelamin, Registration.instansi).where(
        Registration.training_id == training.id).order_by(Registration.seq)).all()
    registered = [r for r in regs if r.status == Status.REGISTERED.value]
    by_status = [(STATUS_LABELS[Status(s)], sum(1 for r in regs if r.status == s.value)) for s in Status]
    return {
        "total": len(regs), "registered": len(registered), "by_status": by_status,
        "by_kabupaten": recap.counts([r.kabupaten or "(tanpa kabupaten/kota)" for r in registered]),
        "by_gender": recap.counts([recap.GENDER_LABELS.get(r.jenis_kelamin, r.jenis_kelamin) for r in registered],
                                  order=("Laki-laki", "Perempuan")),
        "by_type": recap.counts([recap.instansi_type(r.instansi) for r in registered]),
    }


def attendance_recap(training: Training, overview: Overview) -> dict[str, Any]:
    rows = overview.rows
    heat_rows = tuple((f"{r.registration.number[-4:]} {r.registration.nama_lengkap}",
                       tuple((c.percent, c.status == "tidak_hadir") for c in r.cells), r.verdict.passed)
                      for r in rows[:images.MAX_ROWS])  # the picture shows the first MAX_ROWS
    return {
        "registered": len(rows), "passed": overview.passed,
        "sessions": [(info.session.label, info.present, len(rows), info.jp) for info in overview.sessions],
        "heatmap": images.Picture("heatmap", (tuple(f"S{i}" for i in range(1, len(overview.sessions) + 1)),
                                              heat_rows)),
    }


def rtl_recap(training: Training) -> dict[str, Any]:
    stats = rtl_summary(training)
    by_strategy = [(bar.label, bar.value) for bar in stats["by_strategy"].bars]
    return {"participants": stats["participants"], "approved": stats["approved"], "activities": stats["activities"],
            "by_strategy": by_strategy, "chart": images.Picture("bars", (tuple(by_strategy),))}


def tests_recap(training: Training) -> dict[str, Any]:
    data = test_overview(training)
    summary = data["summary"]
    items = [(n, q.text, pre, post) for n, (q, pre, post) in enumerate(data["items"], start=1)]
    return {
        "pre_average": summary.pre_average, "post_average": summary.post_average,
        "pre_count": summary.pre_count, "post_count": summary.post_count, "paired": summary.paired_count,
        "gain": summary.gain, "gain_text": gain_text(summary.gain) if summary.paired_count else "–",
        "categories": list(summary.categories.items()), "items": items,
        "scores": [(r.registration.nama_lengkap, r.pre, r.post, r.gain_text) for r in data["rows"]],
        "chart": images.Picture("pairs", (tuple((f"Soal {n}", pre, post) for n, _t, pre, post in items),)),
    }


def survey_recap(training: Training) -> dict[str, Any]:
    data = survey_overview(training)
    questions = [(n, r.question.section, r.question.text, r.summary.mean, r.summary.count)
                 for n, r in enumerate(data["results"], start=1) if r.summary]
    texts = [(r.question.text, list(r.texts)) for r in data["results"] if not r.summary]
    return {
        "respondents": data["respondents"], "pending": len(data["pending"]), "hidden": data["hidden"],
        "minimum": data["minimum"], "scale": data["scale"], "sections": data["sections"],
        "speakers": data["speakers"], "questions": questions, "texts": texts,
        "chart": images.Picture("bars", (tuple(data["sections"]),), (("maximum", data["scale"]),)),
    }


def certificate_recap(training: Training, verdicts: Mapping[int, Verdict] | None = None) -> dict[str, Any]:
    rows = training_rows(training, verdicts)
    holders = [(r.registration.nama_lengkap, r.registration.instansi, r.certificate.number,
                "Berlaku" if r.certificate.is_valid else "Dicabut")
               for r in rows if r.certificate]
    return {"issued": sum(1 for r in rows if r.certificate and r.certificate.is_valid),
            "holder_count": len(holders),
            "revoked": sum(1 for r in rows if r.certificate and not r.certificate.is_valid),
            "eligible": sum(1 for r in rows if r.eligibility.ok),
            "holders": holders if len(holders) <= APPENDIX_ROWS else None}
