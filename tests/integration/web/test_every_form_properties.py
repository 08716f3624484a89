"""Every form of the site, posted with hostile values (hypothesis): never a 5xx, never half a write.

The registry below names each POST endpoint outside the API, who may post it, the page its form
is on and the state it acts on (a running pact, a submitted finding, ...); a test fails when a
new POST endpoint is neither in it nor set aside with a reason. The fields are read from the
form on its page, as a browser reads them, and each example posts, for each field, its valid
value, nothing, or a hostile one of its kind: any text (control characters, NUL, lone
surrogates sent as raw bytes, a line of 100,000 characters), numbers out of range or written in
other scripts, impossible dates, options the form does not offer, files of any bytes. The CSRF
token is the page's own.

After each post: the answer is not a 5xx; a refusal (4xx) leaves every record as it was (every
row of every table but the login bookkeeping); an answer that changed a record wrote its audit
event. Each example runs in a SAVEPOINT that is rolled back, so each starts from the same state.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import pdf, png
from tests.integration.hostile import records
from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, in_indonesian, post_form
from tests.integration.workflow import Steps, record, record_ramp_pact
from tests.properties import bounded
from tracker.assessments.models import AssessmentScheme
from tracker.audit.models import AuditEvent
from tracker.auth.services import issue_token
from tracker.commitments.services import (
    CommitmentDetails,
    EventDetails,
    record_commitment,
    record_event,
)
from tracker.findings.services import declare_unresolvable
from tracker.pacts.services import record_outcome
from tracker.regencies.settings import add_escalation_contact
from tracker.storage import FileStore
from tracker.workdays.models import Holiday

# Examples per form: 50 forms, about half a second each on SQLite.
EXAMPLES = 12

# POST endpoints outside the API that the fuzzing leaves out, and why.
SET_ASIDE = {
    "auth.logout": "no field; it ends the session every later example needs",
}


# --- reading a form as a browser does -------------------------------------------------------


@dataclass
class Field:
    """A named control of a form: its kind, the value the page gives it, the options it offers."""

    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    multipart: bool
    fields: dict[str, Field]


class _Forms(HTMLParser):
    """Every POST form of a page with its fields (inputs, selects, text areas)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            multipart = a.get("enctype", "") == "multipart/form-data"
            self._form = Form(a.get("action", ""), multipart, {})
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            known = self._form.fields.get(name)
            if known is not None and kind in ("radio", "checkbox"):
                known.options.append(a.get("value", "on"))
                if "checked" in a:
                    known.value = a.get("value", "on")
                return
            value = a.get("value", "")
            if kind in ("radio", "checkbox"):
                option = value or "on"
                self._form.fields[name] = Field(
                    name, kind, option if "checked" in a else "", [option]
                )
            else:
                self._form.fields[name] = Field(name, kind, value)
        elif tag == "select":
            self._select = self._form.fields[name] = Field(name, "select")
        elif tag == "textarea":
            self._textarea = self._form.fields[name] = Field(name, "textarea")
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and not self._select.value and self._select.options:
                self._select.value = self._select.options[0]
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                # A browser drops the newline right after <textarea>, as HTML says.
                text = self._textarea.value
                self._textarea.value = text[2:] if text.startswith("\r\n") else text
                self._textarea.value = text[1:] if text.startswith("\n") else self._textarea.value
            self._textarea = None


def forms_of(page: str) -> list[Form]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


# --- the state the forms act on --------------------------------------------------------------


@dataclass
class World:
    """Regency X with pacts and findings in every state a form acts on, and the clients."""

    app: Flask
    office: Office
    ids: dict[str, Any]
    clients: dict[str | None, FlaskClient] = field(default_factory=dict)
    forms: dict[str, tuple[Form, str]] = field(default_factory=dict)

    def client(self, persona: str | None) -> FlaskClient:
        if persona not in self.clients:
            user = self.office.user(persona) if persona else None
            self.clients[persona] = client_of(self.app, user)
        return self.clients[persona]


