"""Open data for anyone, without an account or a cookie: exports, feeds, calendars, snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.clock import get_clock
from tracker.commitments.queries import list_commitments, list_events
from tracker.errors import NotFound
from tracker.extensions import db_session
from tracker.opendata import calendars, commitments, exports, feeds, queries, snapshots
from tracker.pacts import queries as pact_queries
from tracker.regencies.queries import list_regencies
from tracker.settings import due_soon_days
from tracker.storage import get_file_store
from tracker.web.caching import conditional

bp = Blueprint("opendata", __name__)

# A snapshot's files never change: browsers and proxies may keep them for a year.
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
ATOM = "application/atom+xml; charset=utf-8"


def _config(key: str) -> Any:
    return current_app.config[key]


def _base_url() -> str:
    return str(_config("BASE_URL")).rstrip("/")


def _pacts(session: Session, export_filter: queries.ExportFilter) -> Iterator[dict[str, Any]]:
    return queries.pact_records(
        session,
        export_filter=export_filter,
        now=get_clock().now(),
        base_url=_base_url(),
        due_soon_days=due_soon_days(),
    )


def _findings(session: Session, export_filter: queries.ExportFilter) -> Iterator[dict[str, Any]]:
    return queries.finding_records(session, export_filter=export_filter, base_url=_base_url())


def _commitments(session: Session, export_filter: queries.ExportFilter) -> Iterator[dict[str, Any]]:
    return commitments.commitment_records(session, export_filter, base_url=_base_url())


def _events(session: Session, export_filter: queries.ExportFilter) -> Iterator[dict[str, Any]]:
    return commitments.event_records(session, export_filter, base_url=_base_url())


_Records = Callable[[Session, queries.ExportFilter], Iterable[dict[str, Any]]]
_DATASETS: dict[str, tuple[tuple[exports.Field, ...], tuple[str, ...], _Records]] = {
    "pakta": (exports.PACT_FIELDS, queries.PACT_STATUSES, _pacts),
    "temuan": (exports.FINDING_FIELDS, queries.FINDING_STATUSES, _findings),
    # No status: a regency pact has none (its target has a state), an agreement neither.
    "komitmen": (commitments.COMMITMENT_FIELDS, (), _commitments),
    "kegiatan": (commitments.EVENT_FIELDS, (), _events),
}


def _disposition(stem: str, export_filter: queries.ExportFilter, suffix: str) -> str:
    parts = [stem]
    if export_filter.regency is not None:
        parts.append(export_filter.regency.slug)
    if export_filter.status:
        parts.append(export_filter.status)
    if export_filter.year:
        parts.append(str(export_filter.year))
    return f'attachment; filename="{"-".join(parts)}.{suffix}"'


def _csv(stem: str) -> Response:
    fields, statuses, records = _DATASETS[stem]
    session = db_session()
    export_filter = queries.parse_filter(session, request.args, statuses=statuses)
    body = stream_with_context(exports.csv_chunks(fields, records(session, export_filter)))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = _disposition(stem, export_filter, "csv")
    return response


def _xlsx(stem: str) -> Response:
    fields, statuses, records = _DATASETS[stem]
    session = db_session()
    export_filter = queries.parse_filter(session, request.args, statuses=statuses)
    # Built before the answer starts (an error is still a proper error page), on disk, then
    # streamed from the file: memory stays flat whatever the number of rows.
    handle, size = exports.xlsx_file(stem, fields, records(session, export_filter))
    response = Response(
        exports.FileChunks(handle),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        direct_passthrough=True,
    )
    response.content_length = size
    response.headers["Content-Disposition"] = _disposition(stem, export_filter, "xlsx")
    return response


@bp.get("/data/pakta.csv")
@conditional()
def pacts_csv() -> Response:
    """Every pact (filterable by regency, status and year) as CSV, streamed."""
    return _csv("pakta")


@bp.get("/data/pakta.xlsx")
@conditional()
def pacts_xlsx() -> Response:
    """Every pact (filterable) as an Excel workbook."""
    return _xlsx("pakta")


@bp.get("/data/temuan.csv")
@conditional()
def findings_csv() -> Response:
    """Every finding of a pact (filterable by regency, status and year) as CSV, streamed."""
    return _csv("temuan")


@bp.get("/data/temuan.xlsx")
@conditional()
def findings_xlsx() -> Response:
    """Every finding of a pact (filterable) as an Excel workbook."""
    return _xlsx("temuan")


@bp.get("/data/komitmen.csv")
@conditional()
def commitments_csv() -> Response:
    """Every regency pact, MoU and cooperation agreement (by regency and year) as CSV."""
    return _csv("komitmen")


@bp.get("/data/komitmen.xlsx")
@conditional()
def commitments_xlsx() -> Response:
    """Every regency-wide commitment (filterable) as an Excel workbook."""
    return _xlsx("komitmen")


@bp.get("/data/kegiatan.csv")
@conditional()
def events_csv() -> Response:
    """Every mentoring visit, coordination channel and other event (filterable) as CSV."""
    return _csv("kegiatan")


@bp.get("/data/kegiatan.xlsx")
@conditional()
def events_xlsx() -> Response:
    """Every event (filterable) as an Excel workbook."""
    return _xlsx("kegiatan")


def _commitment_atom(regency_slug: str | None) -> Response:
    session = db_session()
    regency = queries.get_regency(session, regency_slug) if regency_slug else None
    regency_id = regency.id if regency else None
    if regency is None:
        title = _("Pantau Pakta: regency-wide commitments and events")
        alternate = f"{_base_url()}/"
    else:
        title = _("Pantau Pakta: commitments and events of %(regency)s", regency=regency.name)
        alternate = f"{_base_url()}/kabupaten/{regency.slug}#komitmen"
    document = commitments.build_commitment_feed(
        list_commitments(session, regency_id=regency_id),
        list_events(session, regency_id=regency_id),
        base_url=_base_url(),
        self_url=_base_url() + request.path,
        title=title,
        alternate_url=alternate,
        language=str(get_locale()),
        now=get_clock().now(),
    )
    return Response(document, headers={"Content-Type": ATOM})


@bp.get("/komitmen.atom")
@conditional()
def commitment_feed() -> Response:
    """Every regency's commitments and events, last recorded or corrected first, as Atom."""
    return _commitment_atom(None)


