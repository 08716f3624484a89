"""The demo logins, created as the operator's command line creates accounts, and the demo's actors.

DEMO ONLY: every demo account's email ends in ".demo" and its password is data.DEMO_PASSWORD,
published. The demo's records are written by these accounts, each doing what its role may do
in the app: the superadmin adds the regencies, a regency's admin its agencies, pacts and
verdicts, an agency's OPD account the evidence of its findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.accounts.services import create_user
from tracker.auth.models import User, UserRole
from tracker.demo import data

_SEEDS = {seed.slug: seed for seed in data.REGENCIES}


@dataclass(frozen=True)
class DemoAccount:
    """A demo login (DEMO ONLY: its email ends in ".demo", its password is data.DEMO_PASSWORD)."""

    email: str
    role: UserRole
    regency: str | None = None
    agency: str | None = None

    @property
    def name(self) -> str:
        """Return the account's display name: its role and what it belongs to, marked demo."""
        seed = _SEEDS[self.regency] if self.regency else None
        what = seed.name if seed else "Pantau Pakta"
        if seed and self.agency:
            what = next(a.name for a in seed.agencies if a.slug == self.agency)
        return f"{self.role.value.capitalize()} (demo) {what}"


def admin_email(regency: str) -> str:
    """Return the email of a regency's demo admin (the regent's office)."""
    return f"admin@{regency}.demo"


def opd_email(regency: str, agency: str) -> str:
    """Return the email of an agency's demo OPD account."""
    return f"opd-{agency}@{regency}.demo"


def demo_accounts(working: Collection[tuple[str, str]]) -> list[DemoAccount]:
    """Describe the demo logins: a superadmin, and per regency an admin, an observer, OPD staff.

    A regency's first seed agency by slug has an OPD account (a choice that does not change when
    someone adds agencies later), and so has every agency in ``working``: only an agency's own
    staff send evidence for its findings.
    """
    accounts = [DemoAccount(data.DEMO_SUPERADMIN_EMAIL, UserRole.SUPERADMIN)]
    for seed in data.REGENCIES:
        staffed = {min(a.slug for a in seed.agencies)}
        staffed |= {agency for regency, agency in working if regency == seed.slug}
        accounts += [
            DemoAccount(admin_email(seed.slug), UserRole.ADMIN, seed.slug),
            DemoAccount(f"observer@{seed.slug}.demo", UserRole.OBSERVER, seed.slug),
        ]
        accounts += [
            DemoAccount(opd_email(seed.slug, a), UserRole.OPD, seed.slug, a)
            for a in sorted(staffed)
        ]
    return accounts


def has_real_accounts(session: Session) -> bool:
    """Tell whether the install has an account that is not a demo one (then it is no demo)."""
    real = select(User.id).where(~func.lower(User.email).like("%.demo")).limit(1)
    return session.execute(real).first() is not None


class Actors:
    """The demo accounts, by email, that act in the demo's history."""

    def __init__(self, session: Session, accounts: Sequence[DemoAccount]) -> None:
        self._session = session
        emails = [a.email for a in accounts]
        self._users = {
            u.email.lower(): u
            for u in session.execute(
                select(User).where(func.lower(User.email).in_(emails))
            ).scalars()
        }

    def add_missing(
        self, accounts: Sequence[DemoAccount], *, now: datetime, added: Counter[str]
    ) -> None:
        """Create the accounts not there yet, from the operator's command line (``actor=None``)."""
        for account in accounts:
            if account.email in self._users:
                continue
            self._users[account.email] = create_user(
                self._session, actor=None, email=account.email, name=account.name,
                role=account.role.value, password=data.DEMO_PASSWORD, now=now,
                regency_slug=account.regency, agency_slug=account.agency,
            )  # fmt: skip
            added["accounts"] += 1

    def get(self, email: str) -> User:
        """Return the demo account with this email."""
        return self._users[email]
