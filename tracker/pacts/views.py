"""Staff pages of pacts: record, extend, withdraw, timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker import labels, settings
from tracker.agencies.models import Agency
from tracker.audit.labels import action_label
from tracker.audit.queries import pact_timeline
from tracker.auth import policy
from tracker.auth.access import current_actor, login_required, requires
from tracker.auth.models import User
from tracker.clock import get_clock
from tracker.errors import Conflict, DomainError, Forbidden, NotFound
from tracker.extensions import db_session
from tracker.findings.catalogue import BY_CODE
from tracker.pacts import queries, services
from tracker.pacts.forms import (
    AddFindingsForm,
    ClearOutcomeForm,
    CorrectPactForm,
    ExtendForm,
    OutcomeForm,
    PactFilterForm,
    PactForm,
    ReinstateForm,
    WithdrawForm,
    add_finding_row,
)
from tracker.pacts.models import Pact
from tracker.pagination import parse_positive
from tracker.sorting import parse_sort
from tracker.storage import get_file_store
from tracker.web.forms import submit_form
from tracker.web.uploads import mark_too_large, on_too_large

bp = Blueprint("pacts", __name__)


def _agencies_of(actor: User) -> list[Agency]:
    return list(
        db_session()
        .execute(select(Agency).where(policy.agencies_visible_to(actor)).order_by(Agency.name))
        .scalars()
    )


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The pacts the user may read: searchable, filterable by agency and status, sortable.

    ``?regency=<slug>`` narrows the list (a superadmin's dashboard links so); the policy's scope
    still applies, so another regency's slug shows nothing.
    """
    actor = current_actor()
    agencies = _agencies_of(actor)
    form = PactFilterForm(formdata=request.args)
    form.agency.choices = [("", _l("All agencies"))] + [(str(a.id), a.name) for a in agencies]
    form.status.choices = [("", _l("All statuses"))] + [
        (s.value, label) for s, label in labels.PACT_STATUS.items()
    ]
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=10_000)
    if request.args and not form.validate():
        sort = parse_sort(request.args, allowed=queries.PACT_SORTS, default="signed")
        return render_template("pacts/index.html", form=form, page=None, sort=sort), 400
    # The same reading of the query string as the public lists and their downloads.
    where = queries.parse_pact_filter(db_session(), request.args)
    page = queries.page_pacts(
        db_session(),
        now=get_clock().now(),
        page=page_no,
        per_page=current_app.config["PAGE_SIZE"],
        scope=policy.pacts_visible_to(actor),
        due_soon_days=settings.due_soon_days(),
        **where.criteria(),
    )
    return render_template(
        "pacts/index.html",
        form=form,
        page=page,
        sort=where.sort,
        download=_public_filter(where, agencies),
    )


def _public_filter(where: queries.PactFilter, agencies: list[Agency]) -> queries.PactFilter | None:
    """The open-data filter holding the rows of a staff list: the list's own, narrowed to the
    agencies the account reads (one agency, or one regency), which the public filter names."""
    if not agencies:
        return None
    if where.agency_id is None and len(agencies) == 1:
        return replace(where, agency_id=agencies[0].id)
    regencies = {a.regency_id for a in agencies}
    if where.regency_id is None and len(regencies) == 1:
        return replace(
            where, regency_id=agencies[0].regency_id, regency_slug=agencies[0].regency.slug
        )
    return where


def _service_errors(form: Any, error: DomainError, rows: list[int]) -> None:
    """Put each field error of the service beside its field (findings[i] → the i-th used row)."""
    for name, reason in error.fields.items():
        if name.startswith("findings[") and "]." in name:
            index, field_name = name[len("findings[") :].split("].", 1)
            row = form.findings[rows[int(index)]].form
            target = getattr(row, field_name, None)
        else:
            target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, str(reason)]
        else:
            form.form_errors.append(str(reason))
    if not error.fields:
        form.form_errors.append(str(error.detail))


