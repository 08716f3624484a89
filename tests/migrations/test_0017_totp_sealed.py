"""Revision 0017: the second step's secrets stored in the clear arrive sealed, and go back."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import inspect, text

from config import TestConfig
from tracker import create_app
from tracker.auth.sealing import Sealer
from tracker.extensions import db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BASE32_RUN = re.compile(r"[A-Z2-7]{16,}")


@pytest.fixture(scope="module")
def mig_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL") or "sqlite:///" + str(
        Path(tmp_path_factory.mktemp("mig17")) / "migrations.sqlite3"
    )
    app = create_app(TestConfig, DATABASE_URL=url)
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM users"))
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()


def _user_columns() -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("users")}


def _stored(column: str) -> dict[int, str | None]:
    with db.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, {column} FROM users ORDER BY id"))
        return {row[0]: row[1] for row in rows}


def _at_0016_with_one_secret() -> None:
    flask_migrate.upgrade(revision="0016")  # from base
    flask_migrate.downgrade(revision="0016")  # from 0017
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM users"))
        for user_id, secret in ((7, SECRET), (8, None)):
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, is_active,"
                    " totp_secret, locale, created_at) VALUES (:id, :email, 'Super', 'x',"
                    " 'superadmin', true, :secret, 'id', '2026-12-01 00:00:00')"
                ),
                {"id": user_id, "email": f"super{user_id}@uji.go.id", "secret": secret},
            )


def test_clear_secrets_are_sealed_on_the_way_up_and_opened_on_the_way_down(
    mig_app: Flask,
) -> None:
    _at_0016_with_one_secret()

    flask_migrate.upgrade(revision="0017")
    assert "totp_secret" not in _user_columns()
    sealed = _stored("totp_secret_sealed")
    assert sealed[8] is None
    stored = sealed[7]
    assert stored is not None and stored.startswith("v1$")
    assert SECRET not in stored and not BASE32_RUN.search(stored)
    # The app of this revision opens it, for this account only.
    assert Sealer.from_config(mig_app.config).open(stored, user_id=7) == SECRET

    flask_migrate.downgrade(revision="0016")
    assert "totp_secret_sealed" not in _user_columns()
    assert _stored("totp_secret") == {7: SECRET, 8: None}
    flask_migrate.upgrade(revision="0017")


def test_a_downgrade_under_another_key_refuses_and_changes_nothing(
    mig_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at_0016_with_one_secret()
    flask_migrate.upgrade(revision="0017")
    before = _stored("totp_secret_sealed")
    monkeypatch.setitem(mig_app.config, "TOTP_KEY", "not the key that sealed it")
    with pytest.raises(SystemExit):  # Flask-Migrate logs the refusal and exits 1
        flask_migrate.downgrade(revision="0016")
    assert "totp_secret" not in _user_columns()
    assert _stored("totp_secret_sealed") == before
    monkeypatch.delitem(mig_app.config, "TOTP_KEY")
    flask_migrate.downgrade(revision="0016")
    assert _stored("totp_secret") == {7: SECRET, 8: None}
    flask_migrate.upgrade(revision="0017")
