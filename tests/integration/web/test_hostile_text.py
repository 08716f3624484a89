"""Hostile text typed into any field shows as text in every output that prints it.

Each payload of tests/xss_corpus.py goes into every stored text field of a regency of its own
(tests/xss_world.py, through the services). Then every output that prints those fields is read
as its reader reads it: the staff pages as the regent's office, the agency, and a superadmin;
the public portal; the Atom feeds; the iCalendar files; the CSV and XLSX exports (public, the
staff's import files, the weekly snapshot); the JSON API; the escalation letters and the monthly
report (PDF); and the notices, swept and sent to a real SMTP server (aiosmtpd). Each output
must hold no markup, line, header, formula or action made of the text, and each field must show
its value exactly as typed in the outputs that print it (so nothing was escaped twice, dropped
or run as a template either).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import login, make_user
from tests.smtp import SmtpServer
from tests.xss_corpus import (
    PAYLOADS,
    Payload,
    check_atom,
    check_calendar,
    check_csv,
    check_html,
    check_mail,
    check_pdf,
    check_xlsx,
    shown,
)
from tests.xss_world import PASSWORD, YEAR, World, plant
from tracker.auth.models import User
from tracker.clock import FixedClock
from tracker.notifications.jobs import run_delivery, run_sweep
from tracker.notifications.models import Notification, NotificationState
from tracker.opendata.models import DataSnapshot
from tracker.storage import FileStore

# Endpoints that are no HTML page, or need what a world has not (a one-time link, a scheme).
NOT_PAGES = {
    "static", "favicon", "health.ping", "follow.confirm", "follow.unsubscribe",
    "portal.evidence_file", "portal.outcome_document", "findings.evidence_file",
    "findings.evidence_preview", "notifications.attachment", "notifications.notice_body",
    "monthly.monthly_report", "opendata.snapshot_file", "pacts.scan", "schemes.edit",
}  # fmt: skip
DOWNLOAD = re.compile(r"\.(csv|xlsx|atom|ics|pdf|json|<[^>]+>)$")


class Outputs:
    """What each output showed, by name; and how many outputs of each format were read."""

    def __init__(self, client: FlaskClient, world: World) -> None:
        self.client = client
        self.world = world
        self.shown: dict[str, str] = {}
        self.role = ""  # who reads: "" for the public and the regent's office
        self.formats: dict[str, int] = defaultdict(int)

    def _get(self, path: str, *, headers: dict[str, str] | None = None) -> bytes:
        response = self.client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        # Every answer: nothing sniffed into HTML.
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        self._type = response.mimetype
        body = response.get_data()
        response.close()  # a file's answer holds the file open until closed
        return body

    def read(self, fmt: str, path: str, check: Callable[[bytes], str], **kw: str) -> None:
        """Fetch ``path``, check it as ``fmt`` and keep what it shows."""
        body = self._get(path, headers=kw or None)
        expected = {
            "html": "text/html", "atom": "application/atom+xml", "ics": "text/calendar",
            "csv": "text/csv", "json": "application/json", "pdf": "application/pdf",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[fmt]  # fmt: skip
        if fmt == "json" and path.endswith(".json"):
            expected = self._type  # a snapshot's JSON file, served as its type
        assert self._type == expected, (path, self._type)
        try:
            self.shown[f"{self.role}{fmt} {path}"] = check(body)
        except AssertionError as exc:
            raise AssertionError(f"{path}: {exc}") from None
        self.formats[fmt] += 1

    def page(self, path: str) -> None:
        self.read("html", path, lambda body: check_html(body.decode()))


def _json_text(body: bytes) -> str:
    """All the strings of a JSON document (the API is JSON: it escapes nothing, and needs not)."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            texts.append(value)

    walk(json.loads(body))
    return "\x00".join("".join(t.split()) for t in texts)


def staff_pages(app: Flask, world: World) -> list[str]:
    """Every staff page (GET, HTML) with the world's ids, and each pact's and finding's page."""
    ids = {
        "slug": world.regency.slug, "pact_id": world.running.id,
        "finding_id": world.returned.id, "agency_id": world.agency.id, "user_id": world.opd.id,
        "commitment_id": world.commitment.id, "event_id": world.event.id, "year": YEAR,
        "notification_id": None, "scheme_id": None,
    }  # fmt: skip
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
                continue
            if rule.endpoint.startswith("api.") or DOWNLOAD.search(rule.rule):
                continue
            if not rule.rule.startswith("/staf") or rule.endpoint == "dashboard.opd":
                continue
            args = {name: ids[name] for name in rule.arguments}
            if any(value is None for value in args.values()):
                continue
            paths.append(url_for(rule.endpoint, **args))
        for pact in world.pacts:
            paths.append(url_for("pacts.detail", pact_id=pact.id))
        others = [f for p in (world.withdrawn, world.decided) for f in p.findings]
        for finding in (world.unresolvable, world.corrected, *others):
            paths.append(url_for("findings.detail", finding_id=finding.id))
        paths.append(url_for("findings.correct", finding_id=world.corrected.id))
    return sorted(set(paths))


