"""GET /api/v1/evidence/<id>/file: the original file of a piece of evidence, with its digest.

The same policy as the staff download (tracker.findings.views.evidence_file): whoever may read
the finding, here by bearer token. ``Repr-Digest`` (RFC 9530) carries the SHA-256 of the bytes
sent, so an integration can check them against the record's ``sha256`` (what was uploaded).
"""

from __future__ import annotations

import base64
import hashlib

from flask import Response
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
    # Read whole (uploads are at most a few MB): the digest is of the very bytes sent, so a
    # file changed on disk shows as a digest that differs from the record's sha256.
    data = path.read_bytes()
    digest = hashlib.sha256(data).digest()
    name = f"bukti-{evidence.id}.{_EXTENSIONS[evidence.content_type]}"
    return Response(
        data,
        mimetype=evidence.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Repr-Digest": f"sha-256=:{base64.b64encode(digest).decode()}:",
            "ETag": f'"{digest.hex()}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
