"""Which audit actions the public may see: one list for the pact timeline and the feeds.

Anything else (accounts, tokens, followers, settings, notices, publishing decisions) stays
private. The ``changes`` of an event are never handed over whole: each reader picks keys.
"""

from __future__ import annotations

# The public timeline of a pact.
PUBLIC_ACTIONS = frozenset(
    {
        "pact.recorded",
        "pact.extended",
        "pact.withdrawn",
        # The regent's decision (or that no source reports the end) is public, like its clearing.
        "pact.outcome_recorded",
        "pact.outcome_cleared",
        "finding.recorded",
        # Corrections after signing (issue 13): that a correction was made, which fields and
        # why are public; who made it is shown as a role only, like every public step.
        "finding.added",
        "finding.corrected",
        "pact.corrected",
        "pact.reinstated",
        "evidence.added",
        "finding.submitted",
        "finding.approved",
        "finding.returned",
        "finding.unresolvable",
        "finding.reopened",
    }
)
# The status changes among them: what the Atom feeds carry.
STATUS_CHANGES = PUBLIC_ACTIONS - {
    "finding.recorded",
    "evidence.added",
    "finding.added",
    "finding.corrected",
    "pact.corrected",
}