# Outputs that must show these fields exactly as typed (a field refused by its service is left
# out): what a reader of each output is there to read.
MUST_SHOW = {
    "portal pact": (
        "pact.signatory_name", "pact.signatory_title", "pact.pledge", "correction.sanction",
        "pact.witnesses", "pact.findings[0].title", "finding_correction.title",
        "evidence.caption", "extension.reason", "agency.name", "regency.name",
    ),
    "portal regency": ("regency.name", "agency.name", "commitment.title", "event.title"),
    "portal commitment": (
        "commitment.title", "commitment.place", "commitment.parties",
        "commitment.signatories", "commitment.commitments", "commitment.source",
    ),
    "staff finding": (
        "pact.findings[0].title", "pact.findings[0].description", "evidence.caption",
        "review.comment",
    ),
    "staff settings": ("contact1.name", "contact1.title", "contact2.name", "contact3.name"),
    "feed": ("pact.signatory_name", "withdrawal.reason", "extension.reason", "agency.name"),
    "calendar": ("agency.name", "pact.signatory_name"),
    "pacts csv": ("pact.signatory_name", "pact.signatory_title", "agency.name"),
    "findings csv": ("pact.findings[0].title", "unresolvable.reason"),
    "pacts xlsx": ("pact.signatory_name", "agency.name"),
    "letter": ("pact.pledge", "pact.signatory_name", "pact.findings[0].title"),
    "mail": ("contact2.name", "contact2.title", "agency.head_name"),
}  # fmt: skip


