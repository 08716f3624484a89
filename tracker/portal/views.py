"""Public pages: home, the pact list, a regency, an agency, a pact, published evidence.

Every page answers conditional GETs (tracker.web.caching) and reads through the portal's
own public queries (tracker.portal.queries): no account, no cookie, nothing private.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import LazyString, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from tracker.assessments.queries import ResultView, pact_target
from tracker.audit.labels import ACTIONS
from tracker.clock import get_clock
from tracker.commitments.queries import get_commitment, list_commitments, list_events
from tracker.dashboard.queries import league_table
from tracker.errors import BadFilter
from tracker.extensions import db_session
from tracker.pacts.queries import (
    DEFAULT_SORT,
    PACT_SORTS,
    PactFilter,
    PactRow,
    page_pacts,
    parse_pact_filter,
)
from tracker.pagination import Page, paginate, parse_positive
from tracker.portal.charts import Bar, score_chart
from tracker.portal.forms import PactFilterForm, RegencyFilterForm
from tracker.portal.queries.agency import agency_page
from tracker.portal.queries.audit_head import daily_audit_head
from tracker.portal.queries.evidence import PublicFile, get_public_file
from tracker.portal.queries.home import home_overview
from tracker.portal.queries.pact import get_outcome_document, public_pact
from tracker.portal.queries.regency import by_agency, regency_page
from tracker.public_copies import public_etag, read_public_copy
from tracker.settings import due_soon_days
from tracker.sorting import Sort, parse_sort
from tracker.storage import PDF, get_file_store
from tracker.web.caching import conditional

bp = Blueprint("portal", __name__)

TIMELINE_LABELS: dict[str, LazyString] = {
    **ACTIONS,
    # An unpublished upload shows only as the status change it caused.
    "finding.in_progress": _l("Follow-up started"),
    # The signing, known by its date only.
    "pact.signed": _l("Pact signed"),
}

# A published file never changes (a new file is a new row), but it may be taken off the public
# page at any moment (a face, a name): caches keep it, yet ask each time whether it still is
# public (a 304 costs one query and no file access).


def _chart(scores: Sequence[ResultView], title: str, *, chart_id: str) -> Markup:
    """Draw published scores as a bar per year, each coloured by its zone (scored years only)."""
    return score_chart(
        [
            Bar(str(s.year), s.score, s.zone, format_decimal(s.score, "#,##0.00"))
            for s in scores
            if s.score is not None
        ],
        title=title,
        description=_("Scores from 0 to 100; each bar is coloured by its zone."),
        chart_id=chart_id,
    )


def _list_page(where: PactFilter, page_no: int) -> Page[PactRow]:
    """One page of the pacts ``where`` keeps, as its downloads hold them."""
    return page_pacts(
        db_session(),
        now=get_clock().now(),
        page=page_no,
        per_page=current_app.config["PAGE_SIZE"],
        due_soon_days=due_soon_days(),
        **where.criteria(),
    )


@bp.get("/")
@conditional()
def home() -> tuple[str, int]:
    """Show the regencies, the nearest and the most overdue deadlines, then every pact
    (searchable, filterable by regency and status, sortable, downloadable as filtered)."""
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=10_000)
    overview = home_overview(db_session(), now=get_clock().now(), due_soon_days=due_soon_days())
    form = PactFilterForm.build(request.args, overview.regencies)
    valid = not request.args or form.validate()
    page = where = None
    if valid:
        # One reading of the query string for the list and its downloads.
        where = parse_pact_filter(db_session(), request.args)
        page = _list_page(where, page_no)
    html = render_template(
        "portal/home.html",
        form=form,
        page=page,
        overview=overview,
        where=where,
        sort=where.sort if where else _sort_shown(request.args),
    )
    return html, 200 if valid else 400


def _sort_shown(args: MultiDict[str, str], default: Sort = DEFAULT_SORT) -> Sort | None:
    """The order a page with a refused filter still shows in its headers (None: none valid)."""
    try:
        return parse_sort(args, allowed=PACT_SORTS, default=default.key)
    except BadFilter:
        return None


# The regency page lists its pacts by agency unless the visitor sorts them otherwise.
BY_AGENCY = Sort("agency", descending=False, chosen=False)


@bp.get("/kabupaten/<slug>")
@conditional()
def regency(slug: str) -> tuple[str, int]:
    """Show a regency's pacts by agency (searchable, filterable, sortable, downloadable), its
    assessment history and its verification speed."""
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=10_000)
    session = db_session()
    # The pact lists' one reading of the query string (the page's own regency, not a parameter).
    args = request.args.copy()
    args.pop("regency", None)
    refused: BadFilter | None = None
    try:
        asked = parse_pact_filter(session, args, default_sort=BY_AGENCY)
    except BadFilter as error:
        asked, refused = None, error
    data = regency_page(
        session, slug=slug, now=get_clock().now(), due_soon_days=due_soon_days(), where=asked
    )
    form = RegencyFilterForm.build(request.args, data.years)
    valid = not request.args or form.validate()
    if valid and refused is not None:
        # Not a field of the form (a sort, say): the error page says what is wrong.
        raise refused
    page = groups = where = None
    if valid and asked is not None and data.listed is not None:
        where = replace(asked, regency_id=data.id, regency_slug=data.slug)
        page = paginate(data.listed, page=page_no, per_page=current_app.config["PAGE_SIZE"])
        # Sorted by agency (the default), each agency's pacts under its name; else one table.
        groups = by_agency(page.items) if where.sort.key == "agency" else None
    chart = _chart(
        data.assessments,
        _("Compliance score of %(regency)s by year", regency=data.name),
        chart_id="score-chart",
    )
    html = render_template(
        "portal/regency.html",
        regency=data,
        form=form,
        page=page,
        groups=groups,
        where=where,
        sort=where.sort if where else _sort_shown(request.args, BY_AGENCY),
        chart=chart,
        commitments=list_commitments(session, regency_id=data.id),
        events=list_events(session, regency_id=data.id),
        league=league_table(
            session,
            regency_id=data.id,
            now=get_clock().now(),
            due_soon_days=due_soon_days(),
            pacts=data.pacts,
            today=data.today,
        ),
    )
    return html, 200 if valid else 400


@bp.get("/komitmen/<int:commitment_id>")
@conditional()
def commitment(commitment_id: int) -> str:
    """Show a regency-wide commitment: who signed what, when, and for a regency pact its target."""
    data = get_commitment(db_session(), commitment_id=commitment_id)
    return render_template("portal/commitment.html", commitment=data)


@bp.get("/opd/<int:agency_id>")
@conditional()
def agency(agency_id: int) -> str:
    """Show an agency's pacts over the years (or sorted by any column, downloadable as shown)
    and its unit scores."""
    where = parse_pact_filter(db_session(), request.args, agency_id=agency_id)
    data = agency_page(
        db_session(),
        agency_id=agency_id,
        now=get_clock().now(),
        due_soon_days=due_soon_days(),
        where=where,
    )
    chart = _chart(
        data.unit_scores,
        _("Compliance score of %(agency)s by year", agency=data.name),
        chart_id="unit-chart",
    )
    return render_template(
        "portal/agency.html", agency=data, chart=chart, where=where, sort=where.sort
    )


@bp.get("/pakta/<int:pact_id>")
@conditional()
def pact(pact_id: int) -> str:
    """Show one pact: who promised what, by when, what happened since, and the proof."""
    data = public_pact(
        db_session(), pact_id=pact_id, now=get_clock().now(), due_soon_days=due_soon_days()
    )
    url = current_app.config["BASE_URL"].rstrip("/") + request.path
    share_text = _("Integrity pact: %(title)s", title=data.title) + " " + url
    return render_template(
        "portal/pact.html",
        pact=data,
        public_url=url,
        share_url="https://wa.me/?text=" + quote(share_text, safe=""),
        findings_by_id={f.id: f.title for f in data.findings},
        target=pact_target(db_session(), pact_id),
        timeline_labels=TIMELINE_LABELS,
        audit_head=daily_audit_head(
            db_session(),
            regency_slug=data.row.regency_slug,
            tz=data.row.regency_timezone,
            now=get_clock().now(),
        ),
    )


def _public_file(found: PublicFile, name: str) -> Response:
    """Serve the metadata-free copy of a public file (evidence, a decision's document)."""
    if found.sha256 and request.if_none_match.contains_weak(public_etag(found.sha256)):
        # The visitor's copy is current: answered without reading the file.
        return _cacheable(current_app.response_class(status=304), public_etag(found.sha256))
    # Made when it was published; never converted on a visitor's request.
    copy = read_public_copy(
        get_file_store(), sha256=found.sha256 or "", content_type=found.content_type
    )
    response = current_app.response_class(copy.data, mimetype=copy.content_type)
    # A photo shows in the page; a PDF is downloaded rather than opened in the site's origin.
    disposition = "attachment" if copy.content_type == PDF else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}.{copy.extension}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    _cacheable(response, copy.etag)
    response.make_conditional(request)
    return response


@bp.get("/pakta/<int:pact_id>/keputusan.pdf")
def outcome_document(pact_id: int) -> Response:
    """Serve the document of the regent's recorded decision on a pact, without its metadata."""
    found = get_outcome_document(db_session(), pact_id=pact_id)
    return _public_file(found, f"keputusan-{found.id}")


def _cacheable(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response


@bp.get("/bukti/<int:evidence_id>")
def evidence_file(evidence_id: int) -> Response:
    """Serve a published evidence file, re-encoded without metadata; 404 if unpublished."""
    found = get_public_file(db_session(), evidence_id=evidence_id)
    return _public_file(found, f"bukti-{found.id}")
