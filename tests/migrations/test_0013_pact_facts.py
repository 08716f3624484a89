"""Revision 0013: existing pacts arrive with their deadline in force, counts and standing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import text

from config import TestConfig
from tracker import create_app
from tracker.extensions import db


@pytest.fixture(scope="module")
def mig_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL") or "sqlite:///" + str(
        Path(tmp_path_factory.mktemp("mig13")) / "migrations.sqlite3"
    )
    app = create_app(TestConfig, DATABASE_URL=url)
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        yield app
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()


def _insert(connection: object, sql: str) -> None:
    connection.execute(text(sql))  # type: ignore[attr-defined]


def test_existing_pacts_get_their_deadline_counts_and_standing(mig_app: Flask) -> None:
    flask_migrate.upgrade(revision="0012")
    created = "'2019-01-08 02:00:00'"
    with db.engine.begin() as c:
        _insert(c, "INSERT INTO regencies (id, slug, name, province, timezone, created_at)"
                   f" VALUES (1, 'kab', 'Kab', 'P', 'Asia/Jayapura', {created})")  # fmt: skip
        _insert(c, "INSERT INTO agencies (id, regency_id, slug, name, kind, is_demo, created_at)"
                   f" VALUES (1, 1, 'opd', 'OPD', 'dinas', false, {created})")  # fmt: skip
        for pid, signed, withdrawn in (
            (1, "'2019-01-08'", "NULL"),
            (2, "NULL", "NULL"),
            (3, "'2019-01-08'", "NULL"),
            (4, "'2019-01-08'", created),
        ):
            reason = "'gabung'" if withdrawn != "NULL" else "NULL"
            _insert(c, "INSERT INTO pacts (id, agency_id, signatory_title, signed_on,"
                       " period_months, pledge, withdrawn_at, withdrawal_reason, is_demo,"
                       f" created_at) VALUES ({pid}, 1, 'Kepala', {signed}, 3, 'Janji',"
                       f" {withdrawn}, {reason}, false, {created})")  # fmt: skip
        # Pact 1: both findings closed, the last at 01:00 WIT on 9 April, the day after its
        # deadline (8 April): fulfilled late. Pact 2: undated, a finding open. Pact 3: extended.
        for fid, pid, status, closed in (
            (1, 1, "closed", "'2019-03-01 03:00:00'"),
            (2, 1, "closed", "'2019-04-08 16:00:00'"),
            (3, 2, "open", "NULL"),
            (4, 3, "open", "NULL"),
            (5, 3, "unresolvable", "NULL"),
        ):
            _insert(c, "INSERT INTO findings (id, agency_id, pact_id, category, title, status,"
                       f" closed_at, created_at) VALUES ({fid}, 1, {pid}, 'input', 'T',"
                       f" '{status}', {closed}, {created})")  # fmt: skip
        _insert(c, "INSERT INTO pact_extensions (id, pact_id, previous_deadline_on,"
                   " new_deadline_on, reason, created_at) VALUES (1, 3, '2019-04-08',"
                   f" '2019-12-31', 'Anggaran', {created})")  # fmt: skip

    flask_migrate.upgrade(revision="0013")

    with db.engine.connect() as c:
        rows = {
            r.id: r
            for r in c.execute(
                text(
                    "SELECT id, current_deadline_on, findings_total, findings_closed,"
                    " findings_unresolvable, last_closed_on, standing FROM pacts"
                )
            )
        }

    def day(value: object) -> date | None:
        return None if value is None else date.fromisoformat(str(value)[:10])

    one, two, three, four = rows[1], rows[2], rows[3], rows[4]
    assert day(one.current_deadline_on) == date(2019, 4, 8)
    assert (one.findings_total, one.findings_closed, one.findings_unresolvable) == (2, 2, 0)
    assert day(one.last_closed_on) == date(2019, 4, 9)
    assert one.standing == "fulfilled_late"
    assert (two.current_deadline_on, two.findings_total, two.standing) == (None, 1, "undated")
    assert day(three.current_deadline_on) == date(2019, 12, 31)
    assert (three.findings_total, three.findings_unresolvable, three.standing) == (2, 1, "running")
    assert four.standing == "withdrawn"
    with db.engine.begin() as c:
        for table in ("pact_extensions", "findings", "pacts", "agencies", "regencies"):
            _insert(c, f"DELETE FROM {table}")
