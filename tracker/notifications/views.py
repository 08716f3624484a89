"""Staff pages of the outbox: every notice, one notice with its recipients, retry, attachment."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.dashboard.views import picked_regency
from tracker.errors import Conflict
from tracker.extensions import db_session
from tracker.notifications import monthly, queries, services
from tracker.notifications.forms import (
    RECIPIENT_STATE_LABELS,
    STATE_LABELS,
    OutboxFilterForm,
    kind_label,
)
from tracker.notifications.models import NotificationState
from tracker.pagination import parse_positive
from tracker.regencies.queries import list_regencies
from tracker.settings import due_soon_days
from tracker.sorting import parse_query, parse_sort
from tracker.web.forms import run_action

bp = Blueprint("notifications", __name__)
# The monthly report for the regent, on demand (the first digest of a month attaches it too).
monthly_bp = Blueprint("monthly", __name__)


# The mail's own HTML (inline styles, as mail needs) is served apart for the notice page's
# sandboxed frame: a document of no origin that runs no script and fetches nothing. The page
# itself keeps the site's policy (tracker.web.security), with no inline style.
_BODY_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
)


def _render(name: str, **context: object) -> str:
    return render_template(
        name,
        kind_label=kind_label,
        state_labels=STATE_LABELS,
        recipient_state_labels=RECIPIENT_STATE_LABELS,
        **context,
    )


@bp.get("/")
@requires(policy.can_read_regency_lists)
def outbox() -> ResponseReturnValue:
    """Every notice of the user's regency (a superadmin: of every regency), newest first."""
    scope = policy.regency_scope(current_actor())
    session = db_session()
    regencies = list_regencies(session) if scope is None else []
    form = OutboxFilterForm(formdata=request.args).offer(regencies)
    if scope is not None:
        # One regency's staff read one outbox: there is no regency to pick.
        del form.regency
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=10_000)
    sort = parse_sort(
        request.args, allowed=queries.OUTBOX_SORTS, default="created", descending=True
    )
    if request.args and not form.validate():
        return (
            _render("notifications/outbox.html", form=form, page=None, scope=scope, sort=sort),
            400,
        )
    by_slug = {r.slug: r.id for r in regencies}
    filters = queries.OutboxFilter(
        kind=form.kind.data or None,
        state=NotificationState(form.state.data) if form.state.data else None,
        pact_id=form.pact.data,
        regency_id=by_slug.get(form.regency.data or "") if scope is None else None,
        q=parse_query(form.q.data),
    )
    page = queries.page_outbox(
        session,
        scope_regency_id=scope,
        filters=filters,
        page=page_no,
        per_page=current_app.config["PAGE_SIZE"],
        sort=sort,
    )
    return _render("notifications/outbox.html", form=form, page=page, scope=scope, sort=sort)


@bp.get("/<int:notification_id>")
@requires(policy.can_read_regency_lists)
def notice(notification_id: int) -> ResponseReturnValue:
    """One notice: subject, bodies, recipients with their states, webhook, attachment."""
    actor = current_actor()
    session = db_session()
    regency_id = services.check_readable(session, actor=actor, notification_id=notification_id)
    detail = queries.get_notice(session, notification_id=notification_id)
    html = _render(
        "notifications/notice.html",
        notice=detail,
        can_retry=policy.can_retry_notice(actor, regency_id),
    )
    return html


@bp.get("/<int:notification_id>/isi")
@requires(policy.can_read_regency_lists)
def notice_body(notification_id: int) -> ResponseReturnValue:
    """The notice's HTML body as its recipient sees it, for the frame of the notice's page."""
    session = db_session()
    services.check_readable(session, actor=current_actor(), notification_id=notification_id)
    detail = queries.get_notice(session, notification_id=notification_id)
    if not detail.body_html:
        abort(404)
    headers = {"Content-Security-Policy": _BODY_CSP, "X-Frame-Options": "SAMEORIGIN"}
    return Response(detail.body_html, mimetype="text/html", headers=headers)


@bp.get("/<int:notification_id>/lampiran")
@requires(policy.can_read_regency_lists)
def attachment(notification_id: int) -> ResponseReturnValue:
    """Download the PDF attached to a notice (the escalation report)."""
    session = db_session()
    services.check_readable(session, actor=current_actor(), notification_id=notification_id)
    name, data = queries.get_attachment(session, notification_id=notification_id)
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:notification_id>/ulang")
@requires(policy.can_read_regency_lists)
def retry(notification_id: int) -> ResponseReturnValue:
    """Send a failed notice again: back to the delivery queue (the regent's office)."""
    back = url_for("notifications.notice", notification_id=notification_id)
    return run_action(
        lambda: services.retry_notice(
            db_session(),
            actor=current_actor(),
            notification_id=notification_id,
            now=get_clock().now(),
        ),
        done=lambda _: _l("The notice is queued to be sent again."),
        to=back,
        back=back,
        flashed=(Conflict,),
    )


@monthly_bp.get("/")
@requires(policy.can_download_monthly_report)
def monthly_report() -> ResponseReturnValue:
    """The regency's monthly report as of today, a PDF in the visitor's language.

    A superadmin's is of the regency picked with ``?regency=<slug>``, or of every regency, as
    on the dashboard.
    """
    now = get_clock().now()
    figures = monthly.load_monthly_figures(
        db_session(),
        regency_id=picked_regency(policy.regency_scope(current_actor())),
        now=now,
        due_soon_days=due_soon_days(),
    )
    return send_file(
        io.BytesIO(monthly.monthly_pdf(figures, generated_at=now)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=monthly.attachment_name(figures.today),
    )
