"""The Finding, Evidence and Review tables."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Str64, Str500, text_enum
from tracker.findings.rules import (
    EvidenceKind,
    FindingCategory,
    FindingLimit,
    FindingStatus,
    ReviewDecision,
)

if TYPE_CHECKING:
    from tracker.agencies.models import Agency
    from tracker.auth.models import User
    from tracker.pacts.models import Pact


class Finding(Base):
    """One concrete shortcoming an agency must fix."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    # A finding may be recorded before the pact that covers it is signed.
    pact_id: Mapped[int | None] = mapped_column(ForeignKey("pacts.id"), index=True)
    category: Mapped[FindingCategory] = mapped_column(text_enum(FindingCategory, "category"))
    # Code from the catalogue (tracker.findings.catalogue), or null for a finding written freely.
    code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(FindingLimit.TITLE))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[FindingStatus] = mapped_column(
        text_enum(FindingStatus, "status"), default=FindingStatus.OPEN
    )
    # When it was last sent for verification: the queue is oldest first.
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    # Status UNRESOLVABLE (tidak dapat ditindaklanjuti): when and why the regent's office said so.
    unresolvable_at: Mapped[datetime | None]
    unresolvable_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    agency: Mapped[Agency] = relationship()
    pact: Mapped[Pact | None] = relationship(back_populates="findings")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="finding", order_by="Evidence.uploaded_at"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="finding", order_by="Review.created_at"
    )


class Evidence(Base):
    """A photo, PDF or link proving a fix; private unless the regent's office publishes it."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(text_enum(EvidenceKind, "kind"))
    caption: Mapped[str] = mapped_column(String(FindingLimit.CAPTION))
    url: Mapped[Str500 | None]
    # Random file name under the upload folder; never the client's name.
    storage_key: Mapped[Str64 | None] = mapped_column(info={"file_key": True})
    # Also names the public copy of the file once published (tracker.public_copies).
    sha256: Mapped[Str64 | None] = mapped_column(info={"public_sha": True})
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    content_type: Mapped[Str64 | None]
    is_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The small JPEG preview stored beside the file (a photo upright, a PDF's first page),
    # None for links and for files whose preview is not made yet; a PDF's page count.
    preview_key: Mapped[Str64 | None] = mapped_column(info={"file_key": True})
    page_count: Mapped[int | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]

    finding: Mapped[Finding] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User | None] = relationship()


class Review(Base):
    """A verifier's decision on a submitted finding, with a comment."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[ReviewDecision] = mapped_column(text_enum(ReviewDecision, "decision"))
    comment: Mapped[str | None] = mapped_column(Text)
    is_internal: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]

    finding: Mapped[Finding] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
