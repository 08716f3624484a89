"""iCalendar feeds of pact deadlines: one all-day event per pact, updated on extension.

Each event's UID is ``pakta-<id>@<host>`` and never changes; SEQUENCE counts the extensions
and the changes of the pact's recorded outcome (plus one once the pact is withdrawn), so a
calendar app replaces its copy when the deadline moves or an outcome is recorded. No event
carries an alarm: a settled pact (decided, outcome not recorded) reminds nobody of anything, and
its event says how it ended. A withdrawn pact stays in the feed with ``STATUS:CANCELLED``: an
app that imported the event removes or strikes it, where dropping it from the feed would leave
a stale deadline in calendars that imported a single event. Pacts without a signing date have
no deadline and no event. DTSTAMP and LAST-MODIFIED are the pact's last public change
(recorded, extended, withdrawn, outcome recorded or cleared), and an event holds nothing that
changes between those: no status, no count of closed findings (calendar apps keep an event
whose SEQUENCE did not move, so such a line would go stale there), only a link to the pact's
page for them. So a pact's event reads the same, byte for byte in one language, until its next
extension, outcome or withdrawal (a renamed agency or regency aside).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event, vText

from tracker import labels
from tracker.i18n import format_day
from tracker.labels import DEMO_MARK
from tracker.opendata.feeds import host_of, not_recorded_text
from tracker.opendata.queries import PactVersion, pact_url
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactOutcome, PactStatus

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar apps that honour it poll twice a day; deadlines do not move faster than that.
REFRESH = timedelta(hours=12)


def event_uid(pact_id: int, base_url: str) -> str:
    """Return the permanent UID of a pact's deadline event."""
    return f"pakta-{pact_id}@{host_of(base_url)}"


def _description(row: PactRow, url: str) -> str:
    who = ", ".join(x for x in (row.signatory_name, row.signatory_title) if x)
    lines = [
        f"{row.agency_name}, {row.regency_name}",
        f"{_('Signatory')}: {who}",
        f"{_('Signed')}: {format_day(row.signed_on)}",
    ]
    if row.is_extended:
        lines.append(f"{_('Original deadline')}: {format_day(row.original_deadline_on)}")
    # A recorded outcome changes the event's SEQUENCE (PactVersion.outcome_changes): it is said.
    if row.outcome is PactOutcome.NOT_RECORDED:
        lines.append(not_recorded_text())
    elif row.outcome is not None:
        lines.append(
            f"{_('The regent decided')}: {labels.PACT_OUTCOME[row.outcome]}"
            f" ({format_day(row.outcome_on)})"
        )
    # Status and findings change without an extension, so without a new SEQUENCE: the page
    # tells them as they are today.
    lines.append(_("Status and findings today: %(url)s", url=url))
    return "\n".join(lines)


def _event(row: PactRow, version: PactVersion, base_url: str) -> Event:
    withdrawn = row.status is PactStatus.WITHDRAWN
    url = pact_url(base_url, row.id)
    event = Event()
    event.add("uid", event_uid(row.id, base_url))
    event.add("dtstamp", version.last_modified)
    event.add("last-modified", version.last_modified)
    event.add("sequence", version.extensions + version.outcome_changes + (1 if withdrawn else 0))
    event.add("dtstart", row.deadline_on)
    event.add("dtend", row.deadline_on + timedelta(days=1) if row.deadline_on else None)
    if row.outcome is PactOutcome.NOT_RECORDED:
        summary = _("Pact deadline: %(agency)s (outcome not recorded)", agency=row.agency_name)
    elif row.outcome is not None:
        summary = _("Pact deadline: %(agency)s (decided by the regent)", agency=row.agency_name)
    else:
        summary = _("Pact deadline: %(agency)s", agency=row.agency_name)
    event.add("summary", summary)
    event.add("description", _description(row, url))
    if row.is_demo:
        # An invented demo pact says so wherever the event is shown.
        event["summary"] = f"{DEMO_MARK} {event['summary']}"
    event.add("url", url)
    event.add("status", "CANCELLED" if withdrawn else "CONFIRMED")
    # A deadline is a whole day to remember, not a meeting that blocks the diary.
    event.add("transp", "TRANSPARENT")
    return event


def build_calendar(
    items: Sequence[tuple[PactRow, PactVersion]], *, name: str, base_url: str
) -> bytes:
    """Return the iCalendar document of the pacts' deadlines (pacts without one are skipped)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Pantau Pakta//Tenggat pakta//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # As TEXT, escaped: icalendar writes an unknown or X- property raw, and a name holding a
    # line break (a regency or agency name typed with one) would end the content line.
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for row, version in items:
        if row.deadline_on is not None:
            calendar.add_component(_event(row, version, base_url))
    document: bytes = calendar.to_ical()
    return document
