"""The API keeps the contract its document publishes: schemathesis, every check, a fixed seed.

Schemathesis reads GET /api/v1/openapi.json from the app itself (WSGI, the test's database with
the demo loaded), generates requests the document calls valid and requests it calls invalid, and
checks every answer: no 5xx, every status and header documented, every body matching its
schema, valid data accepted, invalid data refused, 405 with Allow for undocumented methods, and
the rest of its checks, with a superadmin's bearer token. Any finding fails the test.

One kind of refusal is the document's own promise rather than a finding: a 400 or 422 for a
schema-valid request that names only fields the operation lists under ``x-rules`` (what its
services check against the records, today's date or each other: an agency the caller can see,
a date not in the future, a slug not taken yet). Those failures are dropped, counted and shown.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis.engine import events, from_schema
from schemathesis.transport.wsgi import WSGITransport
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import api_token
from tracker.auth.models import User
from tracker.demo.services import DemoReport

SEED = 18
# Generated cases per operation in the fuzzing and stateful phases (the coverage phase draws its
# own: every boundary, every enum value, every constraint broken once).
MAX_EXAMPLES = 10
# The operations in three runs of about the same size, so that each stays well under a minute
# and make test's workers can take them side by side.
GROUPS = {
    "regencies-agencies-lists": ["meta", "regencies", "agencies", "commitments"],
    "pacts": ["pacts"],
    "findings-assessments": ["findings", "assessments"],
}


def _field_pattern(name: str) -> str:
    """A refused field as x-rules names it: findings[3].code is findings[].code."""
    name = re.sub(r"\[\d+\]", "[]", name)
    return re.sub(r"^row \d+: .*$", "row *", name)


def _ruled(document: dict[str, Any], method: str, path: str, body: Any) -> bool:
    """Whether a refusal names only fields its operation says are checked beyond the schema."""
    operation = document["paths"].get(path, {}).get(method.lower(), {})
    rules = set(operation.get("x-rules", {}))
    names = [p["name"] for p in (body or {}).get("invalid_params", [])]
    return bool(names) and all(_field_pattern(name) in rules for name in names)


@pytest.fixture
def superadmin_token(session: Session, demo: DemoReport, now: datetime) -> str:
    user = session.scalars(select(User).where(User.role == "superadmin")).first()
    assert user is not None
    return api_token(session, user, now)


@pytest.fixture
def wsgi_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schemathesis's runner hands its WSGI transport the network settings of an HTTP session
    (max_redirects, verify, cert), which Werkzeug's test client refuses: leave them out."""
    send = WSGITransport.send

    def in_process(self: WSGITransport, case: Any, **kwargs: Any) -> Any:
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", in_process)


@pytest.mark.usefixtures("wsgi_transport", "upload_folder")
@pytest.mark.parametrize("group", GROUPS)
def test_the_api_keeps_its_published_contract(
    app: Flask, session: Session, superadmin_token: str, group: str
) -> None:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {superadmin_token}"},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "cache": {"enabled": False},
            "workers": 1,
        }
    )
    everything = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    schema = everything.include(tag=GROUPS[group])
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    dropped: Counter[str] = Counter()

    @schema.hook
    def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
        if type(failure).__name__ != "RejectedPositiveData" or response.status_code not in (
            400,
            422,
        ):
            return True
        try:
            body = json.loads(response.content)
        except ValueError:
            return True
        if _ruled(document, case.method, case.operation.path, body):
            dropped[f"{case.method} {case.operation.path}"] += 1
            return False
        return True

    cases: Counter[str] = Counter()
    findings: list[str] = []
    errors: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases[event.phase.name] += len(event.recorder.cases)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        info = check.failure_info
                        findings.append(
                            f"{event.recorder.label}: {info.failure.title}\n"
                            f"{info.failure.message}\n{info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            errors.append(repr(event.exception))
    total = sum(cases.values())
    print(f"schemathesis {group}: {total} cases {dict(cases)}; x-rules: {dict(dropped)}")
    assert not errors, errors
    assert not findings, sorted(set(findings))
    assert total > 300
