"""The operations of API v1, each declared once, and the OpenAPI 3.1 document built from them.

A view is registered with ``operation(...)``: its route, the models of its body, query string
and answers, the refusals it may answer and what its services check beyond the schema. The
same models validate the request (tracker.api.reading) and build the answer
(tracker.api.outputs); ``document()`` assembles GET /api/v1/openapi.json from them with
pydantic's JSON Schema (draft 2020-12, OpenAPI 3.1's dialect). Nothing is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema

from tracker.api.auth import token_required
from tracker.api.blueprint import CHALLENGE, bp
from tracker.api.fields import SEGMENT
from tracker.web.caching import conditional
from tracker.web.errors import BUSY_RETRY_AFTER_SECONDS, PROBLEM_MEDIA, Problem
from tracker.web.routing import MAX_ID

F = TypeVar("F", bound=Callable[..., Any])
REF = "#/components/schemas/{model}"
JSON = "application/json"
MULTIPART = "multipart/form-data"

# What each refusal means, everywhere in the API (an operation adds its own words).
REFUSALS: dict[int, str] = {
    400: "A malformed body (not a JSON object, nested too deeply, a lone surrogate), a bad"
    " query parameter (each named in invalid_params), or a NUL character anywhere",
    401: "Missing, malformed, unknown or revoked token",
    403: "The caller may not do this",
    404: "Unknown, or not visible to the caller",
    409: "Not allowed in the object's current state",
    413: "The request body is larger than the configured limit, or the file than an upload may be",
    422: "Invalid fields, each named in invalid_params",
    503: "The database stayed busy; nothing was written, try again after Retry-After seconds",
}


@dataclass(frozen=True)
class Answer:
    """A successful answer: its status, its body's model (or files' media types), headers."""

    status: int
    model: type[BaseModel] | None
    description: str
    headers: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    schema: JsonSchemaValue | None = None


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the document describes it."""

    method: str
    rule: str
    endpoint: str
    operation_id: str
    summary: str
    tag: str
    answers: tuple[Answer, ...]
    refusals: frozenset[int]
    body: type[BaseModel] | None
    media: str
    body_required: bool
    query: type[BaseModel] | None
    token: bool
    rules: dict[str, str]
    problems: dict[int, tuple[type[BaseModel], ...]]


OPERATIONS: list[Operation] = []


def operation(
    method: Literal["GET", "POST", "PATCH", "DELETE"],
    rule: str,
    *,
    operation_id: str,
    summary: str,
    tag: str,
    answers: tuple[Answer, ...],
    refusals: tuple[int, ...] = (),
    body: type[BaseModel] | None = None,
    media: str = JSON,
    body_required: bool = True,
    query: type[BaseModel] | None = None,
    token: bool = False,
    rules: dict[str, str] | None = None,
    problems: dict[int, tuple[type[BaseModel], ...]] | None = None,
) -> Callable[[F], F]:
    """Register a view on the API blueprint and in the document.

    Every operation may answer 400 (a NUL character anywhere) and 503 (the database busy); one
    with a token 401, one with a body 413, one with an id in its path 404. ``rules`` name the
    fields the services check beyond the schema (against the records, today's date or each
    other): a 422 naming only those is what a schema-valid request may still meet.
    """

    def register(view: F) -> F:
        statuses = {400, *refusals}
        if rule != "/openapi.json":
            statuses.add(503)
        if token:
            statuses.add(401)
        if body is not None:
            statuses.add(413)
        if "<" in rule:
            statuses.add(404)
        OPERATIONS.append(
            Operation(
                method=method,
                rule=rule,
                endpoint=view.__name__,
                operation_id=operation_id,
                summary=summary,
                tag=tag,
                answers=answers,
                refusals=frozenset(statuses),
                body=body,
                media=media,
                body_required=body_required,
                query=query,
                token=token,
                rules=dict(rules or {}),
                problems=dict(problems or {}),
            )
        )
        served: Callable[..., Any]
        if token:
            served = token_required(view)
        elif method == "GET":
            # The same for every caller: an ETag, 304, and rendered once per data version.
            served = conditional()(view)
        else:
            served = view
        bp.add_url_rule(rule, view.__name__, served, methods=[method])
        return view

    return register


# --- the document ----------------------------------------------------------------------------


class _Schema(GenerateJsonSchema):
    """pydantic's JSON Schema without a title on every field (the names say it)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(rule: str) -> str:
    return _PARAM.sub(r"{\2}", rule)


def _path_parameters(rule: str) -> list[JsonSchemaValue]:
    parameters = []
    for converter, name in _PARAM.findall(rule):
        schema: JsonSchemaValue = (
            {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if converter == "int"
            else {"type": "string", "minLength": 1, "maxLength": 64, "pattern": SEGMENT}
        )
        described = name.replace("_id", "").replace("_", " ")
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": schema,
                "description": f"The {described}'s {'id' if converter == 'int' else name}",
            }
        )
    return parameters


def _not_null(schema: JsonSchemaValue) -> JsonSchemaValue:
    """A query parameter's schema: a parameter is absent, never null."""
    choices = schema.get("anyOf")
    if not choices:
        return schema
    kept = [c for c in choices if c != {"type": "null"}]
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    if len(kept) == 1:
        return {**kept[0], **rest}
    return {**rest, "anyOf": kept}


