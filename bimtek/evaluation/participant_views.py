"""Participant pages under /peserta: the pre-/post-test and the questionnaire, with per-question autosave.

Plain forms work without JavaScript (every answer is in the form and saved on "Simpan"/"Kirim"); with JavaScript
each choice is saved the moment it is made (static/js/evaluation.js), and kept in the phone until the server
confirms, so a dropped connection loses nothing.
"""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts import permissions
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.i18n import current_lang, tr
from bimtek.core.numbers import format_number
from bimtek.core.web import get_or_404, refuse
from bimtek.evaluation import likert, services
from bimtek.evaluation.blueprint import bp
from bimtek.evaluation.services import surveys
from bimtek.evaluation.windows import KIND_LABELS
from bimtek.extensions import db
from bimtek.registration.models import Registration


def _own(registration_id):
    registration = get_or_404(Registration, registration_id)
    if not permissions.owns_registration(current_user, registration):
        abort(403)
    return registration


@bp.route("/peserta/evaluasi/<int:registration_id>/tes/<any(pre, post):kind>", methods=["GET", "POST"])
@login_required
def take_test(registration_id, kind):
    """The test page: intro and start button, the participant's paper, or their result."""
    registration = _own(registration_id)
    if request.method == "POST":
        return _post_test(registration, kind)
    state = services.state_of(registration, kind)
    attempt = state.attempt if state.attempt and not state.attempt.submitted_at else None
    return _render_test(registration, kind, state, attempt)


def _render_test(registration, kind, state, attempt, status=200):
    paper = services.paper_of(attempt) if attempt else []
    return render_template(
        "evaluation/take_test.html", registration=registration, training=registration.training, kind=kind,
        label=KIND_LABELS[kind], state=state, attempt=attempt, paper=paper,
        answers=services.saved_answers(attempt) if attempt else {},
        seconds_left=services.seconds_left(attempt) if attempt else None,
        minutes=services.settings.minutes_for(services.settings_for(registration.training), kind),
        question_count=len(services.answer_keys(registration.training)),
        review=_review(registration, kind, state)), status


def _review(registration, kind, state):
    """After the last post-test attempt: each question with the right answer, theirs and the explanation.

    Never after the pre-test (the post-test asks the same questions) nor while a retake is still open."""
    if kind != "post" or not state.done or state.can_start:
        return []
    chosen = services.saved_answers(state.attempt)
    return [(q, chosen.get(q.id)) for q in services.questions_of(registration.training)]


def _timed_out(registration, kind):
    """The attempt in progress that just ended by itself (time limit, window closed): scored with the answers
    saved in time, committed; None when nothing ended."""
    attempts = services.attempts_of(registration, kind)
    open_one = attempts[-1] if attempts and attempts[-1].submitted_at is None else None
    if open_one is None or not services.close_overdue(registration.training, registration=registration):
        return None
    db.session.commit()
    return open_one if open_one.submitted_at is not None else None


def _timed_out_message(attempt):
    return _("Waktu pengerjaan sudah habis. Jawaban yang tersimpan sebelum batas waktu dinilai: %(score)s.",
             score=format_number(attempt.score, current_lang()))


def _post_test(registration, kind):
    action = request.form.get("action", "save")
    ended = _timed_out(registration, kind)
    if ended is not None:
        flash(_timed_out_message(ended), "warning")
        return redirect(url_for("evaluation.take_test", registration_id=registration.id, kind=kind))
    try:
        attempt = services.start_attempt(registration, kind)
        if action != "start":
            _save_form_answers(attempt)
        if action == "submit":
            services.submit_attempt(current_user, attempt)
        db.session.commit()
    except DomainError as error:
        refuse(error)
        return redirect(url_for("evaluation.take_test", registration_id=registration.id, kind=kind))
    if action == "submit":
        flash(_("%(test)s terkirim. Nilai Anda: %(score)s.", test=KIND_LABELS[kind],
                score=format_number(attempt.score, current_lang())), "success")
    elif action == "save":
        flash(_("Jawaban tersimpan."), "success")
    return redirect(url_for("evaluation.take_test", registration_id=registration.id, kind=kind))


