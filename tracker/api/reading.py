"""Read API v1 requests through their models: every bad field named at once, never a 500.

A JSON body, a query string or a multipart form is validated by its model (tracker.api.inputs);
pydantic's errors become the problem+json ``invalid_params`` (``findings[1].title``) with
reasons in the catalogue's words, so a page and the API refuse alike. A body that is not a JSON
object (malformed, nested past pydantic's limit, or with a lone surrogate such as "\\ud800")
is a 400 with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import NoneType, UnionType
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, from_json, to_json

from tracker.api.fields import FILLED, FILLED_LINE, LINE, NO_NUL, SEGMENT, SLUG
from tracker.errors import BadFilter, Invalid, Message
from tracker.text import SINGLE_LINE

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Parsed(Generic[M]):
    """A request read by its model: ``value`` holds stand-ins where ``errors`` name a field.

    The service still runs with the stand-ins (see tracker.web.json.run_json), so that the
    caller's and the object's refusals come first and one 422 names every bad field.
    """

    value: M
    errors: dict[str, Message]
    malformed: Message | None = None


def read_json(model: type[M]) -> Parsed[M]:
    """Read the request's JSON body (an empty body is ``{}``) with ``model``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raw = b"{}"
    try:
        return Parsed(model.model_validate_json(raw), {})
    except ValidationError as exc:
        malformed = _malformed(exc.errors())
        if malformed is not None:
            return Parsed(stand_in(model, {}, set()), {}, malformed)
        errors = invalid_params(exc.errors())
        data: dict[str, Any] = from_json(raw)
        return Parsed(stand_in(model, data, {_top(e["loc"]) for e in exc.errors()}), errors)


def read_form(model: type[M]) -> Parsed[M]:
    """Read a multipart request's fields and files with ``model``."""
    data: dict[str, Any] = dict(request.form.items())
    for name, upload in request.files.items():
        data[name] = upload.read()
    try:
        return Parsed(model.model_validate(data), {})
    except ValidationError as exc:
        bad = {_top(e["loc"]) for e in exc.errors()}
        return Parsed(stand_in(model, data, bad, json=False), invalid_params(exc.errors()))


def read_query(model: type[M]) -> M:
    """Read the query string with ``model``; raise BadFilter naming each bad parameter.

    An empty parameter is an empty string: no filter for a text (``?regency=``), no number.
    """
    data = {k: v for k, v in request.args.items() if k in model.model_fields}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = invalid_params(exc.errors())
        if len(fields) == 1:
            [(name, reason)] = fields.items()
            detail = _l("%(name)s: %(reason)s", name=name, reason=reason)
            raise BadFilter(detail, fields=fields) from None
        raise BadFilter(_l("The query has invalid parameters."), fields=fields) from None


def _top(loc: tuple[int | str, ...]) -> str:
    return str(loc[0]) if loc else ""


def _malformed(errors: list[ErrorDetails]) -> Message | None:
    """Say why the body is no JSON object at all (None: it is one)."""
    for error in errors:
        if error["loc"]:
            continue
        if error["type"] == "json_invalid":
            cause = str((error.get("ctx") or {}).get("error", ""))
            if "recursion limit" in cause:
                return _l("The request body is nested too deeply.")
            if "surrogate" in cause or "hex escape" in cause:
                return _l(
                    "The request body is not valid JSON: a text holds a lone surrogate"
                    " (such as \\ud800), which is no character."
                )
            return _l("The request body is not valid JSON.")
        return _l("The request body must be a JSON object.")
    return None