@bp.route("/baru", methods=["GET", "POST"])
@requires(policy.is_regency_admin)
def new() -> ResponseReturnValue:
    """Record a signed pact with its findings (the regent's office)."""
    actor = current_actor()
    form = PactForm().offer(_agencies_of(actor))
    if _adds_row(form):
        return render_template("pacts/new.html", form=form)
    used = [i for i, row in enumerate(form.findings) if not row.form.is_empty()]

    def record() -> Pact:
        return services.record_pact(
            db_session(),
            actor=actor,
            agency_id=form.agency_id.data,
            signatory_name=form.signatory_name.data,
            signatory_title=form.signatory_title.data,
            signed_on=form.signed_on.data,
            period_months=form.period_months.data,
            pledge=form.pledge.data,
            sanction=form.sanction.data,
            witnesses=form.witnesses.data,
            findings=[_finding_input(form.findings[i].form) for i in used],
            scan=(form.scan.data.read() if form.scan.data else None) or None,
            store=get_file_store(),
            now=get_clock().now(),
            target_kind=form.target_kind.data or None,
            target_value=form.target_value.data or None,
            target_year=form.target_year.data or None,
            outcome_not_recorded=bool(form.outcome_not_recorded.data),
        )

    return submit_form(
        form,
        record,
        render=lambda status: (render_template("pacts/new.html", form=form), status),
        done=lambda _: _l("The pact has been recorded."),
        to=lambda pact: url_for("pacts.detail", pact_id=pact.id),
        place=lambda form, error: _service_errors(form, error, used),
    )


def _adds_row(form: Any) -> bool:
    """Tell whether "Add another finding" was pressed: one more blank row, nothing saved.

    Works without JavaScript; what was typed stays (a chosen file must be chosen again).
    """
    if "add_row" not in request.form:
        return False
    if add_finding_row(form):
        form.findings[-1].form.code.choices = form.findings[0].form.code.choices
        form.findings[-1].form.category.choices = form.findings[0].form.category.choices
    else:
        form.form_errors.append(str(_l("No more rows can be added at once.")))
    return True


def _finding_input(row: Any) -> services.FindingInput:
    """Read one filled row of the pact form; a catalogue code fills a blank title and category."""
    entry = BY_CODE.get(row.code.data) if row.code.data else None
    return services.FindingInput(
        title=(row.title.data or "").strip() or (gettext(entry.title) if entry else ""),
        category=row.category.data or (entry.category.value if entry else None),
        description=row.description.data,
        code=row.code.data or None,
    )


def _render_detail(
    pact_id: int,
    *,
    status: int = 200,
    extend_form: ExtendForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    outcome_form: OutcomeForm | None = None,
    clear_form: ClearOutcomeForm | None = None,
    reinstate_form: ReinstateForm | None = None,
) -> tuple[str, int]:
    actor = current_actor()
    pact = services.load_pact(db_session(), actor=actor, pact_id=pact_id)
    detail = queries.get_pact(
        db_session(),
        pact_id=pact.id,
        now=get_clock().now(),
        due_soon_days=settings.due_soon_days(),
    )
    timeline = pact_timeline(db_session(), pact_id=pact.id, tz=pact.agency.regency.timezone)
    tz = ZoneInfo(pact.agency.regency.timezone)
    html = render_template(
        "pacts/detail.html",
        pact=detail,
        model=pact,
        extensions=pact.extensions,
        timeline=timeline,
        tz=tz,
        extend_form=extend_form or ExtendForm(formdata=None),
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        outcome_form=outcome_form or _outcome_form(formdata=None),
        clear_form=clear_form or ClearOutcomeForm(formdata=None),
        reinstate_form=reinstate_form or ReinstateForm(formdata=None),
        action_label=action_label,
    )
    return html, status


@bp.get("/<int:pact_id>")
@login_required
def detail(pact_id: int) -> ResponseReturnValue:
    """A pact: deadline and extensions, findings, scan, timeline, and the admin's actions."""
    return _render_detail(pact_id)


def _outcome_form(**kwargs: Any) -> OutcomeForm:
    choices = [(kind, str(OUTCOME_CHOICE_LABELS[kind])) for kind in services.OUTCOME_CHOICES]
    return OutcomeForm(**kwargs).offer(choices)


# The decisions as the form offers them (an extension is the regent's decision too).
OUTCOME_CHOICE_LABELS: dict[str, object] = {
    **{outcome.value: label for outcome, label in labels.PACT_OUTCOME.items()},
    services.EXTENDED: _l("Extended (a new deadline)"),
}


