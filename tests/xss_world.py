"""A regency whose every stored text field holds one payload of the corpus (tests/xss_corpus.py).

``plant`` types the payload into each field through the services the forms and the API call, as
the regent's office, the agency's staff and a superadmin would: the regency, its agency and
head, the accounts and a token, three pacts (running and overdue, withdrawn, decided) with
their findings, an extension, corrections, evidence, a submission, a review, an unresolvable
finding, a commitment, an event, the assessment year, the escalation ladder, a holiday and a
follower. Each value is the payload followed by `` ~<field>``, so an output that shows it can be
traced to its field. A field that refuses the payload (one-line names refuse line breaks) gets a
plain value instead, and the refusal is kept in ``World.refused``: it must be a clear Invalid
naming the field, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from tests.builders import png
from tests.xss_corpus import Payload
from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.agencies.services import create_agency
from tracker.assessments.services import save_regency_result, save_unit_result
from tracker.auth.models import User
from tracker.auth.services import issue_token
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.commitments.services import (
    CommitmentDetails,
    EventDetails,
    record_commitment,
    record_event,
)
from tracker.errors import Invalid
from tracker.findings.models import Evidence, Finding
from tracker.findings.services import (
    add_evidence,
    correct_finding,
    declare_unresolvable,
    review_finding,
    set_evidence_public,
    submit_finding,
)
from tracker.followers.services import request_follow
from tracker.pacts.models import Pact
from tracker.pacts.services import (
    FindingInput,
    correct_pact,
    extend_pact,
    record_outcome,
    record_pact,
    withdraw_pact,
)
from tracker.regencies.models import EscalationContact, Regency
from tracker.regencies.services import create_regency
from tracker.regencies.settings import add_escalation_contact
from tracker.storage import FileStore
from tracker.workdays.models import HolidayKind
from tracker.workdays.services import HolidayInput, save_holiday

T = TypeVar("T")
PASSWORD = "kata-sandi-xss-123"
# Signed 1 November 2018: the deadline (1 February 2019), extended to 1 March, has passed by
# the suite's frozen 25 March 2019, so the sweep writes escalation letters (PDFs) about it.
SIGNED_ON = date(2018, 11, 1)
EXTENDED_TO = date(2019, 3, 1)
YEAR = 2018


def tagged(payload: Payload, name: str) -> str:
    """The value typed into field ``name``: the payload, then the field's name."""
    return f"{payload.text} ~{name}"


@dataclass
class World:
    """What ``plant`` made, and which text each field holds as stored."""

    payload: Payload
    regency: Regency
    agency: Agency
    admin: User
    opd: User
    running: Pact
    withdrawn: Pact
    decided: Pact
    returned: Finding
    unresolvable: Finding
    corrected: Finding
    evidence: Evidence
    commitment: Commitment
    event: RegencyEvent
    contacts: list[EscalationContact]
    token: str
    follower_email: str
    planted: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)

    @property
    def pacts(self) -> tuple[Pact, ...]:
        return (self.running, self.withdrawn, self.decided)

    @property
    def emails(self) -> set[str]:
        """Every address the world's notices may go to."""
        return {
            self.admin.email,
            self.opd.email,
            self.follower_email,
            *(c.email for c in self.contacts),
            *(a for a in [self.agency.head_email] if a),
        }


class _Planter:
    """Calls a service with tagged values; a refused field gets a plain value and is noted."""

    def __init__(self, session: Session, payload: Payload) -> None:
        self.session = session
        self.payload = payload
        self.planted: dict[str, str] = {}
        self.refused: dict[str, str] = {}

    def call(
        self,
        prefix: str,
        keys: list[str],
        run: Callable[[dict[str, str]], T],
        *,
        bare: tuple[str, ...] = (),
    ) -> T:
        """Run ``run`` with a tagged value for each key (an error key of the service); the keys
        in ``bare`` get the payload alone (a short field)."""
        values = {key: tagged(self.payload, f"{prefix}.{key}") for key in keys}
        values.update(dict.fromkeys(bare, self.payload.text))
        for _ in range(len(keys) + 1):
            try:
                with self.session.begin_nested():
                    return run(values)
            except Invalid as exc:
                refused = set(exc.fields) & set(values)
                if not refused:
                    raise AssertionError(f"{prefix}: refused otherwise: {exc.fields}") from exc
                for key in refused:
                    reason = str(exc.fields[key]).strip()
                    if not reason:
                        raise AssertionError(f"{prefix}.{key}: refused without a reason") from exc
                    self.refused[f"{prefix}.{key}"] = reason
                    values[key] = f"Nilai biasa {prefix} {key}"
        raise AssertionError(f"{prefix}: still refused")  # pragma: no cover

    def keep(self, prefix: str, stored: dict[str, Any]) -> None:
        """Note what each planted (not refused) field holds as stored."""
        for key, value in stored.items():
            if f"{prefix}.{key}" not in self.refused and value is not None:
                self.planted[f"{prefix}.{key}"] = str(value)


