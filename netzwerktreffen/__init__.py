"""netzwerktreffen: plan regional network meetings (speed networking, Pro-Action-Café)."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from netzwerktreffen.core import config
from netzwerktreffen.core.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder="templates")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from netzwerktreffen.web import common
    common.init_app(app)  # before the blueprints: their <int:…> ids stop at the column's range
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    config.finish(app.config)  # stops here, with a German message naming the variable, on what cannot work

    trust_proxies(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    from netzwerktreffen.web import throttle
    throttle.init_app(app)
    from netzwerktreffen.core.models import prepare_password_checks
    prepare_password_checks()
    from netzwerktreffen.web import headers
    headers.init_app(app)
    from netzwerktreffen.web import addresses
    addresses.init_app(app)
    from netzwerktreffen.core import i18n
    i18n.init_app(app)
    from netzwerktreffen.core import programme
    programme.init_app(app)  # the ``agenda`` filter: blocks and programme points in time order

    from netzwerktreffen.web import auth
    from netzwerktreffen.web import errors
    from netzwerktreffen.mail import feed_views as feeds
    from netzwerktreffen.afterwards import views as harvest
    from netzwerktreffen.mail import health_views as health
    from netzwerktreffen.mail import views as mailing
    from netzwerktreffen.meetings import views as meetings
    from netzwerktreffen.planning import views as plans
    from netzwerktreffen.registration import public_views as public
    from netzwerktreffen.registration import views as registrations
    app.register_blueprint(auth.bp)
    from netzwerktreffen.accounts import views as accounts
    app.register_blueprint(accounts.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(registrations.bp)
    from netzwerktreffen.registration import question_views
    app.register_blueprint(question_views.bp)
    app.register_blueprint(plans.bp)
    from netzwerktreffen.day import views as checkin
    from netzwerktreffen.day import projector_views as projector
    app.register_blueprint(checkin.bp)
    app.register_blueprint(projector.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(mailing.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(harvest.bp)
    app.register_blueprint(harvest.hosts)
    from netzwerktreffen.chains import views as chains
    app.register_blueprint(chains.bp)
    from netzwerktreffen.chains import poster_views as chains_poster
    app.register_blueprint(chains_poster.bp)
    from netzwerktreffen.meetings import programme_views
    app.register_blueprint(programme_views.bp)
    from netzwerktreffen.registration import idea_views as ideas_public
    app.register_blueprint(ideas_public.bp)
    from netzwerktreffen.afterwards import idea_views as ideas
    app.register_blueprint(ideas.bp)
    from netzwerktreffen.meetings import series_views as series
    app.register_blueprint(series.bp)
    from netzwerktreffen.report import views as report
    app.register_blueprint(report.bp)
    from netzwerktreffen import jobs
    jobs.init_app(app)
    errors.init_app(app)
    from netzwerktreffen.web import favicon
    favicon.init_app(app)

    from netzwerktreffen import cli
    cli.init_app(app)

    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take scheme, host, port and client address from their headers.

    Without the setting (0) X-Forwarded-* headers are ignored: anyone could send them.
    """
    count = app.config.get("TRUSTED_PROXIES", 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)
