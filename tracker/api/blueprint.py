"""The API v1 blueprint and the errors it renders its own way (401 challenge, 413 limit)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.errors import Unauthorized
from tracker.web.errors import problem

bp = Blueprint("api", __name__)

# RFC 6750 section 3: the challenge sent with every 401.
CHALLENGE = 'Bearer realm="pantau-pakta"'


@bp.errorhandler(Unauthorized)
def _unauthorized(error: Unauthorized) -> Response:
    with force_locale("en"):
        detail = str(error.detail)
    response = problem(error.status, error.title, detail, slug=error.slug)
    response.headers["WWW-Authenticate"] = CHALLENGE
    return response


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Response:
    # Flask refused the body before the view could read it: say what the limit is.
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    with force_locale("en"):
        detail = str(
            _l(
                "The request body is too large: files of up to %(mb)s MB (%(n)s bytes) are "
                "accepted.",
                mb=f"{limit / (1024 * 1024):.3g}",
                n=limit,
            )
        )
    return problem(413, "Upload too large", detail, slug="too-large")
