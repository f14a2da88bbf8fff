"""Locale selection (Bahasa Indonesia default, English second) and Jinja date filters."""
from datetime import date

from flask import current_app, has_request_context, request, session
from flask_babel import force_locale, get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from bimtek.config import ROOT
from bimtek.core import dates, messages


class LazyText(LazyString):
    """flask_babel's LazyString claims to be safe HTML (__html__ returns it raw); a label must be escaped like str."""

    def __html__(self):
        return str(escape(str(self)))


def lazy_gettext(string, **variables):
    """Form labels, choices and messages: translated when rendered, escaped like any other text."""
    return LazyText(gettext, string, **variables)


def tr(value):
    """A core.messages.Message (verdicts, gate reasons, audit texts …) in the request's language; other values
    as their plain text. The Jinja filter `tr`; views use it for flashes of Messages."""
    catalog = get_translations()
    return messages.translate(value, catalog.gettext, catalog.ngettext)


def N_(text):
    """gettext_noop: mark a label constant for pybabel extraction; templates translate it with _(value)."""
    return text


def select_locale():
    """Session choice, else the user's saved choice, else Indonesian."""
    choice = session.get("locale")
    if choice in current_app.config["LANGUAGES"]:
        return choice
    if getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    if request and request.args.get("lang") in current_app.config["LANGUAGES"]:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app, babel):
    """Bind Flask-Babel with our selector and translation folder; templates look the request's catalog up once."""
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(ROOT / "translations"))
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)


def _translations():
    """The request's catalog, found once per request: Flask-Babel's own template callables walk `g`, the domain
    and the locale again for every string (27 on the verify page, a fifth of its CPU). The locale cannot change
    within a request (Flask-Babel keeps it for the request too); outside one (mail from a thread, CLI) it asks
    Flask-Babel each time."""
    if not has_request_context():
        return get_translations()
    found = request.__dict__.get("_bimtek_translations")
    if found is None:
        found = request.__dict__["_bimtek_translations"] = get_translations()
    return found


def in_indonesian():
    """Context manager for what is rendered for others, whoever triggers it: e-mails and documents (PDF)
    are written in Indonesian even when the organizer or participant reads the pages in English."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_lang():
    """'id' or 'en' for the current request."""
    return str(get_locale() or "id")[:2]


def register_filters(app):
    """Expose core.dates to templates (|tanggal, |tanggal_hari, |rentang, |jam, |jam_rentang,
    |tanggal_teks for date text frozen in Indonesian)."""
    app.add_template_filter(lambda d: dates.format_date(d, current_lang()), "tanggal")
    app.add_template_filter(lambda d: dates.format_date(d, current_lang(), weekday=True), "tanggal_hari")
    app.add_template_filter(lambda iso: dates.format_date(date.fromisoformat(iso), current_lang()) if iso else "",
                            "tanggal_iso")
    app.add_template_filter(lambda pair: dates.format_date_range(pair[0], pair[1], current_lang()), "rentang")
    app.add_template_filter(lambda text: dates.relocalize(text, current_lang()), "tanggal_teks")
    app.add_template_filter(lambda dt, tz: dates.format_time(dt, tz), "jam")
    app.add_template_filter(lambda dt, tz: dates.format_datetime(dt, tz, current_lang()), "waktu")
    app.add_template_filter(lambda s, tz: dates.format_time_range(s.starts_at, s.ends_at, tz), "jam_sesi")
    app.add_template_filter(lambda dt, tz: dates.to_local(dt, tz).date(), "tanggal_lokal")
    app.add_template_global(current_lang, "current_lang")
    app.add_template_filter(session_label, "sesi")


def session_label(session):
    """A session's own title, else 'Sesi 3' in the current locale (the model keeps the Indonesian form)."""
    return session.title or gettext("Sesi %(n)s", n=session.number)
