"""Staff pages of findings: evidence, submission, verification."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker import settings
from tracker.audit.labels import action_label
from tracker.auth import policy
from tracker.auth.access import current_actor, login_required, requires
from tracker.clock import get_clock
from tracker.errors import BadFilter, Conflict, DomainError, Invalid, NotFound, TooLarge
from tracker.extensions import db_session
from tracker.findings import queries, services
from tracker.findings.bulk import Refusal, SomeRefused, approve_findings
from tracker.findings.catalogue import BY_CODE
from tracker.findings.forms import (
    ACCEPTED_FILES,
    BulkApproveForm,
    CorrectFindingForm,
    EvidenceForm,
    PublishForm,
    ReopenForm,
    ReviewForm,
    SubmitForm,
    UnresolvableForm,
)
from tracker.findings.models import Finding
from tracker.findings.previews import PREVIEW_TYPE, make_preview
from tracker.findings.rules import FindingCategory, FindingStatus, ReviewDecision
from tracker.pagination import paginate, parse_digits, parse_positive
from tracker.regencies.models import Regency
from tracker.sorting import parse_query, parse_sort
from tracker.storage import JPEG, PDF, PNG, get_file_store
from tracker.web.forms import show_errors, submit_form
from tracker.web.uploads import mark_too_large, on_too_large

bp = Blueprint("findings", __name__)

# Download names come from the stored type, never from what the client called the file.
_EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}


def _render(
    finding: Finding,
    *,
    status: int = 200,
    evidence_form: EvidenceForm | None = None,
    submit_form: SubmitForm | None = None,
    review_form: ReviewForm | None = None,
    publish_form: PublishForm | None = None,
    unresolvable_form: UnresolvableForm | None = None,
    reopen_form: ReopenForm | None = None,
) -> tuple[str, int]:
    """Render a finding's page with the forms its viewer may use."""
    actor = current_actor()
    page = queries.get_finding_page(
        db_session(),
        finding=finding,
        now=get_clock().now(),
        due_soon_days=settings.due_soon_days(),
        # Comments flagged internal are for those who read the whole regency, not the agency.
        include_internal=policy.can_read_internal_comments(actor, finding.agency),
    )
    works_on_it = policy.can_work_on_finding(actor, finding.agency)
    entry = BY_CODE.get(finding.code) if finding.code else None
    evidence_form = evidence_form or EvidenceForm(formdata=None)
    evidence_form.file.description = _l(
        "A JPEG or PNG photo, or a PDF document, of at most %(mb)s MB.",
        mb=int(current_app.config["MAX_UPLOAD_BYTES"]) // (1024 * 1024),
    )
    html = render_template(
        "findings/detail.html",
        page=page,
        can_add_evidence=policy.can_add_evidence(actor, finding),
        works_on_it=works_on_it,
        can_submit=policy.can_submit_finding(actor, finding),
        can_review=policy.can_review_now(actor, finding),
        can_publish=policy.can_publish_evidence(actor, finding.agency),
        can_declare_unresolvable=policy.can_declare_unresolvable_now(actor, finding),
        can_reopen=policy.can_reopen_now(actor, finding),
        can_correct=policy.can_correct_finding(actor, finding.agency),
        unresolvable_form=unresolvable_form or UnresolvableForm(formdata=None),
        reopen_form=reopen_form or ReopenForm(formdata=None),
        publish_form=publish_form or PublishForm(formdata=None),
        evidence_form=evidence_form,
        submit_form=submit_form or SubmitForm(formdata=None),
        review_form=review_form or ReviewForm(formdata=None),
        accepted_files=ACCEPTED_FILES,
        catalogue_title=gettext(entry.title) if entry else None,
        action_label=action_label,
    )
    return html, status


def _change(
    finding_id: int,
    form: Any,
    form_name: str,
    change: Callable[[], object],
    done: Callable[[], object],
    check: Callable[[], object],
) -> ResponseReturnValue:
    """Submit a form of the finding's page: errors beside its fields, conflicts flashed on it.

    ``form_name`` is the keyword _render takes the form by; ``done`` gives the flash message;
    ``check`` is the service's access check, run before the form is read.
    """
    back = url_for("findings.detail", finding_id=finding_id)
    return submit_form(
        form,
        change,
        render=lambda status: _render(_finding(finding_id), status=status, **{form_name: form}),
        done=lambda _: done(),
        to=back,
        back=back,
        check=check,
        invalid_status=422,
        shown=(Invalid, TooLarge),
        flashed=(Conflict,),
    )


