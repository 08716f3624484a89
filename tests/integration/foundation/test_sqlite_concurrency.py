"""The embedded default (SQLite) under concurrent use: parallel writers queue, none gets a 500.

A live threaded server on a SQLite file of its own, driven by parallel clients over loopback, as
`make run` is used by a regency's office: token calls, uploads, extensions, logins and follow
requests at once, and a slow reader of an export holding its read open meanwhile; then all of
that again while the scheduler, in a process of its own, sweeps and delivers every second:
neither process ever meets "database is locked".
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from time import monotonic
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import TestConfig
from tests.builders import make_agency, make_pact, make_regency
from tests.conftest import REPO_ROOT, TEST_NOW, external_database_url
from tests.integration.auth_helpers import PASSWORD, make_user
from tests.live import serving, sqlite_app, wait_for
from tests.smtp import SmtpServer
from tracker import create_app
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.findings.models import Evidence
from tracker.notifications.models import Notification

pytestmark = [
    pytest.mark.committing,
    pytest.mark.skipif(
        external_database_url() is not None,
        reason="SQLite's file lock is what this covers; PostgreSQL and MariaDB lock rows",
    ),
]


@dataclass
class World:
    url: str
    app: Flask
    admin_token: str
    opd_token: str
    admin_email: str
    pact_ids: list[int]
    finding_ids: list[int]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app = sqlite_app(tmp_path_factory.mktemp("sqlite-concurrency"))
    with app.app_context(), Session(db.engine) as session:
        regency = make_regency(session, now=TEST_NOW, slug="kab-serentak")
        agency = make_agency(session, regency=regency, now=TEST_NOW)
        pacts = [
            make_pact(session, agency=agency, now=TEST_NOW, signed_on=date(2019, 1, 8), findings=3)
            for _ in range(20)
        ]
        session.commit()
        admin = make_user(session, role="admin", now=TEST_NOW, regency=regency)
        opd = make_user(session, role="opd", now=TEST_NOW, agency=agency)
        admin_token = auth_services.issue_token(
            session, actor=None, owner=admin, now=TEST_NOW
        ).plaintext
        opd_token = auth_services.issue_token(
            session, actor=None, owner=opd, now=TEST_NOW
        ).plaintext
        session.commit()
        world_data = (
            admin_token,
            opd_token,
            admin.email,
            [p.id for p in pacts],
            [f.id for p in pacts for f in p.findings],
        )
    with serving(app, "sqlite-concurrency") as port:
        yield World(f"127.0.0.1:{port}", app, *world_data)


def _request(
    world: World,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, http.client.HTTPMessage]:
    host, port = world.url.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def _parallel(count: int, call: Callable[[int], int]) -> Counter[int]:
    """Run ``call(i)`` for i in range(count), all at once; count the answers' statuses."""
    start = threading.Barrier(count)

    def run(i: int) -> int:
        start.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return Counter(pool.map(run, range(count)))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _multipart(fields: dict[str, str], file: bytes) -> tuple[bytes, str]:
    boundary = "batas-uji-serentak"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="foto.png"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + file
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def _no_server_errors(statuses: Counter[int]) -> None:
    assert not [s for s in statuses if s >= 500], statuses


def test_forty_parallel_token_calls_all_answer(world: World) -> None:
    pact_id = world.pact_ids[0]
    statuses = _parallel(
        40,
        lambda _: _request(
            world,
            "GET",
            f"/api/v1/pacts/{pact_id}/timeline",
            headers={"Authorization": f"Bearer {world.admin_token}"},
        )[0],
    )
    assert statuses == Counter({200: 40})


def test_twenty_parallel_uploads_are_all_stored(world: World) -> None:
    png = _png()

    def upload(i: int) -> int:
        body, boundary = _multipart({"caption": f"Foto perbaikan {i}"}, png)
        return _request(
            world,
            "POST",
            f"/api/v1/findings/{world.finding_ids[i]}/evidence",
            body=body,
            headers={
                "Authorization": f"Bearer {world.opd_token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )[0]

    statuses = _parallel(20, upload)
    _no_server_errors(statuses)
    assert statuses == Counter({201: 20})
    with world.app.app_context(), Session(db.engine) as session:
        stored = session.execute(
            select(func.count()).where(Evidence.finding_id.in_(world.finding_ids[:20]))
        ).scalar_one()
    assert stored == 20


def test_twenty_parallel_extensions_of_twenty_pacts_all_succeed(world: World) -> None:
    def extend(i: int) -> int:
        return _request(
            world,
            "POST",
            f"/api/v1/pacts/{world.pact_ids[i]}/extend",
            body=json.dumps(
                {"new_deadline": "2019-05-08", "reason": "Anggaran perubahan"}
            ).encode(),
            headers={
                "Authorization": f"Bearer {world.admin_token}",
                "Content-Type": "application/json",
            },
        )[0]

    assert _parallel(20, extend) == Counter({200: 20})


def _login(world: World, _: int) -> int:
    status, page, headers = _request(world, "GET", "/masuk")
    assert status == 200
    cookie = SimpleCookie(headers["Set-Cookie"])
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    form = {"email": world.admin_email, "password": PASSWORD, "csrf_token": token.group(1).decode()}
    return _request(
        world,
        "POST",
        "/masuk",
        body=urlencode(form).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookie.items()),
        },
    )[0]


