"""aftersales-training: an LTI 1.3 tool for after-sales service training."""

from __future__ import annotations

from flask import Flask


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app. ``overrides`` are settings fields (tests pass a database URL)."""
    from lti_tool import db, errors, events, i18n, jobs, numbers, ops, security, websession
    from lti_tool.home import bp as home_bp
    from lti_tool.lti import ags, housekeeping, launch_events
    from lti_tool.lti import setup_views  # noqa: F401  (routes on the lti blueprint)
    from lti_tool.lti.deeplink import bp as deeplink_bp
    from lti_tool.lti.views import bp as lti_bp
    from lti_tool.settings import load_settings

    settings = load_settings(overrides)
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.resolved_secret_key()
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # bound to the session, which expires

    db.init_app(app)
    jobs.init_app(app)
    ops.init_app(app)
    websession.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    numbers.init_app(app)
    from lti_tool.practical.helpers import organisation_zone, page_time, zone_label

    app.add_template_global(page_time, "local_time")  # every page: times in the organisation's zone
    app.add_template_global(zone_label)
    app.add_template_global(organisation_zone)
    errors.init_app(app)
    events.init_app(app)
    app.register_blueprint(home_bp)
    app.register_blueprint(lti_bp)
    app.register_blueprint(deeplink_bp)
    housekeeping.init_app(app)
    ags.init_app(app)
    launch_events.init_app(app)
    from lti_tool import practical, sessions

    practical.init_app(app)
    sessions.init_app(app)
    from lti_tool import learning

    learning.init_app(app)
    from lti_tool import approvals, banks, certificates, costs, hr, needs, plans, questionnaires, records, trainers

    for feature in (records, certificates, questionnaires, hr, banks, approvals, plans, needs, trainers, costs):
        feature.init_app(app)
    return app
