"""Every public URL of an install, derived from its data: the leak test renders each one.

Add new public pages, feeds and exports here (``public_urls``), so that the test in
test_public_leaks.py checks them for private data too.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.commitments.models import Commitment
from tracker.findings.models import Evidence
from tracker.opendata.models import DataSnapshot
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency


def public_urls(session: Session) -> list[str]:
    """Return every URL a visitor without an account can open, for the data in ``session``."""
    slugs = list(session.execute(select(Regency.slug).order_by(Regency.id)).scalars())
    agency_ids = list(session.execute(select(Agency.id).order_by(Agency.id)).scalars())
    pact_ids = list(session.execute(select(Pact.id).order_by(Pact.id)).scalars())
    # Unpublished evidence too: its public address must answer 404 and say nothing.
    evidence_ids = list(session.execute(select(Evidence.id).order_by(Evidence.id)).scalars())
    urls = [
        # Pages (tracker/portal/views.py).
        "/",
        "/?lang=en",
        "/?status=overdue",
        "/?status=withdrawn&lang=en",
        "/?status=late",
        "/pakta/2147483647",
        "/opd/2147483647",
        "/kabupaten/tidak-ada",
        # The read API (tracker/api/views.py).
        "/api/v1/regencies",
        "/api/v1/agencies",
        "/api/v1/pacts?per_page=200",
        "/api/v1/openapi.json",
        # Open data (tracker/opendata/views.py).
        "/data",
        "/data?lang=en",
        "/data/pakta.csv",
        "/data/pakta.xlsx",
        "/data/temuan.csv",
        "/data/temuan.xlsx",
        "/feed.atom",
        "/data/snapshot",
        # Commitments and events (portal, API, open data).
        "/komitmen/2147483647",
        "/api/v1/commitments",
        "/api/v1/events",
        "/data/komitmen.csv",
        "/data/komitmen.xlsx",
        "/data/kegiatan.csv",
        "/data/kegiatan.xlsx",
        "/komitmen.atom",
    ]
    for slug in slugs:
        urls += [
            f"/?regency={slug}",
            f"/kabupaten/{slug}",
            f"/kabupaten/{slug}?lang=en",
            f"/kabupaten/{slug}?status=withdrawn",
            f"/kabupaten/{slug}?year=abc",
            f"/api/v1/regencies/{slug}",
            f"/api/v1/agencies?regency={slug}",
            f"/api/v1/assessments?regency={slug}",
            f"/api/v1/assessments?regency={slug}&year=2018",
            f"/data/pakta.csv?regency={slug}",
            f"/data/temuan.csv?regency={slug}",
            f"/kabupaten/{slug}/feed.atom",
            f"/kabupaten/{slug}/tenggat.ics",
            f"/kabupaten/{slug}/komitmen.atom",
            f"/api/v1/commitments?regency={slug}",
            f"/api/v1/events?regency={slug}",
        ]
    urls += [f"/opd/{agency_id}" for agency_id in agency_ids]
    commitment_ids = session.execute(select(Commitment.id).order_by(Commitment.id)).scalars()
    urls += [f"/komitmen/{commitment_id}" for commitment_id in commitment_ids]
    for pact_id in pact_ids:
        urls += [
            f"/pakta/{pact_id}",
            f"/pakta/{pact_id}?lang=en",
            f"/api/v1/pacts/{pact_id}",
            f"/pakta/{pact_id}.ics",
            # The document of the regent's decision (404 for a pact without one).
            f"/pakta/{pact_id}/keputusan.pdf",
        ]
    urls += [f"/bukti/{evidence_id}" for evidence_id in evidence_ids]
    for snapshot in session.execute(select(DataSnapshot).order_by(DataSnapshot.id)).scalars():
        for entry in snapshot.manifest.get("files", []):
            if isinstance(entry, dict) and entry.get("name"):
                urls.append(f"/data/snapshot/{snapshot.as_of.isoformat()}/{entry['name']}")
    return urls
