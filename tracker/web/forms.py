"""The request step of a staff form: validate, change through one service, commit, say so.

Every staff page that changes something submits through ``submit_form``. A refusal of the
service is rolled back and shown where the user will read it: beside the fields (``Invalid``
and the other ``shown`` kinds), as a message on the page the form belongs to (``flashed``, a
conflict of the object's state), or as the layout's error page (``Forbidden``, ``NotFound``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import flash, redirect
from flask.typing import ResponseReturnValue

from tracker.errors import DomainError, Invalid
from tracker.web.step import unit_of_work

T = TypeVar("T")

# Places a service's field errors on the form (the default: show_errors).
ErrorPlacer = Callable[[Any, DomainError], None]


def show_errors(form: Any, error: DomainError, aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's field errors beside the form's fields; the rest above the form.

    ``aliases`` maps a service's field name to the form's where they differ.
    """
    for name, reason in error.fields.items():
        field = getattr(form, (aliases or {}).get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(reason)]
        else:
            form.form_errors.append(str(reason))
    if not error.fields:
        form.form_errors.append(str(error.detail))


def flash_done(message: object) -> None:
    """Tell the user, on the next page, that what they asked for was done."""
    flash(str(message), "success")


def submit_form(
    form: Any,
    change: Callable[[], T],
    *,
    render: Callable[[int], ResponseReturnValue],
    done: Callable[[T], object],
    to: Callable[[T], str] | str,
    back: str | None = None,
    check: Callable[[], object] | None = None,
    invalid_status: int = 400,
    shown: tuple[type[DomainError], ...] = (Invalid,),
    flashed: tuple[type[DomainError], ...] = (),
    aliases: Mapping[str, str] | None = None,
    place: ErrorPlacer | None = None,
) -> ResponseReturnValue:
    """Run a form's submission as the request's one unit of work.

    - ``check`` first, when given: a service's access check for the object the form changes
      (its NotFound or Forbidden goes to the error pages before the input is read).
    - Nothing submitted (a GET): ``render(200)``.
    - The form refuses its input: ``render(invalid_status)`` with the errors beside the fields.
    - The service raises one of ``shown``: rolled back, its field errors placed on the form
      (``place``, else ``show_errors`` with ``aliases``), ``render(error.status)``.
    - The service raises one of ``flashed``: rolled back, its message flashed, redirect to
      ``back`` (the page the form is on).
    - Any other domain error: rolled back and raised to the error pages.
    - Success: committed, ``done(result)`` flashed, redirect to ``to`` (or ``to(result)``).
    """
    if check is not None:
        check()
    if not form.validate_on_submit():
        return render(invalid_status if form.is_submitted() else 200)
    try:
        with unit_of_work():
            result = change()
    except DomainError as exc:
        if isinstance(exc, shown):
            if place is not None:
                place(form, exc)
            else:
                show_errors(form, exc, aliases)
            return render(exc.status)
        if isinstance(exc, flashed) and back is not None:
            flash(str(exc.detail), "error")
            return redirect(back)
        raise
    flash_done(done(result))
    return redirect(to(result) if callable(to) else to)


def run_action(
    change: Callable[[], T],
    *,
    done: Callable[[T], object] | None,
    to: Callable[[T], str] | str,
    back: str | None = None,
    flashed: tuple[type[DomainError], ...] = (),
) -> ResponseReturnValue:
    """Run a button's POST (no fields to show errors beside) as the request's unit of work.

    A refusal of one of ``flashed`` kinds is flashed on ``back``; other refusals go to the
    error pages. Success commits, flashes ``done(result)`` when given and redirects to ``to``.
    """
    try:
        with unit_of_work():
            result = change()
    except DomainError as exc:
        if isinstance(exc, flashed) and back is not None:
            flash(str(exc.detail), "error")
            return redirect(back)
        raise
    if done is not None:
        flash_done(done(result))
    return redirect(to(result) if callable(to) else to)