def _finding(finding_id: int) -> Finding:
    return services.load_finding(db_session(), actor=current_actor(), finding_id=finding_id)


@bp.get("/<int:finding_id>")
@login_required
def detail(finding_id: int) -> ResponseReturnValue:
    """A finding with its evidence, decisions and timeline, and the forms its viewer may use."""
    return _render(_finding(finding_id))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The findings the user may read, narrowed by regency, agency, category and status,
    searched by title, code, agency or signatory (``q``), sorted by any column.

    The dashboard's counts link here (``?category=input&status=open``, ``?agency=3&open=1``),
    each to the list of exactly the findings it counts.
    """
    actor = current_actor()
    args = request.args
    try:
        category = FindingCategory(args["category"]) if args.get("category") else None
        status = FindingStatus(args["status"]) if args.get("status") else None
    except ValueError:
        raise BadFilter(_l("This filter has no such value.")) from None
    agency_id = parse_digits(args.get("agency", "")) if args.get("agency") else None
    if args.get("agency") and agency_id is None:
        raise BadFilter(_l("This filter has no such value."))
    regency_id = None
    if args.get("regency"):
        regency_id = (
            db_session().execute(select(Regency.id).where(Regency.slug == args["regency"])).scalar()
            or -1
        )
    sort = parse_sort(args, allowed=queries.FINDING_SORTS, default="agency")
    q = parse_query(args.get("q"))
    rows = queries.list_findings(
        db_session(),
        scope=policy.agencies_visible_to(actor),
        regency_id=regency_id,
        agency_id=agency_id,
        category=category,
        status=status,
        still_open=args.get("open") == "1",
        q=q,
        sort=sort,
    )
    page_no = parse_positive(args.get("page"), name="page", default=1, maximum=10_000)
    page = paginate(rows, page=page_no, per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "findings/index.html",
        page=page,
        sort=sort,
        q=q,
        category=category,
        status=status,
        still_open=args.get("open") == "1",
        agency_name=rows[0].agency_name if agency_id is not None and rows else None,
    )


@bp.get("/verifikasi")
@requires(policy.can_open_regency_overview)
def queue() -> ResponseReturnValue:
    """Findings of the regency awaiting verification, the oldest submission first."""
    return _render_queue(BulkApproveForm(formdata=None))


def _render_queue(
    form: BulkApproveForm, *, status: int = 200, refusals: Sequence[Refusal] = ()
) -> tuple[str, int]:
    """The queue with its search, sortable columns and the form approving several at once."""
    actor = current_actor()
    # A POST re-renders the queue as it was asked for (the form keeps the query string).
    sort = parse_sort(request.args, allowed=queries.QUEUE_SORTS, default="submitted")
    q = parse_query(request.args.get("q"))
    rows = queries.list_verification_queue(
        db_session(),
        regency_id=policy.own_regency(actor),
        now=get_clock().now(),
        due_soon_days=settings.due_soon_days(),
        q=q,
        sort=sort,
    )
    picked = {int(v) for v in request.form.getlist("finding") if v.isdigit()}
    html = render_template(
        "findings/queue.html",
        rows=rows,
        sort=sort,
        q=q or "",
        bulk_form=form,
        can_approve=policy.is_regency_admin(actor),
        picked=picked,
        refusals={r.finding_id: r.reason for r in refusals},
    )
    return html, status


@bp.post("/verifikasi/setujui")
@requires(policy.is_regency_admin)
def approve_several() -> ResponseReturnValue:
    """Approve the ticked findings with one comment: each its own decision, or none at all."""
    actor = current_actor()
    form = BulkApproveForm()
    ids = [int(v) for v in request.form.getlist("finding") if parse_digits(v) is not None]
    refused: list[Refusal] = []

    def place(form: BulkApproveForm, error: DomainError) -> None:
        if isinstance(error, SomeRefused):
            # Each refusal is listed beside its finding; the summary goes above the form.
            refused.extend(error.refusals)
            form.form_errors.append(str(error.detail))
        else:
            show_errors(form, error)

    args: dict[str, Any] = request.args.to_dict()
    back = url_for("findings.queue", **args)
    return submit_form(
        form,
        lambda: approve_findings(
            db_session(),
            actor=actor,
            finding_ids=ids,
            comment=form.comment.data,
            internal=bool(form.internal.data),
            now=get_clock().now(),
        ),
        render=lambda status: _render_queue(form, status=status, refusals=refused),
        done=lambda reviews: _l("%(n)s findings are verified and closed.", n=len(reviews)),
        to=back,
        back=back,
        invalid_status=422,
        place=place,
    )


@bp.post("/<int:finding_id>/bukti")
@login_required
def add_evidence(finding_id: int) -> ResponseReturnValue:
    """Upload a photo or PDF proving a fix (the agency's own staff)."""
    actor = current_actor()
    form = EvidenceForm()
    return _change(
        finding_id,
        form,
        "evidence_form",
        lambda: services.add_evidence(
            db_session(),
            actor=actor,
            finding_id=finding_id,
            data=form.file.data.read(),
            caption=form.caption.data,
            store=get_file_store(),
            now=get_clock().now(),
        ),
        lambda: _l("The evidence has been added."),
        lambda: services.load_finding_for(
            db_session(), actor=actor, finding_id=finding_id, action="add_evidence"
        ),
    )


@bp.post("/<int:finding_id>/ajukan")
@login_required
def submit(finding_id: int) -> ResponseReturnValue:
    """Send a finding to the regent's office for verification (the agency's own staff)."""
    actor = current_actor()
    form = SubmitForm()
    return _change(
        finding_id,
        form,
        "submit_form",
        lambda: services.submit_finding(
            db_session(),
            actor=actor,
            finding_id=finding_id,
            now=get_clock().now(),
            note=form.note.data,
        ),
        lambda: _l("The finding has been sent for verification."),
        lambda: services.load_finding_for(
            db_session(), actor=actor, finding_id=finding_id, action="submit"
        ),
    )


@bp.post("/<int:finding_id>/verifikasi")
@login_required
def review(finding_id: int) -> ResponseReturnValue:
    """Approve or return a submitted finding (the regent's office, never its own agency)."""
    actor = current_actor()
    form = ReviewForm()
    return _change(
        finding_id,
        form,
        "review_form",
        lambda: services.review_finding(
            db_session(),
            actor=actor,
            finding_id=finding_id,
            decision=form.decision.data,
            comment=form.comment.data,
            internal=bool(form.internal.data),
            now=get_clock().now(),
        ),
        lambda: (
            _l("The finding is verified and closed.")
            if form.decision.data == ReviewDecision.APPROVE.value
            else _l("The finding has been returned to the agency.")
        ),
        lambda: services.load_finding_for(
            db_session(), actor=actor, finding_id=finding_id, action="review"
        ),
    )


@bp.post("/<int:finding_id>/tidak-dapat-ditindaklanjuti")
@login_required
def declare_unresolvable(finding_id: int) -> ResponseReturnValue:
    """Declare that a finding cannot be followed up, with a public reason (the regent's office)."""
    actor = current_actor()
    form = UnresolvableForm()
    return _change(
        finding_id,
        form,
        "unresolvable_form",
        lambda: services.declare_unresolvable(
            db_session(),
            actor=actor,
            finding_id=finding_id,
            reason=form.reason.data,
            now=get_clock().now(),
        ),
        lambda: _l("The finding is recorded as impossible to follow up for now."),
        lambda: services.load_finding_for(
            db_session(), actor=actor, finding_id=finding_id, action="unresolvable"
        ),
    )


@bp.post("/<int:finding_id>/buka-kembali")
@login_required
def reopen(finding_id: int) -> ResponseReturnValue:
    """Take back "cannot be followed up": the finding is open again (the regent's office)."""
    actor = current_actor()
    form = ReopenForm()
    return _change(
        finding_id,
        form,
        "reopen_form",
        lambda: services.reopen_finding(
            db_session(),
            actor=actor,
            finding_id=finding_id,
            reason=form.reason.data,
            now=get_clock().now(),
        ),
        lambda: _l("The finding can be followed up again."),
        lambda: services.load_finding_for(
            db_session(), actor=actor, finding_id=finding_id, action="unresolvable"
        ),
    )


@bp.post("/bukti/<int:evidence_id>/publik")
@login_required
def publish_evidence(evidence_id: int) -> ResponseReturnValue:
    """Publish a piece of evidence on the public pact page, or take it off (the regent's office)."""
    actor = current_actor()
    finding_id = services.load_evidence_to_publish(
        db_session(), actor=actor, evidence_id=evidence_id
    ).finding_id
    form = PublishForm()
    public = form.public.data == "1"
    return _change(
        finding_id,
        form,
        "publish_form",
        lambda: services.set_evidence_public(
            db_session(),
            actor=actor,
            evidence_id=evidence_id,
            public=public,
            store=get_file_store(),
            now=get_clock().now(),
        ),
        lambda: (
            _l("The evidence is now shown on the public pact page.")
            if public
            else _l("The evidence is no longer shown on the public pact page.")
        ),
        lambda: None,
    )


@bp.get("/bukti/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int) -> ResponseReturnValue:
    """Send a stored evidence file as a download, to those who may read its finding."""
    evidence = queries.get_evidence(db_session(), actor=current_actor(), evidence_id=evidence_id)
    if evidence.storage_key is None or evidence.content_type not in _EXTENSIONS:
        raise NotFound(_l("This evidence has no stored file."))
    path = get_file_store().path(evidence.storage_key)
    if not path.is_file():
        raise NotFound(_l("No such file."))
    response = send_file(
        path,
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=f"bukti-{evidence.id}.{_EXTENSIONS[evidence.content_type]}",
        etag=evidence.sha256 or True,
        max_age=0,
    )
    # Our own name, quoted; the browser must never guess another type from the bytes.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="bukti-{evidence.id}.{_EXTENSIONS[evidence.content_type]}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/bukti/<int:evidence_id>/pratinjau")
@login_required
def evidence_preview(evidence_id: int) -> ResponseReturnValue:
    """A small JPEG of a photo or a PDF's first page, to those who may download the file.

    The same access check as the download (another agency or regency gets the same 404 as an
    unknown id). A file uploaded before previews existed gets one made on the fly, not stored
    (`flask evidence previews` stores them).
    """
    evidence = queries.get_evidence(db_session(), actor=current_actor(), evidence_id=evidence_id)
    if evidence.storage_key is None or evidence.content_type not in _EXTENSIONS:
        raise NotFound(_l("This evidence has no stored file."))
    store = get_file_store()
    data: bytes | None
    if evidence.preview_key is not None:
        data = store.read(evidence.preview_key)
    else:
        data = make_preview(store.read(evidence.storage_key), evidence.content_type).data
    if data is None:
        raise NotFound(_l("This file has no preview."))
    response = Response(data, mimetype=PREVIEW_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="pratinjau-{evidence.id}.jpg"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Private like the file itself: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/<int:finding_id>/koreksi", methods=["GET", "POST"])
@login_required
def correct(finding_id: int) -> ResponseReturnValue:
    """Correct a typo in a finding's title, description or dimension, with a public reason."""
    actor = current_actor()
    finding = services.load_finding_to_correct(db_session(), actor=actor, finding_id=finding_id)
    form = CorrectFindingForm(obj=finding if request.method == "GET" else None).offer()
    if request.method == "GET":
        form.category.data = finding.category.value
        form.reason.data = ""
    back = url_for("findings.detail", finding_id=finding_id)
    return submit_form(
        form,
        lambda: services.correct_finding(
            db_session(),
            actor=actor,
            finding_id=finding_id,
            changes={
                "title": form.title.data,
                "description": form.description.data,
                "category": form.category.data,
            },
            reason=form.reason.data,
            now=get_clock().now(),
        ),
        render=lambda status: (
            render_template("findings/correct.html", form=form, finding=finding),
            status,
        ),
        invalid_status=422,
        done=lambda _: _l("The finding has been corrected."),
        to=back,
        back=back,
        flashed=(Conflict,),
    )


def _too_large_page() -> ResponseReturnValue | None:
    """The finding's page with the refusal beside the evidence form's file field."""
    args = request.view_args or {}
    if request.endpoint != "findings.add_evidence" or "finding_id" not in args:
        return None
    form = mark_too_large(EvidenceForm(formdata=None), "file")
    return _render(_finding(int(args["finding_id"])), status=413, evidence_form=form)


on_too_large(bp, _too_large_page)
