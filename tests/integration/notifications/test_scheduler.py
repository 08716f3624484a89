"""The scheduler: one per database (a lease row), the commands, and surviving a database restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import sleep

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from config import TestConfig
from tests.builders import make_agency, make_pact, make_regency
from tests.conftest import REPO_ROOT, TEST_NOW
from tests.integration.notifications.delivery_helpers import add_notice, committed_regency
from tests.live import wait_for
from tests.smtp import SmtpServer
from tracker import create_app
from tracker.clock import FixedClock
from tracker.extensions import db
from tracker.notifications import lock
from tracker.notifications.models import Notification, NotificationState, SchedulerLock

TTL = timedelta(seconds=120)


# --- the lease ----------------------------------------------------------------------------


def test_the_lease_is_taken_renewed_refused_to_others_and_taken_over_when_it_lapses(
    session: Session, now: datetime
) -> None:
    first = lock.acquire(session, owner="host-a:1", now=now, ttl=TTL)
    assert first.held and first.expires_at == now + TTL

    other = lock.acquire(session, owner="host-b:2", now=now + timedelta(seconds=30), ttl=TTL)
    assert not other.held
    assert other.owner == "host-a:1" and other.expires_at == now + TTL
    assert other.describe() == (
        "another scheduler holds the lock: host-a:1 until 2019-03-25T01:02:00+00:00"
    )

    later = now + timedelta(seconds=60)
    assert lock.renew(session, owner="host-a:1", now=later, ttl=TTL)
    assert not lock.renew(session, owner="host-b:2", now=later, ttl=TTL)
    assert lock.acquire(session, owner="host-a:1", now=later, ttl=TTL).held  # already ours

    # host-a stops renewing: once the lease has lapsed, host-b takes it over.
    lapsed = later + TTL + timedelta(seconds=1)
    taken = lock.acquire(session, owner="host-b:2", now=lapsed, ttl=TTL)
    assert taken.held and taken.owner == "host-b:2"
    assert not lock.renew(session, owner="host-a:1", now=lapsed, ttl=TTL)

    lock.release(session, owner="host-a:1")  # not its lock any more: nothing happens
    assert lock.holder(session) is not None
    lock.release(session, owner="host-b:2")
    assert lock.holder(session) is None
    assert lock.acquire(session, owner="host-a:1", now=lapsed, ttl=TTL).held


def test_scheduler_no_wait_exits_1_naming_the_holder(
    runner: FlaskCliRunner, session: Session, now: datetime
) -> None:
    # The lease runs on the wall clock (a frozen app clock must not keep a dead holder's
    # lease alive), so this holder's lease is one that has not lapsed whatever today is.
    session.add(
        SchedulerLock(
            name="scheduler",
            owner="pantau-1:4242:abcd",
            acquired_at=now,
            expires_at=datetime(2999, 1, 1, tzinfo=UTC),
        )
    )
    session.commit()

    result = runner.invoke(args=["scheduler", "--no-wait"])

    assert result.exit_code == 1
    assert (
        "another scheduler holds the lock: pantau-1:4242:abcd until 2999-01-01T00:00:00+00:00"
        in result.output
    )


# --- the sweep command ----------------------------------------------------------------------


def test_sweep_command_records_the_due_reminder_and_sends_it_on_the_real_clock(
    app: Flask,
    runner: FlaskCliRunner,
    session: Session,
    clock: FixedClock,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = clock.now()
    regency = make_regency(session, now=now, timezone="Asia/Makassar")
    agency = make_agency(session, regency=regency, now=now)
    agency.head_email = "kepala@dinas.uji.go.id"
    agency.head_name = "Kepala Dinas Uji"
    # Signed 8 January 2019: deadline 8 April; the 7-day reminder is due 1 April, 08:00 WITA.
    pact = make_pact(session, agency=agency, now=now, signed_on=date(2019, 1, 8))
    session.commit()
    for key, value in smtp.settings().items():
        monkeypatch.setitem(app.config, key, value)
    # The operator replays 08:00 at 10:30: the sweep is as of 08:00, the mail goes out at 10:30.
    real = datetime.fromisoformat("2019-04-01T10:30:00+08:00")
    clock.set(real)

    result = runner.invoke(args=["sweep", "--now", "2019-04-01T08:00:00+08:00"])

    assert result.exit_code == 0, result.output
    assert "as of 2019-04-01T00:00:00+00:00" in result.output
    assert "reminder-7d 1" in result.output
    assert "sent 1" in result.output
    [received] = smtp.messages
    assert received.message["X-Pantau-Kind"] == "reminder-7d"
    assert received.message["X-Pantau-Pact"] == str(pact.id)
    assert received.rcpt_tos == ["kepala@dinas.uji.go.id"]
    assert received.message["Date"].datetime == real
    row = session.scalars(select(Notification).where(Notification.pact_id == pact.id)).one()
    assert row.created_at == datetime.fromisoformat("2019-04-01T08:00:00+08:00")
    assert row.sent_at == real

    again = runner.invoke(args=["sweep", "--now", "2019-04-01T09:00:00+08:00"])
    assert again.exit_code == 0, again.output
    assert "0 written" in again.output and len(smtp.messages) == 1


def test_sweep_command_as_of_a_later_instant_leaves_the_mail_until_it_is_due(
    app: Flask,
    runner: FlaskCliRunner,
    session: Session,
    now: datetime,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    regency = make_regency(session, now=now, timezone="Asia/Makassar")
    agency = make_agency(session, regency=regency, now=now)
    agency.head_email = "kepala@dinas.uji.go.id"
    pact = make_pact(session, agency=agency, now=now, signed_on=date(2019, 1, 8))
    session.commit()
    for key, value in smtp.settings().items():
        monkeypatch.setitem(app.config, key, value)

    # A week ahead of the real clock (25 March): recorded, but nothing is sent before its time.
    result = runner.invoke(args=["sweep", "--now", "2019-04-01T08:00:00+08:00"])

    assert result.exit_code == 0, result.output
    assert "reminder-7d 1" in result.output and "sent 0" in result.output
    assert smtp.messages == []
    row = session.scalars(select(Notification).where(Notification.pact_id == pact.id)).one()
    assert row.state is NotificationState.PENDING and row.attempts == 0
    assert row.claimed_by is None


def test_sweep_command_refuses_an_instant_without_offset(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["sweep", "--now", "2019-04-01T08:00:00"])

    assert result.exit_code == 2
    assert "has no UTC offset" in result.output


# --- the embedded scheduler (make run) ------------------------------------------------------


def test_the_embedded_scheduler_starts_only_when_asked_and_not_in_the_reloader_parent(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert "tracker.scheduler" not in app.extensions  # the default: no scheduler in the app
    # Another scheduler holds the lease: the embedded one starts, waits, and runs no job.
    with app.app_context():
        db.session.add(
            SchedulerLock(
                name="scheduler",
                owner="production-scheduler:1",
                acquired_at=TEST_NOW,
                expires_at=datetime(2999, 1, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    try:
        # `flask run` with the reloader: the watching parent serves nothing, runs nothing.
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
        parent = create_app(
            TestConfig, DATABASE_URL=database_url, EMBEDDED_SCHEDULER=True, DEBUG=True
        )
        assert "tracker.scheduler" not in parent.extensions
        with parent.app_context():
            db.engine.dispose()

        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
        served = create_app(TestConfig, DATABASE_URL=database_url, EMBEDDED_SCHEDULER=True)
        scheduler = served.extensions["tracker.scheduler"]
        try:
            assert scheduler.running
            assert {job.id for job in scheduler.get_jobs()} == {
                "notifications.lease",
                "notifications.sweep",
                "notifications.deliver",
                "findings.files_sweep",
            }
            assert _lock_owner(app) == "production-scheduler:1"
        finally:
            scheduler.shutdown(wait=True)
            with served.app_context():
                db.engine.dispose()
    finally:
        with app.app_context():
            db.session.execute(SchedulerLock.__table__.delete())
            db.session.commit()


# --- real scheduler processes ---------------------------------------------------------------


@contextmanager
def _scheduler_process(
    database_url: str, smtp: SmtpServer, folder: Path, name: str, *extra: str
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Run ``flask --app tracker scheduler`` with quick intervals; yield it and its log file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=database_url,
        TRACKER_SECRET_KEY="scheduler-test-secret-key-0123456789",
        TRACKER_INSTANCE_PATH=str(folder / f"instance-{name}"),
        TRACKER_MAIL_SERVER=smtp.host,
        TRACKER_MAIL_PORT=str(smtp.port),
        TRACKER_SCHEDULER_DELIVER_SECONDS="1",
        TRACKER_SCHEDULER_SWEEP_SECONDS="3600",
        TRACKER_SCHEDULER_RENEW_SECONDS="1",
        TRACKER_SCHEDULER_LEASE_SECONDS="5",
    )
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tracker", "scheduler", *extra],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process, log_path
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _lock_owner(app: Flask) -> str | None:
    with app.app_context(), Session(db.engine) as s:
        return s.scalar(select(SchedulerLock.owner).where(SchedulerLock.name == "scheduler"))


def _enqueue(app: Flask, regency_id: int) -> str:
    with app.app_context(), Session(db.engine) as s:
        row = add_notice(s, regency_id=regency_id, now=TEST_NOW)
        s.commit()
        return row.message_id


def _state(app: Flask, message_id: str) -> NotificationState:
    with app.app_context(), Session(db.engine) as s:
        state = s.scalar(select(Notification.state).where(Notification.message_id == message_id))
        assert state is not None
        return state


@pytest.mark.committing
def test_a_second_scheduler_waits_for_the_lease_and_takes_over_when_the_first_stops(
    app: Flask, database_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    with (
        committed_regency(app, TEST_NOW) as regency_id,
        _scheduler_process(database_url, smtp, tmp_path, "a") as (first, first_log),
    ):
        wait_for("the first scheduler's lease", lambda: _lock_owner(app) is not None, timeout=30)
        first_owner = _lock_owner(app)
        one = _enqueue(app, regency_id)
        wait_for("the first notice", lambda: one in smtp.message_ids(), timeout=30)

        refused = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "tracker", "scheduler", "--no-wait"],
            cwd=REPO_ROOT,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
                "TRACKER_DATABASE_URL": database_url,
                "TRACKER_SECRET_KEY": "scheduler-test-secret-key-0123456789",
                "TRACKER_INSTANCE_PATH": str(tmp_path / "instance-c"),
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 1
        assert f"another scheduler holds the lock: {first_owner} until" in refused.stderr

        with _scheduler_process(database_url, smtp, tmp_path, "b") as (second, second_log):
            wait_for(
                "the second scheduler to say it waits",
                lambda: "another scheduler holds the lock" in second_log.read_text(),
                timeout=30,
            )
            assert f"another scheduler holds the lock: {first_owner} until" in (
                second_log.read_text()
            )
            first.send_signal(signal.SIGTERM)
            assert first.wait(timeout=30) == 0
            assert "scheduler stopped" in first_log.read_text()
            wait_for(
                "the second scheduler to take the lease",
                lambda: _lock_owner(app) not in (None, first_owner),
                timeout=30,
            )
            two = _enqueue(app, regency_id)
            wait_for("the second notice", lambda: two in smtp.message_ids(), timeout=30)
            assert second.poll() is None
        assert sorted(smtp.message_ids()) == sorted([one, two])  # each exactly once
        assert _lock_owner(app) is None  # released at shutdown


def _cut_connections(app: Flask) -> int:
    """Kill every other connection to the test database, as a server restart would."""
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            return int(killed)
        ids = conn.execute(
            text(
                "SELECT id FROM information_schema.processlist"
                " WHERE db = DATABASE() AND id <> CONNECTION_ID()"
            )
        ).scalars()
        count = 0
        for connection_id in list(ids):
            conn.execute(text(f"KILL CONNECTION {int(connection_id)}"))
            count += 1
        return count


@contextmanager
def _database_closed(app: Flask) -> Iterator[None]:
    """PostgreSQL only: refuse new connections to the test database for a while."""
    with app.app_context():
        url = db.engine.url
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = url.database
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


@pytest.mark.committing
def test_the_scheduler_survives_a_database_restart(
    app: Flask, database_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("a SQLite file has no server to restart; PostgreSQL and MariaDB cover this")
    with (
        committed_regency(app, TEST_NOW) as regency_id,
        _scheduler_process(database_url, smtp, tmp_path, "a") as (scheduler, log_path),
    ):
        wait_for("the scheduler's lease", lambda: _lock_owner(app) is not None, timeout=30)
        one = _enqueue(app, regency_id)
        wait_for("the first notice", lambda: one in smtp.message_ids(), timeout=30)

        # Every connection the scheduler had is killed, as a restart of the server does.
        assert _cut_connections(app) >= 1
        if database_url.startswith("postgresql"):
            # And for a few seconds the database takes no connections at all.
            with _database_closed(app):
                sleep(3)
            wait_for(
                "the scheduler to log the failed runs",
                lambda: "failed; the next run tries again" in log_path.read_text(),
                timeout=30,
            )
        two = _enqueue(app, regency_id)
        wait_for("the notice after the restart", lambda: two in smtp.message_ids(), timeout=30)
        # The outcome is recorded just after the server accepted the mail: wait for it too.
        wait_for("its outcome", lambda: _state(app, two) is NotificationState.SENT, timeout=30)
        assert scheduler.poll() is None, log_path.read_text()
        assert sorted(smtp.message_ids()) == sorted([one, two])