def _save_form_answers(attempt):
    """Answers of the no-JS form: fields q<question id> = original option index."""
    for name, value in request.form.items():
        if name.startswith("q") and name[1:].isdigit() and value.isdigit():
            services.save_answer(attempt, int(name[1:]), int(value))


@bp.route("/peserta/evaluasi/<int:registration_id>/tes/<any(pre, post):kind>/jawaban", methods=["POST"])
@login_required
def autosave_answer(registration_id, kind):
    """Save one answer (JSON {question, choice}); answers JSON {saved: true} or an Indonesian error."""
    registration = _own(registration_id)
    body = request.get_json(silent=True) or {}
    ended = _timed_out(registration, kind)
    if ended is not None:
        return jsonify(saved=False, message=_timed_out_message(ended)), 409
    try:
        attempt = services.start_attempt(registration, kind)
        services.save_answer(attempt, _int(body.get("question")), _int(body.get("choice")))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return jsonify(saved=False, message=tr(error.message)), 409
    return jsonify(saved=True, message=_("Tersimpan"))


def _int(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise ValidationError(_("Jawaban tidak dikenal."))
    return int(value)


@bp.route("/peserta/evaluasi/<int:registration_id>/kuesioner", methods=["GET", "POST"])
@login_required
def questionnaire(registration_id):
    """Evaluasi penyelenggaraan dan narasumber: Likert items and open questions."""
    registration = _own(registration_id)
    if request.method == "POST":
        return _post_questionnaire(registration)
    response = surveys.response_of(registration)
    questions = surveys.questions_of(registration.training)
    db.session.commit()  # the default questionnaire may have just been created
    return _render_questionnaire(registration, questions, response)


def _render_questionnaire(registration, questions, response, status=200, missing=()):
    settings = services.settings_for(registration.training)
    return render_template(
        "evaluation/questionnaire.html", registration=registration, training=registration.training,
        questions=questions, draft=(response.draft if response and not response.submitted_at else {}) or {},
        done=bool(response and response.submitted_at), window=surveys.window_of(registration.training),
        scale=settings.likert_scale, scale_labels=likert.SCALE_LABELS[settings.likert_scale],
        missing=set(missing)), status


def _survey_fields():
    return {name[1:]: value for name, value in request.form.items() if name.startswith("s") and name[1:].isdigit()}


def _post_questionnaire(registration):
    action = request.form.get("action", "save")
    try:
        if action == "submit":
            surveys.submit(registration, _survey_fields())
        else:
            surveys.save_draft(registration, _survey_fields())
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        surveys.save_draft(registration, _survey_fields())  # keep what was typed
        db.session.commit()
        flash(tr(error.message), "danger")
        questions = surveys.questions_of(registration.training)
        return _render_questionnaire(registration, questions, surveys.response_of(registration), 400,
                                     error.context.get("missing", ()))
    except DomainError as error:
        refuse(error)
        return redirect(url_for("registration.portal"))
    flash(_("Terima kasih, evaluasi Anda terkirim.") if action == "submit" else _("Jawaban tersimpan."), "success")
    if action == "submit":
        return redirect(url_for("registration.portal"))
    return redirect(url_for("evaluation.questionnaire", registration_id=registration.id))


@bp.route("/peserta/evaluasi/<int:registration_id>/kuesioner/draf", methods=["POST"])
@login_required
def autosave_questionnaire(registration_id):
    """Save the answers sent (JSON {question id: value}) into the draft."""
    registration = _own(registration_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(saved=False, message=_("Data tidak valid.")), 400
    try:
        surveys.save_draft(registration, {str(k): v for k, v in list(body.items())[:500]})
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return jsonify(saved=False, message=tr(error.message)), 409
    return jsonify(saved=True, message=_("Tersimpan"))
