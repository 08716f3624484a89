"""What API v1 reads from query strings and multipart forms: one model each.

Query strings are strings: numbers are ASCII digits, an empty parameter counts as absent
(tracker.api.reading). A multipart form names every part it takes; its files are bytes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tracker.api.fields import DIGITS, NO_NUL, AtMostConfigured, Form, Query, text
from tracker.api.inputs import slug_field
from tracker.assessments.rules import FIRST_YEAR
from tracker.findings.rules import FindingLimit
from tracker.pacts.rules import PactStatus
from tracker.regencies.services import SLUG_LENGTH
from tracker.web.routing import MAX_ID


class Paging(Query):
    """A page of a list."""

    page: Annotated[int, Field(ge=1, le=1_000_000, description="Page number"), DIGITS] = 1
    per_page: (
        Annotated[
            int,
            Field(ge=1, description="Items per page (default: the configured page size, 50)"),
            AtMostConfigured("API_MAX_PAGE_SIZE"),
            DIGITS,
        ]
        | None
    ) = None


class RegencyFilter(Paging):
    """A page of a list, optionally of one regency."""

    regency: (
        Annotated[str, Field(max_length=SLUG_LENGTH[1], pattern=NO_NUL, description="Its slug")]
        | None
    ) = None


class PactFilter(RegencyFilter):
    """A page of pacts, filtered."""

    agency: Annotated[int, Field(ge=1, le=MAX_ID, description="Its id"), DIGITS] | None = None
    status: PactStatus | None = Field(None, description="Only pacts with this status")


class AssessmentFilter(Query):
    """A regency's results, of one year or of every year."""

    regency: Annotated[
        str,
        Field(min_length=1, max_length=SLUG_LENGTH[1], pattern=NO_NUL, description="Its slug"),
    ]
    year: Annotated[int, Field(ge=FIRST_YEAR, le=9999), DIGITS] | None = None


class Preview(Query):
    """Whether to write or only to answer what writing would do."""

    preview: bool = Field(
        False, description="true (also 1, yes): answer the outcomes and write nothing"
    )


# --- multipart forms ------------------------------------------------------------------------

# The bytes of an uploaded file: a multipart part with a file name.
Upload = Annotated[
    bytes,
    Field(json_schema_extra={"format": "binary", "contentMediaType": "application/octet-stream"}),
]


class EvidenceUpload(Form):
    """A photo or PDF proving a fix (multipart)."""

    file: Annotated[
        Upload, Field(description="JPEG, PNG or PDF, recognised by content; the name is ignored")
    ]
    caption: Annotated[str, text(FindingLimit.CAPTION, filled=True, line=True)]


class AssessmentImportUpload(Form):
    """A year's results from a spreadsheet (multipart)."""

    file: Annotated[
        Upload,
        Field(
            description="XLSX or CSV (recognised by content; the name is ignored) in the format"
            " of the template: columns year, agency (empty for the regency's own row), result,"
            " score, zone, rank, rank_of, input_score, process_score, output_score,"
            " complaints_score, source, note, regency; one year per file"
        ),
    ]
    regency: Annotated[
        str, slug_field("The regency's slug (an admin may leave it out: their own)")
    ] | (None) = None


class PactImportUpload(Form):
    """The regency's pacts with their findings from a spreadsheet (multipart)."""

    file: Annotated[
        Upload,
        Field(
            description="XLSX or CSV (recognised by content; the name is ignored), one row per"
            " finding with the pact's columns repeated: reference, agency, signatory_title,"
            " signatory_name, signed_on, period_months, pledge, sanction, witnesses, source,"
            " target_kind, target_value, target_year, finding_title, finding_category,"
            " finding_code, finding_description, regency (Indonesian headers accepted)"
        ),
    ]
    regency: (
        Annotated[str, slug_field("Optional: the regency's slug, the account's own")] | None
    ) = None
