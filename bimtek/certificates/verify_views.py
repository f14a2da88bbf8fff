"""Verifier pages: an unknown code says so (HTTP 404), and a look-up by certificate number + holder's name."""
from flask import redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from bimtek.certificates import lookup, services
from bimtek.certificates.blueprint import bp
from bimtek.core.i18n import lazy_gettext as _l
from bimtek.extensions import db, limiter


class LookupForm(FlaskForm):
    number = StringField(_l("Nomor sertifikat"), validators=[DataRequired(_l("Wajib diisi.")), Length(max=160)],
                         description=_l("Seperti tercetak pada sertifikat, mis. 800/001/DKPUS/2020."))
    name = StringField(_l("Nama pemegang sertifikat"), validators=[DataRequired(_l("Wajib diisi.")), Length(max=200)],
                       description=_l("Seperti tercetak pada sertifikat; huruf besar/kecil dan spasi diabaikan."))


def unknown_certificate():
    """The answer for a code that matches no certificate: what it means and what to do (HTTP 404)."""
    return render_template("certificates/verify_unknown.html", form=LookupForm()), 404


@bp.route("/verifikasi", methods=["GET", "POST"])
@limiter.limit("10 per minute; 60 per hour", methods=["POST"])
def lookup_certificate():
    """Find a certificate by its number and the holder's name; a mismatch reveals nothing."""
    form, not_found = LookupForm(), False
    if form.validate_on_submit():
        cert = lookup.find_by_number_and_name(form.number.data, form.name.data)
        if cert is not None:
            services.log_verification(cert, "lookup", request.user_agent.string)
            db.session.commit()
            return redirect(url_for("certificates.verify", code=cert.code))
        not_found = True
    return render_template("certificates/lookup.html", form=form, not_found=not_found), 400 if form.errors else 200
