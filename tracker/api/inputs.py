"""What API v1 accepts: one model per request body, query string and multipart form.

The limits are the services' own (PactLimit, FindingLimit, ...): the services still check every
value (the pages and the command line call them too), and these models say the same before a
service runs and in the published document. What no schema can say (an agency the caller may
see, a date not in the future, a deadline later than the current one) stays with the services;
each operation lists those rules in its document entry (tracker.api.spec, ``x-rules``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from tracker.agencies.services import KIND_LIMIT
from tracker.agencies.services import NAME_LIMIT as AGENCY_NAME_LIMIT
from tracker.api.fields import (
    SLUG,
    WHOLE,
    DayFrom,
    Flag,
    Id,
    Input,
    InputDay,
    Integer,
    Rule,
    omitted,
    text,
)
from tracker.assessments.rules import FIRST_YEAR, AssessmentResult, TargetKind
from tracker.assessments.services import NOTE_LIMIT, SOURCE_LIMIT
from tracker.errors import Message
from tracker.findings.catalogue import BY_CODE
from tracker.findings.rules import FindingCategory, FindingLimit, ReviewDecision
from tracker.pacts.rules import DEFAULT_PERIOD_MONTHS, PactLimit, PactOutcome
from tracker.pacts.services import EXTENDED, OUTCOME_CHOICES
from tracker.regencies.services import NAME_LIMIT, SLUG_LENGTH
from tracker.web.routing import MAX_ID


@dataclass(frozen=True)
class OneOf:
    """A string that must be one of ``values`` (a list the services keep, not an enum)."""

    values: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        allowed = frozenset(self.values)
        expected = ", ".join(self.values) if len(self.values) < 20 else "the listed values"

        def check(value: str) -> str:
            if value not in allowed:
                raise PydanticCustomError("enum", "one of {expected}", {"expected": expected})
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = handler(schema)
        value["enum"] = list(self.values)
        return value


def slug_field(description: str) -> Any:
    low, high = SLUG_LENGTH
    return Field(min_length=low, max_length=high, pattern=SLUG, description=description)


Slug = Annotated[str, slug_field("Lowercase letters, digits and single hyphens")]
Year = Annotated[int, Field(strict=True, ge=FIRST_YEAR), WHOLE]
Reason = Annotated[
    str,
    text(PactLimit.REASON, filled=True, description="Why (public: the timeline shows it)"),
]


@dataclass(frozen=True, eq=False)
class NumberOrText:
    """A value the services read from a JSON number or a string (a score, a rank, a target).

    The number keeps the digits the client wrote (78.34 reaches the service as "78.34"); the
    text must match ``pattern`` whole. Both forms are published exactly as checked here.
    """

    pattern: str
    reason: Message
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int | None = None

    def _refuse(self) -> PydanticCustomError:
        return PydanticCustomError("rule", str(self.reason), {"reason": self.reason})

    def check(self, value: Any) -> str:
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                raise self._refuse()
            if re.fullmatch(self.pattern, value) is None:
                raise self._refuse()
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError("scalar_type", "must be a string or a number")
        if self.integer and isinstance(value, float):
            if not value.is_integer():
                raise self._refuse()
            value = int(value)
        low = self.minimum if self.minimum is not None else value
        high = self.maximum if self.maximum is not None else value
        if not low <= value <= high:
            raise self._refuse()
        return str(value)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        number: JsonSchemaValue = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            number["minimum"] = self.minimum
        if self.maximum is not None:
            number["maximum"] = self.maximum
        text: JsonSchemaValue = {"type": "string", "pattern": f"^(?:{self.pattern})$"}
        if self.max_length is not None:
            text["maxLength"] = self.max_length
        return {"anyOf": [number, text]}


# A score: 0 to 100 (78.34, "78.34" or "78,34"); the services refuse a third decimal.
Score = Annotated[
    str,
    NumberOrText(
        " *(100([.,]00?)?|[0-9]{1,2}([.,][0-9]{1,2})?) *",
        _l("a score is a number with at most two decimals, e.g. 81.22"),
        minimum=0,
        maximum=100,
    ),
]
# A published rank ("128 of 199"): a whole number from 1, within an INTEGER column.
Rank = Annotated[
    str,
    NumberOrText(
        " *[1-9][0-9]{0,8} *",
        _l("a whole number from 1"),
        minimum=1,
        maximum=MAX_ID,
        integer=True,
    ),
]
# A target's value: a zone, a grade or a score (which one is target_kind's to say).
TargetValue = Annotated[
    str,
    NumberOrText(
        "[^\\u0000]*",
        _l("a zone, a grade from A to E or a score"),
        minimum=0,
        maximum=100,
        max_length=32,
    ),
]


# A pact's day (its signing, the regent's decision): not before PactLimit.EARLIEST_DAY.
PactDay = Annotated[date, DayFrom(PactLimit.EARLIEST_DAY)]


# --- regencies and agencies ------------------------------------------------------------------


class RegencyInput(Input):
    """A regency to add (superadmin)."""

    slug: Slug
    name: Annotated[str, text(NAME_LIMIT, filled=True, line=True)]
    province: Annotated[str, text(NAME_LIMIT, filled=True, line=True)]
    timezone: Annotated[
        str,
        OneOf(tuple(sorted(available_timezones()))),
        Field(description="An IANA time zone, e.g. Asia/Makassar"),
    ]


class AgencyInput(Input):
    """An agency to record in a regency (its admin)."""

    regency: Annotated[str, slug_field("The regency's slug")]
    slug: Slug
    name: Annotated[str, text(AGENCY_NAME_LIMIT, filled=True, line=True)]
    kind: Annotated[
        str,
        text(KIND_LIMIT, filled=True, line=True),
        Field(examples=["dinas", "badan", "puskesmas", "rsud"]),
    ]


# --- pacts -----------------------------------------------------------------------------------

CODE = Annotated[
    str,
    OneOf(tuple(sorted(BY_CODE))),
    Field(description="A code of the finding catalogue; it supplies the category"),
]


class FindingInput(Input):
    """A finding of a pact: free text, or a code of the catalogue."""

    title: Annotated[str, text(FindingLimit.TITLE, filled=True, line=True)]
    category: FindingCategory | None = Field(None, description="Required without a code")
    description: Annotated[str, text(FindingLimit.DESCRIPTION)] | None = None
    code: CODE | None = None

    rules = (Rule("code", None, unless=True, require={"category": _l("required without a code")}),)


TARGETED = (TargetKind.ZONE, TargetKind.GRADE, TargetKind.SCORE)


class PactInput(Input):
    """A signed pact with its findings (the regent's office of the agency's regency)."""

    agency_id: Id
    signatory_name: Annotated[str, text(PactLimit.SIGNATORY_NAME, line=True)] | None = None
    signatory_title: Annotated[str, text(PactLimit.SIGNATORY_TITLE, filled=True, line=True)]
    signed_on: PactDay | None = Field(None, description="Null: no deadline until it is known")
    period_months: Integer = Field(DEFAULT_PERIOD_MONTHS, ge=1, le=PactLimit.PERIOD_MONTHS)
    pledge: Annotated[str, text(PactLimit.PLEDGE, filled=True)]
    sanction: Annotated[str, text(PactLimit.SANCTION)] | None = None
    witnesses: Annotated[str, text(PactLimit.WITNESSES)] | None = None
    findings: list[FindingInput] = Field(default_factory=list, max_length=PactLimit.FINDINGS)
    outcome_not_recorded: Flag = Field(
        False,
        description="A pact entered from the past whose end no source reports (its deadline"
        " must have passed): status not_recorded, never overdue",
    )
    target_kind: TargetKind | None = Field(
        None, description="Optional target of the agency's assessment in target_year"
    )
    target_value: TargetValue | None = Field(
        None, description="A zone, a grade A-E or a score; none for improve"
    )
    target_year: Year | None = None

    rules = (
        Rule("target_value", None, require={"target_kind": _l("required with a target")}),
        Rule("target_year", None, require={"target_kind": _l("required with a target")}),
        Rule("target_kind", None, require={"target_year": _l("required with a target")}),
        Rule("target_kind", TARGETED, require={"target_value": _l("required with a target")}),
        Rule(
            "target_kind",
            (TargetKind.IMPROVE,),
            null={"target_value": _l("a better result needs no value")},
        ),
    )


class FindingsInput(Input):
    """Findings to add to a running pact."""

    findings: list[FindingInput] = Field(min_length=1, max_length=PactLimit.FINDINGS)


class ExtendInput(Input):
    """A later deadline, with its reason."""

    new_deadline: InputDay
    reason: Reason


class ReasonInput(Input):
    """A change that needs only its reason."""

    reason: Reason


_DECISIONS = tuple(o.value for o in PactOutcome if o is not PactOutcome.NOT_RECORDED)


class OutcomeInput(Input):
    """The regent's decision on a pact, an extension, or "no source reports the end"."""

    kind: Annotated[
        str,
        OneOf(OUTCOME_CHOICES),
        Field(
            description="The regent's decision; extended moves the deadline (new_deadline,"
            " reason) and records no outcome; not_recorded (no date) only once the deadline"
            " has passed"
        ),
    ]
    decided_on: PactDay | None = Field(
        None, description="A decision's date: not in the future, not before the signing"
    )
    note: Annotated[str, text(PactLimit.REASON)] | None = Field(
        None, description="Public; required for other"
    )
    new_deadline: InputDay | None = Field(None, description="Only for extended")
    reason: Annotated[str, text(PactLimit.REASON)] | None = Field(
        None, description="Only for extended"
    )

    rules = (
        Rule(
            "kind",
            _DECISIONS,
            require={"decided_on": _l("the date of the decision is required")},
        ),
        Rule(
            "kind", (PactOutcome.OTHER.value,), filled={"note": _l("say what the regent decided")}
        ),
        Rule(
            "kind",
            (EXTENDED,),
            require={"new_deadline": _l("a new deadline is required")},
            filled={"reason": _l("a reason is required")},
        ),
        Rule(
            "kind",
            (PactOutcome.NOT_RECORDED.value,),
            null={
                "decided_on": _l(
                    "no date: 'outcome not recorded' says that no source reports how the pact ended"
                )
            },
        ),
    )