def _query_parameters(model: JsonSchemaValue) -> list[JsonSchemaValue]:
    required = set(model.get("required", []))
    parameters = []
    for name, prop in model.get("properties", {}).items():
        schema = _not_null(prop)
        description = schema.pop("description", None)
        parameter: JsonSchemaValue = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": schema,
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _ref(name: str) -> JsonSchemaValue:
    return {"$ref": REF.format(model=name)}


def _problem(op: Operation, status: int, names: dict[tuple[type[BaseModel], str], str]) -> Any:
    description = REFUSALS[status]
    if status == 422 and op.rules:
        checked = "; ".join(f"{name}: {why}" for name, why in op.rules.items())
        description += f". Beyond this schema the server checks {checked}"
    models = op.problems.get(status, (Problem,))
    schemas = [_ref(names[(m, "serialization")]) for m in models]
    schema = schemas[0] if len(schemas) == 1 else {"oneOf": schemas}
    response: JsonSchemaValue = {
        "description": description,
        "content": {PROBLEM_MEDIA: {"schema": schema}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "required": True,
                "schema": {"type": "string", "const": CHALLENGE},
                "description": "RFC 6750",
            }
        }
    if status == 503:
        response["headers"] = {
            "Retry-After": {
                "required": True,
                "schema": {"type": "integer", "const": BUSY_RETRY_AFTER_SECONDS},
            }
        }
    return response


_HEADERS: dict[str, JsonSchemaValue] = {
    "Location": {"type": "string", "format": "uri-reference"},
    "Repr-Digest": {"type": "string", "pattern": "^sha-256=:[A-Za-z0-9+/]{43}=:$"},
    "ETag": {"type": "string"},
    "Content-Disposition": {"type": "string"},
}


def _answer(answer: Answer, names: dict[tuple[type[BaseModel], str], str]) -> JsonSchemaValue:
    response: JsonSchemaValue = {"description": answer.description}
    if answer.model is not None:
        schema = _ref(names[(answer.model, "serialization")])
        response["content"] = {JSON: {"schema": schema}}
    elif answer.schema is not None:
        response["content"] = {JSON: {"schema": answer.schema}}
    elif answer.files:
        binary = {"type": "string", "format": "binary"}
        response["content"] = {media: {"schema": binary} for media in answer.files}
    if answer.headers:
        response["headers"] = {
            name: {"required": True, "schema": _HEADERS[name], "description": description}
            for name, description in answer.headers.items()
        }
    return response


def document() -> JsonSchemaValue:
    """Return the OpenAPI 3.1 document of API v1 (call inside the app: limits come from it)."""
    inputs = {m for op in OPERATIONS for m in (op.body, op.query) if m is not None}
    outputs = {a.model for op in OPERATIONS for a in op.answers if a.model is not None}
    outputs |= {Problem, *(m for op in OPERATIONS for ms in op.problems.values() for m in ms)}
    pairs: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        *((m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)),
        *((m, "serialization") for m in sorted(outputs, key=lambda m: m.__name__)),
    ]
    keys, defs = models_json_schema(pairs, ref_template=REF, schema_generator=_Schema)
    schemas: dict[str, JsonSchemaValue] = defs.get("$defs", {})
    names: dict[tuple[type[BaseModel], str], str] = {}
    for (model, mode), value in keys.items():
        if isinstance(model, type) and issubclass(model, BaseModel):
            names[(model, mode)] = value["$ref"].rsplit("/", 1)[1]
    queries = {names[(op.query, "validation")] for op in OPERATIONS if op.query is not None}
    paths: dict[str, dict[str, JsonSchemaValue]] = {}
    for op in OPERATIONS:
        item: JsonSchemaValue = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "security": [{"bearer": []}] if op.token else [],
        }
        parameters = _path_parameters(op.rule)
        if op.query is not None:
            parameters += _query_parameters(schemas[names[(op.query, "validation")]])
        if parameters:
            item["parameters"] = parameters
        if op.body is not None:
            item["requestBody"] = {
                "required": op.body_required,
                "content": {op.media: {"schema": _ref(names[(op.body, "validation")])}},
            }
        responses = {str(a.status): _answer(a, names) for a in op.answers}
        if op.method == "GET" and not op.token:
            responses["304"] = {
                "description": "Not modified: the If-None-Match tag is still current",
                "headers": {"ETag": {"required": True, "schema": _HEADERS["ETag"]}},
            }
        for status in sorted(op.refusals):
            responses[str(status)] = _problem(op, status, names)
        item["responses"] = responses
        if op.rules:
            item["x-rules"] = op.rules
        paths.setdefault(_path(op.rule), {})[op.method.lower()] = item
    for name in queries:
        schemas.pop(name, None)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Pantau Pakta API",
            "version": "1",
            "description": (
                "Integrity pacts of regency agencies and the follow-up of their findings. "
                "Lists and pacts are public; findings, timelines, evidence files and every write"
                f" need a bearer token (challenge: {CHALLENGE}). Errors are"
                f" {PROBLEM_MEDIA} (RFC 9457) in English. x-rules names what the server checks"
                " beyond an operation's schema."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from 'flask users token' or the staff token page",
                }
            },
        },
    }
