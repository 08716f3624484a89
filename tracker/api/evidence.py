"""GET /api/v1/evidence/<id>/file: the original file of a piece of evidence, with its digest.

The same policy as the staff download (tracker.findings.views.evidence_file): whoever may read
the finding, here by bearer token. ``Repr-Digest`` (RFC 9530) carries the file's SHA-256, so an
integration can check what it uploaded, or what a backup holds, without trusting the transfer.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Response, send_file
from flask_babel import lazy_gettext as _l

from tracker.api.auth import api_actor
from tracker.api.spec import Answer, operation
from tracker.errors import NotFound
from tracker.extensions import db_session
from tracker.findings.queries import get_evidence
from tracker.storage import JPEG, PDF, PNG, get_file_store

_EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}


@operation(
    "GET",
    "/evidence/<int:evidence_id>/file",
    operation_id="getEvidenceFile",
    summary="The original file of a piece of evidence (whoever may read its finding), with its"
    " SHA-256 in Repr-Digest",
    tag="findings",
    answers=(
        Answer(
            200,
            None,
            "The file as uploaded",
            {
                "Repr-Digest": "sha-256=:<the SHA-256, base64>: (RFC 9530)",
                "ETag": "The SHA-256 in hex, quoted",
                "Content-Disposition": "attachment, with a name the API chose",
            },
            files=tuple(_EXTENSIONS),
        ),
    ),
    token=True,
)
def evidence_file(evidence_id: int) -> Response:
    evidence = get_evidence(db_session(), actor=api_actor(), evidence_id=evidence_id)
    if evidence.storage_key is None or evidence.content_type not in _EXTENSIONS:
        raise NotFound(_l("This evidence has no stored file."))
    path = get_file_store().path(evidence.storage_key)
    if not path.is_file():
        raise NotFound(_l("No such file."))
    digest = (
        bytes.fromhex(evidence.sha256)
        if evidence.sha256
        else hashlib.sha256(path.read_bytes()).digest()
    )
    name = f"bukti-{evidence.id}.{_EXTENSIONS[evidence.content_type]}"
    response = send_file(
        path,
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=name,
        etag=digest.hex(),
        conditional=False,
        max_age=0,
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(digest).decode()}:"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