class PactCorrection(Input):
    """The fields of a pact to correct (null clears an optional one), with a reason."""

    signatory_name: Annotated[str, text(PactLimit.SIGNATORY_NAME, line=True)] | None = None
    signatory_title: Annotated[str, text(PactLimit.SIGNATORY_TITLE, filled=True, line=True)] = (
        omitted()
    )
    signed_on: PactDay | None = Field(
        None,
        description="Moves the deadline derived from it; refused once the deadline has been"
        " extended",
    )
    pledge: Annotated[str, text(PactLimit.PLEDGE, filled=True)] = omitted()
    sanction: Annotated[str, text(PactLimit.SANCTION)] | None = None
    witnesses: Annotated[str, text(PactLimit.WITNESSES)] | None = None
    reason: Reason


# --- findings --------------------------------------------------------------------------------


class SubmitInput(Input):
    """A finding sent for verification, with an optional note."""

    note: Annotated[str, text(FindingLimit.NOTE)] | None = None


class ReviewInput(Input):
    """A verifier's decision on a submitted finding."""

    decision: ReviewDecision
    comment: Annotated[str, text(FindingLimit.COMMENT)] | None = Field(
        None, description="Required to return a finding (and then not internal)"
    )
    internal: Flag = Field(False, description="Shown only to the regency's staff")

    rules = (
        Rule(
            "decision",
            (ReviewDecision.RETURN,),
            filled={"comment": _l("a comment the agency can read is required to return a finding")},
            const={"internal": (False, _l("a return is never internal: the agency reads it"))},
        ),
    )


