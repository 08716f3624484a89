"""The building blocks of API v1's schemas: base models, text and number types, rules.

Each request and response of the API is one pydantic model (tracker.api.inputs, .outputs).
The model validates what a client sends, serializes what the API answers, and, through
pydantic's JSON Schema, is what GET /api/v1/openapi.json publishes: one description, so the
document cannot promise what the server refuses. The types here carry the limits the services
enforce (lengths, ranges, the characters no text may hold) into both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from flask import current_app
from flask_babel import lazy_gettext as _l
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError, core_schema

from tracker.errors import Message
from tracker.pagination import MAX_DIGITS
from tracker.web.routing import MAX_ID


def _class(codes: Iterable[int]) -> str:
    """A regular expression class's inside for ``codes``, in ranges, escaped as \\uXXXX.

    The escapes read alike in JSON Schema's ECMA-262 expressions, Python's and Rust's (which
    pydantic validates with).
    """
    parts: list[str] = []
    run: list[int] = []
    for code in [*sorted(codes), -2]:
        if run and code == run[-1] + 1:
            run.append(code)
            continue
        if run:
            first, last = run[0], run[-1]
            parts.append(f"\\u{first:04x}" + (f"-\\u{last:04x}" if last > first else ""))
        run = [code]
    return "".join(parts)


_BMP = range(0x10000)
# Every character Python's str.strip() removes: the services strip texts before they check
# them, so "filled" means a character outside this class.
_SPACE = _class(c for c in _BMP if chr(c).isspace())
# What a single-line field refuses (tracker.text.is_single_line: control characters, line and
# paragraph separators); NUL is one of them.
LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})
_BREAKING = _class(c for c in _BMP if unicodedata.category(chr(c)) in LINE_BREAKING)
# No text holds NUL (PostgreSQL refuses it, the others store it differently).
NO_NUL = "^[^\\u0000]*$"
FILLED = f"^[^\\u0000]*[^\\u0000{_SPACE}][^\\u0000]*$"
LINE = f"^[^{_BREAKING}]*$"
FILLED_LINE = f"^[^{_BREAKING}]*[^{_BREAKING}{_SPACE}][^{_BREAKING}]*$"
_FILLED = re.compile(FILLED)
# A slug: lowercase letters, digits and single hyphens (tracker.regencies.services.SLUG).
SLUG = "^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Path segments: anything but a slash, never NUL.
SEGMENT = "^[^\\u0000/]+$"


def text(
    limit: int, *, filled: bool = False, line: bool = False, description: str | None = None
) -> Any:
    """A string of at most ``limit`` characters, without NUL.

    ``filled``: not only spaces; ``line``: one line, no control character (a name).
    """
    patterns = {(False, False): NO_NUL, (True, False): FILLED}
    patterns |= {(False, True): LINE, (True, True): FILLED_LINE}
    return Field(
        strict=True,
        max_length=limit,
        pattern=patterns[(filled, line)],
        description=description,
    )


def no_default(schema: JsonSchemaValue) -> None:
    """Leave a field's default out of the document: absent means "unchanged", never null."""
    schema.pop("default", None)


def omitted() -> Any:
    """The default of a field a PATCH may leave out (unchanged) but never set to null."""
    return Field(default=None, json_schema_extra=no_default)


class Input(BaseModel):
    """A JSON request body: exact types (no "5" for 5, no 1 for true), no unknown field.

    ``rules`` add what one field requires of the others (see Rule); they are checked with the
    fields, so one answer names every bad field, and published as ``allOf`` conditions.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    rules: ClassVar[tuple[Rule, ...]] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _check_rules(cls, data: Any, handler: Callable[[Any], Any]) -> Any:
        errors: list[InitErrorDetails] = []
        try:
            checked = handler(data)
        except ValidationError as exc:
            errors, checked = [_again(e) for e in exc.errors()], None
        if isinstance(data, dict):
            for rule in cls.rules:
                errors.extend(rule.errors(data))
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return checked

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = super().__get_pydantic_json_schema__(schema, handler)
        target = handler.resolve_ref_schema(value)
        if cls.rules:
            target["allOf"] = [rule.schema() for rule in cls.rules]
        return value


@dataclass(frozen=True)
class Rule:
    """When field ``when`` takes one of ``values`` (None: when it is given at all), then:

    ``require``: fields that must be given, not null (each with its reason); ``filled``: texts
    that must be given and not blank; ``null``: fields that must be absent or null; ``const``:
    fields that must hold exactly that value.
    ``unless`` turns the condition around: the rule holds while ``when`` is NOT one of them.
    """

    when: str
    values: tuple[Any, ...] | None
    require: dict[str, Message] = field(default_factory=dict)
    filled: dict[str, Message] = field(default_factory=dict)
    null: dict[str, Message] = field(default_factory=dict)
    const: dict[str, tuple[Any, Message]] = field(default_factory=dict)
    unless: bool = False

    def applies(self, data: dict[str, Any]) -> bool:
        value = data.get(self.when)
        hit = value is not None if self.values is None else value in self.values
        return hit != self.unless

    def errors(self, data: dict[str, Any]) -> Iterable[InitErrorDetails]:
        if not self.applies(data):
            return
        for name, reason in self.require.items():
            if data.get(name) is None:
                yield _rule_error(name, reason, data)
        for name, reason in self.filled.items():
            value = data.get(name)
            if not isinstance(value, str) or not _FILLED.match(value):
                yield _rule_error(name, reason, data)
        for name, reason in self.null.items():
            if data.get(name) is not None:
                yield _rule_error(name, reason, data)
        for name, (value, reason) in self.const.items():
            if name in data and data[name] != value:
                yield _rule_error(name, reason, data)

    def schema(self) -> JsonSchemaValue:
        if self.values is None:
            condition: JsonSchemaValue = {
                "required": [self.when],
                "properties": {self.when: {"not": {"type": "null"}}},
            }
        else:
            condition = {
                "required": [self.when],
                "properties": {self.when: {"enum": [_plain(v) for v in self.values]}},
            }
        if self.unless:
            condition = {"not": condition}
        then: JsonSchemaValue = {"required": [*self.require, *self.filled], "properties": {}}
        for name in self.require:
            then["properties"][name] = {"not": {"type": "null"}}
        for name in self.filled:
            then["properties"][name] = {"type": "string", "pattern": FILLED}
        for name in self.null:
            then["properties"][name] = {"type": "null"}
        for name, (value, _reason) in self.const.items():
            then["properties"][name] = {"const": value}
        return {"if": condition, "then": then}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def _again(error: ErrorDetails) -> InitErrorDetails:
    """An error raised again with the rules' errors: its kind, words and context kept."""
    return InitErrorDetails(
        type=PydanticCustomError(error["type"], error["msg"], error.get("ctx")),
        loc=error["loc"],
        input=error["input"],
    )


