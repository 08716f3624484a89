"""Open data of regency-wide commitments and events: CSV/XLSX records and an Atom feed.

Only public fields (DOMAIN.md section 10). A day the source does not give is an empty cell
(with the year alone in its own column when the source gives that); an invented demo record
says so in ``is_demo`` and in every feed entry's title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker import labels
from tracker.commitments.queries import CommitmentView, EventView, list_commitments, list_events
from tracker.i18n import format_day
from tracker.opendata.exports import Field
from tracker.opendata.feeds import host_of
from tracker.opendata.queries import ExportFilter

# XML 1.0 cannot carry these control characters; a feed must never fail on a stray one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DEMO = _l("true for records invented for the demo: never cite them.")

COMMITMENT_FIELDS = (
    Field(
        "commitment_id", "integer", _l("The commitment's number; its page is /komitmen/ and it.")
    ),
    Field("regency", "text", _l("The regency or city (pemda).")),
    Field("regency_slug", "text", _l("The regency's short name in addresses and filters.")),
    Field("kind", "code", _l("regency_pact (the regent's regency-wide pact), mou or cooperation.")),
    Field("title", "text", _l("The commitment's title, as the source names it.")),
    Field("signed_on", "date", _l("Signing date; empty when the source gives no day.")),
    Field("signed_year", "integer", _l("Signing year, also when the source gives no day.")),
    Field("place", "text", _l("Where it was signed; empty when the source does not say.")),
    Field("parties", "text", _l("The parties, separated by semicolons.")),
    Field(
        "signatories", "text", _l("Who signed, separated by semicolons, as the source names them.")
    ),
    Field("commitments", "text", _l("What was committed, separated by semicolons.")),
    Field("note", "text", _l("What else the source says of it.")),
    Field("target_kind", "code", _l("A regency pact's target: zone, grade, score or improve.")),
    Field("target_value", "text", _l("The zone, grade or score the target names.")),
    Field("target_year", "integer", _l("The assessment year the target names.")),
    Field(
        "target_state",
        "code",
        _l(
            "met, not_met, awaiting (the year's result is not recorded), not_assessed or "
            "undecidable; a regency pact is never overdue."
        ),
    ),
    Field("source", "text", _l("Where the record comes from.")),
    Field("is_demo", "boolean", _DEMO),
    Field("url", "text", _l("The commitment's public page.")),
)

EVENT_FIELDS = (
    Field("event_id", "integer", _l("The event's number.")),
    Field("regency", "text", _l("The regency or city (pemda).")),
    Field("regency_slug", "text", _l("The regency's short name in addresses and filters.")),
    Field("kind", "code", _l("mentoring, coordination or other.")),
    Field("title", "text", _l("What happened.")),
    Field("happened_on", "date", _l("The day; empty when the source gives none.")),
    Field("happened_year", "integer", _l("The year; empty when the source gives none.")),
    Field("description", "text", _l("What the source says of it.")),
    Field("source", "text", _l("Where the record comes from.")),
    Field("is_demo", "boolean", _DEMO),
    Field("url", "text", _l("The regency's public page, at its timeline of events.")),
)


def commitment_url(base_url: str, commitment_id: int) -> str:
    """Return the absolute address of a commitment's public page."""
    return f"{base_url.rstrip('/')}/komitmen/{commitment_id}"


def events_url(base_url: str, regency_slug: str) -> str:
    """Return the absolute address of a regency's timeline of events."""
    return f"{base_url.rstrip('/')}/kabupaten/{regency_slug}#kegiatan"


def commitment_record(c: CommitmentView, base_url: str) -> dict[str, Any]:
    """Return one commitment as an export row."""
    target = c.target
    return {
        "commitment_id": c.id,
        "regency": c.regency_name,
        "regency_slug": c.regency_slug,
        "kind": c.kind.value,
        "title": c.title,
        "signed_on": c.signed_on,
        "signed_year": c.year,
        "place": c.place,
        "parties": "; ".join(c.parties) or None,
        "signatories": "; ".join(c.signatories) or None,
        "commitments": "; ".join(c.commitments) or None,
        "note": c.note,
        "target_kind": target.kind.value if target else None,
        "target_value": target.value if target else None,
        "target_year": target.year if target else None,
        "target_state": target.state.value if target else None,
        "source": c.source,
        "is_demo": c.is_demo,
        "url": commitment_url(base_url, c.id),
    }


def event_record(e: EventView, base_url: str) -> dict[str, Any]:
    """Return one event as an export row."""
    return {
        "event_id": e.id,
        "regency": e.regency_name,
        "regency_slug": e.regency_slug,
        "kind": e.kind.value,
        "title": e.title,
        "happened_on": e.happened_on,
        "happened_year": e.happened_year,
        "description": e.description,
        "source": e.source,
        "is_demo": e.is_demo,
        "url": events_url(base_url, e.regency_slug),
    }


