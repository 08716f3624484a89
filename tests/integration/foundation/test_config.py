"""Configuration: safe defaults, TRACKER_ overrides, and clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import Config, TestConfig
from tracker import create_app
from tracker.app import ConfigError
from tracker.auth import services as auth_services
from tracker.clock import FixedClock, SystemClock


@pytest.fixture(autouse=True)
def _isolated_instance(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Building an app sets the password hashing method; keep the suite's own afterwards.
    monkeypatch.setattr(auth_services, "password_method", auth_services.password_method)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    for key in (
        "TRACKER_DATABASE_URL",
        "TRACKER_SECRET_KEY",
        "TRACKER_DEBUG",
        "TRACKER_FROZEN_NOW",
    ):
        monkeypatch.delenv(key, raising=False)


def test_default_secret_key_is_refused_outside_debug_and_testing() -> None:
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        create_app(Config)


def test_a_real_secret_key_from_the_environment_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x" * 64)
    app = create_app(Config)
    assert app.config["SECRET_KEY"] == "x" * 64


def test_debug_mode_may_use_the_default_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DEBUG", "1")
    assert create_app(Config).debug


def test_defaults_use_sqlite_in_the_instance_folder_and_the_real_clock(tmp_path: Path) -> None:
    app = create_app(TestConfig, FROZEN_NOW=None)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        tmp_path / "instance" / "tracker.sqlite3"
    )
    assert app.config["MAIL_SERVER"] is None
    assert app.config["BABEL_DEFAULT_LOCALE"] == "id"
    assert isinstance(app.extensions["tracker.clock"], SystemClock)


def test_every_key_can_be_overridden_by_a_tracker_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_PAGE_SIZE", "7")
    monkeypatch.setenv("TRACKER_MAIL_SERVER", "smtp.kab.go.id")
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql://u@db.internal/pakta")
    app = create_app(TestConfig)
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["MAIL_SERVER"] == "smtp.kab.go.id"
    # The short scheme is mapped to the installed driver.
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/pakta"


def test_mariadb_url_gets_the_driver_and_utf8mb4(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", "mariadb://root@127.0.0.1/pakta")
    uri = create_app(TestConfig).config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "mysql+pymysql://root@127.0.0.1/pakta?charset=utf8mb4"


def test_frozen_now_freezes_the_clock_for_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_FROZEN_NOW", "2019-03-25T09:00:00+08:00")
    clock = create_app(TestConfig).extensions["tracker.clock"]
    assert isinstance(clock, FixedClock)
    assert clock.now() == datetime(2019, 3, 25, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        pytest.param("FROZEN_NOW", "2019-03-25T09:00:00", "offset", id="frozen-now-without-offset"),
        pytest.param("FROZEN_NOW", "yesterday", "FROZEN_NOW", id="frozen-now-not-a-date"),
        pytest.param("BABEL_DEFAULT_TIMEZONE", "Asia/Atlantis", "time zone", id="unknown-zone"),
        pytest.param(
            "DATABASE_URL", "oracle://x@y/z", "sqlite, postgresql or mariadb", id="unsupported-db"
        ),
        pytest.param("DATABASE_URL", "not a url", "not a database URL", id="garbage-db-url"),
    ],
)
def test_unusable_settings_fail_fast_with_a_readable_message(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"TRACKER_{key}", value)
    with pytest.raises(ConfigError, match=message):
        create_app(TestConfig)


def test_production_hashes_passwords_with_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x" * 64)
    create_app(Config)
    assert auth_services.hash_password("kata-sandi-panjang").startswith("scrypt:")


def _production(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("TRACKER_PRODUCTION", "true")
    for key in ("TRACKER_BASE_URL", "FLASK_DEBUG", "TRACKER_LOGIN_LIMIT_STORAGE_URI"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_production_refuses_debug_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, TRACKER_BASE_URL="https://pakta.kab.go.id", TRACKER_DEBUG="1")
    with pytest.raises(ConfigError, match="debug mode"):
        create_app(Config)


@pytest.mark.parametrize(
    "base",
    [None, "http://pakta.kab.go.id"],
    ids=["missing-base-url", "plain-http-base-url"],
)
def test_production_refuses_a_missing_or_plain_http_base_url(
    monkeypatch: pytest.MonkeyPatch, base: str | None
) -> None:
    _production(monkeypatch, **({"TRACKER_BASE_URL": base} if base else {}))
    with pytest.raises(ConfigError, match="TRACKER_BASE_URL"):
        create_app(Config)


def test_production_starts_with_an_https_base_url_and_secure_cookies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _production(monkeypatch, TRACKER_BASE_URL="https://pakta.kab.go.id/")
    app = create_app(Config)
    assert app.config["BASE_URL"] == "https://pakta.kab.go.id"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    # The per-address login limit counts in the database, shared by every worker.
    assert app.config["RATELIMIT_STORAGE_URI"] == "tracker+database://"


def test_counting_refused_logins_per_process_is_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("TRACKER_LOGIN_LIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigError, match="memory://"):
        create_app(Config)
    monkeypatch.setenv("TRACKER_DEBUG", "1")
    assert create_app(Config).config["RATELIMIT_STORAGE_URI"] == "memory://"
