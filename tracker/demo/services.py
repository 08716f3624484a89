"""Load the demo data idempotently, through the services the pages and the API use.

Natural keys decide what is already there. Every record is written by the service a user of the
app would call, acting as the demo account whose role may do it (``demo.accounts``), with the
clock set to the day the seed gives (``demo.history``): the demo holds no state the app could
not reach. Hence an install with real accounts gets nothing: the demo's records need the demo's
accounts, whose password is published.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tracker.audit.services import record
from tracker.clock import local_today
from tracker.demo import data
from tracker.demo.accounts import Actors, DemoAccount, demo_accounts, has_real_accounts
from tracker.demo.history import load_pacts
from tracker.demo.scenario import demo_pacts, seed_pacts, working_agencies
from tracker.demo.tenants import Tenants
from tracker.storage import FileStore


@dataclass
class DemoReport:
    """What a load added (a second load adds nothing), and the demo accounts to try."""

    added: Counter[str] = field(default_factory=Counter)
    accounts: list[DemoAccount] = field(default_factory=list)
    # True when the install already has real accounts: then nothing is loaded.
    accounts_refused: bool = False

    def summary(self) -> str:
        """Say what was added, in one line."""
        if self.accounts_refused:
            return "Demo data not loaded: this install already has real accounts."
        if not self.added:
            return "Demo data already present: nothing added."
        parts = ", ".join(f"{n} {what}" for what, n in sorted(self.added.items()))
        return f"Demo data loaded: {parts}."


def load_demo(session: Session, *, now: datetime, store: FileStore | None = None) -> DemoReport:
    """Add whatever demo records are missing; flush, never commit.

    ``store`` keeps the evidence photos (the app's upload folder by default).
    """
    report = DemoReport()
    if has_real_accounts(session):
        # An install with real accounts is not a demo: never add known passwords to it.
        report.accounts_refused = True
        return report
    added = report.added
    # What happened is dated from each seed regency's local today.
    today_in = {s.slug: local_today(now, ZoneInfo(s.timezone)) for s in data.REGENCIES}
    plans = seed_pacts() + demo_pacts(today_in)
    report.accounts = demo_accounts(working_agencies(plans))
    actors = Actors(session, report.accounts)

    def add_accounts(belongs_to: Callable[[DemoAccount], bool]) -> None:
        accounts = [a for a in report.accounts if belongs_to(a)]
        actors.add_missing(accounts, now=now, added=added)

    tenants = Tenants(session, actors, now, added)
    # Each account is created once what it belongs to exists; each record by who may add it.
    add_accounts(lambda a: a.regency is None)
    tenants.add_regencies()
    add_accounts(lambda a: a.regency is not None and a.agency is None)
    tenants.add_agencies()
    add_accounts(lambda a: a.agency is not None)
    tenants.add_scores()
    tenants.add_notes()
    tenants.add_commitments()
    tenants.add_ladders()
    load_pacts(tenants, plans=plans, store=store)
    if added:
        record(
            session, actor=None, action="demo.loaded", target_type="install", target_id=0,
            regency_id=None, at=now, changes=dict(added),
        )  # fmt: skip
    session.flush()
    return report
