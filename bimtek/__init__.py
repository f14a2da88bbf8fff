"""bimtek: virtual government trainings (Bimtek) — registration, attendance, RTL, certificates."""
from flask import Flask
from sqlalchemy.orm import configure_mappers

from bimtek import config as config_module
from bimtek.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config=None):
    """Application factory. `config` is a config class or a mapping of overrides."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    if config is None or isinstance(config, dict):
        app.config.from_object(config_module.default_config())
        app.config.update(config or {})
    else:
        app.config.from_object(config)
    config_module.validate_config(app.config)
    register_models()
    configure_mappers()  # now, not in whichever thread queries first: a fork must never copy this half done
    register_extensions(app)
    register_blueprints(app)
    register_fast_paths(app)
    register_jobs()
    register_portal_sections(app)
    register_error_handlers(app)
    register_cli(app)
    register_template_context(app)
    start_job_watchdog(app)
    return app


def register_models():
    """Import every domain's models so metadata (and Alembic) sees all tables."""
    import bimtek.accounts.models  # noqa: F401
    import bimtek.action_plans.models  # noqa: F401
    import bimtek.announcements.models  # noqa: F401
    import bimtek.attendance.checkin.models  # noqa: F401
    import bimtek.attendance.models  # noqa: F401
    import bimtek.audit.models  # noqa: F401
    import bimtek.certificates.models  # noqa: F401
    import bimtek.core.ratelimit  # noqa: F401  (rate_limit_counters table + the bimtek+db:// limits storage)
    import bimtek.evaluation.models  # noqa: F401
    import bimtek.jobs.models  # noqa: F401
    import bimtek.mail.models  # noqa: F401
    import bimtek.materials.models  # noqa: F401
    import bimtek.registration.models  # noqa: F401
    import bimtek.reports.models  # noqa: F401
    import bimtek.trainings.models  # noqa: F401
    import bimtek.zoom.models  # noqa: F401


def register_extensions(app):
    from bimtek.core import database, form_messages, i18n, security
    from bimtek.mail import worker as mail

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    if app.config.get("RATELIMIT_STORAGE_URI", "").startswith("bimtek+db"):
        # Shared by every worker process without Redis; uses the app's own engine.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})["engine_factory"] = lambda: db.engine
    limiter.init_app(app)
    i18n.init_app(app, babel)
    form_messages.init_app(app)
    security.init_app(app)
    mail.init_app(app)
    from bimtek.accounts import sessions, views as account_views

    login_manager.user_loader(sessions.load)
    login_manager.unauthorized_handler(account_views.unauthorized)


def register_blueprints(app):
    from bimtek.accounts import twofactor_views, user_views, views as accounts
    from bimtek.action_plans import views as action_plans
    from bimtek.announcements import (
        reminder_views,  # noqa: F401  (reminder routes on announcements.bp)
        views as announcements,
    )
    from bimtek.attendance import checkin_views, views as attendance
    from bimtek.certificates import (
        recipient_views,  # noqa: F401  (speaker/panitia routes on certificates.bp)
        tte_views,  # noqa: F401  (electronic signing routes on certificates.bp)
        verify_views,  # noqa: F401  (verifier routes on certificates.bp)
        views as certificates,
    )
    from bimtek.core import views as core
    from bimtek.evaluation import blueprint as evaluation, manage_views, participant_views  # noqa: F401
    from bimtek.jobs import views as jobs
    from bimtek.mail import views as mail
    from bimtek.materials import views as materials

    # signin_views adds the participant sign-in routes to registration.bp
    from bimtek.registration import (
        signin_views,  # noqa: F401
        views as registration,
    )
    from bimtek.reports import views as reports
    from bimtek.trainings import views as trainings
    from bimtek.zoom import views as zoom, webhook_views as zoom_webhooks

    for module in (core, accounts, twofactor_views, user_views, trainings, registration, attendance, action_plans,
                   evaluation, certificates, reports, jobs, mail, zoom, zoom_webhooks, checkin_views,
                   announcements, materials):
        app.register_blueprint(module.bp)


def register_fast_paths(app):
    """Pages answered in front of Flask: the verify page behind the QR code, from memory while the certificate's
    version (read with its log row in one statement) stays the same (certificates.page_cache)."""
    from bimtek.certificates import verify_views

    verify_views.install_fast_path(app)