def plant(
    session: Session,
    *,
    payload: Payload,
    number: int,
    superadmin: User,
    store: FileStore,
    now: datetime,
) -> World:
    """Type ``payload`` into every text field of a new regency ``xss-<number>``; commit."""
    p = _Planter(session, payload)
    slug = f"xss-{number}"

    regency = p.call("regency", ["name", "province"], lambda v: create_regency(
        session, actor=superadmin, slug=slug, timezone="Asia/Makassar", now=now, **v,
    ))  # fmt: skip
    p.keep("regency", {"name": regency.name, "province": regency.province})

    def account(prefix: str, role: str, agency: Agency | None = None) -> User:
        user = p.call(prefix, ["name"], lambda v: create_user(
            session, actor=superadmin, email=f"{prefix}-{number}@xss.uji.go.id", role=role,
            password=PASSWORD, now=now, regency_slug=slug,
            agency_slug=agency.slug if agency else None, **v,
        ))  # fmt: skip
        p.keep(prefix, {"name": user.name})
        return user

    admin = account("admin", "admin")
    # The kind is a short word (32 characters): the payload alone, and only the short ones fit.
    agency = p.call("agency", ["name", "kind", "head_name"], lambda v: create_agency(
        session, actor=admin, regency_slug=slug, slug=f"opd-xss-{number}",
        head_email=f"kepala-{number}@xss.uji.go.id", now=now, **v,
    ), bare=("kind",))  # fmt: skip
    p.keep("agency", {"name": agency.name, "kind": agency.kind, "head_name": agency.head_name})
    opd = account("opd", "opd", agency)
    label = tagged(payload, "token.label")
    token = issue_token(session, actor=admin, owner=admin, now=now, label=label)
    p.keep("token", {"label": token.token.label})

    def pact(prefix: str, findings: int) -> Pact:
        keys = ["signatory_name", "signatory_title", "pledge", "sanction", "witnesses"]
        keys += [
            f"findings[{i}].{part}" for i in range(findings) for part in ("title", "description")
        ]

        def run(v: dict[str, str]) -> Pact:
            return record_pact(
                session, actor=admin, agency_id=agency.id, signed_on=SIGNED_ON, now=now,
                signatory_name=v["signatory_name"], signatory_title=v["signatory_title"],
                pledge=v["pledge"], sanction=v["sanction"], witnesses=v["witnesses"],
                findings=[
                    FindingInput(title=v[f"findings[{i}].title"], category="input",
                                 description=v[f"findings[{i}].description"])
                    for i in range(findings)
                ],
            )  # fmt: skip

        made = p.call(prefix, keys, run)
        p.keep(prefix, {key: getattr(made, key) for key in keys[:5]})
        for i, finding in enumerate(made.findings):
            p.keep(prefix, {f"findings[{i}].title": finding.title})
            p.keep(prefix, {f"findings[{i}].description": finding.description})
        return made

    running = pact("pact", 3)
    withdrawn = pact("withdrawn", 1)
    decided = pact("decided", 1)
    returned, unresolvable, corrected = running.findings

    extension = p.call("extension", ["reason"], lambda v: extend_pact(
        session, actor=admin, pact_id=running.id, new_deadline_on=EXTENDED_TO, now=now, **v,
    ))  # fmt: skip
    p.keep("extension", {"reason": extension.reason})
    p.call("correction", ["sanction", "reason"], lambda v: correct_pact(
        session, actor=admin, pact_id=running.id, now=now, reason=v["reason"],
        changes={"sanction": v["sanction"]},
    ))  # fmt: skip
    p.keep("correction", {"sanction": running.sanction})
    if "correction.reason" not in p.refused:
        p.planted["correction.reason"] = tagged(payload, "correction.reason")
    p.call("withdrawal", ["reason"], lambda v: withdraw_pact(
        session, actor=admin, pact_id=withdrawn.id, now=now, **v,
    ))  # fmt: skip
    p.keep("withdrawal", {"reason": withdrawn.withdrawal_reason})
    p.call("outcome", ["note"], lambda v: record_outcome(
        session, actor=admin, pact_id=decided.id, kind="reprimand",
        decided_on=date(2019, 3, 4), now=now, **v,
    ))  # fmt: skip
    p.keep("outcome", {"note": decided.outcome_note})

    # The follow-up of the first finding: a photo, sent with a note, returned with a comment.
    evidence = p.call("evidence", ["caption"], lambda v: add_evidence(
        session, actor=opd, finding_id=returned.id, data=png(), store=store, now=now, **v,
    ))  # fmt: skip
    p.keep("evidence", {"caption": evidence.caption})
    set_evidence_public(
        session, actor=admin, evidence_id=evidence.id, public=True, store=store, now=now
    )
    p.call("submission", ["note"], lambda v: submit_finding(
        session, actor=opd, finding_id=returned.id, now=now, **v,
    ))  # fmt: skip
    if "submission.note" not in p.refused:
        p.planted["submission.note"] = tagged(payload, "submission.note")
    review = p.call("review", ["comment"], lambda v: review_finding(
        session, actor=admin, finding_id=returned.id, decision="return", now=now, **v,
    ))  # fmt: skip
    p.keep("review", {"comment": review.comment})
    p.call("unresolvable", ["reason"], lambda v: declare_unresolvable(
        session, actor=admin, finding_id=unresolvable.id, now=now, **v,
    ))  # fmt: skip
    p.keep("unresolvable", {"reason": unresolvable.unresolvable_reason})
    p.call("finding_correction", ["title", "description", "reason"], lambda v: correct_finding(
        session, actor=admin, finding_id=corrected.id, now=now, reason=v["reason"],
        changes={"title": v["title"], "description": v["description"]},
    ))  # fmt: skip
    p.keep("finding_correction", {"title": corrected.title, "description": corrected.description})
    if "finding_correction.reason" not in p.refused:
        p.planted["finding_correction.reason"] = tagged(payload, "finding_correction.reason")

    commitment_keys = ["title", "place", "parties", "signatories", "commitments", "note", "source"]
    commitment = p.call("commitment", commitment_keys, lambda v: record_commitment(
        session, actor=admin, regency_id=regency.id, now=now,
        details=CommitmentDetails(kind="mou", signed_on=date(2018, 3, 22), **v),
    ))  # fmt: skip
    p.keep("commitment", {key: getattr(commitment, key) for key in commitment_keys})
    event = p.call("event", ["title", "description", "source"], lambda v: record_event(
        session, actor=admin, regency_id=regency.id, now=now,
        details=EventDetails(kind="mentoring", happened_on=date(2018, 9, 12), **v),
    ))  # fmt: skip
    p.keep("event", {k: getattr(event, k) for k in ("title", "description", "source")})

    assessment = p.call("assessment", ["note", "source"], lambda v: save_regency_result(
        session, actor=admin, regency_id=regency.id, year=YEAR, result="scored",
        score="57.69", zone="yellow", rank=128, rank_of=199, now=now, **v,
    ))  # fmt: skip
    del assessment
    p.planted.update(
        {f"assessment.{k}": tagged(payload, f"assessment.{k}") for k in ("note", "source")
         if f"assessment.{k}" not in p.refused}
    )  # fmt: skip
    p.call("unit", ["source"], lambda v: save_unit_result(
        session, actor=admin, agency_id=agency.id, year=YEAR, result="scored", score="70.50",
        zone="yellow", now=now, **v,
    ))  # fmt: skip
    if "unit.source" not in p.refused:
        p.planted["unit.source"] = tagged(payload, "unit.source")

    contacts = []
    for rung in (1, 2, 3):
        contact = p.call(f"contact{rung}", ["name", "title"], lambda v, rung=rung: (
            add_escalation_contact(
                session, actor=admin, regency_id=regency.id, rung=rung, locale="id", now=now,
                email=f"tangga-{rung}-{number}@xss.uji.go.id", **v,
            )
        ))  # fmt: skip
        p.keep(f"contact{rung}", {"name": contact.name, "title": contact.title})
        contacts.append(contact)

    holiday = p.call("holiday", ["name", "source"], lambda v: save_holiday(
        session, actor=superadmin, now=now,
        data=HolidayInput(day=date(2019, 12, number % 28 + 1), kind=HolidayKind.HOLIDAY, **v),
    ))  # fmt: skip
    p.keep("holiday", {"name": holiday.name, "source": holiday.source})

    follower_email = f"pengikut-{number}@xss.uji.go.id"
    request_follow(session, pact_id=running.id, email=follower_email, locale="id", now=now)
    session.commit()
    return World(
        payload=payload, regency=regency, agency=agency, admin=admin, opd=opd,
        running=running, withdrawn=withdrawn, decided=decided, returned=returned,
        unresolvable=unresolvable, corrected=corrected, evidence=evidence,
        commitment=commitment, event=event, contacts=contacts, token=token.plaintext,
        follower_email=follower_email, planted=p.planted, refused=p.refused,
    )  # fmt: skip
