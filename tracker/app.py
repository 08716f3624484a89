"""The application factory and its registration steps."""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from tracker.clock import clock_from_config
from tracker.extensions import babel, csrf, db, mail, migrate
from tracker.netguard import parse_networks
from tracker.reconnect import close_session, wait_for_server
from tracker.web.security import Tracker, allowed_hosts, register_security

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)

# Short URL schemes an operator may write, mapped to the drivers we install.
_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
    "mariadb+pymysql": "mysql+pymysql",
}


# The capabilities that declare scheduled work (``jobs.py``: SWEEP_PARTS, JOBS) or commands
# (``cli.py``: COMMANDS); the app collects both from here. The sweep runs its parts in this order.
CAPABILITIES = (
    "notifications",
    "followers",
    "opendata",
    "accounts",
    "demo",
    "findings",
    "audit",
    "backup",
)


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to change."""


def create_app(config: type | None = None, **overrides: Any) -> Flask:
    """Build the app: defaults, then TRACKER_* environment variables, then ``overrides``."""
    app = Tracker(
        "tracker",
        template_folder=str(ROOT / "templates"),
        instance_path=str(Path(os.environ.get("TRACKER_INSTANCE_PATH", ROOT / "instance"))),
    )
    app.config.from_object(config or config_module.Config)
    app.config.from_prefixed_env("TRACKER")
    app.config.update(overrides)
    _validate_and_derive(app)

    register_extensions(app)
    register_blueprints(app)
    register_jobs(app)
    register_cli(app)
    register_errors(app)
    # CSP, nosniff, Referrer-Policy, HSTS (production), no-store on authenticated answers.
    register_security(app)
    register_jinja(app)
    # `make run` only: the notice scheduler inside the development web process.
    if app.config.get("EMBEDDED_SCHEDULER"):
        from tracker.notifications.scheduler import start_embedded

        start_embedded(app)
    return app


def _database_url(app: Flask) -> str:
    raw = app.config.get("DATABASE_URL")
    if not raw:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        return "sqlite:///" + str(Path(app.instance_path) / "tracker.sqlite3")
    try:
        url = make_url(str(raw))
    except ArgumentError as exc:
        raise ConfigError(f"TRACKER_DATABASE_URL is not a database URL: {raw!r}") from exc
    driver = _DRIVERS.get(url.drivername, url.drivername)
    if driver.split("+")[0] not in {"sqlite", "postgresql", "mysql"}:
        raise ConfigError(
            f"TRACKER_DATABASE_URL uses {url.drivername!r}; use sqlite, postgresql or mariadb"
        )
    url = url.set(drivername=driver)
    if driver.startswith("mysql") and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url.render_as_string(hide_password=False)


def _validate_and_derive(app: Flask) -> None:
    """Fail fast with a readable message; derive the keys the extensions read."""
    if (
        app.config["SECRET_KEY"] == config_module.INSECURE_SECRET_KEY
        and not app.debug
        and not app.testing
    ):
        raise ConfigError(
            "Refusing to start with the default secret key. Set TRACKER_SECRET_KEY to a long "
            "random value (python -c 'import secrets; print(secrets.token_hex(32))'), or run "
            "with TRACKER_DEBUG=1 on a development machine."
        )
    try:
        ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"Unknown time zone {app.config['BABEL_DEFAULT_TIMEZONE']!r} "
            "(TRACKER_BABEL_DEFAULT_TIMEZONE); use an IANA name such as Asia/Makassar"
        ) from exc
    try:
        app.extensions["tracker.clock"] = clock_from_config(app.config.get("FROZEN_NOW"))
    except ValueError as exc:
        raise ConfigError(f"TRACKER_FROZEN_NOW: {exc}") from exc
    _production(app)
    _base_url(app)
    # A request naming another Host is refused (400) before any view runs (Werkzeug).
    app.config["TRUSTED_HOSTS"] = allowed_hosts(
        app.config["BASE_URL"], app.config.get("ALLOWED_HOSTS")
    )
    try:
        parse_networks(app.config.get("WEBHOOK_ALLOWED_NETWORKS"))
    except ValueError as exc:
        raise ConfigError(f"TRACKER_WEBHOOK_ALLOWED_NETWORKS: {exc}") from exc
    url = _database_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("mysql"):
        options["pool_recycle"] = 3600
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", options)
    # The request limit leaves room for the other form fields around the largest file.
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_BYTES"]) + 256 * 1024
    from tracker.auth import services as auth_services

    auth_services.password_method = str(app.config["PASSWORD_HASH_METHOD"])
    # Made now, not on the first login of an unknown address (which would then take longer).
    auth_services.dummy_hash(auth_services.password_method)
    _login_limit_storage(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _production(app: Flask) -> None:
    """The production configuration (TRACKER_PRODUCTION): no debug mode, a public https base
    URL, Secure cookies (HSTS is sent by tracker.web.headers)."""
    if not app.config.get("PRODUCTION"):
        return
    if app.debug:
        raise ConfigError(
            "TRACKER_PRODUCTION is set: refusing to start in debug mode (unset TRACKER_DEBUG "
            "and FLASK_DEBUG); the debugger would let any visitor run code on the server."
        )
    base = str(app.config.get("BASE_URL") or "").strip()
    if not base.startswith("https://"):
        raise ConfigError(
            "TRACKER_PRODUCTION is set: TRACKER_BASE_URL must be the https:// address the "
            f"public reaches this install at (it is {base or 'unset'!r}); every absolute link "
            "and the allowed Host header come from it."
        )
    app.config["SESSION_COOKIE_SECURE"] = True


def _login_limit_storage(app: Flask) -> None:
    """Choose where Flask-Limiter counts refused logins per address (shared by every worker)."""
    from tracker.auth.ratelimit import DATABASE_STORAGE_URI

    development = app.debug or app.testing
    uri = str(app.config.get("LOGIN_LIMIT_STORAGE_URI") or "").strip()
    uri = uri or ("memory://" if development else DATABASE_STORAGE_URI)
    if uri.startswith("memory") and not development:
        raise ConfigError(
            "TRACKER_LOGIN_LIMIT_STORAGE_URI is memory://: each worker process would count "
            "refused logins on its own. Leave it unset (this database) or use redis://..."
        )
    app.config["RATELIMIT_STORAGE_URI"] = uri
    # A counter store that fails must not turn a login into a 500: the error is logged and
    # the per-account slow-down (in the database, with the login itself) still holds.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "pantau-pakta")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)


def _base_url(app: Flask) -> None:
    """Check the public base URL; unset, use the development default and say so at start."""
    base = str(app.config.get("BASE_URL") or "").strip()
    if not base:
        if not app.debug and not app.testing:
            log.warning(
                "TRACKER_BASE_URL is not set: links in mails, feeds, calendars and exports will "
                "say %s. Set it to the address the public reaches this install at.",
                config_module.DEFAULT_BASE_URL,
            )
        base = config_module.DEFAULT_BASE_URL
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"TRACKER_BASE_URL must start with http:// or https://: {base!r}")
    app.config["BASE_URL"] = base.rstrip("/")


def _sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    """Make SQLite enforce foreign keys and begin real transactions (pysqlite does not)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins (savepoints need it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # SQLite's own lower() folds ASCII only; searches fold every letter, as PostgreSQL does.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")
        # Write-ahead log: readers (a slow export) and the one writer no longer block each
        # other. A database in memory keeps its own journal (the pragma answers "memory").
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        # Never hand a connection back to the pool inside a transaction (a failed COMMIT can
        # leave one open; the next BEGIN would then fail with "transaction within a transaction").
        if dbapi_connection is not None and dbapi_connection.in_transaction:
            dbapi_connection.execute("ROLLBACK")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Workers that write (delivery claims, the sweep) ask for the write lock up front with
        # execution option sqlite_begin="IMMEDIATE": a deferred transaction that reads, then
        # writes, fails at once ("database is locked") when another writer got there first.
        immediate = connection.get_execution_options().get("sqlite_begin") == "IMMEDIATE"
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def register_extensions(app: Flask) -> None:
    """Bind the extensions; SQLite gets its pragmas before any connection is made."""
    from tracker import models  # noqa: F401  (every table on the metadata before Alembic looks)
    from tracker.auth.views import init_login
    from tracker.i18n import select_locale
    from tracker.web.step import begin_unsafe_requests_for_writing, install_commit_guard

    db.init_app(app)
    if int(app.config.get("PROXY_COUNT") or 0) > 0:
        # Behind reverse proxies: the client's address and scheme from their headers (never
        # the Host: absolute links come from BASE_URL).
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    # Inside a request only the request step commits (tracker.web.step).
    install_commit_guard()
    # On SQLite an unsafe request holds the write lock from its first read (tracker.web.step).
    app.before_request(begin_unsafe_requests_for_writing)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_pragmas(db.engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
        else:
            # A restarting server: requests wait for it, and what it cut answers 503.
            wait_for_server(db.engine, float(app.config["DATABASE_CONNECT_WAIT_SECONDS"]))
    # Before Flask-SQLAlchemy's teardown (the last registered runs first): a session whose
    # connection the server cut after the request's work still ends, and the answer stands.
    app.teardown_appcontext(close_session)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_login(app)
    from tracker.web.caching import init_page_cache

    init_page_cache(app)


def register_blueprints(app: Flask) -> None:
    """Mount the portal, the staff pages and the API."""
    from tracker.web.routing import BoundedIntConverter

    # Every <int:...> in a URL is a database id: one past the column's range is a 404, not a 500.
    app.url_map.converters["int"] = BoundedIntConverter
    from tracker.accounts.views import bp as accounts_bp
    from tracker.agencies.views import bp as agencies_bp
    from tracker.api.views import bp as api_bp
    from tracker.assessments.file_views import bp as assessment_files_bp
    from tracker.assessments.views import bp as assessments_bp
    from tracker.assessments.views import schemes_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.auth.views import init_login_limit
    from tracker.commitments.views import bp as commitments_bp
    from tracker.dashboard.views import bp as dashboard_bp
    from tracker.findings.views import bp as findings_bp
    from tracker.followers.views import bp as follow_bp
    from tracker.notifications.views import bp as notifications_bp
    from tracker.notifications.views import monthly_bp
    from tracker.opendata.views import bp as opendata_bp
    from tracker.pacts.file_views import bp as pact_files_bp
    from tracker.pacts.views import bp as pacts_bp
    from tracker.portal.views import bp as portal_bp
    from tracker.regencies.settings_views import bp as settings_bp
    from tracker.regencies.views import bp as regencies_bp
    from tracker.web.health import bp as health_bp
    from tracker.workdays.views import bp as holidays_bp

    app.register_blueprint(portal_bp)
    # Open data (exports, feeds, calendars, snapshots): public and cookie-free like the portal.
    app.register_blueprint(opendata_bp)
    # Following a pact by email: public, cookie-free, CSRF-exempt (see followers.views).
    app.register_blueprint(follow_bp)
    app.register_blueprint(auth_bp)
    # Refused logins per client address (Flask-Limiter), around the login view just registered.
    init_login_limit(app)
    # Staff pages live under /staf/ and need a login; the portal and the read API do not.
    app.register_blueprint(dashboard_bp, url_prefix="/staf")
    app.register_blueprint(pacts_bp, url_prefix="/staf/pakta")
    # The regency's pacts with their findings as a spreadsheet (/staf/pakta/impor).
    app.register_blueprint(pact_files_bp, url_prefix="/staf/pakta")
    app.register_blueprint(findings_bp, url_prefix="/staf/temuan")
    app.register_blueprint(agencies_bp, url_prefix="/staf/daftar-opd")
    app.register_blueprint(accounts_bp, url_prefix="/staf/akun")
    app.register_blueprint(regencies_bp, url_prefix="/staf/kabupaten")
    app.register_blueprint(notifications_bp, url_prefix="/staf/kotak-keluar")
    app.register_blueprint(monthly_bp, url_prefix="/staf/laporan-bulanan")
    app.register_blueprint(settings_bp, url_prefix="/staf/pengaturan/notifikasi")
    # A year's assessment results as a spreadsheet: template, export, import with a preview.
    app.register_blueprint(assessment_files_bp, url_prefix="/staf/penilaian")
    app.register_blueprint(assessments_bp, url_prefix="/staf/penilaian")
    app.register_blueprint(schemes_bp, url_prefix="/staf/skema")
    app.register_blueprint(commitments_bp, url_prefix="/staf/komitmen")
    app.register_blueprint(holidays_bp, url_prefix="/staf/hari-libur")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    # GET /api/v1/ping: up, without touching the database (the bench's baseline).
    app.register_blueprint(health_bp)
    # Browsers ask for /favicon.ico whatever the page says: answer with the vendored icon.
    app.add_url_rule(
        "/favicon.ico",
        "favicon",
        lambda: app.send_static_file("favicon.ico"),
    )
    # The read API takes no cookies and no forms; later write endpoints use bearer tokens.
    csrf.exempt(api_bp)


def declared(role: str) -> list[ModuleType]:
    """Import the ``tracker.<capability>.<role>`` module of each capability that has one."""
    modules = []
    for name in CAPABILITIES:
        importlib.import_module(f"tracker.{name}")  # a misspelt capability fails here, loudly
        if importlib.util.find_spec(f"tracker.{name}.{role}") is not None:
            modules.append(importlib.import_module(f"tracker.{name}.{role}"))
    return modules


def register_jobs(app: Flask) -> None:
    """Collect every capability's sweep parts and jobs (the sweep and the scheduler read them)."""
    from tracker import scheduling

    app.extensions[scheduling.EXTENSION] = scheduling.collect(declared("jobs"))


def register_cli(app: Flask) -> None:
    """Add every capability's commands to ``flask --app tracker``."""
    from tracker.cli import register

    register(app, declared("cli"))


def register_errors(app: Flask) -> None:
    """Render errors in the layout for pages and as problem+json under /api/."""
    from tracker.web.errors import register_error_handlers

    register_error_handlers(app)


def register_jinja(app: Flask) -> None:
    """Add the template helpers shared by every page."""
    from tracker.extensions import db_session
    from tracker.web.templating import register_template_helpers
    from tracker.workdays.services import closed_day_reason

    register_template_helpers(app)
    # {% set closed = row.deadline_on | closed_day %}: why offices are closed that day, or None
    # (a deadline on a closed day is flagged on the pact pages, DOMAIN.md section 6).
    app.jinja_env.filters["closed_day"] = lambda day: closed_day_reason(db_session(), day)
