"""Migrations: the head matches the models, every revision goes up and down, the seed arrives.

Runs on its own database (a fresh SQLite file, or TRACKER_TEST_DATABASE_URL in .ci/run's
separate migration pass) and leaves it at head.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect, select, text

from config import TestConfig
from tracker import create_app
from tracker.assessments.models import AssessmentScheme
from tracker.assessments.rules import DEFAULT_SCHEMES
from tracker.extensions import db


@pytest.fixture(scope="module")
def mig_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    import os

    url = os.environ.get("TRACKER_TEST_DATABASE_URL") or "sqlite:///" + str(
        Path(tmp_path_factory.mktemp("mig")) / "migrations.sqlite3"
    )
    app = create_app(TestConfig, DATABASE_URL=url)
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        yield app
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()


def _revisions(app: Flask) -> list[str]:
    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_every_revision_upgrades_and_downgrades(mig_app: Flask) -> None:
    revisions = _revisions(mig_app)
    assert revisions[:3] == ["0001", "0002", "0003"]
    previous = "base"
    for revision in revisions:
        flask_migrate.upgrade(revision=revision)
        flask_migrate.downgrade(revision=previous)
        flask_migrate.upgrade(revision=revision)
        previous = revision
    assert "pacts" in _tables()
    flask_migrate.downgrade(revision="base")
    assert _tables() == set()
    flask_migrate.upgrade()


def test_head_matches_the_models(mig_app: Flask) -> None:
    flask_migrate.upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        with warnings.catch_warnings():
            # The newest-first index is on expressions, which neither side can compare; its
            # presence is checked below.
            warnings.filterwarnings("ignore", message=".*expression-based index")
            diff = compare_metadata(context, db.metadata)
        dialect = connection.dialect.name
        listed = {
            "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
            "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = 'pacts'",
        }.get(dialect, "SELECT index_name FROM information_schema.statistics")
        names = set(connection.execute(text(listed)).scalars())
    if dialect not in ("postgresql", "sqlite"):
        # The model's ddl_if keeps MariaDB from creating it; autogenerate does not read ddl_if.
        diff = [
            d for d in diff if not (d[0] == "add_index" and d[1].name == "ix_pacts_newest_first")
        ]
    assert diff == [], f"models and migrations disagree; run flask db migrate: {diff}"
    expected = dialect in ("postgresql", "sqlite")
    assert ("ix_pacts_newest_first" in names) is expected


def test_assessment_schemes_arrive_as_in_the_domain_notes(mig_app: Flask) -> None:
    flask_migrate.upgrade()
    schemes = db.session.execute(select(AssessmentScheme).order_by(AssessmentScheme.first_year))
    assert tuple(s.to_spec() for s in schemes.scalars()) == DEFAULT_SCHEMES
    db.session.remove()


def test_downgrading_the_seed_removes_only_the_seed(mig_app: Flask) -> None:
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="0001")
    assert "assessment_schemes" in _tables()
    assert db.session.execute(select(AssessmentScheme)).first() is None
    db.session.remove()
    flask_migrate.upgrade()


def test_findings_waiting_for_verification_get_a_submission_time(mig_app: Flask) -> None:
    from sqlalchemy import text

    flask_migrate.downgrade(revision="0002")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO regencies (id, slug, name, province, timezone, created_at)"
                " VALUES (1, 'kab', 'Kab', 'P', 'Asia/Makassar', '2019-01-08 02:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO agencies (id, regency_id, slug, name, kind, is_demo, created_at)"
                " VALUES (1, 1, 'opd', 'OPD', 'dinas', false, '2019-01-08 02:00:00')"
            )
        )
        for fid, status in ((1, "submitted"), (2, "open")):
            connection.execute(
                text(
                    "INSERT INTO findings (id, agency_id, category, title, status, created_at)"
                    f" VALUES ({fid}, 1, 'input', 'T', '{status}', '2019-02-01 03:00:00')"
                )
            )
    flask_migrate.upgrade(revision="0003")
    with db.engine.connect() as connection:
        rows = dict(
            connection.execute(text("SELECT id, submitted_at FROM findings ORDER BY id")).all()
        )
    assert str(rows[1]).startswith("2019-02-01 03:00:00")
    assert rows[2] is None
    flask_migrate.downgrade(revision="base")
    flask_migrate.upgrade()
