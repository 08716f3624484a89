"""Weekly snapshots: dated, checksummed, immutable, once per week, citable later."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.integration.opendata.conftest import DataWorld
from tracker.clock import FixedClock, SystemClock
from tracker.extensions import db
from tracker.opendata.models import DataSnapshot
from tracker.opendata.snapshots import take_due_snapshot, take_snapshot, week_of
from tracker.storage import PENDING, get_file_store, sweep_pending
from tracker.web.step import unit_of_work

DATA_FILES = ["pakta.json", "pakta.csv", "temuan.json", "temuan.csv"]


def take(app: Flask, session: Session, now: datetime) -> DataSnapshot | None:
    with app.app_context():
        snapshot = take_due_snapshot(session, now)
        session.commit()
        return snapshot


def fetch(client: FlaskClient, as_of: date, name: str) -> bytes:
    with client.get(f"/data/snapshot/{as_of.isoformat()}/{name}") as response:
        assert response.status_code == 200, (name, response.status_code)
        return response.get_data()


@pytest.mark.parametrize(
    ("instant", "monday"),
    [
        pytest.param("2019-03-25T09:00:00+08:00", "2019-03-25", id="monday-morning-wita"),
        # Sunday 23:30 in Jakarta is still the previous week, whatever the server's zone.
        pytest.param("2019-03-24T23:30:00+07:00", "2019-03-18", id="sunday-night-wib"),
        # Monday 00:30 in Jayapura is Sunday 22:30 in Jakarta: the cut is WIB.
        pytest.param("2019-03-25T00:30:00+09:00", "2019-03-18", id="monday-in-wit-is-sunday-wib"),
        pytest.param("2019-03-31T16:59:00+00:00", "2019-03-25", id="sunday-23:59-wib"),
        pytest.param("2019-03-31T17:00:00+00:00", "2019-04-01", id="monday-00:00-wib"),
    ],
)
def test_a_snapshot_is_labelled_with_its_weeks_monday_in_jakarta(instant: str, monday: str) -> None:
    assert week_of(datetime.fromisoformat(instant)) == date.fromisoformat(monday)


def test_the_weekly_snapshot_is_taken_once_and_its_files_match_the_manifest(
    app: Flask, client: FlaskClient, session: Session, world: DataWorld, clock: FixedClock
) -> None:
    snapshot = take(app, session, clock.now())
    assert snapshot is not None
    assert snapshot.as_of == date(2019, 3, 25)
    clock.advance(timedelta(days=2))
    assert take(app, session, clock.now()) is None, "a second sweep in the week adds nothing"

    manifest_bytes = fetch(client, snapshot.as_of, "manifest.json")
    assert hashlib.sha256(manifest_bytes).hexdigest() == snapshot.manifest_sha256
    manifest = json.loads(manifest_bytes)
    assert manifest["as_of"] == "2019-03-25"
    assert manifest["timezone"] == "Asia/Jakarta"
    assert [f["name"] for f in manifest["files"]] == DATA_FILES
    for entry in manifest["files"]:
        body = fetch(client, snapshot.as_of, entry["name"])
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], entry["name"]
        assert len(body) == entry["bytes"]
    sums = fetch(client, snapshot.as_of, "SHA256SUMS").decode()
    lines = dict(reversed(line.split("  ")) for line in sums.splitlines())
    assert list(lines) == [*DATA_FILES, "manifest.json"]
    for name, digest in lines.items():
        assert hashlib.sha256(fetch(client, snapshot.as_of, name)).hexdigest() == digest

    pacts = json.loads(fetch(client, snapshot.as_of, "pakta.json"))
    assert [p["pact_id"] for p in pacts] == [world.pact.id, world.other.id]
    assert pacts[0]["signed_on"] == "2019-01-08"
    assert pacts[0]["status"] == "due_soon"
    findings = json.loads(fetch(client, snapshot.as_of, "temuan.json"))
    assert len(findings) == 3


def test_the_snapshot_csv_is_the_export_of_that_moment(
    app: Flask, client: FlaskClient, session: Session, world: DataWorld, clock: FixedClock
) -> None:
    snapshot = take(app, session, clock.now())
    assert snapshot is not None

    for name in ("pakta.csv", "temuan.csv"):
        assert fetch(client, snapshot.as_of, name) == client.get(f"/data/{name}").get_data()


def test_a_later_change_does_not_alter_an_old_snapshot(
    app: Flask, client: FlaskClient, session: Session, world: DataWorld, clock: FixedClock
) -> None:
    old = take(app, session, clock.now())
    assert old is not None
    old_files = {name: fetch(client, old.as_of, name) for name in [*DATA_FILES, "manifest.json"]}

    world.pact.signatory_name = "Nama Diganti Diam-diam"
    session.commit()
    clock.advance(timedelta(days=7))
    new = take(app, session, clock.now())
    assert new is not None

    assert new.as_of == date(2019, 4, 1)
    for name, body in old_files.items():
        assert fetch(client, old.as_of, name) == body, f"{name} of the old snapshot changed"
    assert b"Nama Diganti Diam-diam" not in old_files["pakta.csv"]
    assert b"Nama Diganti Diam-diam" in fetch(client, new.as_of, "pakta.csv")
    assert new.manifest_sha256 != old.manifest_sha256


def test_snapshot_files_are_immutable_and_revalidate_by_their_hash(
    app: Flask, client: FlaskClient, session: Session, world: DataWorld, clock: FixedClock
) -> None:
    snapshot = take(app, session, clock.now())
    assert snapshot is not None
    url = f"/data/snapshot/{snapshot.as_of.isoformat()}/pakta.csv"

    with client.get(url) as response:
        response.get_data()
    with client.get(url, headers={"If-None-Match": response.headers["ETag"]}) as again:
        pass

    entry = next(f for f in snapshot.manifest["files"] if f["name"] == "pakta.csv")
    assert response.headers["ETag"] == f'"{entry["sha256"]}"'
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Set-Cookie" not in response.headers
    assert again.status_code == 304
    for bad in ("2019-03-26/pakta.csv", "2019-13-01/pakta.csv", "kemarin/pakta.csv"):
        assert client.get(f"/data/snapshot/{bad}").status_code == 404, bad
    assert client.get(f"/data/snapshot/{snapshot.as_of.isoformat()}/users.csv").status_code == 404


def test_the_snapshot_list_shows_newest_first_with_manifest_hashes(
    app: Flask, client: FlaskClient, session: Session, world: DataWorld, clock: FixedClock
) -> None:
    assert "snapshot" in client.get("/data/snapshot?lang=en").get_data(as_text=True)
    first = take(app, session, clock.now())
    clock.advance(timedelta(days=7))
    second = take(app, session, clock.now())
    assert first is not None and second is not None

    page = client.get("/data/snapshot").get_data(as_text=True)

    assert page.index(second.manifest_sha256) < page.index(first.manifest_sha256)
    assert f"/data/snapshot/{first.as_of.isoformat()}/temuan.json" in page
    data_page = client.get("/data").get_data(as_text=True)
    assert second.manifest_sha256 in data_page, "the /data page cites the latest snapshot"


def test_the_snapshot_command_takes_this_weeks_snapshot_once(
    runner: FlaskCliRunner, session: Session, world: DataWorld
) -> None:
    first = runner.invoke(args=["snapshot"])
    second = runner.invoke(args=["snapshot", "--as-of", "2019-03-25"])

    assert first.exit_code == 0, first.output
    assert "2019-03-25" in first.output and "pakta.csv" in first.output
    assert second.exit_code == 0 and "already exists" in second.output
    assert session.execute(select(func.count(DataSnapshot.id))).scalar_one() == 1


def test_the_snapshot_command_refuses_to_date_todays_data_otherwise(
    runner: FlaskCliRunner, session: Session, world: DataWorld
) -> None:
    # Today's data labelled "as of" last Monday would be a false citation, so would tomorrow's.
    for bad in ("2019-03-18", "2018-01-01", "2019-03-26", "2019-04-01", "18-03-2019"):
        refused = runner.invoke(args=["snapshot", "--as-of", bad])
        assert refused.exit_code == 2, refused.output
        assert "--as-of" in refused.output
    refused = runner.invoke(args=["snapshot", "--as-of", "2019-03-18"])
    assert "this week's Monday, 2019-03-25" in refused.output
    assert session.execute(select(func.count(DataSnapshot.id))).scalar_one() == 0


@pytest.mark.committing
def test_two_sweeps_at_once_take_one_snapshot(app: Flask) -> None:
    as_of = date(2001, 1, 1)
    now = datetime.fromisoformat("2001-01-01T09:00:00+07:00")
    barrier = threading.Barrier(2)
    results: list[object] = []

    def sweep() -> None:
        with app.app_context(), Session(db.engine) as own:
            barrier.wait()
            try:
                # As the sweep does: on SQLite the second writer waits for the first instead of
                # failing with "database is locked"; PostgreSQL and MariaDB ignore the option.
                own.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                results.append(take_snapshot(own, as_of=as_of, now=now))
                own.commit()
            except Exception as exc:  # reported by the assertion below
                results.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        with app.app_context(), Session(db.engine) as check:
            rows = check.execute(
                select(func.count(DataSnapshot.id)).where(DataSnapshot.as_of == as_of)
            ).scalar_one()
        assert rows == 1
        assert sorted(type(r).__name__ for r in results) == ["DataSnapshot", "NoneType"], results
    finally:
        with app.app_context(), Session(db.engine) as cleanup:
            cleanup.execute(delete(DataSnapshot).where(DataSnapshot.as_of == as_of))
            cleanup.commit()


# --- files and rows: a failed COMMIT leaves no file, a committed row never loses its files --


@pytest.fixture
def own_store(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """The app's file store in a folder of the test's own (for tests that really commit)."""
    folder = tmp_path / "store"
    original = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    yield folder
    app.config["UPLOAD_FOLDER"] = original


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _attempt(session: Session, work: Callable[[], object], folder: Path) -> list[Path]:
    """Run ``work`` in a unit of work whose COMMIT fails; return the files it had written."""
    written: list[Path] = []

    def doomed() -> None:
        with unit_of_work(session):
            assert work() is not None
            written.extend(_files(folder))
            _doom_the_commit(session)

    with pytest.raises(DBAPIError):
        doomed()
    return written


def _doom_the_commit(session: Session) -> None:
    """Make the transaction's COMMIT itself fail, as the database would refuse it.

    SQLite: foreign keys checked only at the COMMIT (``PRAGMA defer_foreign_keys``), and a row
    pointing at no regency. PostgreSQL and MariaDB: the session's connection is killed from
    another one just before the COMMIT, as a restart or an administrator would.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.execute(text("PRAGMA defer_foreign_keys = ON"))
        connection.execute(
            text(
                "INSERT INTO assessments (regency_id, year, created_at)"
                " VALUES (-1, 1999, '2019-01-01 00:00:00')"
            )
        )
        return
    if dialect == "postgresql":
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        kill = f"SELECT pg_terminate_backend({int(pid)})"
    else:
        pid = connection.execute(text("SELECT CONNECTION_ID()")).scalar_one()
        kill = f"KILL CONNECTION {int(pid)}"
    with db.engine.connect() as other:
        other.execute(text(kill))
        other.commit()


