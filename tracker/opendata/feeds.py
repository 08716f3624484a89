"""Atom feeds of public status changes, built with feedgen from the whitelisted audit events."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask_babel import gettext as _

from tracker import labels
from tracker.audit.labels import action_label
from tracker.i18n import format_day, format_number
from tracker.labels import DEMO_MARK
from tracker.opendata.queries import FeedEvent, pact_url
from tracker.pacts.rules import PactOutcome

# XML 1.0 cannot carry these control characters; a feed must never fail on a stray one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def host_of(base_url: str) -> str:
    """Return the host name of the install's public address (for tag: ids and calendar UIDs)."""
    return urlsplit(base_url).hostname or "localhost"


def entry_id(base_url: str, event: FeedEvent) -> str:
    """Return the entry's permanent id: a tag: URI from the host, the event's date and its id."""
    return f"tag:{host_of(base_url)},{event.at:%Y-%m-%d}:pantau-pakta/event/{event.id}"


def _subject(event: FeedEvent) -> str:
    if event.finding_title is not None:
        return f"{event.finding_title} ({event.agency_name}, {event.regency_name})"
    return f"{event.agency_name}, {event.regency_name}"


def _summary(event: FeedEvent) -> str:
    """Describe the change in a few lines, from public fields only."""
    lines = []
    d = event.details
    if event.action == "pact.recorded":
        who = ", ".join(x for x in (event.signatory_name, event.signatory_title) if x)
        lines.append(f"{_('Signatory')}: {who}")
        lines.append(f"{_('Signed')}: {format_day(event.signed_on)}")
        lines.append(f"{_('Deadline')}: {format_day(event.original_deadline_on)}")
        if "findings" in d:
            lines.append(f"{_('Findings')}: {_count_text(d['findings'])}")
    elif event.action == "pact.extended":
        lines.append(
            _(
                "Deadline moved from %(old)s to %(new)s.",
                old=_day_text(d.get("from")),
                new=_day_text(d.get("to")),
            )
        )
        if d.get("reason"):
            lines.append(f"{_('Reason')}: {d['reason']}")
    elif event.action == "pact.withdrawn":
        if d.get("reason"):
            lines.append(f"{_('Reason for withdrawal')}: {d['reason']}")
    elif event.action == "pact.reinstated":
        if d.get("reason"):
            lines.append(f"{_('Reason for undoing the withdrawal')}: {d['reason']}")
    elif event.action == "pact.outcome_recorded":
        lines.extend(_outcome_lines(d.get("after")))
    elif event.action == "pact.outcome_cleared":
        lines.append(_("The recorded outcome was cleared: the status follows the findings again."))
    else:
        lines.append(f"{_('Finding')}: {event.finding_title or '—'}")
        lines.append(f"{_('Agency')}: {event.agency_name}")
        if event.action == "finding.unresolvable" and d.get("note"):
            lines.append(f"{_('Why it cannot be followed up')}: {d['note']}")
    if event.outcome is PactOutcome.NOT_RECORDED and event.action != "pact.outcome_recorded":
        lines.append(not_recorded_text())
    return "\n".join(lines)


def not_recorded_text() -> str:
    """Say, in the current language, that no source reports how the pact ended."""
    return str(_("Outcome not recorded: the source does not report how this pact ended."))


def _outcome_lines(after: object) -> list[str]:
    """Describe a recorded outcome from its audit event's public part."""
    if not isinstance(after, dict):
        return []
    outcome = next((o for o in PactOutcome if o.value == after.get("outcome")), None)
    if outcome is None:
        return []
    if outcome is PactOutcome.NOT_RECORDED:
        lines = [not_recorded_text()]
    else:
        lines = [
            f"{_('Decision')}: {labels.PACT_OUTCOME[outcome]}",
            f"{_('Date of the decision')}: {_day_text(after.get('outcome_on'))}",
        ]
    if after.get("note"):
        lines.append(f"{_('Note')}: {after['note']}")
    return lines


def _count_text(value: object) -> str:
    return format_number(value) if isinstance(value, int) else str(value)


def _day_text(value: object) -> str:
    if isinstance(value, str):
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    return "—"


def build_feed(
    events: Sequence[FeedEvent],
    *,
    base_url: str,
    self_url: str,
    title: str,
    alternate_url: str,
    language: str,
    now: datetime,
) -> bytes:
    """Return the Atom document of the events (newest first), in the page's language."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(_clean(title))
    feed.subtitle(
        _("Pacts recorded, extended and withdrawn; findings sent, verified and returned.")
    )
    feed.author({"name": "Pantau Pakta"})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=alternate_url, rel="alternate", type="text/html")
    feed.language(language)
    feed.generator("Pantau Pakta")
    # With no events yet, "updated" is the current hour, like the feed's ETag.
    feed.updated(events[0].at if events else now.replace(minute=0, second=0, microsecond=0))
    for event in events:
        entry = feed.add_entry(order="append")
        entry.id(entry_id(base_url, event))
        title = f"{action_label(event.action)}: {_subject(event)}"
        entry.title(_clean(f"{DEMO_MARK} {title}" if event.is_demo else title))
        entry.updated(event.at)
        entry.published(event.at)
        entry.link(href=pact_url(base_url, event.pact_id), rel="alternate", type="text/html")
        entry.summary(_clean(_summary(event)))
        entry.category(term=event.action, label=action_label(event.action))
    document: bytes = feed.atom_str(pretty=True)
    return document