@pytest.fixture
def world(app: Flask, session: Session, office: Office, steps: Steps, store: FileStore) -> World:
    now, admin, opd = office.now, office.admin_x, office.opd_a
    recorded = record_ramp_pact(session, actor=admin, agency_id=office.a.id, now=now)
    # The ramp waits for verification; the play corner has a photo, not yet sent.
    steps.send(opd, [recorded.ramp])
    evidence = steps.add_evidence(opd, recorded.play_corner)
    withdrawn = record(session, actor=admin, agency_id=office.a.id, titles=["A"], now=now)
    steps.withdraw(admin, withdrawn)
    decided = record(session, actor=admin, agency_id=office.a.id, titles=["B"], now=now)
    record_outcome(
        session, actor=admin, pact_id=decided.id, kind="reprimand",
        decided_on=date(2019, 3, 20), note="Teguran", now=now,
    )  # fmt: skip
    parked = record(session, actor=admin, agency_id=office.a.id, titles=["C"], now=now)
    declare_unresolvable(
        session, actor=admin, finding_id=parked.findings[0].id, reason="APBD-P", now=now
    )
    commitment = record_commitment(
        session, actor=admin, regency_id=office.x.id, now=now,
        details=CommitmentDetails(kind="mou", title="MoU", signed_on=date(2019, 1, 2)),
    )  # fmt: skip
    event = record_event(
        session, actor=admin, regency_id=office.x.id, now=now,
        details=EventDetails(kind="mentoring", title="Kunjungan", happened_on=date(2019, 2, 1)),
    )  # fmt: skip
    contact = add_escalation_contact(
        session, actor=admin, regency_id=office.x.id, rung=2, name="Sekda", title=None,
        email="sekda@uji.go.id", locale="id", now=now,
    )  # fmt: skip
    token = issue_token(session, actor=admin, owner=admin, now=now, label="Uji")
    session.commit()
    ids = {
        "slug": office.x.slug,
        "pact": recorded.pact.id,
        "withdrawn": withdrawn.id,
        "decided": decided.id,
        "submitted": recorded.ramp.id,
        "open": recorded.play_corner.id,
        "parked": parked.findings[0].id,
        "evidence": evidence.id,
        "commitment": commitment.id,
        "event": event.id,
        "contact": contact.id,
        "token": token.token.id,
        "holiday": session.scalar(select(func.min(Holiday.id))),
        "scheme": session.scalar(select(func.min(AssessmentScheme.id))),
        "opd_a": opd.id,
        "opd_email": opd.email,
        "agency_slug": office.a.slug,
        "agency": office.a.id,
        "year": 2018,
    }
    return World(app, office, ids)


@dataclass(frozen=True)
class Entry:
    """Who posts a form, where its page is, and where it posts (``{name}``: an id of the world)."""

    persona: str | None
    page: str
    action: str | None = None
    # The fields to post when the page does not show the form (a step that needs another first).
    fields: tuple[tuple[str, str], ...] = ()


def _pact(path: str) -> Entry:
    return Entry("admin_x", "/staf/pakta/{pact}", "/staf/pakta/{pact}/" + path)


def _finding(path: str, finding: str = "open", persona: str = "opd_a") -> Entry:
    page = "/staf/temuan/{%s}" % finding  # noqa: UP031 (a template, formatted later)
    return Entry(persona, page, page + "/" + path)


