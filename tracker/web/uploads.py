"""An upload larger than the app takes: said beside the file field, on the form's own page.

Flask refuses such a body (413) before the view can read the form, so a blueprint with upload
forms registers ``on_too_large`` with a function that renders the page of the refused request
(``request.endpoint`` says which) with an empty form on which ``mark_too_large`` has put the
message. One way for every upload form: the assessments import, the pact's scan and decision
document, and the evidence of a finding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge


def upload_limit_mb() -> int:
    """The largest upload the running app takes, in whole megabytes."""
    return int(current_app.config["MAX_UPLOAD_BYTES"]) // (1024 * 1024)


def mark_too_large(form: Any, field: str) -> Any:
    """Put the size refusal beside ``form``'s file field ``field`` and above the form."""
    mb = upload_limit_mb()
    getattr(form, field).errors = [str(_l("larger than %(mb)s MB", mb=mb))]
    form.form_errors.append(str(_l("The file is larger than %(mb)s MB.", mb=mb)))
    return form


def on_too_large(bp: Blueprint, render: Callable[[], ResponseReturnValue | None]) -> None:
    """Answer a refused oversized upload to one of ``bp``'s pages with ``render()`` (a 413).

    ``render`` returns None for a page without an upload form: the layout's error page says
    what the limit is, as for any other page.
    """

    def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
        answer = render()
        if answer is not None:
            return answer
        detail = _l("Files of up to %(mb)s MB are accepted.", mb=upload_limit_mb())
        page = render_template(
            "errors/error.html", status=413, title=_l("The upload is too large"), detail=detail
        )
        return page, 413

    bp.register_error_handler(RequestEntityTooLarge, _too_large)
