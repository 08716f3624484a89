"""Revision 0015 chains the audit events written before it, with the hash the app computes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from config import TestConfig
from tracker import create_app
from tracker.audit.chain import GENESIS, verify
from tracker.audit.models import AuditChainHead, AuditEvent
from tracker.audit.services import record
from tracker.extensions import db


@pytest.fixture(scope="module")
def mig_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL") or "sqlite:///" + str(
        Path(tmp_path_factory.mktemp("mig-audit")) / "migrations.sqlite3"
    )
    app = create_app(TestConfig, DATABASE_URL=url)
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in ("audit_events", "audit_chain_heads", "regencies"):
                connection.execute(sa.text(f"DELETE FROM {table}"))
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()


def test_existing_events_are_chained_per_regency_and_verify(mig_app: Flask) -> None:
    flask_migrate.upgrade(revision="0014")
    # Naive UTC, as the column holds it.
    at = datetime(2019, 3, 25, 1, 2, 3, 456789, tzinfo=UTC).replace(tzinfo=None)
    with db.engine.begin() as connection:
        for regency_id, slug in ((1, "kab-satu"), (2, "kab-dua")):
            connection.execute(
                sa.text(
                    "INSERT INTO regencies (id, slug, name, province, timezone, created_at) "
                    "VALUES (:id, :slug, :name, 'Uji', 'Asia/Makassar', :at)"
                ),
                {"id": regency_id, "slug": slug, "name": f"Kabupaten {slug}", "at": at},
            )
        rows = [
            (1, "pact.recorded", {"signed_on": "2019-03-01", "pledge": "Janji — ramp ✓"}),
            (None, "user.created", {"email": "super@uji.go.id"}),
            (2, "pact.recorded", None),
            (1, "finding.submitted", {"status": {"from": "open", "to": "submitted"}}),
        ]
        for regency_id, action, changes in rows:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_events (at, actor_role, regency_id, action, target_type,"
                    " target_id, changes) VALUES (:at, 'admin', :regency, :action, 'pact', 7,"
                    " :changes)"
                ),
                {"at": at, "regency": regency_id, "action": action,
                 "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True)
                 if changes is not None else None},
            )  # fmt: skip

    flask_migrate.upgrade(revision="0015")

    session = db.session
    states = {s.chain_id: s for s in verify(session)}
    assert set(states) == {0, 1, 2}
    assert all(s.first_break is None for s in states.values())
    assert (states[1].length, states[2].length, states[0].length) == (2, 1, 1)
    first = (
        session.execute(
            sa.select(AuditEvent).where(AuditEvent.chain_id == 1).order_by(AuditEvent.chain_seq)
        )
        .scalars()
        .first()
    )
    assert first is not None and first.prev_hash == GENESIS
    # The app appends after the migrated links with the same hash.
    event = record(
        session, actor=None, action="pact.extended", target_type="pact", target_id=7,
        regency_id=1, at=datetime(2019, 3, 26, tzinfo=UTC), changes={"days": 10},
    )  # fmt: skip
    session.commit()
    assert (event.chain_seq, event.prev_hash) == (3, states[1].head_hash)
    assert session.get_one(AuditChainHead, 1).length == 3
    assert all(s.first_break is None for s in verify(session))
