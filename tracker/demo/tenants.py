"""The seed regencies, their agencies, heads, escalation ladders and scores, through the services.

Only what is missing is added: a regency, agency, head or ladder someone already recorded or
edited stays as it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.agencies.services import create_agency, update_agency
from tracker.assessments.models import Assessment, AssessmentNote, UnitResult
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.commitments.services import (
    CommitmentDetails,
    EventDetails,
    record_commitment,
    record_event,
)
from tracker.demo import data
from tracker.demo.accounts import Actors, admin_email
from tracker.regencies.models import EscalationContact, Regency
from tracker.regencies.services import create_regency
from tracker.regencies.settings import add_escalation_contact


@dataclass
class Tenants:
    """The seed regencies and agencies of one load, and what the load adds to them."""

    session: Session
    actors: Actors
    now: datetime
    added: Counter[str]
    # Every regency by slug; the seed agencies by (regency slug, agency slug).
    regencies: dict[str, Regency] = field(default_factory=dict)
    agencies: dict[tuple[str, str], Agency] = field(default_factory=dict)

    def admin(self, regency: str) -> User:
        """Return the demo admin (the regent's office) of a seed regency."""
        return self.actors.get(admin_email(regency))

    def add_regencies(self) -> None:
        """Let the demo superadmin add the seed regencies not recorded yet."""
        self.regencies = {r.slug: r for r in self.session.execute(select(Regency)).scalars()}
        superadmin = self.actors.get(data.DEMO_SUPERADMIN_EMAIL)
        for seed in data.REGENCIES:
            if seed.slug not in self.regencies:
                self.regencies[seed.slug] = create_regency(
                    self.session, actor=superadmin, slug=seed.slug, name=seed.name,
                    province=seed.province, timezone=seed.timezone, now=self.now,
                )  # fmt: skip
                self.added["regencies"] += 1

    def add_agencies(self) -> None:
        """Let each regency's admin record its missing seed agencies, and give heads to them.

        Each seed agency gets an invented head (flagged "(contoh)") unless one is set already.
        """
        by_id = {r.id: slug for slug, r in self.regencies.items()}
        self.agencies = {
            (by_id[a.regency_id], a.slug): a
            for a in self.session.execute(select(Agency)).scalars()
            if a.regency_id in by_id
        }
        for seed in data.REGENCIES:
            for a in seed.agencies:
                if self._add_agency(seed.slug, a):
                    self.added["agency heads"] += 1

    def _add_agency(self, regency: str, seed: data.AgencySeed) -> bool:
        """Record a seed agency, or give an existing one a head; False if it has one already."""
        head_name, head_email = data.demo_agency_head(regency, seed)
        agency = self.agencies.get((regency, seed.slug))
        if agency is None:
            self.agencies[(regency, seed.slug)] = create_agency(
                self.session, actor=self.admin(regency), regency_slug=regency, slug=seed.slug,
                name=seed.name, kind=seed.kind, is_demo=seed.is_demo, head_name=head_name,
                head_email=head_email, now=self.now,
            )  # fmt: skip
            self.added["agencies"] += 1
            return True
        if agency.head_name is not None or agency.head_email is not None:
            return False
        update_agency(
            self.session, actor=self.admin(regency), agency_id=agency.id, name=agency.name,
            kind=agency.kind, head_name=head_name, head_email=head_email, now=self.now,
        )  # fmt: skip
        return True

    def add_ladders(self) -> None:
        """Let the admin of each seed regency without an escalation ladder set the invented one."""
        with_ladder = set(
            self.session.execute(select(EscalationContact.regency_id).distinct()).scalars()
        )
        for seed in data.REGENCIES:
            regency = self.regencies[seed.slug]
            if regency.id in with_ladder:
                continue
            for rung, name, title, mailbox in data.DEMO_LADDER:
                add_escalation_contact(
                    self.session, actor=self.admin(seed.slug), regency_id=regency.id, rung=rung,
                    name=name, title=f"{title} {seed.name.removeprefix('Kabupaten ')}",
                    email=f"{mailbox}@{seed.slug}.demo", locale="id", now=self.now,
                )  # fmt: skip
                self.added["escalation contacts"] += 1

    def add_scores(self) -> None:
        """Add the assessment scores the seed articles report.

        Written here directly: the app has no page, endpoint or service that records scores
        (they come from the Ombudsman's published results), so there is none to call.
        """
        regency_scores = {
            (self.regencies[slug].id, year): (score, source)
            for slug, year, score, source in data.ASSESSMENTS
        }
        unit_scores = {
            (self.agencies[(slug, agency)].id, year): (score, source)
            for slug, agency, year, score, source in data.UNIT_RESULTS
        }
        self._add_scores(Assessment, "regency_id", regency_scores, "assessments")
        for (slug, year), (rank, rank_of) in data.ASSESSMENT_RANKS.items():
            assessment = self.session.execute(
                select(Assessment).where(
                    Assessment.regency_id == self.regencies[slug].id, Assessment.year == year
                )
            ).scalar_one()
            if assessment.rank is None:
                assessment.rank, assessment.rank_of = rank, rank_of
        self._add_scores(UnitResult, "agency_id", unit_scores, "unit results")
        self.session.flush()

    def _add_scores(
        self,
        model: type[Assessment | UnitResult],
        owner: str,
        scores: dict[tuple[int, int], tuple[str, str]],
        what: str,
    ) -> None:
        """Add the scores (by owner id and year) that are not there yet."""
        have = set(self.session.execute(select(getattr(model, owner), model.year)))
        for (owner_id, year), (score, source) in scores.items():
            if (owner_id, year) not in have:
                self.session.add(
                    model(**{owner: owner_id}, year=year, score=Decimal(score), source=source,
                          created_at=self.now)
                )  # fmt: skip
                self.added[what] += 1

    def add_notes(self) -> None:
        """Add the assessment notes the seed articles give "in general" (Sumbawa Barat 2018).

        Written here directly, like the scores: no page records a note yet.
        """
        regency = self.regencies["sumbawa-barat"]
        have = set(
            self.session.execute(
                select(AssessmentNote.code).where(
                    AssessmentNote.regency_id == regency.id,
                    AssessmentNote.year == data.KSB_NOTES_YEAR,
                )
            ).scalars()
        )
        for code, category, text in data.KSB_NOTES:
            if code in have:
                continue
            self.session.add(
                AssessmentNote(
                    regency_id=regency.id, year=data.KSB_NOTES_YEAR, category=category,
                    code=code, text=text, applies_to=data.KSB_NOTES_APPLY_TO,
                    source=data.KSB_SOURCE, created_at=self.now,
                )
            )  # fmt: skip
            self.added["assessment notes"] += 1
        self.session.flush()

    def add_commitments(self) -> None:
        """Let each seed regency's admin record the commitments and events its article reports.

        A commitment or event is there already when its regency has one with the same title;
        one dated after the load's local today waits for a later load, as a pact does.
        """

        def later(regency: Regency, day: str | None, year: int | None) -> bool:
            today = local_today(self.now, ZoneInfo(regency.timezone))
            return (day is not None and date.fromisoformat(day) > today) or (
                year is not None and year > today.year
            )

        have = set(self.session.execute(select(Commitment.regency_id, Commitment.title)))
        for c in data.COMMITMENTS:
            regency = self.regencies[c.regency]
            if (regency.id, c.title) in have or later(regency, c.signed_on, c.signed_year):
                continue
            details = CommitmentDetails(
                kind=c.kind, title=c.title,
                signed_on=date.fromisoformat(c.signed_on) if c.signed_on else None,
                signed_year=c.signed_year, place=c.place, parties=c.parties,
                signatories=c.signatories, commitments=c.commitments, note=c.note,
                target_kind=c.target_kind, target_year=c.target_year, source=c.source,
            )  # fmt: skip
            record_commitment(
                self.session, actor=self.admin(c.regency), regency_id=regency.id,
                details=details, now=self.now,
            )  # fmt: skip
            self.added["commitments"] += 1
        seen = set(self.session.execute(select(RegencyEvent.regency_id, RegencyEvent.title)))
        for e in data.EVENTS:
            regency = self.regencies[e.regency]
            if (regency.id, e.title) in seen or later(regency, e.happened_on, e.happened_year):
                continue
            event = EventDetails(
                kind=e.kind, title=e.title,
                happened_on=date.fromisoformat(e.happened_on) if e.happened_on else None,
                happened_year=e.happened_year, description=e.description, source=e.source,
            )  # fmt: skip
            record_event(
                self.session, actor=self.admin(e.regency), regency_id=regency.id, details=event,
                now=self.now,
            )  # fmt: skip
            self.added["events"] += 1