def _rule_error(name: str, reason: Message, data: dict[str, Any]) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("rule", str(reason), {"reason": reason}),
        loc=(name,),
        input=data.get(name),
    )


class Query(BaseModel):
    """Query string parameters: strings read as the schema says (numbers in ASCII digits)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Form(BaseModel):
    """The fields and files of a multipart request: no part the model does not name."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Output(BaseModel):
    """A response body: every field always present (null when the record says nothing)."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


def _digits(value: Any) -> Any:
    """Read a query number: ASCII digits only ("²", "٣", "+5", " 5" and "5.0" are no number)."""
    if isinstance(value, str):
        if 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit():
            return int(value)
        raise PydanticCustomError("int_parsing", "must be a whole number")
    return value


# Read a query number (put it after the number's bounds: Annotated[int, Field(ge=1), DIGITS]).
DIGITS = BeforeValidator(_digits)


# An id of a row in a body: positive, no larger than an INTEGER column holds (the bound of the
# URL converter, tracker.web.routing); a JSON integer, never a string or true.
def _whole(value: Any) -> Any:
    """A JSON integer: 3, and 3.0 (JSON Schema's integer too); never "3" or true."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(_whole)
Integer = Annotated[int, Field(strict=True), WHOLE]
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WHOLE]
Flag = Annotated[bool, Field(strict=True)]


_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _year_at_least(year: int) -> str:
    """A regular expression matching exactly the four-digit years from ``year`` on."""
    digits = f"{year:04d}"
    parts = [digits]
    for i, digit in enumerate(digits):
        if digit != "9":
            rest = 3 - i
            higher = f"[{int(digit) + 1}-9]" if int(digit) < 8 else "9"
            parts.append(digits[:i] + higher + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class DayFrom:
    """A date written YYYY-MM-DD (no time, no week date), and not before ``earliest``.

    ``earliest`` is the first day of a year, so that the document can say it as a pattern.
    """

    earliest: date | None = None

    def __post_init__(self) -> None:
        if self.earliest is not None and (self.earliest.month, self.earliest.day) != (1, 1):
            raise ValueError("a first day of a year: the document says it as a pattern")

    def pattern(self) -> str:
        if self.earliest is None:
            return _ISO_DAY.pattern
        return f"^{_year_at_least(self.earliest.year)}-"

    def read(self, value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            day = value
        elif isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise PydanticCustomError("date_parsing", "must be a date as YYYY-MM-DD") from None
        else:
            raise PydanticCustomError("date_parsing", "must be a date as YYYY-MM-DD")
        if self.earliest is not None and day < self.earliest:
            reason = _l("not before %(day)s", day=self.earliest.isoformat())
            raise PydanticCustomError("rule", str(reason), {"reason": reason})
        return day

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.read)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value: JsonSchemaValue = {"type": "string", "format": "date"}
        if self.earliest is not None:
            value["pattern"] = self.pattern()
        return value


InputDay = Annotated[date, DayFrom()]


@dataclass(frozen=True)
class AtMostConfigured:
    """An upper bound read from the app's configuration, in validation and in the document."""

    key: str

    def limit(self) -> int:
        return int(current_app.config[self.key])

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def check(value: int) -> int:
            limit = self.limit()
            if value > limit:
                raise PydanticCustomError("less_than_equal", "must be at most {le}", {"le": limit})
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = handler(schema)
        value["maximum"] = self.limit()
        return value


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _local(value: datetime) -> str:
    return value.isoformat()


def _day(value: date) -> str:
    return value.isoformat()


# Answers: an instant in UTC ("2019-03-25T01:00:00+00:00"), a local time with its offset, a day.
Instant = Annotated[
    datetime,
    PlainSerializer(_instant, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
LocalTime = Annotated[
    datetime,
    PlainSerializer(_local, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
Day = Annotated[
    date,
    PlainSerializer(_day, return_type=str),
    WithJsonSchema({"type": "string", "format": "date"}, mode="serialization"),
]
Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]


def _scalar(value: Any) -> Any:
    """A score or rank as written: a string, or a JSON number read as written (78.34)."""
    if isinstance(value, bool):
        raise PydanticCustomError("scalar_type", "must be a string or a number")
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


def scalar(schema: JsonSchemaValue) -> Any:
    """A value the service reads from a string or a JSON number (scores, ranks, targets)."""
    return Annotated[
        str,
        BeforeValidator(_scalar),
        WithJsonSchema(schema, mode="validation"),
    ]