@pytest.fixture
def superadmin(session: Session, now: datetime) -> User:
    return make_user(session, role="superadmin", now=now, password=PASSWORD)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_hostile_text_in_every_field_shows_as_text_in_every_output(
    app: Flask,
    client: FlaskClient,
    session: Session,
    clock: FixedClock,
    store: FileStore,
    superadmin: User,
    payload: Payload,
) -> None:
    now = clock.now()
    with app.app_context():
        world = plant(
            session, payload=payload, number=PAYLOADS.index(payload), superadmin=superadmin,
            store=store, now=now,
        )  # fmt: skip
        # The sweep writes the escalation letters, the digest, the notices of the review and
        # the weekly snapshot; the delivery sends them to a real SMTP server.
        with SmtpServer() as smtp:
            later = now + timedelta(hours=2)
            run_sweep(session, later)
            run_delivery(session, config={**app.config, **smtp.settings()}, now=later)
            received = smtp.messages
    out = Outputs(client, world)
    slug, regency = world.regency.slug, f"?regency={world.regency.slug}"

    # The public portal and its open data, anonymous.
    for path in (
        "/",
        f"/kabupaten/{slug}",
        f"/opd/{world.agency.id}",
        "/data",
        "/data/snapshot",
        f"/komitmen/{world.commitment.id}",
        *(f"/pakta/{p.id}" for p in world.pacts),
    ):
        out.page(path)  # fmt: skip
    for path in (
        "/feed.atom",
        f"/kabupaten/{slug}/feed.atom",
        "/komitmen.atom",
        f"/kabupaten/{slug}/komitmen.atom",
    ):
        out.read("atom", path, check_atom)  # fmt: skip
    out.read("ics", f"/kabupaten/{slug}/tenggat.ics", lambda b: check_calendar(b, events=3))
    for pact in world.pacts:
        out.read("ics", f"/pakta/{pact.id}.ics", lambda b: check_calendar(b, events=1))
    for name in ("pakta", "temuan", "komitmen", "kegiatan"):
        out.read("csv", f"/data/{name}.csv{regency}", check_csv)
        out.read("xlsx", f"/data/{name}.xlsx{regency}", check_xlsx)
    snapshot = session.scalars(select(DataSnapshot)).one()
    for entry in snapshot.manifest["files"]:
        path = f"/data/snapshot/{snapshot.as_of.isoformat()}/{entry['name']}"
        if entry["name"].endswith(".csv"):
            out.read("csv", path, check_csv)
        elif entry["name"].endswith(".json"):
            out.read("json", path, _json_text)
    for path in (
        "/api/v1/regencies",
        f"/api/v1/regencies/{slug}",
        f"/api/v1/agencies{regency}",
        f"/api/v1/pacts{regency}",
        f"/api/v1/commitments{regency}",
        f"/api/v1/events{regency}",
        f"/api/v1/assessments{regency}&year={YEAR}",
        *(f"/api/v1/pacts/{p.id}" for p in world.pacts),
    ):
        out.read("json", path, _json_text)  # fmt: skip
    bearer = {"Authorization": f"Bearer {world.token}"}
    out.read("json", f"/api/v1/findings/{world.returned.id}", _json_text, **bearer)
    out.read("json", f"/api/v1/pacts/{world.running.id}/timeline", _json_text, **bearer)

    # The staff pages, as the agency, the regent's office and a superadmin.
    out.client, out.role = app.test_client(), "opd "
    login(out.client, world.opd, PASSWORD)
    for path in ("/staf/opd", f"/staf/temuan/{world.returned.id}"):
        out.page(path)
    out.client, out.role = app.test_client(), ""
    login(out.client, world.admin, PASSWORD)
    for path in staff_pages(app, world):
        if out.client.get(path).status_code == 200:
            out.page(path)
    notices = session.scalars(
        select(Notification).where(Notification.regency_id == world.regency.id)
    ).all()
    assert {n.kind for n in notices} >= {"escalation-2", "finding-returned"}, [
        n.kind for n in notices
    ]
    for notice in notices:
        if notice.kind.startswith("follow-"):
            continue  # a follower's mail is the follower's: no staff page shows it
        out.page(f"/staf/kotak-keluar/{notice.id}")
        out.read("html", f"/staf/kotak-keluar/{notice.id}/isi",
                 lambda body: check_html(body.decode(), inline_styles=True))  # fmt: skip
        if notice.attachment is not None:
            out.read("pdf", f"/staf/kotak-keluar/{notice.id}/lampiran", check_pdf)
    out.read("pdf", "/staf/laporan-bulanan/", check_pdf)
    for fmt in ("csv", "xlsx"):
        out.read(
            fmt, f"/staf/pakta/impor/ekspor.{fmt}", {"csv": check_csv, "xlsx": check_xlsx}[fmt]
        )
        out.read(fmt, f"/staf/penilaian/{slug}/{YEAR}/ekspor.{fmt}",
                 {"csv": check_csv, "xlsx": check_xlsx}[fmt])  # fmt: skip
    out.client, out.role = app.test_client(), "superadmin "
    login(out.client, superadmin, PASSWORD)
    for path in ("/staf/kabupaten/", "/staf/hari-libur/", "/staf/akun/", "/staf/skema/"):
        out.page(path)

    # The mails: no header or recipient made of text, and each person on the ladder reached.
    for message in received:
        name = f"mail {message.message['X-Pantau-Kind']} to {message.rcpt_tos[0]}"
        out.shown[name] = check_mail(message.message, allowed_recipients=world.emails)
        out.formats["mail"] += 1
    session.expire_all()
    for notice in session.scalars(
        select(Notification).where(Notification.regency_id == world.regency.id)
    ):
        assert notice.state is NotificationState.SENT, (notice.kind, notice.recipients)
    reached = {a for m in received for a in m.rcpt_tos}
    # 24 days overdue: the letter of rung 2 (14 days) is due; rung 1's moment has passed.
    assert world.contacts[1].email in reached

    _assert_every_field_shows_as_typed(world, out)


def _assert_every_field_shows_as_typed(world: World, out: Outputs) -> None:
    where: dict[str, list[str]] = {
        field: [name for name, text in out.shown.items() if shown(value, text)]
        for field, value in world.planted.items()
    }
    never = sorted(field for field, names in where.items() if not names)
    assert not never, f"fields shown nowhere as typed: {never}"
    groups = {
        "portal pact": f"html /pakta/{world.running.id}",
        "portal regency": f"html /kabupaten/{world.regency.slug}",
        "portal commitment": f"html /komitmen/{world.commitment.id}",
        "staff finding": f"html /staf/temuan/{world.returned.id}",
        "staff settings": f"html /staf/pengaturan/notifikasi/{world.regency.slug}",
        "feed": f"atom /kabupaten/{world.regency.slug}/feed.atom",
        "calendar": f"ics /kabupaten/{world.regency.slug}/tenggat.ics",
        "pacts csv": f"csv /data/pakta.csv?regency={world.regency.slug}",
        "findings csv": f"csv /data/temuan.csv?regency={world.regency.slug}",
        "pacts xlsx": f"xlsx /data/pakta.xlsx?regency={world.regency.slug}",
    }
    letters = [n for n in out.shown if n.startswith("pdf /staf/kotak-keluar/")]
    mails = [n for n in out.shown if n.startswith("mail escalation-")]
    assert letters and mails
    missing = []
    for group, fields in MUST_SHOW.items():
        names = {"letter": letters, "mail": mails}.get(group) or [groups[group]]
        for field in fields:
            if field not in world.planted:
                continue  # refused by its service: a plain value stands there
            if not any(name in where[field] for name in names):
                missing.append(f"{group}: {field}")
    assert not missing, "\n".join(missing)
