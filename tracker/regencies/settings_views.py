"""Staff pages of a regency's notification settings: the escalation ladder and the webhook."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.regencies import settings
from tracker.regencies.models import Regency
from tracker.regencies.queries import list_regencies
from tracker.regencies.settings_forms import RUNG_LABELS, ContactForm, WebhookForm
from tracker.web.forms import run_action, submit_form

bp = Blueprint("settings", __name__)

T = TypeVar("T")

# The page shows the webhook secret: never keep it in a cache.
_NO_STORE = {"Cache-Control": "no-store"}


def _regency(slug: str) -> Regency:
    """Return the regency named in the URL if the user manages its settings (404 / 403)."""
    return settings.load_regency_for_settings(db_session(), actor=current_actor(), slug=slug)


def _render(
    regency: Regency,
    *,
    contact_form: ContactForm | None = None,
    webhook_form: WebhookForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    session = db_session()
    contacts = settings.list_escalation_contacts(session, regency_id=regency.id)
    if webhook_form is None:
        webhook_form = WebhookForm(formdata=None, data={"url": regency.webhook_url or ""})
    html = render_template(
        "regencies/settings/notifications.html",
        regency=regency,
        rungs=[
            (n, label, [c for c in contacts if c.rung == n]) for n, label in RUNG_LABELS.items()
        ],
        admins=settings.list_regency_admins(session, regency_id=regency.id),
        contact_form=contact_form or ContactForm(formdata=None),
        webhook_form=webhook_form,
    )
    return html, status, _NO_STORE


@bp.get("/")
@requires(policy.can_administer)
def index() -> ResponseReturnValue:
    """The admin's own regency; a superadmin first picks a regency."""
    regency_id = policy.regency_scope(current_actor())
    session = db_session()
    if regency_id is None:
        return render_template("regencies/settings/pick.html", regencies=list_regencies(session))
    slug = session.get_one(Regency, regency_id).slug
    return redirect(url_for("settings.notifications", slug=slug))


@bp.get("/<slug>")
@requires(policy.can_administer)
def notifications(slug: str) -> ResponseReturnValue:
    """The escalation ladder and the webhook of one regency."""
    return _render(_regency(slug))


def _submit(
    slug: str,
    form: ContactForm | WebhookForm,
    change: Callable[..., T],
    *,
    done: Callable[[T], object],
    shown_as: str,
) -> ResponseReturnValue:
    """Submit a form of the settings page, then go back to the page.

    ``change`` (a service of tracker.regencies.settings) gets the regency named in the URL, the
    signed-in admin and now; on refusal the page shows the form (its keyword: ``shown_as``).
    """
    regency = _regency(slug)
    return submit_form(
        form,
        lambda: change(
            db_session(), actor=current_actor(), regency_id=regency.id, now=get_clock().now()
        ),
        done=done,
        to=url_for("settings.notifications", slug=regency.slug),
        render=lambda status: _render(regency, status=status, **{shown_as: form}),
    )


@bp.post("/<slug>/kontak")
@requires(policy.can_administer)
def add_contact(slug: str) -> ResponseReturnValue:
    """Put a person on a rung of the ladder."""
    form = ContactForm()
    return _submit(
        slug,
        form,
        partial(
            settings.add_escalation_contact,
            rung=form.rung.data,
            name=form.name.data,
            title=form.title.data,
            email=form.email.data,
            locale=form.locale.data or "",
        ),
        done=lambda contact: _l(
            "%(name)s has been added to rung %(rung)s.", name=contact.name, rung=contact.rung
        ),
        shown_as="contact_form",
    )


@bp.post("/<slug>/kontak/<int:contact_id>/hapus")
@requires(policy.can_administer)
def remove_contact(slug: str, contact_id: int) -> ResponseReturnValue:
    """Take a person off the ladder."""
    regency = _regency(slug)
    return run_action(
        lambda: settings.remove_escalation_contact(
            db_session(),
            actor=current_actor(),
            regency_id=regency.id,
            contact_id=contact_id,
            now=get_clock().now(),
        ),
        done=lambda contact: _l("%(name)s has been removed from the ladder.", name=contact.name),
        to=url_for("settings.notifications", slug=regency.slug),
    )


@bp.post("/<slug>/webhook")
@requires(policy.can_administer)
def save_webhook(slug: str) -> ResponseReturnValue:
    """Set or remove the webhook address."""
    form = WebhookForm()
    return _submit(
        slug,
        form,
        partial(settings.set_webhook, url=form.url.data),
        done=lambda changed: (
            _l("The webhook has been saved. Give its secret to the gateway.")
            if changed.webhook_url
            else _l("The webhook has been removed: notices go by email only.")
        ),
        shown_as="webhook_form",
    )


@bp.post("/<slug>/webhook/rahasia")
@requires(policy.can_administer)
def new_secret(slug: str) -> ResponseReturnValue:
    """Generate a new random secret for the webhook."""
    regency = _regency(slug)
    # (CSRFProtect has checked the form's token before this view runs.)
    return run_action(
        lambda: settings.regenerate_webhook_secret(
            db_session(), actor=current_actor(), regency_id=regency.id, now=get_clock().now()
        ),
        done=lambda _: _l("A new secret has been generated. Give it to the gateway."),
        to=url_for("settings.notifications", slug=regency.slug),
    )
