"""PostgreSQL restarted under load: the production stack loses at most what was in flight.

A private PostgreSQL cluster (tests/pgcluster.py: never the machine's shared server) is
migrated and given a regency with overdue pacts; scripts/serve-prod.sh serves it (gunicorn,
2 workers, and the scheduler process, sweeping every 2 s). Client threads read public pages and
the token API and record pacts through it while ``pg_ctl restart -m fast`` cuts every session.

Measured and printed (``-s`` shows them): the requests in flight when the restart began, the
requests that failed (each must be a 503 with Retry-After, never a 500 or a dropped
connection, and no more than were in flight), and the seconds until the app answered 200 again
(at most 5, counted from the restart's start). Afterwards every recorded pact's escalation is
in the outbox exactly once: a sweep run after the scheduler's finds nothing missing.

Runs where no server database is named (``make test``, or this file alone); a run on
TRACKER_TEST_DATABASE_URL skips it (it does not use that database: .ci/run's `make test` ran it).
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from time import monotonic, sleep
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import flask_migrate
import pytest
from dateutil.relativedelta import relativedelta
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import TestConfig
from tests.builders import make_pact
from tests.conftest import external_database_url
from tests.pgcluster import Cluster, missing, private_cluster
from tests.stack import production_stack, wait_for
from tracker import create_app
from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.auth.services import issue_token
from tracker.clock import SystemClock, local_today
from tracker.extensions import db
from tracker.notifications.jobs import run_sweep
from tracker.notifications.models import Notification
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency

pytestmark = [
    pytest.mark.committing,
    pytest.mark.skipif(
        external_database_url() is not None,
        reason="starts a PostgreSQL cluster of its own; the run without "
        "TRACKER_TEST_DATABASE_URL (make test) covers it",
    ),
    pytest.mark.skipif(bool(missing()), reason=f"cannot make a private cluster: {missing()}"),
]
ZONE = "Asia/Makassar"
ADMIN_EMAIL = "admin@mulai-ulang.uji.go.id"
PASSWORD = "kata-sandi-uji-123"
SEEDED_PACTS = 6
# Seconds of load before the restart, and after the app answers again.
BEFORE, AFTER = 1.5, 2.0
RECOVERY_LIMIT_SECONDS = 5.0


@dataclass
class Answer:
    status: int  # 0: no HTTP answer (the connection failed)
    retry_after: str | None
    body: str
    began: float
    ended: float


def _http(
    url: str,
    *,
    token: str | None = None,
    body: object | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> Answer:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback
    began = monotonic()
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            text = response.read().decode()
            return Answer(
                response.status, response.headers["Retry-After"], text, began, monotonic()
            )
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return Answer(error.code, error.headers["Retry-After"], text, began, monotonic())
    except OSError as error:
        return Answer(0, None, repr(error), began, monotonic())


@dataclass
class World:
    app: Flask
    token: str
    agency_id: int
    regency_id: int
    seeded: list[int]
    signed_on: date


def _seed(app: Flask) -> World:
    now = SystemClock().now()
    today = local_today(now, ZoneInfo(ZONE))
    # Signed three months and three days ago: the deadline passed three days ago.
    signed_on = today - relativedelta(months=3) - relativedelta(days=3)
    with app.app_context(), Session(db.engine) as s:
        regency = Regency(
            slug="kab-mulai-ulang", name="Kabupaten Uji Mulai Ulang", province="Provinsi Uji",
            timezone=ZONE, created_at=now,
        )  # fmt: skip
        s.add(regency)
        s.flush()
        agency = Agency(
            regency_id=regency.id, slug="dinsos", name="Dinas Sosial", kind="dinas",
            head_name="Kepala Dinas Sosial", head_email="kepala@dinsos.uji.go.id", created_at=now,
        )  # fmt: skip
        s.add(agency)
        s.flush()
        admin = create_user(
            s, actor=None, email=ADMIN_EMAIL, name="Bagian Organisasi", role="admin",
            password=PASSWORD, now=now, regency_slug=regency.slug,
        )  # fmt: skip
        token = issue_token(s, actor=None, owner=admin, now=now).plaintext
        seeded = [
            make_pact(s, agency=agency, now=now, signed_on=signed_on, findings=1).id
            for _ in range(SEEDED_PACTS)
        ]
        s.commit()
        return World(app, token, agency.id, regency.id, seeded, signed_on)


def _stack(url: str, folder: Path) -> AbstractContextManager[tuple[str, Path]]:
    """scripts/serve-prod.sh on the cluster, sweeping every 2 s; yield its address and log."""
    return production_stack(
        url, folder, "database-restart-test-secret-key-0123456789",
        TRACKER_SCHEDULER_SWEEP_SECONDS="2",
        TRACKER_SCHEDULER_DELIVER_SECONDS="5",
        TRACKER_SCHEDULER_RENEW_SECONDS="1",
        TRACKER_SCHEDULER_LEASE_SECONDS="10",
        # Whatever weekday the suite runs on: the escalations are due at once.
        TRACKER_NOTICES_ON_WORKING_DAYS="false",
    )  # fmt: skip


@dataclass
class Load:
    """Client threads, each sending one request after another until told to stop."""

    address: str
    world: World
    browser: urllib.request.OpenerDirector
    stop: threading.Event = field(default_factory=threading.Event)
    busy: dict[int, bool] = field(default_factory=dict)
    answers: list[tuple[str, Answer]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def in_flight(self) -> int:
        with self.lock:
            return sum(self.busy.values())

    def _loop(self, n: int, name: str, send: Callable[[int], Answer]) -> None:
        i = 0
        while not self.stop.is_set():
            with self.lock:
                self.busy[n] = True
            answer = send(i)
            with self.lock:
                self.busy[n] = False
                self.answers.append((name, answer))
            i += 1

    def _staff(self, i: int) -> Answer:
        return _http(f"{self.address}/staf/pakta/", opener=self.browser)

    def _page(self, i: int) -> Answer:
        return _http(f"{self.address}/pakta/{self.world.seeded[i % SEEDED_PACTS]}")

    def _read(self, i: int) -> Answer:
        pact = self.world.seeded[i % SEEDED_PACTS]
        return _http(f"{self.address}/api/v1/pacts/{pact}/timeline", token=self.world.token)

    def _record(self, i: int) -> Answer:
        return _http(
            f"{self.address}/api/v1/pacts",
            token=self.world.token,
            body={
                "agency_id": self.world.agency_id,
                "signatory_name": f"Kepala Uji {i}",
                "signatory_title": "Kepala Dinas Sosial",
                "signed_on": self.world.signed_on.isoformat(),
                "pledge": "Memperbaiki seluruh temuan dalam tiga bulan.",
                "findings": [{"title": "Belum ada ruang laktasi", "category": "input"}],
            },
        )

    def start(self) -> list[threading.Thread]:
        # Each recorded pact costs the sweep an escalation's PDF: one writer is plenty.
        kinds = [("page", self._page), ("staff", self._staff), ("read", self._read)] * 2
        kinds += [("record", self._record)]
        threads = [
            threading.Thread(target=self._loop, args=(n, name, send), daemon=True)
            for n, (name, send) in enumerate(kinds)
        ]
        for thread in threads:
            thread.start()
        return threads


def _logged_in(address: str) -> urllib.request.OpenerDirector:
    """A browser (a cookie jar) logged in as the regency's admin through the login form."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = _http(f"{address}/masuk", opener=browser)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.body)
    assert token, form.body
    fields = {"email": ADMIN_EMAIL, "password": PASSWORD, "csrf_token": token.group(1)}
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{address}/masuk", data=urlencode(fields).encode()
    )
    with browser.open(request, timeout=30) as response:
        assert "/masuk" not in response.url, "the login failed"
    return browser