def test_thirty_parallel_logins_all_get_in(world: World) -> None:
    assert _parallel(30, lambda i: _login(world, i)) == Counter({302: 30})


def test_twenty_parallel_follow_requests_all_get_their_answer(world: World) -> None:
    def follow(i: int) -> int:
        return _request(
            world,
            "POST",
            f"/pakta/{world.pact_ids[i]}/ikuti",
            body=urlencode({"email": f"warga{i}@contoh.id"}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )[0]

    assert _parallel(20, follow) == Counter({200: 20})


def test_a_slow_export_reader_neither_blocks_writers_nor_breaks_the_pages_after_it(
    world: World,
) -> None:
    host, port = world.url.split(":")
    slow = http.client.HTTPConnection(host, int(port), timeout=60)
    slow.request("GET", "/data/temuan.csv")
    response = slow.getresponse()
    first = response.read(64)  # the export is open; the rest waits on this client
    try:
        statuses = _parallel(
            10,
            lambda _: _request(
                world,
                "GET",
                f"/api/v1/pacts/{world.pact_ids[1]}/timeline",
                headers={"Authorization": f"Bearer {world.admin_token}"},
            )[0],
        )
        assert statuses == Counter({200: 10})
    finally:
        rest = response.read()
        slow.close()
    assert first and rest
    assert _request(world, "GET", "/")[0] == 200
    assert _login(world, 0) == 302


def _extensions(client: FlaskClient, pact_id: int, headers: dict[str, str]) -> int:
    timeline = client.get(f"/api/v1/pacts/{pact_id}/timeline", headers=headers).get_json()
    return json.dumps(timeline).count('"pact.extended"')


def test_a_database_busy_past_its_timeout_answers_503_with_retry_after_and_writes_nothing(
    world: World,
) -> None:
    # The same file, served by an app that waits 200 ms for the write lock instead of 10 s.
    url = str(world.app.config["SQLALCHEMY_DATABASE_URI"])
    impatient = create_app(
        TestConfig, DATABASE_URL=url, FROZEN_NOW=TestConfig.FROZEN_NOW, SQLITE_BUSY_TIMEOUT_MS=200
    )
    client = impatient.test_client()
    pact_id = world.pact_ids[-1]
    extend = {
        "headers": {"Authorization": f"Bearer {world.admin_token}"},
        "json": {"new_deadline": "2019-06-20", "reason": "Anggaran perubahan"},
    }
    before = _extensions(client, pact_id, extend["headers"])
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock, and keeps it
        refused = client.post(f"/api/v1/pacts/{pact_id}/extend", **extend)
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "5"
        assert refused.mimetype == "application/problem+json"
        assert refused.get_json()["type"].endswith("/database-busy")
        page = client.post("/masuk", data={"email": world.admin_email, "password": PASSWORD})
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "5"
        # Readers are not writers: the public pages still answer meanwhile.
        assert client.get(f"/pakta/{pact_id}").status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _extensions(client, pact_id, extend["headers"]) == before  # nothing was written
    assert client.post(f"/api/v1/pacts/{pact_id}/extend", **extend).status_code == 200
    with impatient.app_context():
        db.engine.dispose()


# --- the scheduler in a process of its own, sweeping while the clients write ---------------

LOCKED = "database is locked"


@contextmanager
def _scheduler(world: World, smtp: SmtpServer, folder: Path) -> Iterator[Path]:
    """`flask --app tracker scheduler` on the same SQLite file, sweeping and delivering every
    second (make run's settings otherwise: WAL, the default busy timeout); yield its log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=str(world.app.config["SQLALCHEMY_DATABASE_URI"]),
        TRACKER_FROZEN_NOW=str(TestConfig.FROZEN_NOW),
        TRACKER_SECRET_KEY="sqlite-scheduler-test-secret-key-0123456789",
        TRACKER_INSTANCE_PATH=world.app.instance_path,
        TRACKER_MAIL_SERVER=smtp.host,
        TRACKER_MAIL_PORT=str(smtp.port),
        TRACKER_SCHEDULER_SWEEP_SECONDS="1",
        TRACKER_SCHEDULER_DELIVER_SECONDS="1",
        TRACKER_SCHEDULER_RENEW_SECONDS="1",
        TRACKER_SCHEDULER_LEASE_SECONDS="5",
        TRACKER_NOTICES_ON_WORKING_DAYS="false",
    )
    log_path = folder / "scheduler.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tracker", "scheduler"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, log_path.read_text()[-4000:]


class _Lines(logging.Handler):
    """Every log line of this process (the web app's) while installed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")


@contextmanager
def _web_log() -> Iterator[list[str]]:
    handler = _Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _sweeps(log_path: Path) -> int:
    return log_path.read_text().count("notifications.sweep: ")


def _confirmations(world: World) -> set[str]:
    with world.app.app_context(), Session(db.engine) as session:
        states = session.scalars(
            select(Notification.state).where(Notification.kind == "follow-confirm")
        )
        return {str(state) for state in states}


def test_the_scheduler_process_sweeping_every_second_never_meets_a_locked_database_nor_do_writers(
    world: World, tmp_path: Path
) -> None:
    png = _png()
    rounds = 6

    def write(task: tuple[int, str, int]) -> tuple[str, int]:
        round_, kind, i = task
        if kind == "upload":
            body, boundary = _multipart({"caption": f"Foto {round_}-{i}"}, png)
            finding = world.finding_ids[20 + (round_ * 4 + i) % 40]
            return kind, _request(
                world, "POST", f"/api/v1/findings/{finding}/evidence", body=body,
                headers={
                    "Authorization": f"Bearer {world.opd_token}",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )[0]  # fmt: skip
        if kind == "extend":
            # Each round moves the deadlines a day further than the last did.
            new_deadline = date(2019, 7, 1) + timedelta(days=round_)
            return kind, _request(
                world, "POST", f"/api/v1/pacts/{world.pact_ids[i]}/extend",
                body=json.dumps(
                    {"new_deadline": new_deadline.isoformat(), "reason": "Anggaran perubahan"}
                ).encode(),
                headers={
                    "Authorization": f"Bearer {world.admin_token}",
                    "Content-Type": "application/json",
                },
            )[0]  # fmt: skip
        if kind == "login":
            return kind, _login(world, i)
        if kind == "follow":
            return kind, _request(
                world, "POST", f"/pakta/{world.pact_ids[i]}/ikuti",
                body=urlencode({"email": f"pengikut{round_}-{i}@contoh.id"}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )[0]  # fmt: skip
        return kind, _request(
            world, "GET", f"/api/v1/pacts/{world.pact_ids[i]}/timeline",
            headers={"Authorization": f"Bearer {world.admin_token}"},
        )[0]  # fmt: skip

    expected = {"upload": 201, "extend": 200, "login": 302, "follow": 200, "read": 200}
    answers: Counter[tuple[str, int]] = Counter()
    with SmtpServer() as smtp, _web_log() as web_lines, _scheduler(world, smtp, tmp_path) as log:
        wait_for("the scheduler's first sweep", lambda: _sweeps(log) >= 1)
        first = _sweeps(log)
        began = monotonic()
        for round_ in range(rounds):
            tasks = [(round_, kind, i) for kind in expected for i in range(4)]
            with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
                answers.update(pool.map(write, tasks))
        seconds = monotonic() - began
        sweeps = _sweeps(log) - first
        # A whole sweep after the writes, and every confirmation the follow requests asked for
        # delivered: the scheduler was not held up either.
        wait_for("a sweep after the writes", lambda: _sweeps(log) >= first + sweeps + 2)
        wait_for("the confirmations to go out", lambda: _confirmations(world) == {"sent"})
        scheduler_text = log.read_text()
    print(
        f"\nSQLite, web and scheduler processes: {sum(answers.values())} requests in "
        f"{seconds:.1f} s ({dict(sorted(answers.items()))}), {sweeps} sweeps meanwhile"
    )
    _no_server_errors(Counter(status for _, status in answers.elements()))
    assert answers == Counter(dict.fromkeys(expected.items(), rounds * 4))
    assert [line for line in web_lines if LOCKED in line or "busy" in line.lower()] == []
    assert LOCKED not in scheduler_text, scheduler_text[-4000:]
    assert "failed; the next run tries again" not in scheduler_text, scheduler_text[-4000:]
    assert "Traceback" not in scheduler_text, scheduler_text[-4000:]
