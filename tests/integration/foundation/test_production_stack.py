"""The production stack on loopback: scripts/serve-prod.sh (gunicorn with 2 workers and the
scheduler as its own process) on PostgreSQL or MariaDB, driving a pact from recording to escalation.

The pact is recorded through the API of a gunicorn worker, three days past its deadline with its
findings open; the scheduler process sweeps, writes the escalation to the outbox and delivers it
to a real SMTP server (aiosmtpd); the public page, from another worker, says overdue. Runs only
when TRACKER_TEST_DATABASE_URL names a server database (what .ci/run does): SQLite serves one
process, `make run`.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from flask import Flask
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from tests.conftest import external_database_url
from tests.smtp import SmtpServer
from tests.stack import production_stack, wait_for
from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.audit.models import AuditChainHead, AuditEvent
from tracker.auth.models import ApiToken, User
from tracker.auth.services import issue_token
from tracker.clock import SystemClock, local_today
from tracker.extensions import db
from tracker.findings.models import Evidence, Finding, Review
from tracker.notifications.models import Notification, NotificationState, SchedulerLock
from tracker.opendata.models import DataSnapshot
from tracker.pacts.models import Pact, PactExtension
from tracker.regencies.models import EscalationContact, Regency

pytestmark = [
    pytest.mark.committing,
    pytest.mark.skipif(
        not (external_database_url() or "").startswith(("postgres", "mysql", "mariadb")),
        reason="the production stack runs on PostgreSQL or MariaDB (TRACKER_TEST_DATABASE_URL)",
    ),
]
ZONE = "Asia/Makassar"


def _http(url: str, *, token: str | None = None, body: object | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class World:
    """A regency, an agency with its head, and the regency's admin with an API token."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            self.engine = db.engine
        now = SystemClock().now()
        slug = f"prod-{uuid.uuid4().hex[:10]}"
        with app.app_context(), Session(self.engine) as s:
            regency = Regency(
                slug=slug, name="Kabupaten Uji Produksi", province="Provinsi Uji",
                timezone=ZONE, created_at=now,
            )  # fmt: skip
            s.add(regency)
            s.flush()
            agency = Agency(
                regency_id=regency.id, slug="dinsos", name="Dinas Sosial", kind="dinas",
                head_name="Kepala Dinas Sosial", head_email="kepala@dinsos.uji.go.id",
                created_at=now,
            )  # fmt: skip
            s.add(agency)
            admin = create_user(
                s, actor=None, email=f"admin@{slug}.uji.go.id", name="Bagian Organisasi",
                role="admin", password=uuid.uuid4().hex, now=now, regency_slug=slug,
            )  # fmt: skip
            self.token = issue_token(s, actor=None, owner=admin, now=now).plaintext
            s.commit()
            self.regency_id, self.agency_id = regency.id, agency.id
            self.admin_email = admin.email
        self.snapshots = self._snapshots()

    def _snapshots(self) -> set[int]:
        with Session(self.engine) as s:
            return set(s.scalars(select(DataSnapshot.id)))

    def remove(self) -> None:
        """Remove every row the test and the stack wrote (the stack is stopped by then)."""
        with Session(self.engine) as s:
            users = select(User.id).where(User.regency_id == self.regency_id)
            pacts = select(Pact.id).where(Pact.agency_id == self.agency_id)
            findings = select(Finding.id).where(Finding.agency_id == self.agency_id)
            for statement in (
                delete(Notification).where(Notification.regency_id == self.regency_id),
                delete(AuditEvent).where(
                    or_(AuditEvent.regency_id == self.regency_id, AuditEvent.actor_id.in_(users))
                ),
                # SQLite gives a later regency the same id: its chain starts afresh.
                delete(AuditChainHead).where(AuditChainHead.chain_id == self.regency_id),
                delete(Review).where(Review.finding_id.in_(findings)),
                delete(Evidence).where(Evidence.finding_id.in_(findings)),
                delete(Finding).where(Finding.agency_id == self.agency_id),
                delete(PactExtension).where(PactExtension.pact_id.in_(pacts)),
                delete(Pact).where(Pact.agency_id == self.agency_id),
                delete(ApiToken).where(ApiToken.user_id.in_(users)),
                delete(User).where(User.regency_id == self.regency_id),
                delete(Agency).where(Agency.regency_id == self.regency_id),
                delete(EscalationContact).where(EscalationContact.regency_id == self.regency_id),
                delete(Regency).where(Regency.id == self.regency_id),
                delete(SchedulerLock),
                delete(DataSnapshot).where(DataSnapshot.id.not_in(self.snapshots or {0})),
            ):
                s.execute(statement.execution_options(synchronize_session=False))
            s.commit()


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    made = World(app)
    try:
        yield made
    finally:
        made.remove()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def stack(database_url: str, smtp: SmtpServer, tmp_path: Path) -> Iterator[str]:
    """Run scripts/serve-prod.sh on loopback; yield the web address; stop it with SIGTERM."""
    with production_stack(
        database_url, tmp_path, "production-stack-test-secret-key-0123456789",
        TRACKER_MAIL_SERVER=smtp.host,
        TRACKER_MAIL_PORT=str(smtp.port),
        TRACKER_SCHEDULER_SWEEP_SECONDS="2",
        TRACKER_SCHEDULER_DELIVER_SECONDS="1",
        TRACKER_SCHEDULER_RENEW_SECONDS="1",
        TRACKER_SCHEDULER_LEASE_SECONDS="5",
        # Whatever weekday the suite runs on: the escalation is due at once, not next Monday.
        TRACKER_NOTICES_ON_WORKING_DAYS="false",
    ) as (url, log_path):  # fmt: skip
        yield url
    text = log_path.read_text()
    assert "scheduler stopped" in text, text[-4000:]