class FindingReasonInput(Input):
    """Why a finding cannot be followed up, or why it can again (public)."""

    reason: Annotated[str, text(FindingLimit.REASON, filled=True)]


class FindingCorrection(Input):
    """The texts of a finding to correct, with a reason."""

    title: Annotated[str, text(FindingLimit.TITLE, filled=True, line=True)] = omitted()
    description: Annotated[str, text(FindingLimit.DESCRIPTION)] | None = None
    category: FindingCategory = omitted()
    reason: Reason


# --- assessments -----------------------------------------------------------------------------


class UnitResultInput(Input):
    """An agency's result of the year (by its slug or its id)."""

    agency: Annotated[str, slug_field("The agency's slug")] | None = None
    agency_id: Id | None = None
    result: AssessmentResult | None = None
    score: Score | None = None
    zone: Annotated[str, text(16)] | None = None
    input_score: Score | None = None
    process_score: Score | None = None
    output_score: Score | None = None
    complaints_score: Score | None = None
    source: Annotated[str, text(SOURCE_LIMIT)] | None = None

    rules = (Rule("agency_id", None, unless=True, require={"agency": _l("name the agency")}),)


class AssessmentInput(Input):
    """A regency's result of a year and its units' (the regency's admin)."""

    regency: Annotated[str, slug_field("The regency's slug")]
    year: Year
    result: AssessmentResult | None = Field(
        None, description="Optional: a score makes it scored, a zone alone zone_only"
    )
    score: Score | None = None
    zone: Annotated[str, text(16)] | None = Field(
        None, description="Only for zone_only: green, yellow, red, black (or hijau ...)"
    )
    rank: Rank | None = None
    rank_of: Rank | None = None
    note: Annotated[str, text(NOTE_LIMIT)] | None = None
    source: Annotated[str, text(SOURCE_LIMIT)] | None = None
    units: list[UnitResultInput] = Field(default_factory=list)