@pytest.mark.committing
def test_a_snapshot_whose_commit_fails_leaves_no_file_behind(app: Flask, own_store: Path) -> None:
    as_of = date(2002, 1, 7)
    now = datetime.fromisoformat("2002-01-07T09:00:00+07:00")
    with app.app_context(), Session(db.engine) as own:
        written = _attempt(own, lambda: take_snapshot(own, as_of=as_of, now=now), own_store)
    # Six files were on disk before the COMMIT, each still under its pending name; the failed
    # COMMIT took them all away, with the row.
    assert len(written) == 6
    assert all(p.name.endswith(PENDING) for p in written)
    assert _files(own_store) == []
    with app.app_context(), Session(db.engine) as check:
        snapshots = check.execute(select(DataSnapshot).where(DataSnapshot.as_of == as_of))
        assert snapshots.first() is None


@pytest.mark.committing
def test_a_committed_snapshot_whose_files_were_not_yet_renamed_keeps_them_through_the_sweep(
    app: Flask, own_store: Path
) -> None:
    as_of = date(2002, 1, 14)
    now = datetime.fromisoformat("2002-01-14T09:00:00+07:00")
    try:
        with app.app_context(), Session(db.engine) as own:
            with unit_of_work(own):
                snapshot = take_snapshot(own, as_of=as_of, now=now)
                assert snapshot is not None
            named = _files(own_store)
            assert len(named) == 6 and not any(p.name.endswith(PENDING) for p in named)
            # A crash between the COMMIT and the renames: every file still pending, and old.
            hours_ago = SystemClock().now().timestamp() - 2 * 3600
            for path in named:
                pending = path.with_name(path.name + PENDING)
                os.replace(path, pending)
                os.utime(pending, (hours_ago, hours_ago))
            client = app.test_client()
            url = f"/data/snapshot/{as_of.isoformat()}/manifest.json"
            with client.get(url) as response:
                assert response.status_code == 200, "served under its pending name"

            with unit_of_work(own, writes=False):
                report = sweep_pending(
                    own, get_file_store(), older_than=SystemClock().now() - timedelta(hours=1)
                )

            assert (report.renamed, report.removed) == (6, 0)
            assert _files(own_store) == named
            with client.get(url) as response:
                manifest = response.get_data()
            assert hashlib.sha256(manifest).hexdigest() == snapshot.manifest_sha256
    finally:
        with app.app_context(), Session(db.engine) as cleanup:
            cleanup.execute(delete(DataSnapshot).where(DataSnapshot.as_of == as_of))
            cleanup.commit()
