"""Materials: the panitia page (upload, link, remove) and the download/open route with its access check."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.core.errors import DomainError
from bimtek.core.forms import choices
from bimtek.core.i18n import session_label
from bimtek.core.web import flash_form_errors, get_or_404, refuse
from bimtek.extensions import db
from bimtek.materials import filetypes, services
from bimtek.materials.forms import LinkForm, UploadForm
from bimtek.materials.models import Material
from bimtek.trainings.access import load_training_for, management_flags
from bimtek.trainings.models import Training

bp = Blueprint("materials", __name__)
PREFIX = "/kelola/pelatihan/<int:training_id>/bahan"


def materials_for(training):
    """The materials the current visitor may see (training page, portal; a template global, see
    register_template_context)."""
    return services.visible_materials(training, current_user)


def _panitia(training_id):
    return load_training_for(training_id, permissions.can_manage_roster)


def _forms(training):
    upload, link = UploadForm(prefix="berkas"), LinkForm(prefix="tautan")
    materi = choices([("", _("— tidak terkait materi —"))] + [(m.id, m.title) for m in training.materi])
    sessions = choices([("", _("— tidak terkait sesi —"))] + [(s.id, session_label(s)) for s in training.sessions])
    for form in (upload, link):
        form.materi_id.choices, form.session_id.choices = materi, sessions
    return upload, link


def _page(training, duties, upload, link):
    return render_template("materials/manage.html", training=training, upload=upload, link=link,
                           items=services.materials_of(training), tab="bahan",
                           max_mb=services.max_bytes() // (1024 * 1024), can=management_flags(current_user, duties))


@bp.route(PREFIX, methods=["GET"])
def manage(training_id):
    training, duties = _panitia(training_id)
    return _page(training, duties, *_forms(training))


def _add(training_id, which, add, done_message):
    """Validate the chosen form, call `add(form)`; commit and go back, or show the page with the errors (400)."""
    training, duties = _panitia(training_id)
    upload_form, link_form = _forms(training)
    form = upload_form if which == "upload" else link_form
    try:
        if not form.validate_on_submit():
            flash_form_errors(form)
            return _page(training, duties, upload_form, link_form), 400
        add(training, form)
    except DomainError as error:
        refuse(error)
        return _page(training, duties, upload_form, link_form), 400
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for("materials.manage", training_id=training.id))


@bp.route(PREFIX + "/unggah", methods=["POST"])
def upload(training_id):
    """Store a handout (type from its bytes, size-limited)."""
    return _add(training_id, "upload", lambda training, form: services.add_file(
        current_user, training, form.title.data, form.file.data.read(services.max_bytes() + 1),
        form.visibility.data, **form.place()), _("Bahan diunggah."))


@bp.route(PREFIX + "/tautan", methods=["POST"])
def add_link(training_id):
    """Add a link (recording, slides online)."""
    return _add(training_id, "link", lambda training, form: services.add_link(
        current_user, training, form.title.data, form.url.data, form.visibility.data, **form.place()),
        _("Tautan ditambahkan."))


@bp.route(PREFIX + "/<int:material_id>/hapus", methods=["POST"])
def remove(training_id, material_id):
    training, _duties = _panitia(training_id)
    services.remove(current_user, get_or_404(Material, material_id, training_id=training.id))
    db.session.commit()
    flash(_("Bahan dihapus."), "info")
    return redirect(url_for("materials.manage", training_id=training.id))


@bp.route("/pelatihan/<int:training_id>/bahan/<int:material_id>")
def open_material(training_id, material_id):
    """Download a handout or follow a link; participants-only items need a participant's sign-in."""
    training = get_or_404(Training, training_id)
    material = get_or_404(Material, material_id, training_id=training.id)
    if not services.may_open(material, current_user, training):
        if not current_user.is_authenticated:
            flash(_("Masuk dengan email Anda untuk membuka bahan ini."), "info")
            return redirect(url_for("registration.participant_login", next=request.full_path.rstrip("?")))
        abort(404)
    services.count_download(material)
    db.session.commit()
    if material.is_link:
        return redirect(material.url)
    kind = filetypes.KINDS[material.kind]
    return Response(services.file_bytes(material), mimetype=kind.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filetypes.download_name(material.title, kind)}"',
        "Cache-Control": "private, no-store" if not material.is_public else "public, max-age=300"})
