"""A regency whose follow-up went through the real services, for the public page tests.

Every private field carries a marker (``zqxleak`` plus the field's name), so a test can
render every public URL and fail on any marker it finds: which field leaked is in the text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.assessments import services as assessment_services
from tracker.auth import services as auth_services
from tracker.auth.models import User
from tracker.commitments import services as commitment_services
from tracker.findings import services as finding_services
from tracker.findings.models import Evidence, Finding
from tracker.followers.models import Follower
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.pacts import services as pact_services
from tracker.pacts.models import Pact
from tracker.regencies.models import EscalationContact, Regency
from tracker.storage import FileStore

MARK = "zqxleak"
PASSWORD = "kata-sandi-uji-123"


def marker(name: str) -> str:
    """Return the marker of one private field (lowercase letters, digits and hyphens)."""
    return f"{MARK}-{name}"


def exif_jpeg(*, size: tuple[int, int] = (32, 24), orientation: int = 1) -> bytes:
    """Return a JPEG carrying EXIF (owner, camera, GPS position), a comment and an orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = marker("exif-artist")
    exif[ExifTags.Base.Make] = marker("exif-camera")
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (8.0, 45.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (116.0, 52.0, 10.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=marker("jpeg-comment").encode())
    return out.getvalue()


def text_png() -> bytes:
    """Return a PNG with text chunks naming its author."""
    info = PngInfo()
    info.add_text("Author", marker("png-author"))
    info.add_itxt("Description", marker("png-description"))
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (10, 120, 10, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def authored_pdf(width: int = 200) -> bytes:
    """Return a one-page PDF whose document information names an author and a creator."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=200)
    writer.add_metadata({"/Author": marker("pdf-author"), "/Creator": marker("pdf-creator")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class PublicWorld:
    """What the public page tests look at."""

    regency: Regency
    agency: Agency
    other_agency: Agency
    admin: User
    opd: User
    pact: Pact
    withdrawn: Pact
    published_photo: Evidence
    published_png: Evidence
    published_pdf: Evidence
    private_photo: Evidence
    # Private values that are not markers (hashes and keys of unpublished files).
    secrets: dict[str, str] = field(default_factory=dict)
    # A pact of the other agency with the regent's decision and its document (a PDF whose
    # author is a marker: its public copy must not carry it).
    decided: Pact | None = None


def _user(
    session: Session, *, role: str, regency: Regency, agency: Agency | None, now: datetime
) -> User:
    user = create_user(
        session,
        actor=None,
        email=f"{marker(role + '-email')}@uji.go.id",
        name=marker(f"{role}-name"),
        role=role,
        password=PASSWORD,
        now=now,
        regency_slug=regency.slug,
        agency_slug=agency.slug if agency else None,
    )
    return user


def build_world(
    session: Session, *, now: datetime, uploads: Path, slug: str = "kab-publik"
) -> PublicWorld:
    """Record a regency's pacts and follow-up through the services, with markers everywhere."""
    store = FileStore(uploads, max_bytes=5 * 1024 * 1024)
    regency = make_regency(session, now=now, slug=slug, timezone="Asia/Makassar")
    regency.webhook_url = f"https://{marker('webhook-url')}.example/hook"
    regency.webhook_secret = marker("webhook-secret")
    session.add(
        EscalationContact(
            regency_id=regency.id,
            rung=2,
            name=marker("contact-name"),
            title=marker("contact-title"),
            email=f"{marker('contact-email')}@uji.go.id",
            created_at=now,
        )
    )
    agency = make_agency(session, regency=regency, now=now, slug="dinas-publik")
    agency.head_name = marker("head-name")
    agency.head_email = f"{marker('head-email')}@uji.go.id"
    other = make_agency(session, regency=regency, now=now, slug="dinas-lain")
    admin = _user(session, role="admin", regency=regency, agency=None, now=now)
    opd = _user(session, role="opd", regency=regency, agency=agency, now=now)
    auth_services.issue_token(
        session, actor=None, owner=admin, now=now, label=marker("token-label")
    )

    # A unit's result recorded by the admin: public, but never the account that entered it.
    assessment_services.save_unit_result(
        session, actor=admin, agency_id=agency.id, year=2018, result="zone_only", score=None,
        zone="yellow", source=None, now=now,
    )  # fmt: skip
    # A regency pact and an event recorded by the admin: public, never who entered them.
    commitment_services.record_commitment(
        session, actor=admin, regency_id=regency.id, now=now,
        details=commitment_services.CommitmentDetails(
            kind="regency_pact", title="Pakta Integritas Kepatuhan", signed_on=None,
            signed_year=2018, parties="Pemerintah Kabupaten Publik", signatories="Bupati Publik",
            commitments="Meningkatkan nilai 2019", target_kind="improve", target_year=2019,
            source="Berita 2018",
        ),
    )  # fmt: skip
    commitment_services.record_event(
        session, actor=admin, regency_id=regency.id, now=now,
        details=commitment_services.EventDetails(
            kind="coordination", title="Grup WhatsApp koordinasi", source="Berita 2018"
        ),
    )  # fmt: skip
    day = timedelta(days=1)
    start = now - 40 * day
    pact = pact_services.record_pact(
        session,
        actor=admin,
        agency_id=agency.id,
        signatory_name="Kepala Publik",
        signatory_title="Kepala Dinas Publik",
        signed_on=(now - 60 * day).date(),
        pledge="Memperbaiki temuan dalam tiga bulan.",
        sanction="Mengundurkan diri.",
        witnesses="Bupati; wartawan",
        findings=[
            pact_services.FindingInput(
                title="Belum ada ramp", category="input", description=marker("finding-description")
            ),
            pact_services.FindingInput(title="SOP belum dipajang", category="process"),
            pact_services.FindingInput(title="Belum ada pojok bermain anak", category="input"),
        ],
        scan=authored_pdf(width=300),
        store=store,
        now=start,
    )
    pact.reference = marker("pact-reference")
    ramp, sop, play = pact.findings

    def evidence(finding: Finding, data: bytes, caption: str, days: int) -> Evidence:
        return finding_services.add_evidence(
            session, actor=opd, finding_id=finding.id, data=data, caption=caption, store=store,
            now=start + days * day,
        )  # fmt: skip

    def submit(finding: Finding, days: int, note: str | None = None) -> None:
        finding_services.submit_finding(
            session, actor=opd, finding_id=finding.id, now=start + days * day, note=note
        )

    def review(decision: str, comment: str, days: int, internal: bool = False) -> None:
        finding_services.review_finding(
            session, actor=admin, finding_id=ramp.id, decision=decision, comment=comment,
            internal=internal, now=start + days * day,
        )  # fmt: skip

    published_photo = evidence(ramp, exif_jpeg(orientation=6), "Ramp di pintu masuk", 1)
    private_photo = evidence(ramp, exif_jpeg(size=(16, 16)), marker("private-caption"), 1)
    submit(ramp, 2, note=marker("submit-note"))
    review("return", marker("return-comment"), 3)
    published_png = evidence(ramp, text_png(), "Ramp dari samping", 4)
    submit(ramp, 5)
    review("approve", marker("internal-comment"), 9, internal=True)
    # Cannot be followed up: its reason is public; the reason for reopening it in between is not.
    for days, change, reason in (
        (6, finding_services.declare_unresolvable, "Menunggu APBD-P."),
        (7, finding_services.reopen_finding, marker("reopen-reason")),
        (8, finding_services.declare_unresolvable, "Pojok bermain menunggu APBD-P."),
    ):
        change(session, actor=admin, finding_id=play.id, reason=reason, now=start + days * day)
    published_pdf = evidence(sop, authored_pdf(), "SOP yang dipajang", 10)
    submit(sop, 11)
    for published in (published_photo, published_png, published_pdf):
        # Through the service: the public copy is made when the file is published.
        finding_services.set_evidence_public(
            session, actor=admin, evidence_id=published.id, public=True, store=store,
            now=start + 11 * day,
        )  # fmt: skip
    pact_services.extend_pact(
        session, actor=admin, pact_id=pact.id,
        new_deadline_on=pact.original_deadline_on + timedelta(days=20),  # type: ignore[operator]
        reason="Anggaran perubahan belum turun.", now=start + 12 * day,
    )  # fmt: skip

    withdrawn = pact_services.record_pact(
        session, actor=admin, agency_id=other.id, signatory_name="Kepala Lain",
        signatory_title="Kepala Dinas Lain", signed_on=date(2018, 11, 30), pledge="Janji lain.",
        findings=[pact_services.FindingInput(title="Ruang tunggu belum layak", category="input")],
        now=start,
    )  # fmt: skip
    pact_services.withdraw_pact(
        session, actor=admin, pact_id=withdrawn.id,
        reason="OPD digabung dalam restrukturisasi.", now=start + 5 * day,
    )  # fmt: skip

    decided = pact_services.record_pact(
        session, actor=admin, agency_id=other.id, signatory_name="Kepala Lain",
        signatory_title="Kepala Dinas Lain", signed_on=date(2018, 6, 4), pledge="Janji kedua.",
        findings=[pact_services.FindingInput(title="Tidak ada jalur kursi roda", category="input")],
        now=start,
    )  # fmt: skip
    pact_services.record_outcome(
        session, actor=admin, pact_id=decided.id, kind="reprimand",
        decided_on=(start + 2 * day).date(), note="Teguran tertulis dari Bupati.",
        document=authored_pdf(width=250), store=store, now=start + 3 * day,
    )  # fmt: skip

    follower = Follower(
        pact_id=pact.id,
        email=f"{marker('follower-email')}@uji.go.id",
        confirm_token_hash="a" * 64,
        unsubscribe_token_hash="b" * 64,
        created_at=now,
        confirm_expires_at=now + 3 * day,
    )
    session.add(follower)
    session.flush()
    enqueue(
        session,
        Notice(
            key=f"leak-test:{pact.id}",
            kind="reminder",
            regency_id=regency.id,
            pact_id=pact.id,
            recipients=[
                Recipient(f"{marker('recipient-email')}@uji.go.id", marker("recipient-name"))
            ],
            subject=marker("notice-subject"),
            body_text=marker("notice-body"),
            body_html=f"<p>{marker('notice-html')}</p>",
        ),
        now=now,
    )
    session.commit()
    secrets = {
        "private evidence sha256": private_photo.sha256 or "",
        "private evidence key": private_photo.storage_key or "",
        "pact scan sha256": pact.scan_sha256 or "",
        "pact scan key": pact.scan_storage_key or "",
    }
    return PublicWorld(
        regency=regency,
        agency=agency,
        other_agency=other,
        admin=admin,
        opd=opd,
        pact=pact,
        withdrawn=withdrawn,
        published_photo=published_photo,
        published_png=published_png,
        published_pdf=published_pdf,
        private_photo=private_photo,
        secrets=secrets,
        decided=decided,
    )
