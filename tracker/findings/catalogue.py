"""The finding catalogue of DOMAIN.md section 7: templates an admin can pick from."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.findings.rules import FindingCategory
from tracker.i18n import N_


@dataclass(frozen=True)
class CatalogueEntry:
    """A reusable finding: stable code, dimension, English title (translated in the UI)."""

    code: str
    category: FindingCategory
    title: str
    seen_in_sources: bool = False


_I, _P, _O, _C = (
    FindingCategory.INPUT,
    FindingCategory.PROCESS,
    FindingCategory.OUTPUT,
    FindingCategory.COMPLAINTS,
)

CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("IN-STAFF-STANDARD", _I, N_("Staff cannot explain the service standard")),
    CatalogueEntry("IN-STAFF-DUTIES", _I, N_("Staff unaware of their own duties")),
    CatalogueEntry(
        "IN-STAFF-OMBUDSMAN", _I, N_("Staff unaware of the Ombudsman and maladministration")
    ),
    CatalogueEntry("IN-STAFF-VULNERABLE", _I, N_("Staff untrained in serving vulnerable groups")),
    CatalogueEntry("IN-STAFF-ID", _I, N_("No name tags or uniform")),
    CatalogueEntry("IN-MGMT-SUPERVISION", _I, N_("No internal supervision")),
    CatalogueEntry("IN-MGMT-WORKLOAD", _I, N_("Staffing not based on workload analysis")),
    CatalogueEntry(
        "IN-FAC-SAFETY", _I, N_("No safety provisions (fire extinguisher, evacuation route, CCTV)")
    ),
    CatalogueEntry("IN-FAC-WAITING", _I, N_("Poor waiting room, toilets or parking")),
    CatalogueEntry(
        "IN-FAC-RAMP", _I, N_("No ramp or accessible entrance for disabled citizens"), True
    ),
    CatalogueEntry("IN-FAC-WHEELCHAIR", _I, N_("No wheelchair available")),
    CatalogueEntry("IN-FAC-TOILET", _I, N_("No accessible toilet")),
    CatalogueEntry("IN-FAC-PRIORITY", _I, N_("No priority counter and seating")),
    CatalogueEntry("IN-FAC-LACTATION", _I, N_("No lactation room")),
    CatalogueEntry("IN-FAC-PLAY", _I, N_("No children's play corner"), True),
    CatalogueEntry(
        "PR-INFO-REQUIREMENTS", _P, N_("Service requirements not shown to the public"), True
    ),
    CatalogueEntry("PR-INFO-SOP", _P, N_("Service procedure (SOP) not shown to the public"), True),
    CatalogueEntry("PR-INFO-TIME", _P, N_("Completion time not shown to the public")),
    CatalogueEntry("PR-INFO-COST", _P, N_('Cost or "free of charge" not shown to the public')),
    CatalogueEntry("PR-INFO-PRODUCTS", _P, N_("Service products not shown to the public")),
    CatalogueEntry("PR-INFO-COMPLAINTS", _P, N_("Complaint handling not shown to the public")),
    CatalogueEntry("PR-STD-ADOPTED", _P, N_("Service standard not formally adopted")),
    CatalogueEntry(
        "PR-MAKLUMAT", _P, N_("Service declaration (maklumat pelayanan) missing or unsigned")
    ),
    CatalogueEntry("PR-VISION", _P, N_("Vision, mission and motto not displayed")),
    CatalogueEntry("PR-SPECIAL", _P, N_("No special-service procedure")),
    CatalogueEntry("PR-ONLINE", _P, N_("Service information not published online"), True),
    CatalogueEntry("OUT-DELAY", _O, N_("Users report undue delay")),
    CatalogueEntry("OUT-MONEY", _O, N_("Users report requests for money")),
    CatalogueEntry("OUT-DEVIATION", _O, N_("Users report procedural deviation")),
    CatalogueEntry("OUT-INCOMPETENCE", _O, N_("Users report incompetence")),
    CatalogueEntry("OUT-DISCRIMINATION", _O, N_("Users report discrimination")),
    CatalogueEntry("CO-SOP", _C, N_("No decree or SOP for complaint handling")),
    CatalogueEntry("CO-REGISTER", _C, N_("No complaint register or proof of follow-up")),
    CatalogueEntry("CO-STAFF", _C, N_("Complaint staff untrained")),
    CatalogueEntry("CO-LAPOR", _C, N_("Not connected to SP4N-LAPOR!")),
    CatalogueEntry("CO-REPORT", _C, N_("No periodic complaint report")),
    CatalogueEntry("CO-OMBUDSMAN", _C, N_("Ombudsman corrective actions not followed up")),
)

BY_CODE: dict[str, CatalogueEntry] = {entry.code: entry for entry in CATALOGUE}
