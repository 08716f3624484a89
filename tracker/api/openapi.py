"""The OpenAPI 3.1 description of API v1, built as data (schemas are JSON Schema 2020-12).

Why this module is long (over 400 lines): it is the hand-written document, every request and
response schema and every operation of the API spelled out as data, kept in one place so that
tests/integration/api/test_openapi.py can check it against the URL map and the live answers.
Issue 18 replaces it with a document generated from the schemas that also validate the requests
(``tracker.api.parsing`` today); until then, an endpoint that changes changes here too.
"""

from __future__ import annotations

from typing import Any

from tracker.api.blueprint import CHALLENGE
from tracker.assessments import rules as assessment_rules
from tracker.assessments.rules import DIMENSIONS, AssessmentResult, Zone
from tracker.commitments.rules import CommitmentKind, EventKind
from tracker.findings.rules import EvidenceKind, FindingCategory, FindingStatus, ReviewDecision
from tracker.pacts.rules import PactOutcome, PactStatus
from tracker.pacts.services import OUTCOME_CHOICES

Schema = dict[str, Any]

PROBLEM_MEDIA = "application/problem+json"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict[str, Schema], *, required: list[str] | None = None) -> Schema:
    """An object with exactly these properties (all required unless ``required`` says otherwise)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


STRING: Schema = {"type": "string"}
TEXT_OR_NULL: Schema = {"type": ["string", "null"]}
INTEGER: Schema = {"type": "integer"}
DAY: Schema = {"type": "string", "format": "date"}
DAY_OR_NULL: Schema = {"type": ["string", "null"], "format": "date"}
INSTANT: Schema = {"type": "string", "format": "date-time"}
INSTANT_OR_NULL: Schema = {"type": ["string", "null"], "format": "date-time"}
URL_OR_NULL: Schema = {"type": ["string", "null"], "format": "uri"}


def _enum(values: Any) -> Schema:
    return {"type": "string", "enum": [v.value for v in values]}


PACT_SUMMARY: dict[str, Schema] = {
    "id": INTEGER,
    "regency": STRING,
    "regency_name": STRING,
    "agency": _ref("AgencyRef"),
    "signatory_name": TEXT_OR_NULL,
    "signatory_title": STRING,
    "signed_on": DAY_OR_NULL,
    "period_months": INTEGER,
    "original_deadline": DAY_OR_NULL,
    "deadline": {**DAY_OR_NULL, "description": "In force (after any extension)."},
    "status": {
        **_enum(PactStatus),
        "description": (
            "Derived on the day of the request in the regency's local date. decided: the"
            " regent's decision is recorded (see outcome); not_recorded: no source reports how"
            " the pact ended, never a breach; undated: no signing date, so no deadline."
        ),
    },
    "outcome": {
        "oneOf": [{"type": "null"}, _ref("PactOutcome")],
        "description": "The recorded outcome; null when none is (the status is then derived).",
    },
    "days_left": {
        "type": ["integer", "null"],
        "description": "Negative once the deadline passed; null without a deadline or once an"
        " outcome is recorded (the pact has ended).",
    },
    "findings_total": INTEGER,
    "findings_closed": INTEGER,
    "findings_unresolvable": {
        **INTEGER,
        "description": (
            "Findings that cannot be followed up: neither open nor closed, never a breach."
        ),
    },
    "is_demo": {"type": "boolean"},
    "source": TEXT_OR_NULL,
    "url": {"type": "string", "format": "uri"},
}


SCHEMAS: dict[str, Schema] = {
    "Problem": {
        **_obj(
            {
                "type": {"type": "string", "format": "uri"},
                "title": STRING,
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": STRING,
                "invalid_params": {
                    "type": "array",
                    "items": _obj({"name": STRING, "reason": STRING}),
                    "description": "Each bad field and why (422, and 400 for a bad filter).",
                },
            },
            required=["type", "title", "status", "detail"],
        ),
        "description": "An RFC 9457 problem; messages are in English.",
    },
    "Regency": _obj(
        {
            "slug": STRING,
            "name": STRING,
            "province": STRING,
            "timezone": {"type": "string", "description": "IANA time zone, e.g. Asia/Makassar"},
        }
    ),
    "Agency": _obj(
        {
            "id": INTEGER,
            "regency": STRING,
            "slug": STRING,
            "name": STRING,
            "kind": STRING,
            "is_demo": {"type": "boolean"},
        }
    ),
    "AgencyRef": _obj({"id": INTEGER, "slug": STRING, "name": STRING}),
    "PactOutcome": _obj(
        {
            "kind": {
                **_enum(PactOutcome),
                "description": "The regent's decision, or not_recorded: no source reports the end.",
            },
            "label": {"type": "string", "description": "The kind in the request's language."},
            "decided_on": {
                **DAY_OR_NULL,
                "description": "The decision's date; null if not recorded.",
            },
            "note": TEXT_OR_NULL,
            "document_url": {
                **URL_OR_NULL,
                "description": "The decision's document (PDF, served without its metadata).",
            },
        }
    ),
    "PactSummary": _obj(PACT_SUMMARY),
    "PactFinding": _obj(
        {
            "id": INTEGER,
            "title": STRING,
            "code": TEXT_OR_NULL,
            "category": _enum(FindingCategory),
            "status": _enum(FindingStatus),
            "closed_on": {**DAY_OR_NULL, "description": "Local date of the regency."},
            "unresolvable_on": {
                **DAY_OR_NULL,
                "description": "Status unresolvable: the local day the regent's office said so.",
            },
            "unresolvable_reason": {
                **TEXT_OR_NULL,
                "description": "Status unresolvable: why it cannot be followed up (public).",
            },
        }
    ),
    "Pact": _obj(
        {
            **PACT_SUMMARY,
            "pledge": STRING,
            "sanction": TEXT_OR_NULL,
            "witnesses": TEXT_OR_NULL,
            "withdrawal_reason": TEXT_OR_NULL,
            "findings": {"type": "array", "items": _ref("PactFinding")},
        }
    ),
    "Evidence": _obj(
        {
            "id": INTEGER,
            "finding_id": INTEGER,
            "kind": _enum(EvidenceKind),
            "caption": STRING,
            "sha256": TEXT_OR_NULL,
            "size_bytes": {"type": ["integer", "null"]},
            "content_type": TEXT_OR_NULL,
            "uploaded_at": INSTANT,
        }
    ),
    "Review": _obj(
        {
            "decision": _enum(ReviewDecision),
            "comment": TEXT_OR_NULL,
            "internal": {
                "type": "boolean",
                "description": "Internal reviews are listed only to the regency's staff.",
            },
            "created_at": INSTANT,
        }
    ),
    "Finding": _obj(
        {
            "id": INTEGER,
            "pact_id": {"type": ["integer", "null"]},
            "agency": _ref("AgencyRef"),
            "title": STRING,
            "category": _enum(FindingCategory),
            "code": TEXT_OR_NULL,
            "description": TEXT_OR_NULL,
            "status": _enum(FindingStatus),
            "submitted_at": INSTANT_OR_NULL,
            "closed_at": INSTANT_OR_NULL,
            "unresolvable_at": INSTANT_OR_NULL,
            "unresolvable_reason": {
                **TEXT_OR_NULL,
                "description": "Status unresolvable: why it cannot be followed up (public).",
            },
            "evidence": {"type": "array", "items": _ref("Evidence")},
            "reviews": {"type": "array", "items": _ref("Review")},
        }
    ),
    "TimelineEntry": _obj(
        {
            "at": {**INSTANT, "description": "UTC"},
            "local_at": {**INSTANT, "description": "The regency's local time, with its offset"},
            "action": {"type": "string", "examples": ["pact.recorded", "finding.submitted"]},
            "actor_role": TEXT_OR_NULL,
            "actor_name": TEXT_OR_NULL,
            "target_type": STRING,
            "target_id": INTEGER,
            "changes": {"type": ["object", "null"]},
        }
    ),
    "Timeline": _obj({"items": {"type": "array", "items": _ref("TimelineEntry")}}),
    "RegencyInput": _obj({"slug": STRING, "name": STRING, "province": STRING, "timezone": STRING}),
    "AgencyInput": _obj(
        {
            "regency": {"type": "string", "description": "The regency's slug"},
            "slug": STRING,
            "name": STRING,
            "kind": {"type": "string", "examples": ["dinas", "badan", "puskesmas", "rsud"]},
        }
    ),
    "FindingInput": _obj(
        {
            "title": STRING,
            "category": {**_enum(FindingCategory), "type": ["string", "null"]},
            "description": TEXT_OR_NULL,
            "code": {
                "type": ["string", "null"],
                "description": "A code of the finding catalogue; it supplies the category.",
            },
        },
        required=["title"],
    ),
    "PactInput": _obj(
        {
            "agency_id": INTEGER,
            "signatory_name": TEXT_OR_NULL,
            "signatory_title": STRING,
            "signed_on": {**DAY_OR_NULL, "description": "Null: no deadline until it is known."},
            "period_months": {"type": "integer", "minimum": 1, "maximum": 60, "default": 3},
            "pledge": STRING,
            "sanction": TEXT_OR_NULL,
            "witnesses": TEXT_OR_NULL,
            "findings": {"type": "array", "items": _ref("FindingInput"), "default": []},
            "outcome_not_recorded": {
                "type": "boolean",
                "default": False,
                "description": (
                    "A pact entered from the past whose end no source reports (its deadline"
                    " must have passed): status not_recorded, never overdue."
                ),
            },
            "target_kind": {
                "type": ["string", "null"],
                "enum": ["zone", "grade", "score", "improve", None],
                "description": "Optional target of the agency's assessment in target_year.",
            },
            "target_value": {
                "type": ["string", "number", "null"],
                "description": "A zone, a grade A-E or a score; none for improve.",
            },
            "target_year": {"type": ["integer", "null"], "minimum": 2013},
        },
        required=["agency_id", "signatory_title", "pledge"],
    ),
    "ExtendInput": _obj({"new_deadline": DAY, "reason": STRING}),
    "OutcomeInput": _obj(
        {
            "kind": {
                "type": "string",
                "enum": list(OUTCOME_CHOICES),
                "description": (
                    "The regent's decision; extended moves the deadline (new_deadline, reason)"
                    " and records no outcome; not_recorded (no date) only once the deadline"
                    " has passed."
                ),
            },
            "decided_on": {
                **DAY,
                "description": "Required for a decision: not in the future, not before signing.",
            },
            "note": {**TEXT_OR_NULL, "description": "Public; required for other."},
            "new_deadline": {**DAY, "description": "Only for extended."},
            "reason": {**STRING, "description": "Only for extended."},
        },
        required=["kind"],
    ),
    "WithdrawInput": _obj({"reason": STRING}),
    "SubmitInput": _obj({"note": TEXT_OR_NULL}, required=[]),
    "ReviewInput": _obj(
        {
            "decision": _enum(ReviewDecision),
            "comment": {
                **TEXT_OR_NULL,
                "description": "Required to return a finding (and then not internal).",
            },
            "internal": {"type": "boolean", "default": False},
        },
        required=["decision"],
    ),
    "ReasonInput": _obj(
        {"reason": {"type": "string", "maxLength": 2000, "minLength": 1}},
        required=["reason"],
    ),
    "EvidenceUpload": _obj(
        {
            "file": {
                "type": "string",
                "contentMediaType": "application/octet-stream",
                "description": "JPEG, PNG or PDF, recognised by content; the name is ignored.",
            },
            "caption": {"type": "string", "maxLength": 300},
        }
    ),
}

for _kind in ("Regency", "Agency", "PactSummary"):
    SCHEMAS[f"{_kind}Page"] = _obj(
        {
            "items": {"type": "array", "items": _ref(_kind)},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
            "pages": INTEGER,
            "next": URL_OR_NULL,
            "prev": URL_OR_NULL,
        }
    )

_PROBLEMS: dict[int, str] = {
    400: "Malformed body or bad filter",
    401: "Missing, malformed, unknown or revoked token",
    403: "The caller may not do this",
    404: "Unknown, or not visible to the caller",
    409: "Not allowed in the object's current state",
    413: "Upload too large",
    422: "Invalid fields, each named in invalid_params",
}


def _problem(status: int) -> Schema:
    response: Schema = {
        "description": _PROBLEMS[status],
        "content": {PROBLEM_MEDIA: {"schema": _ref("Problem")}},
    }
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return response


def _json(schema: str, description: str, *, location: bool = False) -> Schema:
    response: Schema = {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}},
    }
    if location:
        response["headers"] = {
            "Location": {"schema": {"type": "string"}, "description": "URL of the new object"}
        }
    return response


def _path_param(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Items per page"),
]
REGENCY_FILTER = _query("regency", STRING, "Only this regency (its slug)")
PACT_ID = _path_param("pact_id", INTEGER, "The pact's id")
FINDING_ID = _path_param("finding_id", INTEGER, "The finding's id")
SECURED: list[dict[str, list[str]]] = [{"bearer": []}]


def _operation(
    operation_id: str,
    summary: str,
    tag: str,
    responses: dict[int, Schema],
    *,
    errors: tuple[int, ...] = (),
    parameters: list[Schema] | None = None,
    body: str | None = None,
    media: str = "application/json",
) -> Schema:
    """One operation; a token-protected one (it lists 401) gets the bearer requirement."""
    operation: Schema = {"operationId": operation_id, "summary": summary, "tags": [tag]}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {media: {"schema": _ref(body)}}}
    operation["responses"] = {
        **{str(code): response for code, response in responses.items()},
        **{str(code): _problem(code) for code in errors},
    }
    operation["security"] = SECURED if 401 in errors else []
    return operation


WRITE_ERRORS = (400, 401, 403, 404, 409, 422)


def _change(tag: str, operation_id: str, summary: str, body: str, answer: Schema) -> Schema:
    """A token-protected POST that changes one pact or finding (its id in the path, by ``tag``)."""
    target = PACT_ID if tag == "pacts" else FINDING_ID
    return {
        "post": _operation(
            operation_id,
            summary,
            tag,
            {200: answer},
            errors=WRITE_ERRORS,
            parameters=[target],
            body=body,
        )
    }


PATHS: dict[str, dict[str, Schema]] = {
    "/openapi.json": {
        "get": _operation(
            "openapi",
            "This document",
            "meta",
            {
                200: {
                    "description": "OpenAPI 3.1",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        )
    },
    "/regencies": {
        "get": _operation(
            "listRegencies",
            "List regencies by name",
            "regencies",
            {200: _json("RegencyPage", "A page of regencies")},
            errors=(400,),
            parameters=PAGING,
        ),
        "post": _operation(
            "createRegency",
            "Add a regency (superadmin)",
            "regencies",
            {201: _json("Regency", "The new regency", location=True)},
            errors=(400, 401, 403, 422),
            body="RegencyInput",
        ),
    },
    "/regencies/{slug}": {
        "get": _operation(
            "getRegency",
            "One regency",
            "regencies",
            {200: _json("Regency", "The regency")},
            errors=(404,),
            parameters=[_path_param("slug", STRING, "The regency's slug")],
        )
    },
    "/agencies": {
        "get": _operation(
            "listAgencies",
            "List agencies, optionally of one regency",
            "agencies",
            {200: _json("AgencyPage", "A page of agencies")},
            errors=(400,),
            parameters=[*PAGING, REGENCY_FILTER],
        ),
        "post": _operation(
            "createAgency",
            "Record an agency (admin of its regency)",
            "agencies",
            {201: _json("Agency", "The new agency")},
            errors=(400, 401, 403, 422),
            body="AgencyInput",
        ),
    },
    "/pacts": {
        "get": _operation(
            "listPacts",
            "List pacts newest first",
            "pacts",
            {200: _json("PactSummaryPage", "A page of pacts")},
            errors=(400,),
            parameters=[
                *PAGING,
                REGENCY_FILTER,
                _query("agency", INTEGER, "Only this agency (its id)"),
                _query("status", _enum(PactStatus), "Only pacts with this status"),
            ],
        ),
        "post": _operation(
            "recordPact",
            "Record a signed pact with its findings (admin of the regency)",
            "pacts",
            {201: _json("Pact", "The recorded pact with its findings' ids", location=True)},
            errors=(400, 401, 403, 422),
            body="PactInput",
        ),
    },
    "/pacts/{pact_id}": {
        "get": _operation(
            "getPact",
            "One pact with its findings",
            "pacts",
            {200: _json("Pact", "The pact")},
            errors=(404,),
            parameters=[PACT_ID],
        )
    },
    "/pacts/{pact_id}/timeline": {
        "get": _operation(
            "getPactTimeline",
            "Every step of a pact and its findings, oldest first",
            "pacts",
            {200: _json("Timeline", "The timeline")},
            errors=(401, 404),
            parameters=[PACT_ID],
        )
    },
    "/pacts/{pact_id}/extend": _change(
        "pacts",
        "extendPact",
        "Move the deadline later, with a reason",
        "ExtendInput",
        _json("Pact", "The pact with its new deadline"),
    ),
    "/pacts/{pact_id}/outcome": {
        **_change(
            "pacts",
            "recordPactOutcome",
            "Record or correct the regent's decision, or that no source reports the end",
            "OutcomeInput",
            _json("Pact", "The pact with its outcome"),
        ),
        "delete": _operation(
            "clearPactOutcome",
            "Clear a recorded outcome entered by mistake (the status is derived again)",
            "pacts",
            {200: _json("Pact", "The pact without an outcome")},
            errors=(401, 403, 404, 409),
            parameters=[PACT_ID],
        ),
    },
    "/pacts/{pact_id}/withdraw": _change(
        "pacts",
        "withdrawPact",
        "Cancel a pact with a reason (it stays on record)",
        "WithdrawInput",
        _json("Pact", "The withdrawn pact"),
    ),
    "/findings/{finding_id}": {
        "get": _operation(
            "getFinding",
            "One finding with its evidence and reviews",
            "findings",
            {200: _json("Finding", "The finding")},
            errors=(401, 404),
            parameters=[FINDING_ID],
        )
    },
    "/findings/{finding_id}/evidence": {
        "post": _operation(
            "addEvidence",
            "Upload a photo or PDF proving a fix (the agency's staff)",
            "findings",
            {201: _json("Evidence", "The stored evidence")},
            errors=(401, 403, 404, 409, 413, 422),
            parameters=[FINDING_ID],
            body="EvidenceUpload",
            media="multipart/form-data",
        )
    },
    "/findings/{finding_id}/submit": _change(
        "findings",
        "submitFinding",
        "Send a finding for verification (the agency's staff)",
        "SubmitInput",
        _json("Finding", "The submitted finding"),
    ),
    "/findings/{finding_id}/review": _change(
        "findings",
        "reviewFinding",
        "Approve or return a submitted finding (the regent's office)",
        "ReviewInput",
        _json("Finding", "The finding with its review"),
    ),
    "/findings/{finding_id}/unresolvable": _change(
        "findings",
        "declareFindingUnresolvable",
        "Declare that a finding cannot be followed up, from any state but closed, with the "
        "public reason (SIPTL's \"tidak dapat ditindaklanjuti\"; the regent's office, never for "
        "its own agency)",
        "ReasonInput",
        _json("Finding", "The finding, now unresolvable"),
    ),
    "/findings/{finding_id}/reopen": _change(
        "findings",
        "reopenFinding",
        'Take back "cannot be followed up", with a reason: the finding is open again (in '
        "progress if it has evidence) (the regent's office)",
        "ReasonInput",
        _json("Finding", "The reopened finding"),
    ),
}
# --- assessments (issue 12) ---------------------------------------------------------------
_SCORE_OR_NULL: Schema = {
    "type": ["string", "null"],
    "pattern": r"^\d{1,3}\.\d{2}$",
    "description": "Two-place decimal 0.00-100.00, as a string",
}
_SCORE_IN: Schema = {
    "type": ["string", "number", "null"],
    "description": '0 to 100 with at most two decimals (78.34, "78.34" or "78,34")',
}
_RESULT: dict[str, Schema] = {
    "year": INTEGER,
    "result": _enum(AssessmentResult),
    "score": _SCORE_OR_NULL,
    "zone": {**_enum(Zone), "type": ["string", "null"], "enum": [*(z.value for z in Zone), None]},
    "grade": TEXT_OR_NULL,
    "label": {**TEXT_OR_NULL, "description": 'Official label with its grade: "B, Kualitas Tinggi"'},
    "is_provisional": {
        "type": "boolean",
        "description": "The zone comes from a provisional scheme",
    },
    "source": TEXT_OR_NULL,
    "is_demo": {"type": "boolean"},
}
_RANK: Schema = {"type": ["integer", "null"], "minimum": 1}
SCHEMAS.update(
    {
        "RegencyResult": _obj({**_RESULT, "rank": _RANK, "rank_of": _RANK, "note": TEXT_OR_NULL}),
        "UnitResult": _obj(
            {
                **_RESULT,
                "agency": _obj({"id": INTEGER, "slug": STRING, "name": STRING}),
                **dict.fromkeys(DIMENSIONS, _SCORE_OR_NULL),
            }
        ),
        "AssessmentNote": _obj(
            {
                "year": INTEGER,
                "text": STRING,
                "applies_to": {**TEXT_OR_NULL, "description": "Whom the note concerns"},
                "source": TEXT_OR_NULL,
                "is_demo": {"type": "boolean"},
            }
        ),
        "Assessments": _obj(
            {
                "regency": STRING,
                "year": {"type": ["integer", "null"]},
                "results": {"type": "array", "items": _ref("RegencyResult")},
                "unit_results": {"type": "array", "items": _ref("UnitResult")},
                "notes": {"type": "array", "items": _ref("AssessmentNote")},
            }
        ),
        "AssessmentsRecorded": _obj(
            {
                "regency": STRING,
                "year": {"type": ["integer", "null"]},
                "results": {"type": "array", "items": _ref("RegencyResult")},
                "unit_results": {"type": "array", "items": _ref("UnitResult")},
                "notes": {"type": "array", "items": _ref("AssessmentNote")},
                "changes": _obj(
                    {
                        "regency": {
                            "type": ["string", "null"],
                            "enum": ["new", "changed", "unchanged", None],
                        },
                        "units": {
                            "type": "object",
                            "additionalProperties": {"enum": ["new", "changed", "unchanged"]},
                        },
                    }
                ),
            }
        ),
        "AssessmentInput": _obj(
            {
                "regency": {**STRING, "description": "The regency's slug"},
                "year": {**INTEGER, "minimum": 2013},
                "result": {
                    **_enum(AssessmentResult),
                    "description": "Optional: a score makes it scored, a zone alone zone_only",
                },
                "score": _SCORE_IN,
                "zone": {
                    "type": ["string", "null"],
                    "description": "Only for zone_only: green, yellow, red, black (or hijau ...)",
                },
                "rank": {"type": ["integer", "string", "null"]},
                "rank_of": {"type": ["integer", "string", "null"]},
                "note": TEXT_OR_NULL,
                "source": TEXT_OR_NULL,
                "units": {
                    "type": "array",
                    "items": _obj(
                        {
                            "agency": {**STRING, "description": "The agency's slug"},
                            "agency_id": INTEGER,
                            "result": _enum(AssessmentResult),
                            "score": _SCORE_IN,
                            "zone": TEXT_OR_NULL,
                            **dict.fromkeys(DIMENSIONS, _SCORE_IN),
                            "source": TEXT_OR_NULL,
                        },
                        required=[],
                    ),
                },
            },
            required=["regency", "year"],
        ),
    }
)
PATHS["/assessments"] = {
    "get": _operation(
        "getAssessments",
        "A regency's assessment results and its units', of one year or every year, with zone,"
        " grade, official label and whether the scheme is provisional",
        "assessments",
        {200: _json("Assessments", "The results")},
        errors=(400,),
        parameters=[
            {**REGENCY_FILTER, "required": True, "description": "The regency (its slug)"},
            _query("year", INTEGER, "Only this year"),
        ],
    ),
    "post": _operation(
        "recordAssessments",
        "Record or correct a year's result of a regency and of its units (admin of the"
        " regency); the same values again change nothing",
        "assessments",
        {200: _json("AssessmentsRecorded", "The year's results, and what changed")},
        errors=(400, 401, 403, 404, 422),
        body="AssessmentInput",
    ),
}
# --- a year's results from a spreadsheet (issue 12 item 4) -----------------------------------
_IMPORT_ROW = _obj(
    {
        "line": {**INTEGER, "description": "The row's line in the file (the header is line 1)"},
        "agency": {**TEXT_OR_NULL, "description": "The agency's name; null: the regency's own"},
        "agency_id": {"type": ["integer", "null"]},
        "outcome": {"enum": ["new", "changed", "unchanged", "skipped", "error"]},
        "changes": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {}, "minItems": 2, "maxItems": 2},
            "description": "new or changed rows: each field as [recorded, in the file]; scores"
            " as two-place strings",
        },
        "errors": {
            "type": "object",
            "additionalProperties": STRING,
            "description": "error rows: each refused column and why",
        },
    },
    required=["line", "agency", "agency_id", "outcome"],
)
_IMPORT_FIELDS: dict[str, Schema] = {
    "regency": STRING,
    "year": {"type": ["integer", "null"]},
    "format": {"enum": ["xlsx", "csv"]},
    "sha256": STRING,
    "committed": {"type": "boolean", "description": "Whether this request saved anything"},
    "counts": {"type": "object", "additionalProperties": INTEGER},
    "ignored_columns": {"type": "array", "items": STRING},
    "rows": {"type": "array", "items": _IMPORT_ROW},
}
SCHEMAS.update(
    {
        "AssessmentImportUpload": _obj(
            {
                "file": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                    "description": "XLSX or CSV (recognised by content; the name is ignored) in"
                    " the format of the template: columns year, agency (empty for the regency's"
                    " own row), result, score, zone, rank, rank_of, input_score, process_score,"
                    " output_score, complaints_score, source, note, regency; one year per file.",
                },
                "regency": {
                    **STRING,
                    "description": "The regency's slug (an admin may leave it out: their own)",
                },
            },
            required=["file"],
        ),
        "AssessmentImport": _obj(_IMPORT_FIELDS),
        "AssessmentImportRefused": {
            **_obj(
                {
                    **SCHEMAS["Problem"]["properties"],
                    **_IMPORT_FIELDS,
                },
                required=["type", "title", "status", "detail", "rows"],
            ),
            "description": "A file with refused rows: a problem whose rows say each row's outcome;"
            " nothing was saved.",
        },
    }
)
_IMPORT_OPERATION = _operation(
    "importAssessments",
    "Import a year's results of a regency and its agencies from a spreadsheet (admin of the"
    " regency): every row's outcome (new, changed, unchanged, skipped, error); with"
    " preview=true nothing is written, otherwise all rows are saved or, if any row has an"
    " error, none. The same file twice changes nothing.",
    "assessments",
    {200: _json("AssessmentImport", "Every row's outcome, and whether anything was saved")},
    errors=(400, 401, 403, 413, 422),
    parameters=[
        _query(
            "preview",
            {"type": "boolean", "default": False},
            "true: answer the rows' outcomes and write nothing",
        )
    ],
    body="AssessmentImportUpload",
    media="multipart/form-data",
)
_IMPORT_OPERATION["responses"]["422"] = {
    "description": "A file that cannot be read (invalid_params names the file), or rows with"
    " errors (rows gives every row's outcome); nothing was saved",
    "content": {
        PROBLEM_MEDIA: {"schema": {"oneOf": [_ref("Problem"), _ref("AssessmentImportRefused")]}}
    },
}
PATHS["/assessments/import"] = {"post": _IMPORT_OPERATION}
# --- the regency's pacts with their findings from a spreadsheet (issue 13 item 3) -------------
_PACT_IMPORT_ROW = _obj(
    {
        "line": {**INTEGER, "description": "The pact's first row in the file (header: line 1)"},
        "lines": {"type": "array", "items": INTEGER, "description": "Every row of the pact"},
        "reference": {**TEXT_OR_NULL, "description": "The pact's document number"},
        "agency": {**TEXT_OR_NULL, "description": "The agency's name (as found, or as given)"},
        "agency_id": {"type": ["integer", "null"]},
        "outcome": {"enum": ["new", "unchanged", "skipped", "error"]},
        "findings": {**INTEGER, "description": "How many findings the file gives the pact"},
        "pact_id": {
            "type": ["integer", "null"],
            "description": "The recorded pact: an unchanged one, or a new one once committed",
        },
        "errors": {
            "type": "object",
            "additionalProperties": STRING,
            "description": "error pacts: 'row <line>: <column>' and why",
        },
    },
    required=["line", "lines", "reference", "agency", "agency_id", "outcome", "findings"],
)
_PACT_IMPORT_FIELDS: dict[str, Schema] = {
    "regency": STRING,
    "format": {"enum": ["xlsx", "csv"]},
    "sha256": STRING,
    "committed": {"type": "boolean", "description": "Whether this request saved anything"},
    "rows": {**INTEGER, "description": "The file's data rows"},
    "counts": {
        "type": "object",
        "additionalProperties": INTEGER,
        "description": "Pacts by outcome (changed: always 0, a recorded pact is corrected on"
        " its page)",
    },
    "findings": {**INTEGER, "description": "The findings of the new pacts"},
    "ignored_columns": {"type": "array", "items": STRING},
    "pacts": {"type": "array", "items": _PACT_IMPORT_ROW},
}
SCHEMAS.update(
    {
        "PactImportUpload": _obj(
            {
                "file": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                    "description": "XLSX or CSV (recognised by content; the name is ignored), one"
                    " row per finding with the pact's columns repeated: reference, agency,"
                    " signatory_title, signatory_name, signed_on, period_months, pledge,"
                    " sanction, witnesses, source, target_kind, target_value, target_year,"
                    " finding_title, finding_category, finding_code, finding_description,"
                    " regency (Indonesian headers accepted).",
                },
                "regency": {
                    **STRING,
                    "description": "Optional: the regency's slug, which must be the account's",
                },
            },
            required=["file"],
        ),
        "PactImport": _obj(_PACT_IMPORT_FIELDS),
        "PactImportRefused": {
            **_obj(
                {**SCHEMAS["Problem"]["properties"], **_PACT_IMPORT_FIELDS},
                required=["type", "title", "status", "detail", "pacts"],
            ),
            "description": "A file with refused rows: a problem whose pacts say each pact's"
            " outcome; nothing was saved.",
        },
    }
)
_PACT_IMPORT_OPERATION = _operation(
    "importPacts",
    "Import the regency's signed pacts with their findings from a spreadsheet (the regent's"
    " office of the regency): every pact's outcome (new, unchanged, skipped, error); pacts are"
    " named by agency and reference, so the same file twice changes nothing. With"
    " preview=true nothing is written; otherwise every new pact is recorded, audited, in one"
    " transaction or, if any row has an error, none.",
    "pacts",
    {200: _json("PactImport", "Every pact's outcome, and whether anything was saved")},
    errors=(400, 401, 403, 413, 422),
    parameters=[
        _query(
            "preview",
            {"type": "boolean", "default": False},
            "true: answer the pacts' outcomes and write nothing",
        )
    ],
    body="PactImportUpload",
    media="multipart/form-data",
)
_PACT_IMPORT_OPERATION["responses"]["422"] = {
    "description": "A file that cannot be read (invalid_params names the file), or rows with"
    " errors (pacts gives every pact's outcome); nothing was saved",
    "content": {PROBLEM_MEDIA: {"schema": {"oneOf": [_ref("Problem"), _ref("PactImportRefused")]}}},
}
PATHS["/pacts/import"] = {"post": _PACT_IMPORT_OPERATION}
# --- regency-wide commitments and events (issue 12) ------------------------------------------
_TARGET = _obj(
    {
        "kind": _enum(assessment_rules.TargetKind),
        "value": {**TEXT_OR_NULL, "description": "The zone, grade or score; null for improve"},
        "year": {**INTEGER, "description": "The assessment year the target names"},
        "state": {
            **_enum(assessment_rules.TargetState),
            "description": "Read from the regency's recorded result of that year; awaiting while"
            " it is not recorded. A regency pact is never overdue.",
        },
    }
)
# A pact's own target (of its agency's unit result in a year), with whether it was met.
SCHEMAS["Pact"]["properties"]["target"] = {
    "oneOf": [_TARGET, {"type": "null"}],
    "description": "What the pact promises of its agency's assessment in a year, and whether"
    " the recorded result met it (awaiting while that year's result is not recorded)",
}
SCHEMAS["Pact"]["required"].append("target")
SCHEMAS.update(
    {
        "Commitment": _obj(
            {
                "id": INTEGER,
                "regency": STRING,
                "regency_name": STRING,
                "kind": _enum(CommitmentKind),
                "title": STRING,
                "signed_on": {**DAY_OR_NULL, "description": "Null: the source gives no day"},
                "signed_year": {
                    "type": ["integer", "null"],
                    "description": "The signing year, also when the source gives no day",
                },
                "place": TEXT_OR_NULL,
                "parties": {"type": "array", "items": STRING},
                "signatories": {"type": "array", "items": STRING},
                "commitments": {"type": "array", "items": STRING},
                "note": TEXT_OR_NULL,
                "target": {
                    "oneOf": [_TARGET, {"type": "null"}],
                    "description": "Only a regency pact has one",
                },
                "source": TEXT_OR_NULL,
                "is_demo": {"type": "boolean"},
                "url": {"type": "string", "format": "uri", "description": "The public page"},
            }
        ),
        "Event": _obj(
            {
                "id": INTEGER,
                "regency": STRING,
                "regency_name": STRING,
                "kind": _enum(EventKind),
                "title": STRING,
                "happened_on": {**DAY_OR_NULL, "description": "Null: the source gives no day"},
                "happened_year": {
                    "type": ["integer", "null"],
                    "description": "Null with happened_on null: date not recorded",
                },
                "description": TEXT_OR_NULL,
                "source": TEXT_OR_NULL,
                "is_demo": {"type": "boolean"},
            }
        ),
    }
)
for _kind in ("Commitment", "Event"):
    SCHEMAS[f"{_kind}Page"] = _obj(
        {
            "items": {"type": "array", "items": _ref(_kind)},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
            "pages": INTEGER,
            "next": URL_OR_NULL,
            "prev": URL_OR_NULL,
        }
    )
PATHS["/commitments"] = {
    "get": _operation(
        "listCommitments",
        "List regency-wide pacts, MoUs and cooperation agreements, newest first",
        "commitments",
        {200: _json("CommitmentPage", "A page of commitments")},
        errors=(400,),
        parameters=[*PAGING, REGENCY_FILTER],
    )
}
PATHS["/events"] = {
    "get": _operation(
        "listEvents",
        "List mentoring visits, coordination channels and other events, newest first",
        "commitments",
        {200: _json("EventPage", "A page of events")},
        errors=(400,),
        parameters=[*PAGING, REGENCY_FILTER],
    )
}
# A submission needs no body at all.
PATHS["/findings/{finding_id}/submit"]["post"]["requestBody"]["required"] = False

# --- corrections after signing (issue 13) ---------------------------------------------------
_REASON: Schema = {
    "type": "string",
    "minLength": 1,
    "description": "Why (public: the pact's public timeline shows it, without naming anyone)",
}
SCHEMAS.update(
    {
        "PactCorrection": _obj(
            {
                "signatory_name": TEXT_OR_NULL,
                "signatory_title": STRING,
                "signed_on": {
                    **DAY_OR_NULL,
                    "description": (
                        "Moves the deadline derived from it; refused once the deadline has"
                        " been extended"
                    ),
                },
                "pledge": STRING,
                "sanction": TEXT_OR_NULL,
                "witnesses": TEXT_OR_NULL,
                "reason": _REASON,
            },
            required=["reason"],
        ),
        "FindingCorrection": _obj(
            {
                "title": STRING,
                "description": TEXT_OR_NULL,
                "category": _enum(FindingCategory),
                "reason": _REASON,
            },
            required=["reason"],
        ),
        "FindingsInput": _obj(
            {"findings": {"type": "array", "items": _ref("FindingInput"), "minItems": 1}},
            required=["findings"],
        ),
    }
)
PATHS["/pacts/{pact_id}"]["patch"] = _operation(
    "correctPact",
    "Correct a typo in a pact: only the fields given change (null clears an optional one); "
    "audited with the values before and after; any state (the regent's office)",
    "pacts",
    {200: _json("Pact", "The corrected pact")},
    errors=(400, 401, 403, 404, 422),
    parameters=[PACT_ID],
    body="PactCorrection",
)
PATHS["/pacts/{pact_id}/findings"] = {
    "post": _operation(
        "addPactFindings",
        "Add findings to a signed pact that still runs (not withdrawn, no outcome recorded, "
        "a finding open) (the regent's office)",
        "pacts",
        {201: _json("Pact", "The pact with its findings")},
        errors=WRITE_ERRORS,
        parameters=[PACT_ID],
        body="FindingsInput",
    )
}
PATHS["/pacts/{pact_id}/reinstate"] = _change(
    "pacts",
    "reinstatePact",
    "Undo the withdrawal of a pact, with a reason: it runs again (the regent's office)",
    "ReasonInput",
    _json("Pact", "The pact, running again"),
)
PATHS["/findings/{finding_id}"]["patch"] = _operation(
    "correctFinding",
    "Correct a typo in a finding's title, description or category, with a reason; its status, "
    "evidence and reviews stay (the regent's office, never for its own agency)",
    "findings",
    {200: _json("Finding", "The corrected finding")},
    errors=(400, 401, 403, 404, 422),
    parameters=[FINDING_ID],
    body="FindingCorrection",
)


def document() -> Schema:
    """Return the OpenAPI 3.1 document of API v1."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Pantau Pakta API",
            "version": "1",
            "description": (
                "Integrity pacts of regency agencies and the follow-up of their findings. "
                "Lists and pacts are public; findings, timelines and every write need a bearer "
                f"token (challenge: {CHALLENGE}). Errors are application/problem+json."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from 'flask users token' or the staff token page.",
                }
            },
        },
    }