REGISTRY: dict[str, Entry] = {
    "auth.login": Entry(None, "/masuk"),
    # The code's form shows once a password was accepted: posted here without that step.
    "auth.login_code": Entry(None, "/masuk", "/masuk/kode", (("code", "text"),)),
    "auth.change_password": Entry("opd_a", "/akun/kata-sandi"),
    "auth.second_factor_settings": Entry("admin_x", "/akun/dua-langkah"),
    "follow.follow_pact": Entry(None, "/pakta/{pact}", "/pakta/{pact}/ikuti"),
    # The links' tokens come by mail only: an unknown one (and no CSRF token: the follower's
    # forms are exempt, their links are the secret).
    "follow.confirm": Entry(None, "/pakta/{pact}", "/ikuti/konfirmasi/token-palsu"),
    "follow.unsubscribe": Entry(None, "/pakta/{pact}", "/ikuti/berhenti/token-palsu"),
    "accounts.new": Entry("admin_x", "/staf/akun/baru"),
    "accounts.edit": Entry("admin_x", "/staf/akun/{opd_a}/ubah"),
    "accounts.language": Entry("opd_a", "/staf/akun/bahasa"),
    "accounts.new_token": Entry("admin_x", "/staf/akun/token", "/staf/akun/token/baru"),
    "accounts.revoke_token": Entry("admin_x", "/staf/akun/token", "/staf/akun/token/{token}/cabut"),
    "agencies.new": Entry("admin_x", "/staf/daftar-opd/baru"),
    "agencies.edit": Entry("admin_x", "/staf/daftar-opd/{agency}/ubah"),
    "regencies.new": Entry("superadmin", "/staf/kabupaten/baru"),
    "holidays.save": Entry("superadmin", "/staf/hari-libur/"),
    "holidays.remove": Entry("superadmin", "/staf/hari-libur/", "/staf/hari-libur/{holiday}/hapus"),
    "commitments.new": Entry("admin_x", "/staf/komitmen/baru"),
    "commitments.edit": Entry("admin_x", "/staf/komitmen/{commitment}/ubah"),
    "commitments.new_event": Entry("admin_x", "/staf/komitmen/kegiatan/baru"),
    "commitments.edit_event": Entry("admin_x", "/staf/komitmen/kegiatan/{event}/ubah"),
    "notifications.retry": Entry(
        "admin_x", "/staf/kotak-keluar/", "/staf/kotak-keluar/999999/ulang"
    ),
    "pacts.new": Entry("admin_x", "/staf/pakta/baru"),
    "pacts.correct": Entry("admin_x", "/staf/pakta/{pact}/koreksi"),
    "pacts.add_findings": Entry("admin_x", "/staf/pakta/{pact}/temuan-baru"),
    "pacts.extend": _pact("perpanjang"),
    "pacts.withdraw": _pact("batalkan"),
    "pacts.decide": _pact("keputusan"),
    "pacts.clear_outcome": Entry(
        "admin_x", "/staf/pakta/{decided}", "/staf/pakta/{decided}/keputusan/hapus"
    ),
    "pacts.reinstate": Entry(
        "admin_x", "/staf/pakta/{withdrawn}", "/staf/pakta/{withdrawn}/pulihkan"
    ),
    "pact_files.preview": Entry("admin_x", "/staf/pakta/impor"),
    "pact_files.commit": Entry("admin_x", "/staf/pakta/impor", "/staf/pakta/impor/simpan"),
    "settings.add_contact": Entry(
        "admin_x", "/staf/pengaturan/notifikasi/{slug}", "/staf/pengaturan/notifikasi/{slug}/kontak"
    ),
    "settings.remove_contact": Entry(
        "admin_x",
        "/staf/pengaturan/notifikasi/{slug}",
        "/staf/pengaturan/notifikasi/{slug}/kontak/{contact}/hapus",
    ),
    "settings.save_webhook": Entry(
        "admin_x",
        "/staf/pengaturan/notifikasi/{slug}",
        "/staf/pengaturan/notifikasi/{slug}/webhook",
    ),
    "settings.new_secret": Entry(
        "admin_x",
        "/staf/pengaturan/notifikasi/{slug}",
        "/staf/pengaturan/notifikasi/{slug}/webhook/rahasia",
    ),
    "assessments.year": Entry("admin_x", "/staf/penilaian/{slug}/{year}"),
    "assessment_files.preview": Entry("admin_x", "/staf/penilaian/{slug}/impor"),
    "assessment_files.commit": Entry(
        "admin_x", "/staf/penilaian/{slug}/impor", "/staf/penilaian/{slug}/impor/simpan"
    ),
    "schemes.new": Entry("superadmin", "/staf/skema/baru"),
    "schemes.edit": Entry("superadmin", "/staf/skema/{scheme}"),
    "findings.submit": _finding("ajukan"),
    "findings.add_evidence": _finding("bukti"),
    "findings.correct": Entry("admin_x", "/staf/temuan/{open}/koreksi"),
    "findings.declare_unresolvable": _finding("tidak-dapat-ditindaklanjuti", persona="admin_x"),
    "findings.reopen": _finding("buka-kembali", "parked", "admin_x"),
    "findings.review": _finding("verifikasi", "submitted", "admin_x"),
    "findings.publish_evidence": Entry(
        "admin_x", "/staf/temuan/{open}", "/staf/temuan/bukti/{evidence}/publik"
    ),
    "findings.approve_several": Entry(
        "admin_x", "/staf/temuan/verifikasi", "/staf/temuan/verifikasi/setujui"
    ),
}


def test_every_post_endpoint_outside_the_api_is_fuzzed_or_set_aside(app: Flask) -> None:
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")
    }
    assert posting - set(REGISTRY) - set(SET_ASIDE) == set(), "forms no test posts"
    assert set(REGISTRY) - posting == set(), "the registry names endpoints that are gone"


# --- hostile values ---------------------------------------------------------------------------