def _change(
    pact_id: int,
    form: Any,
    form_name: str,
    change: Callable[[], object],
    done: object,
    *,
    check: Callable[[], object] | None = None,
) -> ResponseReturnValue:
    """Submit a form of the pact's page: errors beside its fields, conflicts flashed on the page.

    ``form_name`` is the keyword _render_detail takes the form by; ``check`` loads the pact for
    the change (default: one the actor may extend or withdraw).
    """
    back = url_for("pacts.detail", pact_id=pact_id)
    return submit_form(
        form,
        change,
        render=lambda status: _render_detail(pact_id, status=status, **{form_name: form}),
        check=check
        or (
            lambda: services.load_pact_for_change(
                db_session(), actor=current_actor(), pact_id=pact_id
            )
        ),
        invalid_status=422,
        done=lambda _: done,
        to=back,
        back=back,
        flashed=(Conflict,),
    )


@bp.post("/<int:pact_id>/perpanjang")
@login_required
def extend(pact_id: int) -> ResponseReturnValue:
    """Move the deadline later, with a reason (the regent's office)."""
    form = ExtendForm()
    return _change(
        pact_id,
        form,
        "extend_form",
        lambda: services.extend_pact(
            db_session(),
            actor=current_actor(),
            pact_id=pact_id,
            new_deadline_on=form.new_deadline.data,
            reason=form.reason.data,
            now=get_clock().now(),
        ),
        _l("The deadline has been extended."),
    )


@bp.post("/<int:pact_id>/batalkan")
@login_required
def withdraw(pact_id: int) -> ResponseReturnValue:
    """Withdraw the pact with a reason; it stays on record (the regent's office)."""
    form = WithdrawForm()
    return _change(
        pact_id,
        form,
        "withdraw_form",
        lambda: services.withdraw_pact(
            db_session(),
            actor=current_actor(),
            pact_id=pact_id,
            reason=form.reason.data,
            now=get_clock().now(),
        ),
        _l("The pact has been withdrawn."),
    )


@bp.post("/<int:pact_id>/keputusan")
@login_required
def decide(pact_id: int) -> ResponseReturnValue:
    """Record (or correct) the regent's decision on the pact, or that no source reports its end."""
    form = _outcome_form()
    kind = form.kind.data or ""

    def decide() -> object:
        upload = form.document.data
        return services.record_outcome(
            db_session(),
            actor=current_actor(),
            pact_id=pact_id,
            kind=kind,
            decided_on=form.decided_on.data,
            note=form.note.data,
            document=(upload.read() if upload else None) or None,
            store=get_file_store(),
            new_deadline_on=form.new_deadline.data,
            reason=form.reason.data or "",
            now=get_clock().now(),
        )

    return _change(
        pact_id,
        form,
        "outcome_form",
        decide,
        _l("The deadline has been extended.")
        if kind == services.EXTENDED
        else _l("The outcome has been recorded."),
        check=lambda: services.load_pact_for_decision(
            db_session(), actor=current_actor(), pact_id=pact_id
        ),
    )


@bp.post("/<int:pact_id>/keputusan/hapus")
@login_required
def clear_outcome(pact_id: int) -> ResponseReturnValue:
    """Clear a recorded outcome entered by mistake: the status is derived again."""
    return _change(
        pact_id,
        ClearOutcomeForm(),
        "clear_form",
        lambda: services.clear_outcome(
            db_session(), actor=current_actor(), pact_id=pact_id, now=get_clock().now()
        ),
        _l("The recorded outcome has been cleared."),
        check=lambda: services.load_pact_for_decision(
            db_session(), actor=current_actor(), pact_id=pact_id
        ),
    )


@bp.get("/<int:pact_id>/pindaian")
@login_required
def scan(pact_id: int) -> ResponseReturnValue:
    """The scan of the signed paper, as a PDF download, for those who may read the pact."""
    pact = services.load_pact(db_session(), actor=current_actor(), pact_id=pact_id)
    if not pact.scan_storage_key:
        raise NotFound(_l("This pact has no scan."))
    path = get_file_store().path(pact.scan_storage_key)
    if not path.is_file():
        raise NotFound(_l("No such file."))
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"pakta-{pact.id}.pdf",
        etag=pact.scan_sha256 or True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- corrections after signing: add findings, correct a typo, undo a withdrawal ---------------


