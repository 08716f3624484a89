"""A burst of revalidations costs no statement: each worker reads the data version at most every
DATA_VERSION_SECONDS, and again at once after a commit of its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tracker.audit.services import record
from tracker.extensions import db
from tracker.web import caching


@pytest.fixture
def cached_versions(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(app.config, "DATA_VERSION_SECONDS", 60)
    caching._versions.clear()
    yield
    caching._versions.clear()


def test_revalidations_reuse_the_version_until_a_commit(
    app: Flask, client: FlaskClient, session: Session, now: datetime, cached_versions: None
) -> None:
    regency = make_regency(session, now=now)
    pact = make_pact(
        session, agency=make_agency(session, regency=regency, now=now), now=now,
        signed_on=date(2019, 1, 8),
    )  # fmt: skip
    url = f"/pakta/{pact.id}"
    etag = client.get(url).headers["ETag"].strip('"')
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "SAVEPOINT" not in statement.upper():
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(3):
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert statements == []
        record(
            session, actor=None, action="pact.extended", target_type="pact", target_id=pact.id,
            regency_id=regency.id, pact_id=pact.id, at=now,
        )  # fmt: skip
        session.commit()
        changed = client.get(url, headers={"If-None-Match": etag})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert changed.status_code == 200
    assert changed.headers["ETag"].strip('"') != etag