@bp.get("/kabupaten/<slug>/komitmen.atom")
@conditional()
def regency_commitment_feed(slug: str) -> Response:
    """One regency's commitments and events, as Atom."""
    return _commitment_atom(slug)


def _atom(regency_slug: str | None) -> Response:
    session = db_session()
    regency = queries.get_regency(session, regency_slug) if regency_slug else None
    events = queries.list_feed_events(session, regency_id=regency.id if regency else None)
    if regency is None:
        title = _("Pantau Pakta: status changes")
        alternate = f"{_base_url()}/"
    else:
        title = _("Pantau Pakta: status changes in %(regency)s", regency=regency.name)
        alternate = f"{_base_url()}/kabupaten/{regency.slug}"
    document = feeds.build_feed(
        events,
        base_url=_base_url(),
        self_url=_base_url() + request.path,
        title=title,
        alternate_url=alternate,
        language=str(get_locale()),
        now=get_clock().now(),
    )
    return Response(document, headers={"Content-Type": ATOM})


@bp.get("/feed.atom")
@conditional()
def feed() -> Response:
    """The newest public status changes of every regency, as Atom."""
    return _atom(None)


@bp.get("/kabupaten/<slug>/feed.atom")
@conditional()
def regency_feed(slug: str) -> Response:
    """The newest public status changes of one regency, as Atom."""
    return _atom(slug)