LONE_SURROGATE = "\ud800"
HUGE = ["A" * 100_000, "é" * 20_000, "\n" * 5_000, "ꦗ" * 3_000, "9" * 400]
ODD_TEXT = ["", " ", "\x00", "\t", "\r\n", "\u2028", "\u202e", "\ufeff", "%00", "../../etc",
            "<script>x</script>", "{{ 7*7 }}", "=HYPERLINK(\"x\")", LONE_SURROGATE + "a",
            "a" + LONE_SURROGATE, "\U0001f600"]  # fmt: skip
NUMBERS = ["-1", "0", "-0", "1e309", "NaN", "inf", "99999999999999999999999", "3.5", "٣",
           "³", "0x10", " 7 ", "+5", "2147483648", "-9223372036854775809"]  # fmt: skip
DATES = ["2019-02-30", "2019-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01",
         "2019-1-1", "١٩٩٠-٠١-٠١", "2019-01-08T00:00", "08/01/2019", "2019-02-29",
         "2020-02-29", "1899-12-31", "2040-12-31"]  # fmt: skip

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(ODD_TEXT),
    st.sampled_from(HUGE),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Mn"]), max_size=8),
)


def hostile(spec: Field) -> st.SearchStrategy[Any]:
    """What a hostile client may send in ``spec``: its own kind of trouble, or any text."""
    if spec.kind == "file":
        return st.one_of(
            st.binary(max_size=200),
            st.just(png()),
            st.just(b"%PDF-1.4\n%%EOF"),
            st.just(b"PK\x03\x04" + b"\x00" * 40),
        ).map(lambda data: ("file", data))
    by_kind = {
        "number": NUMBERS,
        "date": DATES,
        "select": [*spec.options, *NUMBERS[:4]],
        "radio": [*spec.options, "lain"],
        "checkbox": [*spec.options, "off", "0"],
    }
    own = by_kind.get(spec.kind)
    return hostile_text if not own else st.sampled_from(own) | hostile_text


OMIT = object()

# A value each field accepts where its page leaves it empty, so that a post gets past the
# fields it does not perturb and reaches the service (``{name}``: an id of the world).
GOOD = {
    "name": "Nama Uji", "email": "baru@uji.go.id", "password": "kata-sandi-baru-123",
    "slug": "uji-baru", "kind": "dinas", "province": "Nusa Tenggara Barat", "title": "Judul uji",
    "signed_on": "2019-01-08", "happened_on": "2019-02-01", "day": "2027-03-10",
    "source": "SKB 3 Menteri", "signatory_title": "Kepala Dinas", "pledge": "Janji",
    "reason": "Alasan uji", "caption": "Foto perbaikan", "new_deadline": "2019-09-01",
    "decided_on": "2019-03-20", "findings-0-title": "Temuan uji", "findings-0-category": "input",
    "decision": "approve", "finding": "{submitted}", "confirm": "y", "label": "Token uji",
    "url": "https://hook.uji.go.id/pantau", "current_password": "kata-sandi-uji-123",
    "new_password": "kata-sandi-baru-456", "score": "70.50", "first_year": "2030",
    "last_year": "2031", "bands-0-min_score": "0.00", "bands-0-max_score": "100.00",
    "bands-0-zone": "green", "bands-0-label": "baik",
}  # fmt: skip
GOOD_IN = {
    ("auth.change_password", "confirm"): "kata-sandi-baru-456",
    ("auth.login", "email"): "{opd_email}",
    ("auth.login", "password"): "kata-sandi-uji-123",
    ("accounts.new", "role"): "observer",
    ("pacts.decide", "kind"): "reprimand",
}
# The file each upload takes: a photo of evidence, a PDF of a signed paper, a spreadsheet.
GOOD_FILES = {
    "scan": pdf(),
    "document": pdf(),
    "pact_files.preview": (
        b"reference,agency,signatory_title,signatory_name,signed_on,pledge,finding_title,"
        b"finding_category\nP-1,{agency_slug},Kepala Dinas,Budi,2019-01-10,Janji,Temuan,input\n"
    ),
}
MODES = ("valid", "one field", "some fields", "every field")


def good(endpoint: str, spec: Field, ids: dict[str, Any]) -> Any:
    if spec.kind == "file":
        data = GOOD_FILES.get(endpoint, GOOD_FILES.get(spec.name, png()))
        return ("file", data.replace(b"{agency_slug}", str(ids["agency_slug"]).encode()))
    value = GOOD_IN.get((endpoint, spec.name)) or spec.value or GOOD.get(spec.name, "")
    return value.format(**ids)