def test_a_pact_recorded_through_gunicorn_is_escalated_by_the_scheduler_process(
    world: World, stack: str, smtp: SmtpServer
) -> None:
    today = local_today(SystemClock().now(), ZoneInfo(ZONE))
    # Signed three months and three days ago: the deadline passed three days ago.
    signed_on: date = today - relativedelta(months=3) - relativedelta(days=3)
    status, body = _http(
        stack + "/api/v1/pacts",
        token=world.token,
        body={
            "agency_id": world.agency_id,
            "signatory_name": "Kepala Uji",
            "signatory_title": "Kepala Dinas Sosial",
            "signed_on": signed_on.isoformat(),
            "pledge": "Memperbaiki seluruh temuan dalam tiga bulan.",
            "findings": [{"title": "Belum ada ruang laktasi", "category": "input"}],
        },
    )
    assert status == 201, body
    pact_id = json.loads(body)["id"]

    page_status, page = _http(f"{stack}/pakta/{pact_id}")
    assert page_status == 200
    assert 'data-status="overdue"' in page

    def escalated() -> bool:
        return any(
            m.message["X-Pantau-Pact"] == str(pact_id)
            and str(m.message["X-Pantau-Kind"]).startswith("escalation-")
            for m in smtp.messages
        )

    wait_for("the scheduler to send the escalation", escalated, timeout=90)

    def marked_sent() -> bool:
        with Session(world.engine) as s:
            rows = s.execute(
                select(Notification.kind, Notification.state).where(Notification.pact_id == pact_id)
            ).all()
        return ("escalation-1", NotificationState.SENT) in {(r.kind, r.state) for r in rows}

    wait_for("the outbox to mark it sent", marked_sent)
    # One mail per language of its recipients; together they reach the office and the head.
    reached = {
        address
        for m in smtp.messages
        if m.message["X-Pantau-Kind"] == "escalation-1"
        for address in m.rcpt_tos
    }
    assert {world.admin_email, "kepala@dinsos.uji.go.id"} <= reached