def _ics(document: bytes, filename: str) -> Response:
    response = Response(document, headers={"Content-Type": calendars.CONTENT_TYPE})
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/kabupaten/<slug>/tenggat.ics")
@conditional()
def regency_calendar(slug: str) -> Response:
    """Every pact deadline of a regency, as an iCalendar feed to subscribe to."""
    session = db_session()
    regency = queries.get_regency(session, slug)
    rows = pact_queries.list_pacts(
        session,
        now=get_clock().now(),
        regency_id=regency.id,
        due_soon_days=due_soon_days(),
    )
    versions = queries.pact_versions(session, regency_id=regency.id)
    document = calendars.build_calendar(
        # Two reads: a pact gone from the second (a hand fix in the database between them)
        # is left out of this answer rather than failing it.
        [(row, versions[row.id]) for row in rows if row.id in versions],
        name=_("Pact deadlines: %(regency)s", regency=regency.name),
        base_url=_base_url(),
    )
    return _ics(document, f"tenggat-{regency.slug}.ics")


@bp.get("/pakta/<int:pact_id>.ics")
@conditional()
def pact_calendar(pact_id: int) -> Response:
    """One pact's deadline as an iCalendar event."""
    session = db_session()
    detail = pact_queries.get_pact(
        session,
        pact_id=pact_id,
        now=get_clock().now(),
        due_soon_days=due_soon_days(),
    )
    version = queries.pact_versions(session, pact_id=pact_id).get(pact_id)
    if version is None:
        raise NotFound(_l("There is no pact with id %(id)s.", id=pact_id))
    document = calendars.build_calendar(
        [(detail.row, version)],
        name=_("Pact deadline: %(agency)s", agency=detail.row.agency_name),
        base_url=_base_url(),
    )
    return _ics(document, f"pakta-{pact_id}.ics")


@bp.get("/data")
@conditional()
def index() -> str:
    """Document every dataset, its fields, filters, licence and how to cite a snapshot."""
    session = db_session()
    return render_template(
        "opendata/index.html",
        field_types=exports.FIELD_KINDS,
        pact_fields=exports.PACT_FIELDS,
        finding_fields=exports.FINDING_FIELDS,
        commitment_fields=commitments.COMMITMENT_FIELDS,
        event_fields=commitments.EVENT_FIELDS,
        pact_statuses=queries.PACT_STATUSES,
        finding_statuses=queries.FINDING_STATUSES,
        regencies=list_regencies(session),
        latest=next(iter(snapshots.list_snapshots(session)), None),
        base_url=_base_url(),
        licence=snapshots.LICENCE,
        snapshot_timezone=snapshots.SNAPSHOT_TIMEZONE,
    )


@bp.get("/data/snapshot")
@conditional()
def snapshot_list() -> str:
    """Every weekly snapshot, newest first, with the SHA-256 of its manifest."""
    return render_template(
        "opendata/snapshots.html",
        snapshots=snapshots.list_snapshots(db_session()),
        base_url=_base_url(),
    )


@bp.get("/data/snapshot/<as_of>/<name>")
def snapshot_file(as_of: str, name: str) -> Response:
    """One file of a snapshot, exactly as written: immutable, with its SHA-256 as the ETag."""
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise NotFound(_("There is no snapshot of %(day)s.", day=as_of)) from None
    snapshot = snapshots.find_snapshot(db_session(), day)
    entry = snapshots.snapshot_file(snapshot, name) if snapshot else None
    if entry is None:
        raise NotFound(
            _("There is no file %(name)s in the snapshot of %(day)s.", name=name, day=as_of)
        )
    path = get_file_store().path(str(entry["storage_key"]))
    if not path.is_file():
        raise NotFound(
            _("There is no file %(name)s in the snapshot of %(day)s.", name=name, day=as_of)
        )
    response = send_file(
        path,
        mimetype=snapshots.content_type_of(name),
        etag=str(entry["sha256"]),
        max_age=IMMUTABLE_MAX_AGE,
        conditional=True,
        download_name=name,
        as_attachment=False,
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
