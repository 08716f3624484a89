"""Who is told what: the addressees of each kind of notice, grouped by their language.

- reminders: the agency's active OPD accounts and the agency head (``Agency.head_email``);
- escalation rung n: the regency's escalation contacts on rung n, on rung 1 also the regency's
  active admin accounts; a rung with no contacts (rungs 2 and 3 until someone is put there)
  goes to the admin accounts instead, so that someone on the regent's side hears of it. Copied
  to the agency head (to the agency's OPD accounts without one). A rung with nobody to address
  it to (no contact and no active admin) has no audience at all: it is not written, and each
  sweep tries again, rather than spend the rung on a copy to the agency alone;
- fulfilment: the agency's accounts and head, the regency's admins, and the contacts of every
  rung already sent for the pact;
- digest: the regency's active admin accounts.

Agency heads and ladder contacts have no account: they get their own copy of a notice, whose
links go to public pages only, while account holders on the same notice get staff links
(``compose.copies``). Languages come from ``User.locale`` and
``EscalationContact.locale``; agency heads read Indonesian. A language the install does not
offer falls back to the default.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.auth import policy
from tracker.auth.models import User
from tracker.notifications.outbox import Recipient
from tracker.notifications.rules import DEFAULT_LANGUAGE
from tracker.regencies.models import EscalationContact

# Language -> addressees, the default language first.
Audience = dict[str, list[Recipient]]


@dataclass(frozen=True)
class Person:
    """Someone who can be told: address, name, language."""

    email: str
    name: str
    lang: str
    # Whether the person signs in (staff links work for them) or not (heads, ladder contacts).
    account: bool = True


@dataclass
class Directory:
    """Everyone notices can go to, loaded in a few queries and then looked up in memory."""

    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    admins: dict[int, list[Person]] = field(default_factory=dict)
    opd_staff: dict[int, list[Person]] = field(default_factory=dict)
    heads: dict[int, Person] = field(default_factory=dict)
    contacts: dict[tuple[int, int], list[Person]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, *, languages: Sequence[str] = (DEFAULT_LANGUAGE,)) -> Directory:
        """Read active admin and OPD accounts, agency heads and escalation contacts."""
        directory = cls(languages=tuple(languages))
        admins: dict[int, list[Person]] = defaultdict(list)
        staff: dict[int, list[Person]] = defaultdict(list)
        accounts = session.execute(
            select(User.email, User.name, User.locale, User.role, User.regency_id, User.agency_id)
            .where(User.is_active.is_(True), User.role.in_(policy.NOTICE_ROLES))
            .order_by(User.id)
        )
        for email, name, locale, role, regency_id, agency_id in accounts:
            person = Person(email, name, directory.language(locale))
            scope = policy.notice_scope(role, regency_id, agency_id)
            if scope is not None:
                (admins if scope[0] == "regency" else staff)[scope[1]].append(person)
        heads = session.execute(
            select(Agency.id, Agency.head_email, Agency.head_name).where(
                Agency.head_email.is_not(None), Agency.head_email != ""
            )
        )
        for head_agency_id, head_email, head_name in heads:
            directory.heads[head_agency_id] = Person(
                head_email or "", head_name or "", DEFAULT_LANGUAGE, account=False
            )
        contacts: dict[tuple[int, int], list[Person]] = defaultdict(list)
        rows = session.execute(
            select(
                EscalationContact.regency_id,
                EscalationContact.rung,
                EscalationContact.email,
                EscalationContact.name,
                EscalationContact.title,
                EscalationContact.locale,
            ).order_by(EscalationContact.rung, EscalationContact.id)
        )
        for regency_id, rung, email, name, title, locale in rows:
            label = f"{name} ({title})" if title else name
            contacts[(regency_id, rung)].append(
                Person(email, label, directory.language(locale), account=False)
            )
        directory.admins = dict(admins)
        directory.opd_staff = dict(staff)
        directory.contacts = dict(contacts)
        return directory

    def language(self, locale: str | None) -> str:
        """Return the language a person is written to in: theirs if offered, else the default."""
        return locale if locale in self.languages else DEFAULT_LANGUAGE

    def _agency_people(self, agency_id: int) -> list[Person]:
        head = self.heads.get(agency_id)
        return [*self.opd_staff.get(agency_id, []), *([head] if head else [])]

    def reminder(self, agency_id: int) -> Audience:
        """Return the addressees of a reminder: the agency's OPD accounts and its head."""
        return group(to=self._agency_people(agency_id))

    def escalation(self, regency_id: int, agency_id: int, rung: int) -> Audience:
        """Return the addressees of escalation rung ``rung``, with the agency head in copy.

        Rung 1 goes to its contacts and the regency's admins; a higher rung to its contacts,
        or to the admins when it has none. Empty when nobody would be addressed ("to"): a
        copy to the agency alone would use the rung up without telling the regent's side.
        """
        to = list(self.contacts.get((regency_id, rung), []))
        if rung == 1 or not to:
            to.extend(self.admins.get(regency_id, []))
        if not to:
            return {}
        head = self.heads.get(agency_id)
        cc = [head] if head else list(self.opd_staff.get(agency_id, []))
        return group(to=to, cc=cc)

    def fulfilment(self, regency_id: int, agency_id: int, rungs_sent: Iterable[int]) -> Audience:
        """Return the addressees of a fulfilment notice: everyone told about the pact before."""
        to = [*self._agency_people(agency_id), *self.admins.get(regency_id, [])]
        for rung in sorted(set(rungs_sent)):
            to.extend(self.contacts.get((regency_id, rung), []))
        return group(to=to)

    def digest(self, regency_id: int) -> Audience:
        """Return the addressees of a regency's weekly digest: its active admins."""
        return group(to=self.admins.get(regency_id, []))


def group(*, to: Iterable[Person], cc: Iterable[Person] = ()) -> Audience:
    """Group people by language, each address once ("to" wins over "cc"), default language first."""
    seen: set[str] = set()
    audience: Audience = {}
    for role, people in (("to", to), ("cc", cc)):
        for person in people:
            address = person.email.strip()
            if not address or address.lower() in seen:
                continue
            seen.add(address.lower())
            audience.setdefault(person.lang, []).append(
                Recipient(email=address, name=person.name, role=role, account=person.account)
            )
    ordered = sorted(audience, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang))
    return {lang: audience[lang] for lang in ordered}
