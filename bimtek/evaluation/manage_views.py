"""Organizer pages: settings, question bank import/export, scores with N-gain and item analysis, questionnaire
results (aggregates only), reminders. Every route loads the training and checks the duty first.
"""
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.core.errors import DomainError
from bimtek.core.paging import PAGE_ARG, Page
from bimtek.core.spreadsheet import write_xlsx
from bimtek.core.web import get_or_404, refuse
from bimtek.evaluation import charts, likert, services
from bimtek.evaluation.blueprint import bp
from bimtek.evaluation.forms import BankForm, SettingsForm
from bimtek.evaluation.services import survey_results
from bimtek.evaluation.services.overview import survey_overview, test_overview
from bimtek.evaluation.windows import KINDS
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.trainings.access import load_training_for, management_flags

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BANK_BYTES = 2 * 1024 * 1024


def _xlsx(data, name):
    return Response(data, mimetype=XLSX_MIME, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi")
def manage(training_id):
    """Scores, N-gain, item analysis; settings and bank for the admin."""
    training, duties = load_training_for(training_id)
    settings = services.settings_for(training)
    form = SettingsForm(obj=settings)
    overview = test_overview(training)
    db.session.commit()  # attempts whose time ran out were just closed (scored)
    page = Page.of(request.args.get(PAGE_ARG), len(overview["rows"]))  # the summary counts all, the table pages
    overview["rows"] = page.slice(overview["rows"])
    return render_template("evaluation/manage.html", training=training, settings=settings, form=form,
                           bank_form=BankForm(), questions=services.questions_of(training), page=page,
                           can=management_flags(current_user, duties), tab="evaluasi", kinds=KINDS, **overview)


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/pengaturan", methods=["POST"])
def save_settings(training_id):
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            services.save_settings(current_user, training, form.likert_scale.data, form.pretest_minutes.data,
                                   form.posttest_minutes.data, form.require_posttest.data,
                                   form.require_evaluation.data)
            db.session.commit()
            flash(_("Pengaturan evaluasi disimpan."), "success")
        except DomainError as error:
            refuse(error)
    else:
        flash(_("Periksa isian pengaturan evaluasi."), "danger")
    return redirect(url_for("evaluation.manage", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/bank-soal", methods=["POST"])
def import_bank(training_id):
    """Replace the bank from an uploaded XLSX/CSV (checked by content and size; all bad rows reported)."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    form = BankForm()
    if not form.validate_on_submit():
        flash(_("Pilih berkas .xlsx atau .csv."), "danger")
        return redirect(url_for("evaluation.manage", training_id=training.id))
    data = form.file.data.read(MAX_BANK_BYTES + 1)
    try:
        if len(data) > MAX_BANK_BYTES:
            raise DomainError(_("Berkas bank soal lebih dari 2 MB."))
        count = services.import_bank(current_user, training, form.file.data.filename, data)
        db.session.commit()
        flash(_("%(count)s soal diimpor.", count=count), "success")
    except DomainError as error:
        refuse(error)
    return redirect(url_for("evaluation.manage", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/bank-soal.xlsx")
def export_bank(training_id):
    """The bank (or an empty template) with the headers import accepts."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    return _xlsx(services.export_bank(training), f"bank-soal-{training.code}.xlsx")


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/nilai.xlsx")
def export_scores(training_id):
    training, _duties = load_training_for(training_id)
    headers, rows = services.score_table(training)
    db.session.commit()  # attempts whose time ran out were just closed (scored)
    return _xlsx(write_xlsx(headers, rows, "Nilai"), f"nilai-tes-{training.code}.xlsx")


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/ulang/<int:registration_id>/<any(pre, post):kind>",
          methods=["POST"])
def grant_retake(training_id, registration_id, kind):
    """Admin allows a participant a second attempt."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    registration = get_or_404(Registration, registration_id, training_id=training.id)
    services.grant_retake(current_user, registration, kind)
    db.session.commit()
    flash(_("%(name)s boleh mengerjakan ulang.", name=registration.nama_lengkap), "success")
    return redirect(url_for("evaluation.manage", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/kuesioner")
def survey(training_id):
    """Questionnaire results: means and distributions, per speaker; never who answered what."""
    training, duties = load_training_for(training_id)
    services.surveys.questions_of(training)
    db.session.commit()  # the default questionnaire may have just been created (before reading: no expired rows)
    overview = survey_overview(training)
    page = Page.of(request.args.get(PAGE_ARG), len(overview["pending"]))  # the names of one page, the count of all
    charts_ = {"section_chart": charts.mean_chart(overview["sections"], overview["scale"]),
               "speaker_chart": charts.mean_chart([(name, mean) for name, mean, _n in overview["speakers"]],
                                                  overview["scale"])}
    return render_template("evaluation/survey_results.html", training=training, page=page,
                           pending_shown=page.slice(overview["pending"]),
                           can=management_flags(current_user, duties), tab="evaluasi", **overview, **charts_)


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/kuesioner.xlsx")
def export_survey(training_id):
    training, _duties = load_training_for(training_id)
    headers, rows = survey_results.results_table(training)
    db.session.commit()
    if len(services.surveys.respondent_ids(training)) < likert.MIN_RESPONDENTS:
        rows = []  # the same threshold as the page: a recap of one or two people is not anonymous
    return _xlsx(write_xlsx(headers, rows, "Evaluasi"), f"evaluasi-{training.code}.xlsx")


@bp.route("/kelola/pelatihan/<int:training_id>/evaluasi/pengingat", methods=["POST"])
def send_reminders(training_id):
    """E-mail registered participants who have not sent the questionnaire."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    count = survey_results.send_reminders(training)
    db.session.commit()
    flash(_("Pengingat evaluasi dikirim ke %(count)s peserta.", count=count) if count
          else _("Semua peserta sudah mengisi evaluasi."), "success" if count else "info")
    return redirect(url_for("evaluation.survey", training_id=training.id))
