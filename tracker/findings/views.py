"""Staff pages of findings: evidence, submission, verification."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from tracker import settings
from tracker.audit.labels import action_label
from tracker.auth import policy
from tracker.auth.access import current_actor, login_required, requires
from tracker.clock import get_clock
from tracker.errors import Conflict, Invalid, NotFound, TooLarge
from tracker.extensions import db_session
from tracker.findings import queries, services
from tracker.findings.catalogue import BY_CODE
from tracker.findings.forms import (
    ACCEPTED_FILES,
    EvidenceForm,
    PublishForm,
    ReopenForm,
    ReviewForm,
    SubmitForm,
    UnresolvableForm,
)
from tracker.findings.models import Finding
from tracker.findings.rules import ReviewDecision
from tracker.storage import JPEG, PDF, PNG, get_file_store
from tracker.web.forms import submit_form

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


@bp.get("/verifikasi")
@requires(policy.can_open_regency_overview)
def queue() -> ResponseReturnValue:
    """Findings of the regency awaiting verification, the oldest submission first."""
    rows = queries.list_verification_queue(
        db_session(), regency_id=policy.own_regency(current_actor()), now=get_clock().now()
    )
    return render_template("findings/queue.html", rows=rows)


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
            db_session(), actor=actor, evidence_id=evidence_id, public=public, now=get_clock().now()
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