@bp.route("/<int:pact_id>/temuan-baru", methods=["GET", "POST"])
@login_required
def add_findings(pact_id: int) -> ResponseReturnValue:
    """Add findings to a signed pact that still runs (the regent's office)."""
    actor = current_actor()
    pact = services.load_pact(db_session(), actor=actor, pact_id=pact_id)
    if not policy.can_add_findings(actor, pact.agency):
        raise Forbidden(_l("Only the regent's office of this regency adds findings to its pacts."))
    form = AddFindingsForm().offer()

    def page(status: int) -> tuple[str, int]:
        return render_template("pacts/add_findings.html", form=form, pact=pact), status

    if _adds_row(form):
        return page(200)
    used = [i for i, row in enumerate(form.findings) if not row.form.is_empty()]
    back = url_for("pacts.detail", pact_id=pact_id)
    return submit_form(
        form,
        lambda: services.add_findings(
            db_session(),
            actor=actor,
            pact_id=pact_id,
            findings=[_finding_input(form.findings[i].form) for i in used],
            now=get_clock().now(),
        ),
        render=page,
        invalid_status=422,
        done=lambda added: _l("%(n)s finding(s) added to the pact.", n=len(added)),
        to=back,
        back=back,
        flashed=(Conflict,),
        place=lambda form, error: _service_errors(form, error, used),
    )


@bp.route("/<int:pact_id>/koreksi", methods=["GET", "POST"])
@login_required
def correct(pact_id: int) -> ResponseReturnValue:
    """Correct a typo in a pact, with a public reason (the regent's office)."""
    actor = current_actor()
    pact = services.load_pact(db_session(), actor=actor, pact_id=pact_id)
    if not policy.can_correct_pact(actor, pact.agency):
        raise Forbidden(_l("Only the regent's office of this regency corrects its pacts."))
    form = CorrectPactForm(obj=pact if request.method == "GET" else None)
    if request.method == "GET":
        form.reason.data = ""
    back = url_for("pacts.detail", pact_id=pact_id)
    return submit_form(
        form,
        lambda: services.correct_pact(
            db_session(),
            actor=actor,
            pact_id=pact_id,
            changes={name: getattr(form, name).data for name in services.PACT_CORRECTABLE},
            reason=form.reason.data,
            now=get_clock().now(),
        ),
        render=lambda status: (
            render_template("pacts/correct.html", form=form, pact=pact, model=pact),
            status,
        ),
        invalid_status=422,
        done=lambda _: _l("The pact has been corrected."),
        to=back,
        back=back,
        flashed=(Conflict,),
    )


@bp.post("/<int:pact_id>/pulihkan")
@login_required
def reinstate(pact_id: int) -> ResponseReturnValue:
    """Undo the withdrawal of a pact, with a reason (the regent's office)."""
    form = ReinstateForm()
    return _change(
        pact_id,
        form,
        "reinstate_form",
        lambda: services.reinstate_pact(
            db_session(),
            actor=current_actor(),
            pact_id=pact_id,
            reason=form.reason.data,
            now=get_clock().now(),
        ),
        _l("The withdrawal has been undone: the pact runs again."),
        check=lambda: services.load_pact_to_reinstate(
            db_session(), actor=current_actor(), pact_id=pact_id
        ),
    )


def _too_large_page() -> ResponseReturnValue | None:
    """The page of a refused oversized upload: the new-pact form or the decision's form."""
    args = request.view_args or {}
    if request.endpoint == "pacts.decide" and "pact_id" in args:
        form = mark_too_large(_outcome_form(formdata=None), "document")
        return _render_detail(int(args["pact_id"]), status=413, outcome_form=form)
    if request.endpoint == "pacts.new" and policy.is_regency_admin(current_actor()):
        form = mark_too_large(PactForm(formdata=None).offer(_agencies_of(current_actor())), "scan")
        return render_template("pacts/new.html", form=form), 413
    return None


on_too_large(bp, _too_large_page)
