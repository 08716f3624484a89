"""Builders for test data: they add and flush, never commit; and real files to upload."""

from __future__ import annotations

import io
from datetime import date, datetime
from itertools import count

from PIL import Image
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.regencies.models import Regency

_seq = count(1)


def make_regency(
    session: Session, *, now: datetime, slug: str | None = None, timezone: str = "Asia/Makassar"
) -> Regency:
    n = next(_seq)
    regency = Regency(
        slug=slug or f"kab-uji-{n}",
        name=f"Kabupaten Uji {n}",
        province="Provinsi Uji",
        timezone=timezone,
        created_at=now,
    )
    session.add(regency)
    session.flush()
    return regency


def make_agency(
    session: Session, *, regency: Regency, now: datetime, slug: str | None = None
) -> Agency:
    n = next(_seq)
    agency = Agency(
        regency_id=regency.id,
        slug=slug or f"opd-{n}",
        name=f"Dinas Uji {n}",
        kind="dinas",
        created_at=now,
    )
    session.add(agency)
    session.flush()
    return agency


def make_pact(
    session: Session,
    *,
    agency: Agency,
    now: datetime,
    signed_on: date | None,
    findings: int = 2,
    closed_at: list[datetime | None] | None = None,
    signatory_name: str | None = "Nama Uji",
) -> Pact:
    pact = Pact(
        agency_id=agency.id,
        signatory_name=signatory_name,
        signatory_title="Kepala Dinas Uji",
        signed_on=signed_on,
        pledge="Memperbaiki temuan dalam tiga bulan.",
        created_at=now,
    )
    session.add(pact)
    session.flush()
    closings = closed_at or [None] * findings
    for i, closed in enumerate(closings):
        session.add(
            Finding(
                agency_id=agency.id,
                pact_id=pact.id,
                category=FindingCategory.INPUT,
                title=f"Temuan uji {i + 1}",
                status=FindingStatus.CLOSED if closed else FindingStatus.OPEN,
                closed_at=closed,
                created_at=now,
            )
        )
    session.flush()
    return pact


def extend_pact(session: Session, *, pact: Pact, to: date, now: datetime) -> PactExtension:
    previous = pact.deadline_on
    assert previous is not None
    extension = PactExtension(
        pact_id=pact.id,
        previous_deadline_on=previous,
        new_deadline_on=to,
        reason="Alasan uji",
        created_at=now,
    )
    session.add(extension)
    session.flush()
    session.refresh(pact)
    return extension


def png(colour: str = "green", size: tuple[int, int] = (8, 8)) -> bytes:
    """The bytes of a real (tiny) PNG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(colour: str = "green", size: tuple[int, int] = (8, 8)) -> bytes:
    """The bytes of a real (tiny) JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf() -> bytes:
    """A real one-page PDF document, written by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PDF")
    return buffer.getvalue()
