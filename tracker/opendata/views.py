"""Open data for anyone, without an account or a cookie: exports, feeds, calendars, snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
    url_for,
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


# What an export is named after: its stem, then the filter's regency, status and year.
_Named = tuple[list[str], Iterable[dict[str, Any]]]


def _pacts(session: Session, args: Mapping[str, str]) -> _Named:
    # The pact lists' own reading of the query string: a download holds the list's rows.
    where = pact_queries.parse_pact_filter(session, args)
    status = where.status.value if where.status else None
    year = str(where.signed_year) if where.signed_year else None
    records = queries.pact_records(
        session,
        where=where,
        now=get_clock().now(),
        base_url=_base_url(),
        due_soon_days=due_soon_days(),
    )
    return [p for p in (where.regency_slug, status, year) if p], records


def _filtered(
    statuses: tuple[str, ...],
    read: Callable[[Session, queries.ExportFilter], Iterable[dict[str, Any]]],
) -> Callable[[Session, Mapping[str, str]], _Named]:
    def named(session: Session, args: Mapping[str, str]) -> _Named:
        f = queries.parse_filter(session, args, statuses=statuses)
        parts = [f.regency.slug if f.regency else None, f.status, str(f.year) if f.year else None]
        return [p for p in parts if p], read(session, f)

    return named


_DATASETS: dict[
    str, tuple[tuple[exports.Field, ...], Callable[[Session, Mapping[str, str]], _Named]]
]
_DATASETS = {
    "pakta": (exports.PACT_FIELDS, _pacts),
    "temuan": (
        exports.FINDING_FIELDS,
        _filtered(
            queries.FINDING_STATUSES,
            lambda session, f: queries.finding_records(
                session, export_filter=f, base_url=_base_url()
            ),
        ),
    ),
    # No status: a regency pact has none (its target has a state), an agreement neither.
    "komitmen": (
        commitments.COMMITMENT_FIELDS,
        _filtered((), lambda s, f: commitments.commitment_records(s, f, base_url=_base_url())),
    ),
    "kegiatan": (
        commitments.EVENT_FIELDS,
        _filtered((), lambda s, f: commitments.event_records(s, f, base_url=_base_url())),
    ),
}


def _disposition(stem: str, parts: list[str], suffix: str) -> str:
    return f'attachment; filename="{"-".join([stem, *parts])}.{suffix}"'


def _csv(stem: str) -> Response:
    fields, read = _DATASETS[stem]
    # The filter is read (and refused with a 400) before the answer starts streaming.
    parts, records = read(db_session(), request.args)
    body = stream_with_context(exports.csv_chunks(fields, records))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = _disposition(stem, parts, "csv")
    return response


def _xlsx(stem: str) -> Response:
    fields, read = _DATASETS[stem]
    parts, records = read(db_session(), request.args)
    # Built before the answer starts (an error is still a proper error page), on disk, then
    # streamed from the file: memory stays flat whatever the number of rows.
    handle, size = exports.xlsx_file(stem, fields, records)
    response = Response(
        exports.FileChunks(handle),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        direct_passthrough=True,
    )
    response.content_length = size
    response.headers["Content-Disposition"] = _disposition(stem, parts, "xlsx")
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


def _self_path(where: pact_queries.PactFilter, regency: Any) -> str:
    """The address of a feed with its filter (the regency's own feed names it in its path; a
    feed has no order of its own)."""
    args: dict[str, Any] = {k: v for k, v in where.args().items() if k not in ("sort", "dir")}
    if regency is None:
        return url_for("opendata.feed", **args)
    args.pop("regency", None)
    return url_for("opendata.regency_feed", slug=regency.slug, **args)


def _atom(regency_slug: str | None) -> Response:
    session = db_session()
    regency = queries.get_regency(session, regency_slug) if regency_slug else None
    # A pact list's filter (agency, status, year, search) keeps the changes of its pacts.
    where = pact_queries.parse_pact_filter(
        session, request.args, regency=(regency.id, regency.slug) if regency else None
    )
    pacts = None
    if where.conditions() != pact_queries.PactFilter(regency_id=where.regency_id).conditions():
        pacts = pact_queries.kept_by(
            session, where, now=get_clock().now(), due_soon_days=due_soon_days()
        )
    events = queries.list_feed_events(session, regency_id=where.regency_id, pacts=pacts)
    if regency is None:
        title = _("Pantau Pakta: status changes")
        alternate = f"{_base_url()}/"
    else:
        title = _("Pantau Pakta: status changes in %(regency)s", regency=regency.name)
        alternate = f"{_base_url()}/kabupaten/{regency.slug}"
    document = feeds.build_feed(
        events,
        base_url=_base_url(),
        self_url=_base_url() + _self_path(where, regency),
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
    """Document every dataset, its fields, filters, licence and how to cite a snapshot.

    ``regency``, ``year`` and ``q`` (the filters every dataset takes) narrow the download links,
    read as the downloads read them.
    """
    session = db_session()
    common = {k: v for k, v in request.args.items() if k in ("regency", "year", "q")}
    chosen = queries.parse_filter(session, common, statuses=())
    data_args = {
        k: v
        for k, v in {
            "regency": chosen.regency.slug if chosen.regency else None,
            "year": str(chosen.year) if chosen.year else None,
            "q": chosen.q,
        }.items()
        if v
    }
    return render_template(
        "opendata/index.html",
        field_types=exports.FIELD_KINDS,
        pact_fields=exports.PACT_FIELDS,
        finding_fields=exports.FINDING_FIELDS,
        commitment_fields=commitments.COMMITMENT_FIELDS,
        event_fields=commitments.EVENT_FIELDS,
        pact_statuses=queries.PACT_STATUSES,
        pact_sorts=pact_queries.PACT_SORTS,
        finding_statuses=queries.FINDING_STATUSES,
        regencies=list_regencies(session),
        chosen=chosen,
        data_args=data_args,
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