def register_jobs():
    """Background job kinds and cross-domain hooks, listed explicitly (the RQ worker builds its app here too)."""
    from bimtek.announcements import tasks as announcement_tasks
    from bimtek.attendance import services as attendance
    from bimtek.certificates import tasks as certificate_tasks
    from bimtek.certificates.services import recipients as certificate_recipients
    from bimtek.jobs import services as jobs, views as job_views
    from bimtek.registration.services import privacy as registration_privacy
    from bimtek.reports import tasks as report_tasks, views as report_views
    from bimtek.reports.services import figures as report_figures, files as report_files
    from bimtek.trainings import services as trainings
    from bimtek.zoom import tasks as zoom_tasks

    certificate_tasks.register_jobs()
    zoom_tasks.register_jobs()  # zoom_pull jobs; due pulls start from every job watchdog look
    jobs.register_job(certificate_recipients.JOB_ISSUE_RECIPIENTS, certificate_recipients.issue_recipients_job)
    announcement_tasks.register_jobs()
    report_tasks.register_jobs()
    job_views.register_page_parts(report_views.job_page_parts, *report_files.JOB_KINDS.values(),
                                    report_figures.FIGURES_KIND)
    registration_privacy.register_copy_eraser(report_files.drop_training_files)  # stored reports hold names
    trainings.register_update_guard(attendance.check_rule_change)  # the rule freezes once certificates exist
    trainings.register_rule_lock(attendance.rule_lock_reason)


def register_portal_sections(app):
    """The participant portal's sections from the domains above registration, in the order they are shown.

    Each builder gets (registration, phase) and returns the data its template renders (None: not shown)."""
    from bimtek.action_plans import services as action_plans
    from bimtek.attendance import services as attendance
    from bimtek.certificates import services as certificates
    from bimtek.evaluation import services as evaluation
    from bimtek.registration.portal_sections import PortalSections

    sections = app.extensions["bimtek.portal_sections"] = PortalSections()
    sections.add("attendance/_portal.html", attendance.portal_section)
    sections.add("action_plans/_portal.html", action_plans.portal_section)
    sections.add("evaluation/_portal.html", evaluation.portal_section)
    sections.add("certificates/_portal.html", certificates.portal_section)


def start_job_watchdog(app):
    """Embedded job runner: this server process resumes jobs whose worker died (RQ workers run their own)."""
    from bimtek.jobs import watchdog

    if not app.config.get("REDIS_URL") and watchdog.should_start(app):
        watchdog.start(app)


def register_error_handlers(app):
    from bimtek.core import web

    web.register_error_handlers(app)


def register_cli(app):
    from bimtek import cli

    cli.register(app)


def register_template_context(app):
    """Everything a template may use that its view did not pass, in one place.

    Filters: the date/time ones of core.i18n, `tr` (a core.messages.Message built by pure code, in the
    request's language), `angka` and `persen` (numbers in the reader's locale, core.numbers), `format_presensi`
    (an attendance log format's name), `kalimat` (one final full stop) and `nip`. Globals: `current_lang`,
    `region_lists()` (static data) and `region_datalists()` (its two datalists, rendered once per process),
    `registration_form(form, training)` (the public registration form, blank ones from a cache: form_views),
    `seats_of(training)` (public pages: the training cards of trainings, which sits below registration, show
    the seats), `checkin_counts_alone(training)` and `checkin_interval(identity, tz)` (the session page's
    self check-in panel and identities), `whatsapp_share(training)` (a wa.me share link) and
    `materials_for(training)` (the materials the current visitor may see: training page and portal),
    `zoom_session_panel(session)` (the Zoom panel of the attendance session page). Context: `app_name`,
    `dpo_contact` (core.views). The participant portal's domain sections get their data from their
    builders (register_portal_sections), not from globals. No blueprint registers template context itself
    (tests/architecture checks it)."""
    from flask_babel import gettext

    from bimtek.attendance import checkin_views
    from bimtek.attendance.checkin import services as checkin_services
    from bimtek.attendance.parsers import format_labels
    from bimtek.core import i18n, numbers, views as core_views
    from bimtek.core.text import end_sentence
    from bimtek.materials import views as material_views
    from bimtek.registration import form_views, regions, views as registration_views
    from bimtek.registration.nip import format_nip
    from bimtek.zoom import views as zoom_views

    i18n.register_filters(app)
    app.add_template_filter(lambda value, digits=2: numbers.format_number(value, i18n.current_lang(), digits),
                            "angka")
    app.add_template_filter(lambda value, digits=2: numbers.format_percent(value, i18n.current_lang(), digits),
                            "persen")
    app.add_template_filter(end_sentence, "kalimat")
    app.add_template_filter(lambda keys: " + ".join(gettext(label) for label in format_labels(keys or "")),
                            "format_presensi")
    app.add_template_filter(i18n.tr, "tr")
    app.add_template_filter(lambda value: format_nip(value) if value and len(str(value)) == 18 else (value or ""),
                            "nip")
    app.add_template_global(regions.template_lists, "region_lists")
    app.add_template_global(registration_views.region_datalists, "region_datalists")
    app.add_template_global(registration_views.seats_once, "seats_of")
    app.add_template_global(form_views.registration_form, "registration_form")
    app.add_template_global(checkin_services.counts_alone, "checkin_counts_alone")
    app.add_template_global(checkin_views.checkin_interval, "checkin_interval")
    app.add_template_global(registration_views.whatsapp_share, "whatsapp_share")
    app.add_template_global(material_views.materials_for, "materials_for")
    app.add_template_global(zoom_views.session_panel, "zoom_session_panel")
    app.context_processor(core_views.inject_globals)
