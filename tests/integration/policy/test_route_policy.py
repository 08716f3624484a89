"""Every route of the URL map, for every kind of visitor, against one declared policy table.

A route that is missing from the table fails the test: adding a page means deciding who may
open it. Outcomes: "ok" (allowed: any answer but a refusal), "login" (sent to the login page),
"401", "403", "404" (refused; 404 where the object's existence must not leak).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.auth_helpers import api_token, form_token, login
from tests.integration.office import make_office
from tracker.assessments.models import AssessmentScheme
from tracker.auth.models import User
from tracker.auth.services import issue_token
from tracker.commitments.services import (
    CommitmentDetails,
    EventDetails,
    record_commitment,
    record_event,
)
from tracker.findings import services as finding_services
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.pacts import services as pact_services
from tracker.regencies.models import EscalationContact
from tracker.storage import FileStore
from tracker.workdays.models import Holiday

PERSONAS = ("anonymous", "opd_a", "opd_b", "admin_x", "admin_y", "observer_x", "superadmin")
ALL_OK = dict.fromkeys(PERSONAS, "ok")


def _only(allowed: dict[str, str], default: str) -> dict[str, str]:
    table = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = "login" if default != "401" else "401"
    table.update(allowed)
    return table


# Staff pages: who may open them, and what everyone else gets.
STAFF_ANY = _only(dict.fromkeys(PERSONAS[1:], "ok"), "ok")
REGENCY_READERS = _only({"admin_x": "ok", "admin_y": "ok", "observer_x": "ok"}, "403")
ADMINS = _only({"admin_x": "ok", "admin_y": "ok"}, "403")
SUPER = _only({"superadmin": "ok"}, "403")
ACCOUNT_MANAGERS = _only({"admin_x": "ok", "admin_y": "ok", "superadmin": "ok"}, "403")
# An object of agency A in regency X.
READ_A = _only({"opd_a": "ok", "admin_x": "ok", "observer_x": "ok", "superadmin": "ok"}, "404")
CHANGE_PACT_A = {**READ_A, "opd_a": "403", "observer_x": "403", "superadmin": "403"}
# The regent's decision on a pact of A: its regency's admins, or a superadmin.
DECIDE_PACT_A = {**READ_A, "opd_a": "403", "observer_x": "403"}
WORK_ON_A = {**READ_A, "admin_x": "403", "observer_x": "403", "superadmin": "403"}
REVIEW_A = CHANGE_PACT_A
OWN_TOKEN = {**STAFF_ANY, "admin_x": "ok", "superadmin": "ok"}
REVOKE_ADMIN_X_TOKEN = _only({"admin_x": "ok", "superadmin": "ok"}, "404")
# The outbox: a notice of regency X (OPD accounts have no outbox at all).
OUTBOX_READERS = _only(
    {"admin_x": "ok", "admin_y": "ok", "observer_x": "ok", "superadmin": "ok"}, "403"
)
READ_NOTICE_X = {**OUTBOX_READERS, "admin_y": "404"}
RETRY_NOTICE_X = {**READ_NOTICE_X, "observer_x": "403"}
# Regency X's notification settings (ladder, webhook): its admins and a superadmin.
SETTINGS_X = _only({"admin_x": "ok", "superadmin": "ok"}, "403")
# Agency A's details (head included) and opd_a's account (name, language of notices).
CHANGE_AGENCY_A = {**_only({"admin_x": "ok"}, "403"), "admin_y": "404"}
# Regency X's assessment results: its admins, or a superadmin.
RECORD_X = _only({"admin_x": "ok", "superadmin": "ok"}, "403")
EDIT_OPD_A_ACCOUNT = {**_only({"admin_x": "ok", "superadmin": "ok"}, "403"), "admin_y": "404"}


# A commitment or event of regency X: its admins or a superadmin correct it; admin_y cannot see it.
RECORD_COMMITMENT_X = {**_only({"admin_x": "ok", "superadmin": "ok"}, "403"), "admin_y": "404"}
COMMITMENT_RECORDERS = _only({"admin_x": "ok", "admin_y": "ok", "superadmin": "ok"}, "403")


def _api(table: dict[str, str]) -> dict[str, str]:
    return {k: ("401" if v == "login" else v) for k, v in table.items()}


POLICY: dict[tuple[str, str], dict[str, str]] = {
    ("static", "GET"): ALL_OK,
    ("portal.home", "GET"): ALL_OK,
    ("portal.pact", "GET"): ALL_OK,
    ("portal.regency", "GET"): ALL_OK,
    ("portal.agency", "GET"): ALL_OK,
    # Open data: exports, feeds, calendars and snapshots, public to everyone alike.
    ("opendata.index", "GET"): ALL_OK,
    ("opendata.pacts_csv", "GET"): ALL_OK,
    ("opendata.pacts_xlsx", "GET"): ALL_OK,
    ("opendata.findings_csv", "GET"): ALL_OK,
    ("opendata.findings_xlsx", "GET"): ALL_OK,
    ("opendata.feed", "GET"): ALL_OK,
    ("opendata.regency_feed", "GET"): ALL_OK,
    ("opendata.regency_calendar", "GET"): ALL_OK,
    ("opendata.pact_calendar", "GET"): ALL_OK,
    ("opendata.snapshot_list", "GET"): ALL_OK,
    # The walk's world has no snapshot: its files are 404 to every visitor, logged in or not.
    ("opendata.snapshot_file", "GET"): dict.fromkeys(PERSONAS, "404"),
    # The public evidence route serves published evidence only, to everyone alike: the walk's
    # evidence is unpublished, so every visitor, logged in or not, gets 404.
    ("portal.evidence_file", "GET"): dict.fromkeys(PERSONAS, "404"),
    # The walk's pact has no recorded decision, so no decision document: 404 for everyone.
    ("portal.outcome_document", "GET"): dict.fromkeys(PERSONAS, "404"),
    # Following a pact: public and cookie-free. The walk's link secret is unknown, so the link
    # pages are 404 for everyone (real links: tests/integration/portal/test_follow.py).
    ("follow.follow_pact", "POST"): ALL_OK,
    ("follow.confirm", "GET"): dict.fromkeys(PERSONAS, "404"),
    ("follow.confirm", "POST"): dict.fromkeys(PERSONAS, "404"),
    ("follow.unsubscribe", "GET"): dict.fromkeys(PERSONAS, "404"),
    ("follow.unsubscribe", "POST"): dict.fromkeys(PERSONAS, "404"),
    ("auth.login", "GET"): ALL_OK,
    ("auth.login", "POST"): ALL_OK,
    ("auth.logout", "POST"): ALL_OK,
    ("auth.change_password", "GET"): STAFF_ANY,
    ("auth.change_password", "POST"): STAFF_ANY,
    # The second login step: without a login waiting for its code, back to the login form.
    ("auth.login_code", "GET"): dict.fromkeys(PERSONAS, "login"),
    ("auth.login_code", "POST"): dict.fromkeys(PERSONAS, "login"),
    # Turning it on or off: admins and superadmins, for their own account.
    ("auth.second_factor_settings", "GET"): ACCOUNT_MANAGERS,
    ("auth.second_factor_settings", "POST"): ACCOUNT_MANAGERS,
    # The dashboard: a regency's admins and observers, a superadmin (every regency or one);
    # OPD staff are sent on to their own page (a redirect, not a refusal: "ok").
    ("dashboard.home", "GET"): STAFF_ANY,
    ("dashboard.opd", "GET"): _only({"opd_a": "ok", "opd_b": "ok"}, "403"),
    ("regencies.index", "GET"): SUPER,
    ("pacts.index", "GET"): STAFF_ANY,
    # The findings list the dashboard's numbers lead to: each account within its own scope.
    ("findings.index", "GET"): STAFF_ANY,
    ("pacts.new", "GET"): ADMINS,
    ("pacts.new", "POST"): ADMINS,
    ("pacts.detail", "GET"): READ_A,
    ("pacts.extend", "POST"): CHANGE_PACT_A,
    ("pacts.withdraw", "POST"): CHANGE_PACT_A,
    ("pacts.scan", "GET"): READ_A,
    ("pacts.decide", "POST"): DECIDE_PACT_A,
    ("pacts.clear_outcome", "POST"): DECIDE_PACT_A,
    ("agencies.index", "GET"): _only(
        {"admin_x": "ok", "admin_y": "ok", "observer_x": "ok", "superadmin": "ok"}, "403"
    ),
    ("agencies.new", "GET"): ADMINS,
    ("agencies.new", "POST"): ADMINS,
    ("agencies.edit", "GET"): CHANGE_AGENCY_A,
    ("agencies.edit", "POST"): CHANGE_AGENCY_A,
    ("regencies.new", "GET"): SUPER,
    ("regencies.new", "POST"): SUPER,
    ("accounts.index", "GET"): ACCOUNT_MANAGERS,
    ("accounts.new", "GET"): ACCOUNT_MANAGERS,
    ("accounts.new", "POST"): ACCOUNT_MANAGERS,
    ("accounts.edit", "GET"): EDIT_OPD_A_ACCOUNT,
    ("accounts.edit", "POST"): EDIT_OPD_A_ACCOUNT,
    ("accounts.language", "GET"): STAFF_ANY,
    ("accounts.language", "POST"): STAFF_ANY,
    ("accounts.tokens", "GET"): OWN_TOKEN,
    ("accounts.new_token", "POST"): OWN_TOKEN,
    ("accounts.revoke_token", "POST"): REVOKE_ADMIN_X_TOKEN,
    ("notifications.outbox", "GET"): OUTBOX_READERS,
    ("notifications.notice", "GET"): READ_NOTICE_X,
    # The notice's HTML body, for its page's sandboxed frame: the same readers.
    ("notifications.notice_body", "GET"): READ_NOTICE_X,
    ("notifications.attachment", "GET"): READ_NOTICE_X,
    ("notifications.retry", "POST"): RETRY_NOTICE_X,
    ("favicon", "GET"): ALL_OK,
    ("health.ping", "GET"): ALL_OK,
    ("monthly.monthly_report", "GET"): _only(
        {"admin_x": "ok", "admin_y": "ok", "observer_x": "ok", "superadmin": "ok"}, "403"
    ),
    ("settings.index", "GET"): ACCOUNT_MANAGERS,
    ("settings.notifications", "GET"): SETTINGS_X,
    ("settings.add_contact", "POST"): SETTINGS_X,
    ("settings.remove_contact", "POST"): SETTINGS_X,
    ("settings.save_webhook", "POST"): SETTINGS_X,
    ("settings.new_secret", "POST"): SETTINGS_X,
    ("findings.detail", "GET"): READ_A,
    ("findings.evidence_file", "GET"): READ_A,
    # The preview goes through the download's own access check.
    ("findings.evidence_preview", "GET"): READ_A,
    # Approving several at once: the regent's office; each finding is still checked by the
    # review service (admin_y's ticks on regency X's findings are refused one by one).
    ("findings.approve_several", "POST"): ADMINS,
    # Publishing evidence is the regency admin's decision (any agency of its regency).
    ("findings.publish_evidence", "POST"): REVIEW_A,
    ("findings.queue", "GET"): REGENCY_READERS,
    ("findings.add_evidence", "POST"): WORK_ON_A,
    ("findings.submit", "POST"): WORK_ON_A,
    ("findings.review", "POST"): REVIEW_A,
    ("findings.declare_unresolvable", "POST"): REVIEW_A,
    ("findings.reopen", "POST"): REVIEW_A,
    ("portal.commitment", "GET"): ALL_OK,
    ("opendata.commitments_csv", "GET"): ALL_OK,
    ("opendata.commitments_xlsx", "GET"): ALL_OK,
    ("opendata.events_csv", "GET"): ALL_OK,
    ("opendata.events_xlsx", "GET"): ALL_OK,
    ("opendata.commitment_feed", "GET"): ALL_OK,
    ("opendata.regency_commitment_feed", "GET"): ALL_OK,
    ("api.commitments", "GET"): ALL_OK,
    ("api.events", "GET"): ALL_OK,
    ("commitments.index", "GET"): _only(
        {"admin_x": "ok", "admin_y": "ok", "observer_x": "ok", "superadmin": "ok"}, "403"
    ),
    # The walk's empty form is refused beside its fields (an "ok" here).
    ("commitments.new", "GET"): COMMITMENT_RECORDERS,
    ("commitments.new", "POST"): COMMITMENT_RECORDERS,
    ("commitments.edit", "GET"): RECORD_COMMITMENT_X,
    ("commitments.edit", "POST"): RECORD_COMMITMENT_X,
    ("commitments.new_event", "GET"): COMMITMENT_RECORDERS,
    ("commitments.new_event", "POST"): COMMITMENT_RECORDERS,
    ("commitments.edit_event", "GET"): RECORD_COMMITMENT_X,
    ("commitments.edit_event", "POST"): RECORD_COMMITMENT_X,
    ("api.regencies", "GET"): ALL_OK,
    ("api.agencies", "GET"): ALL_OK,
    ("api.pacts", "GET"): ALL_OK,
    ("api.pact", "GET"): ALL_OK,
    ("api.regency", "GET"): ALL_OK,
    ("api.openapi", "GET"): ALL_OK,
    # The API takes bearer tokens only: no token is 401, never a login page.
    ("api.finding", "GET"): _api(READ_A),
    ("api.pact_timeline", "GET"): _api(READ_A),
    ("api.create_regency", "POST"): _api(SUPER),
    # These name their target in the body: the walk's empty body is refused as invalid (an
    # "ok" here); who may create what is tested with real bodies in tests/integration/api.
    ("api.create_agency", "POST"): _api(STAFF_ANY),
    ("api.record_pact", "POST"): _api(STAFF_ANY),
    ("api.extend_pact", "POST"): _api(CHANGE_PACT_A),
    ("api.withdraw_pact", "POST"): _api(CHANGE_PACT_A),
    ("api.record_outcome", "POST"): _api(DECIDE_PACT_A),
    ("api.clear_outcome", "DELETE"): _api(DECIDE_PACT_A),
    ("api.add_evidence", "POST"): _api(WORK_ON_A),
    # The original file, to whoever may read the finding (as findings.evidence_file).
    ("api.evidence_file", "GET"): _api(READ_A),
    ("api.submit_finding", "POST"): _api(WORK_ON_A),
    ("api.review_finding", "POST"): _api(REVIEW_A),
    # A year's results as a spreadsheet (regency X): its admins and a superadmin. The walk's
    # empty upload is refused beside the field, its empty save goes back to the upload page.
    ("assessment_files.index", "GET"): RECORD_X,
    ("assessment_files.preview", "POST"): RECORD_X,
    ("assessment_files.commit", "POST"): RECORD_X,
    ("assessment_files.template", "GET"): RECORD_X,
    ("assessment_files.export", "GET"): RECORD_X,
    # The regency's pacts as a spreadsheet: a regency's admins, each into their own regency.
    ("pact_files.index", "GET"): ADMINS,
    ("pact_files.preview", "POST"): ADMINS,
    ("pact_files.commit", "POST"): ADMINS,
    ("pact_files.template", "GET"): ADMINS,
    ("pact_files.export", "GET"): ADMINS,
    # The file names the rows and the form the regency: the walk's empty body is invalid ("ok").
    ("api.import_assessments", "POST"): _api(STAFF_ANY),
    # No file in the walk: 422 for any token, before the regency is asked (refusals: the tests).
    ("api.import_pacts", "POST"): _api(STAFF_ANY),
    # A regency's assessment results: its admins and a superadmin; schemes: a superadmin.
    ("assessments.index", "GET"): ACCOUNT_MANAGERS,
    ("assessments.years", "GET"): RECORD_X,
    ("assessments.year", "GET"): RECORD_X,
    # The walk's empty form is refused beside its fields (an "ok" here).
    ("assessments.year", "POST"): RECORD_X,
    ("schemes.index", "GET"): SUPER,
    ("schemes.new", "GET"): SUPER,
    ("schemes.new", "POST"): SUPER,
    ("schemes.edit", "GET"): SUPER,
    ("schemes.edit", "POST"): SUPER,
    # The holiday calendar: every staff account reads it, a superadmin changes it.
    ("holidays.index", "GET"): STAFF_ANY,
    ("holidays.save", "POST"): SUPER,
    ("holidays.remove", "POST"): SUPER,
    ("api.assessments", "GET"): ALL_OK,
    # The body names the regency: the walk's empty body is invalid ("ok").
    ("api.record_assessments", "POST"): _api(STAFF_ANY),
    ("api.declare_unresolvable", "POST"): _api(REVIEW_A),
    # Corrections after signing (issue 13): the regent's office of the pact's regency; a
    # finding's wording never by its own agency's staff. The walk's empty body is invalid or,
    # for a pact that is not withdrawn, a conflict ("ok").
    ("pacts.correct", "GET"): CHANGE_PACT_A,
    ("pacts.correct", "POST"): CHANGE_PACT_A,
    ("pacts.add_findings", "GET"): CHANGE_PACT_A,
    ("pacts.add_findings", "POST"): CHANGE_PACT_A,
    ("pacts.reinstate", "POST"): CHANGE_PACT_A,
    ("findings.correct", "GET"): REVIEW_A,
    ("findings.correct", "POST"): REVIEW_A,
    ("api.correct_pact", "PATCH"): _api(CHANGE_PACT_A),
    ("api.add_pact_findings", "POST"): _api(CHANGE_PACT_A),
    ("api.reinstate_pact", "POST"): _api(CHANGE_PACT_A),
    ("api.correct_finding", "PATCH"): _api(REVIEW_A),
    ("api.reopen_finding", "POST"): _api(REVIEW_A),
}


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    values: dict[str, object]


@pytest.fixture
def world(
    app: Flask, session: Session, now: datetime, upload_folder: Path, store: FileStore
) -> World:
    office = make_office(
        session,
        now=now,
        agencies=("opd-a", "opd-b", "opd-c"),
        timezones=("Asia/Makassar", "Asia/Makassar"),
    )
    x, a = office.x, office.a
    users = {persona: office.user(persona) for persona in PERSONAS if persona != "anonymous"}
    pact = pact_services.record_pact(
        session,
        actor=users["admin_x"],
        agency_id=a.id,
        signatory_name="Kepala A",
        signatory_title="Kepala Dinas A",
        signed_on=now.date(),
        pledge="Memperbaiki dalam tiga bulan.",
        findings=[pact_services.FindingInput(title="Belum ada ramp", category="input")],
        scan=b"%PDF-1.4\n%%EOF\n",
        store=store,
        now=now,
    )
    finding = pact.findings[0]
    evidence = finding_services.add_evidence(
        session, actor=users["opd_a"], finding_id=finding.id, data=png("white", (4, 4)),
        caption="Foto ramp", store=store, now=now,
    )  # fmt: skip
    finding_services.submit_finding(session, actor=users["opd_a"], finding_id=finding.id, now=now)
    session.commit()
    tokens = {persona: api_token(session, user, now) for persona, user in users.items()}
    # A second token of admin_x for the revoke route, so the one used for the API walk survives.
    spare = issue_token(session, actor=None, owner=users["admin_x"], now=now, label="spare")
    session.commit()
    token = spare.token
    # A notice of regency X with a PDF, and a person on X's escalation ladder.
    notice = enqueue(
        session,
        Notice(
            key=f"escalation-1:pact:{pact.id}:policy",
            kind="escalation-1",
            regency_id=x.id,
            pact_id=pact.id,
            recipients=[Recipient("inspektur@kab-x.example")],
            subject="Eskalasi",
            body_text="Eskalasi",
            body_html="<p>Eskalasi</p>",
            attachment=b"%PDF-1.4\n%%EOF\n",
            attachment_name="laporan.pdf",
        ),
        now=now,
    )
    assert notice is not None
    contact = EscalationContact(
        regency_id=x.id, rung=1, name="Inspektur", email="inspektur@kab-x.example", created_at=now
    )
    session.add(contact)
    commitment = record_commitment(
        session, actor=users["admin_x"], regency_id=x.id, now=now,
        details=CommitmentDetails(kind="mou", title="MoU dengan Ombudsman", signed_on=now.date()),
    )  # fmt: skip
    event = record_event(
        session, actor=users["admin_x"], regency_id=x.id, now=now,
        details=EventDetails(kind="mentoring", title="Pendampingan", happened_year=2019),
    )  # fmt: skip
    session.commit()
    values: dict[str, object] = {
        "pact_id": pact.id,
        "finding_id": finding.id,
        "evidence_id": evidence.id,
        "token_id": token.id,
        "filename": "css/app.css",
        "slug": "kab-x",
        "as_of": "2019-03-25",
        "name": "manifest.json",
        "notification_id": notice.id,
        "agency_id": a.id,
        "user_id": users["opd_a"].id,
        "contact_id": contact.id,
        "commitment_id": commitment.id,
        "event_id": event.id,
        "token": "not-a-real-link-secret",
        "scheme_id": session.execute(select(AssessmentScheme.id)).scalars().first(),
        "holiday_id": session.execute(select(Holiday.id)).scalars().first(),
        "year": 2023,
        "fmt": "csv",
    }
    return World(users, tokens, values)


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return routes


def test_every_route_is_in_the_policy_table(app: Flask) -> None:
    missing = sorted({(e, m) for e, m, _ in _routes(app)} - set(POLICY))
    assert not missing, f"routes without a declared policy: {missing}"
    stale = sorted(set(POLICY) - {(e, m) for e, m, _ in _routes(app)})
    assert not stale, f"policy rows for routes that no longer exist: {stale}"


def _csrf(client: FlaskClient, user: User | None) -> str:
    page = client.get("/masuk" if user is None else "/akun/kata-sandi")
    return form_token(page.get_data(as_text=True))


def _outcome(status: int, location: str) -> str:
    if status in (401, 403, 404):
        return str(status)
    if status in (301, 302, 303) and "/masuk" in location:
        return "login"
    assert status < 500, f"server error {status}"
    return "ok"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_visitor_gets_what_the_policy_table_declares(
    app: Flask, client: FlaskClient, world: World, persona: str
) -> None:
    user = world.users.get(persona)
    token = world.tokens.get(persona)
    if user is not None:
        login(client, user)
    csrf = (
        form_token(client.get("/masuk", follow_redirects=True).get_data(as_text=True))
        if (user is None)
        else form_token(client.get("/akun/kata-sandi").get_data(as_text=True))
    )
    mismatches = []
    for endpoint, method, _rule in _routes(app):
        expected = POLICY.get((endpoint, method), {}).get(persona)
        if expected is None:
            continue
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        with app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, **{k: world.values[k] for k in rule.arguments})
        headers = {}
        if url.startswith("/api/") and token:
            headers["Authorization"] = f"Bearer {token}"
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.open(url, method=method, data={"csrf_token": csrf}, headers=headers)
        got = _outcome(response.status_code, response.headers.get("Location", ""))
        response.close()
        if got != expected:
            mismatches.append(f"{method} {url} ({endpoint}): expected {expected}, got {got}")
        if endpoint == "auth.logout":
            # Logging out clears the session: log back in (or take a new token) and go on.
            if user is not None:
                login(client, user)
            csrf = _csrf(client, user)
    assert not mismatches, "\n".join(mismatches)