def commitment_records(
    session: Session, export_filter: ExportFilter, *, base_url: str
) -> Iterator[dict[str, Any]]:
    """Yield the commitments (filtered by regency, signing year and search) as export rows."""
    regency = export_filter.regency
    regency_id = regency.id if regency else None
    for c in list_commitments(session, regency_id=regency_id, q=export_filter.q):
        if export_filter.year is None or c.year == export_filter.year:
            yield commitment_record(c, base_url)


def event_records(
    session: Session, export_filter: ExportFilter, *, base_url: str
) -> Iterator[dict[str, Any]]:
    """Yield the events (filtered by regency, year and search) as export rows."""
    regency = export_filter.regency
    for e in list_events(session, regency_id=regency.id if regency else None, q=export_filter.q):
        if export_filter.year is None or e.happened_year == export_filter.year:
            yield event_record(e, base_url)


# --- the Atom feed of commitments and events -----------------------------------------------


def _when(day: Any, year: int | None) -> str:
    if day is not None:
        return format_day(day)
    if year is not None:
        return str(_("%(year)s (day not recorded)", year=year))
    return str(_("date not recorded"))


def _demo(title: str, is_demo: bool) -> str:
    return f"{labels.DEMO_MARK} {title}" if is_demo else title


def _commitment_summary(c: CommitmentView) -> str:
    lines = [f"{_('Signed')}: {_when(c.signed_on, c.signed_year)}"]
    if c.parties:
        lines.append(f"{_('Parties')}: {'; '.join(c.parties)}")
    if c.signatories:
        lines.append(f"{_('Signatories')}: {'; '.join(c.signatories)}")
    lines.extend(f"- {item}" for item in c.commitments)
    if c.target is not None:
        lines.append(f"{_('Target')} {c.target.year}: {labels.TARGET_STATE[c.target.state]}")
    lines.append(f"{_('Source')}: {c.source or '—'}")
    return "\n".join(lines)


def _event_summary(e: EventView) -> str:
    lines = [_when(e.happened_on, e.happened_year)]
    if e.description:
        lines.append(e.description)
    lines.append(f"{_('Source')}: {e.source or '—'}")
    return "\n".join(lines)


def build_commitment_feed(
    commitments: Sequence[CommitmentView],
    events: Sequence[EventView],
    *,
    base_url: str,
    self_url: str,
    title: str,
    alternate_url: str,
    language: str,
    now: datetime,
) -> bytes:
    """Return the Atom document of the commitments and events, last recorded or corrected first.

    An entry's time is when the record was entered or last corrected, never a signing hour no
    source gives; the day (or "date not recorded") is in its summary.
    """
    host = host_of(base_url)
    entries: list[tuple[datetime, str, str, str, str, str]] = []
    for c in commitments:
        at = (c.updated_at or c.recorded_at).replace(tzinfo=UTC)
        heading = f"{labels.COMMITMENT_KIND[c.kind]}: {c.title} ({c.regency_name})"
        entries.append(
            (
                at,
                f"tag:{host},{c.recorded_at:%Y-%m-%d}:pantau-pakta/commitment/{c.id}",
                _demo(heading, c.is_demo),
                commitment_url(base_url, c.id),
                _commitment_summary(c),
                c.kind.value,
            )
        )
    for e in events:
        at = (e.updated_at or e.recorded_at).replace(tzinfo=UTC)
        heading = f"{labels.EVENT_KIND[e.kind]}: {e.title} ({e.regency_name})"
        entries.append(
            (
                at,
                f"tag:{host},{e.recorded_at:%Y-%m-%d}:pantau-pakta/regency-event/{e.id}",
                _demo(heading, e.is_demo),
                events_url(base_url, e.regency_slug),
                _event_summary(e),
                e.kind.value,
            )
        )
    entries.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(_NOT_XML.sub("", title))
    feed.subtitle(
        _("Regency-wide pacts, MoUs, cooperation agreements, mentoring and coordination.")
    )
    feed.author({"name": "Pantau Pakta"})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=alternate_url, rel="alternate", type="text/html")
    feed.language(language)
    feed.generator("Pantau Pakta")
    feed.updated(entries[0][0] if entries else now.replace(minute=0, second=0, microsecond=0))
    for at, entry_id, heading, url, summary, term in entries:
        entry = feed.add_entry(order="append")
        entry.id(entry_id)
        entry.title(_NOT_XML.sub("", heading))
        entry.updated(at)
        entry.published(at)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.summary(_NOT_XML.sub("", summary))
        entry.category(term=term)
    document: bytes = feed.atom_str(pretty=True)
    return document