def name_of(loc: tuple[int | str, ...]) -> str:
    """Name a field as the API does: ``findings[1].title``."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def invalid_params(errors: list[ErrorDetails]) -> dict[str, Message]:
    """Each bad field and why, first reason first."""
    fields: dict[str, Message] = {}
    for error in errors:
        fields.setdefault(name_of(error["loc"]), reason(error))
    return fields


_NUL = _l("must not contain a NUL character")
_PATTERNS: dict[str, Message] = {
    NO_NUL: _NUL,
    SEGMENT: _NUL,
    LINE: SINGLE_LINE,
    SLUG: _l("2–64 lowercase letters, digits and hyphens, e.g. sumbawa-barat"),
}


def _pattern_reason(pattern: str, value: object) -> Message:
    """Why a text does not match: blank, a control character, or not in the expected form."""
    if pattern in (FILLED, FILLED_LINE) and isinstance(value, str):
        if not value.strip():
            return _l("required")
        return _NUL if pattern == FILLED else SINGLE_LINE
    return _PATTERNS.get(pattern, _l("not in the expected form"))


def reason(error: ErrorDetails) -> Message:
    """Say why a value was refused, in the catalogue's words (the API answers in English)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "rule":
        message: Message = ctx["reason"]
        return message
    simple = _SIMPLE.get(kind)
    if simple is not None:
        return simple
    if kind.startswith("date"):
        return _l("must be a date as YYYY-MM-DD")
    if kind.startswith("bool"):
        return _l("must be true or false")
    if kind in ("enum", "literal_error"):
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return _l("one of %(allowed)s", allowed=allowed)
    if kind == "string_too_short":
        return _l("required")
    if kind == "string_too_long":
        return _l("at most %(n)s characters", n=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        return _pattern_reason(str(ctx.get("pattern")), error.get("input"))
    if kind in ("greater_than_equal", "greater_than"):
        return _l("must be at least %(n)s", n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _l("must be at most %(n)s", n=ctx.get("le", ctx.get("lt")))
    if kind == "too_short":
        return _l("at least %(n)s", n=ctx.get("min_length"))
    if kind == "too_long":
        return _l("at most %(n)s", n=ctx.get("max_length"))
    return _l("not in the expected form")


_SIMPLE: dict[str, Message] = {
    "missing": _l("required"),
    "extra_forbidden": _l("unknown field"),
    "string_type": _l("must be a string"),
    "bytes_type": _l("required: a file"),
    "int_type": _l("must be an integer"),
    "int_parsing": _l("must be an integer"),
    "int_from_float": _l("must be an integer"),
    "float_type": _l("must be a number"),
    "float_parsing": _l("must be a number"),
    "scalar_type": _l("must be a string or a number"),
    "list_type": _l("must be a list"),
    "model_type": _l("must be an object"),
    "model_attributes_type": _l("must be an object"),
    "dict_type": _l("must be an object"),
}


# --- stand-ins for refused fields ------------------------------------------------------------


def stand_in(model: type[M], data: dict[str, Any], bad: set[str], *, json: bool = True) -> M:
    """Build ``model`` from the good fields of ``data``, with neutral values for the others.

    The neutral values ("" for a text, 0 for a number, None for a date, [] for a list) are
    what the services already meet from a blank form field: they refuse them, or ignore them,
    and the request's 422 names the field with the schema's reason.
    """
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in data and name not in bad:
            try:
                adapter = _adapter(model, name)
                value = data[name]
                values[name] = (
                    adapter.validate_json(to_json(value))
                    if json
                    else adapter.validate_python(value)
                )
                continue
            except ValidationError:
                pass
        if not info.is_required() and name not in data:
            values[name] = info.get_default(call_default_factory=True)
        else:
            values[name] = _neutral(info.annotation)
    return model.model_construct(_fields_set=set(data) & set(model.model_fields), **values)


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info: FieldInfo = model.model_fields[name]
    strict = bool(model.model_config.get("strict"))
    hint: Any = Annotated[info.annotation, info]
    return TypeAdapter(hint, config={"strict": strict})


def _neutral(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        if NoneType in get_args(annotation):
            return None
        return _neutral(get_args(annotation)[0])
    if origin is Annotated:
        return _neutral(get_args(annotation)[0])
    if origin is list or annotation is list:
        return []
    if annotation is bool:
        return False
    if annotation is int:
        return 0
    if annotation is bytes:
        return b""
    if isinstance(annotation, type) and issubclass(annotation, str):
        return ""
    return None


def refuse(parsed: Parsed[Any]) -> None:
    """Raise the 422 of a request read without a service to run (nothing else to refuse)."""
    if parsed.errors:
        raise Invalid(_l("The request has invalid fields."), fields=parsed.errors)
