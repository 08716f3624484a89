"""Configuration defaults for Pantau Pakta.

Every key can be overridden by an environment variable named ``TRACKER_<KEY>``
(for example ``TRACKER_DATABASE_URL``); values that parse as JSON (numbers,
true/false) are read as such. This module imports nothing from ``tracker``.
"""

from __future__ import annotations

# The value the app refuses to run with outside debug and testing.
INSECURE_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105
# The base URL when TRACKER_BASE_URL is unset: right only on the developer's own machine.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


class Config:
    """Defaults that run with no environment at all."""

    SECRET_KEY = INSECURE_SECRET_KEY
    # None means: a SQLite file "tracker.sqlite3" in the instance folder.
    DATABASE_URL: str | None = None
    # None means: mail is written to the outbox table only (readable there).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Pantau Pakta <pantau-pakta@localhost>"
    MAIL_TIMEOUT_SECONDS = 10
    # Delivery of the outbox: rows per SMTP connection; retries back off 1, 2, 4 ... minutes,
    # capped at an hour; a notice is marked failed after DELIVERY_MAX_ATTEMPTS (48 attempts at
    # the cap span about 42 hours, so a day-long SMTP outage loses nothing). A worker's claim
    # on a batch lapses after DELIVERY_CLAIM_SECONDS (a crashed worker's rows go out later).
    DELIVERY_BATCH_SIZE = 50
    DELIVERY_MAX_ATTEMPTS = 48
    DELIVERY_BACKOFF_SECONDS = 60
    DELIVERY_BACKOFF_MAX_SECONDS = 3600
    DELIVERY_CLAIM_SECONDS = 900
    WEBHOOK_TIMEOUT_SECONDS = 10
    # A webhook reaches the public internet only (tracker.netguard); the operator may allow
    # more networks here, e.g. "10.20.0.0/16" for a relay inside the regency's LAN.
    WEBHOOK_ALLOWED_NETWORKS = ""
    # The scheduler: job intervals, and the database lease that allows one scheduler per
    # database (renewed every SCHEDULER_RENEW_SECONDS, taken over when it lapses).
    SCHEDULER_SWEEP_SECONDS = 300
    SCHEDULER_DELIVER_SECONDS = 60
    SCHEDULER_LEASE_SECONDS = 120
    SCHEDULER_RENEW_SECONDS = 30
    # The pending-file sweep (flask --app tracker files-sweep): a few seconds after the
    # scheduler starts, then this often (daily).
    SCHEDULER_FILES_SWEEP_SECONDS = 86_400
    # `make run` sets it: the scheduler runs inside the (single) development web process.
    EMBEDDED_SCHEDULER = False
    # ISO 8601 instant with offset; freezes the clock for the whole process.
    FROZEN_NOW: str | None = None
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")
    # Let the browser's Accept-Language choose when the visitor has not (off: Indonesian first).
    LOCALE_FROM_BROWSER = False
    # Days before the deadline from which a pact counts as "due soon".
    DUE_SOON_DAYS = 14
    # Scheduled notices due on a closed day (Saturday, Sunday, a day of the holiday calendar)
    # go out at 08:00 on the next working day (DOMAIN.md section 6).
    NOTICES_ON_WORKING_DAYS = True
    # The address the public reaches this install at (TRACKER_BASE_URL): every absolute link in
    # mails, feeds, calendars, the CSV ``url`` column, share links and snapshot citations. `make
    # run` sets it from HOST and PORT; unset, it is DEFAULT_BASE_URL and the app warns at start
    # (outside development and testing).
    BASE_URL: str | None = None
    # Followers of a pact: hours a confirmation link stays valid, and how many unconfirmed
    # requests one address may have open at once (across pacts) before new ones send nothing.
    FOLLOW_CONFIRM_HOURS = 72
    FOLLOW_MAX_PENDING_PER_ADDRESS = 5
    # Evidence and pact scans: the largest accepted file, and where files live (None: the
    # "uploads" folder inside the instance folder, never a static folder).
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    UPLOAD_FOLDER: str | None = None
    # A photo with more pixels is refused at upload (decoding one costs 3-4 bytes a pixel; a
    # phone's photo has about 12 million).
    MAX_IMAGE_PIXELS = 40_000_000
    # Logins (tracker.auth). Attempts on one address string, known account or not, as a leaky
    # bucket: LOGIN_FREE_ATTEMPTS pass in a row, then one more every
    # LOGIN_ATTEMPT_INTERVAL_SECONDS; a browser that logged in to the address before counts
    # apart, so a stranger's guesses never lock its owner out.
    LOGIN_FREE_ATTEMPTS = 5
    LOGIN_ATTEMPT_INTERVAL_SECONDS = 600
    # Refused logins per client address (Flask-Limiter's syntax; several limits with ";").
    LOGIN_LIMIT_PER_ADDRESS = "30 per 10 minutes; 200 per day"
    # Where those counters live, shared by every worker: None is this database (the table
    # rate_limit_counters); "redis://host:6379/0" is Redis (pip install redis). "memory://"
    # counts per process: allowed only in debug and testing, where it is the default.
    LOGIN_LIMIT_STORAGE_URI: str | None = None
    # How many reverse proxies sit in front (nginx: 1): the client's address (for the limit)
    # and scheme are then read from their X-Forwarded-For and X-Forwarded-Proto headers.
    PROXY_COUNT = 0
    # The Host names a request may use, comma-separated (".kab.go.id": every subdomain); unset,
    # the host of BASE_URL (and both loopback names for a loopback BASE_URL). Others get 400.
    ALLOWED_HOSTS: str | None = None
    # A login session ends after this long without a request, and after SESSION_MAX_HOURS
    # whatever its use.
    SESSION_IDLE_MINUTES = 120
    SESSION_MAX_HOURS = 12
    # TRACKER_PRODUCTION=1 on a server the public reaches: the app then refuses to start in
    # debug mode or without TRACKER_BASE_URL (https), marks cookies Secure and sends HSTS.
    PRODUCTION = False
    # Werkzeug's method name for new password hashes.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 200
    # Public pages' ETags come from the data version, which each worker reads at most this
    # often (seconds; a commit in the worker reads it again at once). 0: on every request.
    DATA_VERSION_SECONDS = 1.0
    # A public page (the same for every visitor) is rendered once per data version, language and
    # address, and kept: "memory" in each worker (PAGE_CACHE_ENTRIES pages at most, each up to
    # PAGE_CACHE_MAX_KB), "redis://host:port/db" shared by every worker, "off" to render each time.
    PAGE_CACHE = "memory"
    PAGE_CACHE_ENTRIES = 500
    PAGE_CACHE_MAX_KB = 1024
    SQLALCHEMY_ECHO = False
    # PostgreSQL and MariaDB: how long a connection attempt the server refuses (it is
    # restarting) is tried again before the request answers 503 (tracker.reconnect).
    DATABASE_CONNECT_WAIT_SECONDS = 5.0
    # SQLite only: how long a writer waits for the write lock before the request answers 503.
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = True


class TestConfig(Config):
    """Settings for the test suite: a fixed clock and a throwaway database."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    # Tests change data and read pages in one process at once, across sessions.
    DATA_VERSION_SECONDS = 0.0
    FROZEN_NOW = "2019-03-25T09:00:00+08:00"
    # Hundreds of test accounts: a cheap hash here, never in production.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a method name
    # The suite logs in from one address hundreds of times (the per-address tests lower it),
    # and moves the clock by days within one login (the timeout tests set their own).
    LOGIN_LIMIT_PER_ADDRESS = "100000 per minute"
    SESSION_IDLE_MINUTES = 14 * 24 * 60
    SESSION_MAX_HOURS = 14 * 24