def _sweeps(log_path: Path) -> int:
    return log_path.read_text().count("notifications.sweep: ")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with private_cluster() as made:
        yield made


def test_a_postgresql_restart_under_load_fails_at_most_the_requests_in_flight(
    cluster: Cluster, tmp_path: Path
) -> None:
    app = create_app(
        TestConfig, DATABASE_URL=cluster.url, FROZEN_NOW=None, NOTICES_ON_WORKING_DAYS=False
    )
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        flask_migrate.upgrade()
    world = _seed(app)
    try:
        with _stack(cluster.url, tmp_path) as (address, log_path):
            # The scheduler has swept once: the seeded pacts' escalations are in the outbox.
            wait_for("the first sweep", lambda: _sweeps(log_path) >= 1)
            load = Load(address, world, _logged_in(address))
            threads = load.start()
            sleep(BEFORE)
            in_flight = load.in_flight()
            began = monotonic()
            restart_seconds = cluster.restart()
            back = monotonic()

            def answers() -> bool:
                probe = _http(f"{address}/api/v1/pacts/{world.seeded[0]}", token=world.token)
                return probe.status == 200

            wait_for("the app to answer after the restart", answers, timeout=30)
            recovered = monotonic()
            sleep(AFTER)
            load.stop.set()
            for thread in threads:
                thread.join(timeout=60)
            # The scheduler's next sweep after the load: it began after the last pact was recorded.
            sweeps = _sweeps(log_path)
            wait_for("the scheduler's next sweeps", lambda: _sweeps(log_path) >= sweeps + 2)
            log_text = log_path.read_text()

        failed = [(name, a) for name, a in load.answers if a.status not in (200, 201)]
        tally = Counter((name, a.status) for name, a in load.answers)
        recovery = recovered - began
        print(
            f"\nPostgreSQL restart under load: {len(load.answers)} requests "
            f"({dict(sorted(tally.items()))}); in flight at the restart: {in_flight}; "
            f"failed: {len(failed)}; pg_ctl restart took {restart_seconds:.2f} s; the app "
            f"answered 200 again {recovery:.2f} s after the restart began "
            f"({recovered - back:.2f} s after the database was back)"
        )
        assert [a for _, a in failed if a.status != 503 or a.retry_after is None] == [], failed
        assert len(failed) <= in_flight, failed
        assert recovery <= RECOVERY_LIMIT_SECONDS
        assert "Unhandled error" not in log_text, log_text[-4000:]

        with app.app_context(), Session(db.engine) as s:
            pacts = set(s.scalars(select(Pact.id).where(Pact.agency_id == world.agency_id)))
            escalations = s.execute(
                select(Notification.pact_id, Notification.lang, Notification.recipients).where(
                    Notification.kind == "escalation-1"
                )
            ).all()
            recorded = sum(1 for name, a in load.answers if name == "record" and a.status == 201)
            assert len(pacts) >= SEEDED_PACTS + recorded
            # Every pact escalated, each of its addressees told once.
            told = Counter(
                (pact_id, person["email"])
                for pact_id, _, people in escalations
                for person in people
            )
            addressees = {email for _, email in told}
            assert addressees, "no escalation in the outbox"
            assert told == {(pact, email): 1 for pact in pacts for email in addressees}
            # And nothing was left for a later sweep: the scheduler's missed nothing.
            after = run_sweep(s, SystemClock().now())
            assert after.notices.total == 0, after.summary()
    finally:
        with app.app_context():
            db.engine.dispose()