def draw_values(data: st.DataObject, endpoint: str, form: Form, ids: dict[str, Any]) -> dict:
    """The values of one post: every field valid, or one, some or every field hostile/left out."""
    names = sorted(form.fields)
    mode = data.draw(st.sampled_from(MODES), label="mode")
    chosen = (
        {data.draw(st.sampled_from(names), label="field")} if names and mode == MODES[1] else set()
    )
    values = {}
    for name in names:
        spec = form.fields[name]
        bad = st.one_of(st.just(OMIT), hostile(spec))
        if mode == "every field" or name in chosen:
            value = data.draw(bad, label=name)
        elif mode == "some fields":
            value = data.draw(st.one_of(st.just(good(endpoint, spec, ids)), bad), label=name)
        else:
            value = good(endpoint, spec, ids)
        if value is not OMIT:
            values[name] = value
    return values


# --- one post ----------------------------------------------------------------------------------


def _raw(value: str) -> bytes:
    # A lone surrogate goes out as the bytes a careless client would send (WTF-8).
    return value.encode("utf-8", "surrogatepass")


def post(client: FlaskClient, form: Form, token: str, values: dict[str, Any]) -> Any:
    if form.multipart:
        data: dict[str, Any] = {"csrf_token": token} if token else {}
        for name, value in values.items():
            if isinstance(value, tuple):
                data[name] = (io.BytesIO(value[1]), "berkas.bin")
            else:
                data[name] = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return client.post(form.action, data=data, content_type="multipart/form-data")
    pairs = [("csrf_token", token.encode())] if token else []
    pairs += [(name, _raw(value)) for name, value in values.items()]
    return client.post(
        form.action, data=urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )


def find_form(world: World, endpoint: str) -> tuple[Form, str]:
    """The form of ``endpoint`` on its page (read once per test), and the page's CSRF token."""
    if endpoint not in world.forms:
        entry = REGISTRY[endpoint]
        page_url = entry.page.format(**world.ids)
        action = (entry.action or entry.page).format(**world.ids)
        response = world.client(entry.persona).get(page_url)
        assert response.status_code == 200, (page_url, response.status_code)
        page = response.get_data(as_text=True)
        found = [f for f in forms_of(page) if urlsplit(f.action or page_url).path == action]
        token = ""
        for candidate in forms_of(page):
            if "csrf_token" in candidate.fields:
                token = candidate.fields["csrf_token"].value
        if found:
            form = found[0]
            form.action = action
            form.fields.pop("csrf_token", None)
        else:
            # A form the page shows only in some states: the registry's fields, or none.
            form = Form(action, False, {n: Field(n, k) for n, k in entry.fields})
        assert token or action.startswith(("/pakta/", "/ikuti/")), f"{page_url}: no CSRF token"
        world.forms[endpoint] = (form, token)
    return world.forms[endpoint]


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count(AuditEvent.id))) or 0


@pytest.mark.parametrize("endpoint", sorted(REGISTRY))
@bounded(EXAMPLES, database=True)
@given(data=st.data())
def test_a_hostile_post_is_never_a_5xx_nor_half_written(
    session: Session, world: World, endpoint: str, data: st.DataObject
) -> None:
    form, token = find_form(world, endpoint)
    values = draw_values(data, endpoint, form, world.ids)
    savepoint = session.begin_nested()
    try:
        before, audited = records(session), audit_count(session)
        response = post(world.client(REGISTRY[endpoint].persona), form, token, values)
        assert response.status_code < 500, (endpoint, response.status_code)
        after = records(session)
        if 400 <= response.status_code < 500:
            changed = [name for name in after if after[name] != before[name]]
            assert not changed, (
                f"{endpoint} refused with {response.status_code} but wrote {changed}"
            )
        elif after != before:
            assert audit_count(session) > audited, f"{endpoint} changed records unaudited"
    finally:
        savepoint.rollback()


@pytest.mark.parametrize("digits", ["9" * 400, "2147483648", "-2147483648"])
def test_a_number_past_what_a_column_holds_is_refused_beside_its_field(
    app: Flask, session: Session, office: Office, digits: str
) -> None:
    """What hypothesis found first: a period of 400 nines was a 500 (WTForms' NumberRange
    turned the int into a float); it is now "not a valid integer value" beside the field."""
    client = client_of(app, office.admin_x)
    before = records(session)
    response = post_form(
        client,
        "/staf/pakta/baru",
        {"agency_id": str(office.a.id), "signatory_title": "Kepala Dinas", "pledge": "Janji",
         "period_months": digits, "findings-0-title": "Temuan", "findings-0-category": "input"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_beside(page, "period_months") == in_indonesian(app, "Not a valid integer value.")
    assert records(session) == before
