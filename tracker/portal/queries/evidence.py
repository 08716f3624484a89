"""Published evidence files, served by /bukti/<id>: nothing unpublished is ever found."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import NotFound
from tracker.findings.models import Evidence


@dataclass(frozen=True)
class PublicFile:
    """A published evidence file: where it is stored and what it is."""

    id: int
    storage_key: str
    sha256: str | None
    content_type: str


def get_public_file(session: Session, *, evidence_id: int) -> PublicFile:
    """Return a published evidence file; NotFound for anything unpublished (nothing leaks)."""
    row = session.execute(
        select(Evidence.id, Evidence.storage_key, Evidence.sha256, Evidence.content_type).where(
            Evidence.id == evidence_id,
            Evidence.is_public.is_(True),
            Evidence.storage_key.is_not(None),
        )
    ).first()
    if row is None or row.content_type is None:
        raise NotFound(_l("There is no published evidence with id %(id)s.", id=evidence_id))
    return PublicFile(row.id, row.storage_key, row.sha256, row.content_type)
