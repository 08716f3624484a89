"""The OpenAPI document describes every API route, and live responses match what it declares.

The document is generated from the models that validate the requests and build the answers
(tracker.api.spec); these tests hold it to the URL map and to the live answers, and
test_contract.py lets schemathesis loose on it.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from tests.integration.api.conftest import Api, World

DOC_URI = "urn:pantau-pakta:openapi"
METHODS = {"get", "post", "put", "patch", "delete"}


def _template(rule: str) -> str:
    """Turn a Flask rule under /api/v1 into an OpenAPI path: <int:pact_id> → {pact_id}."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    response = api("GET", "/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_the_document_lists_exactly_the_routes_of_the_api(
    app: Flask, document: dict[str, Any]
) -> None:
    routes = {
        (_template(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    described = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }
    assert routes - described == set(), "routes missing from the document"
    assert described - routes == set(), "documented operations with no route"


def test_the_document_is_openapi_3_1_with_valid_schemas(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    bearer = document["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "401" in operation["responses"]:
                assert operation["security"] == [{"bearer": []}], (method, path)
            for name in re.findall(r"{([a-z_]+)}", path):
                assert name in {p["name"] for p in operation.get("parameters", [])}, path


class Conformance:
    """Check each live response against the schema the document declares for it."""

    def __init__(self, app: Flask, document: dict[str, Any]) -> None:
        self.document = document
        self.adapter = app.url_map.bind("localhost")
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
        self.seen: set[tuple[str, str, str]] = set()

    def check(self, method: str, url: str, response: TestResponse) -> None:
        rule, _ = self.adapter.match(url.split("?")[0], method=method, return_rule=True)
        path = _template(rule.rule)
        responses = self.document["paths"][path][method.lower()]["responses"]
        status = str(response.status_code)
        assert status in responses, f"{method} {url}: undeclared status {status}"
        media = response.mimetype
        if "content" not in responses[status]:
            assert response.get_data() == b"", f"{method} {url} {status}: a body, none declared"
        else:
            assert media in responses[status]["content"], f"{method} {url}: {media} undeclared"
        if "content" in responses[status] and media.endswith("json"):
            pointer = _pointer("paths", path, method.lower(), "responses", status, "content", media)
            validator = Draft202012Validator(
                {"$ref": f"{DOC_URI}#{pointer}/schema"}, registry=self.registry
            )
            errors = [e.message for e in validator.iter_errors(response.get_json(force=True))]
            assert not errors, f"{method} {url} {status}: {errors}"
        for header in responses[status].get("headers", {}):
            assert header in response.headers, f"{method} {url} {status}: no {header} header"
        self.seen.add((path, method.lower(), status))


def test_live_responses_match_the_declared_schemas(
    app: Flask, api: Api, world: World, document: dict[str, Any], small_uploads: int
) -> None:
    conformance = Conformance(app, document)

    def call(method: str, url: str, who: str | None = None, **kwargs: Any) -> TestResponse:
        response = api(method, url, who, **kwargs)
        conformance.check(method, "/api/v1" + url, response)
        response.get_data()
        response.close()
        return response

    call("GET", "/openapi.json")
    call("GET", "/regencies")
    call("GET", "/regencies?page=0")
    call("GET", "/regencies/kab-x")
    call("GET", "/regencies/atlantis")
    new_regency = {"slug": "baru", "name": "Baru", "province": "P", "timezone": "Asia/Jayapura"}
    call("POST", "/regencies", "superadmin", json=new_regency)
    call("POST", "/regencies", "admin_x", json=new_regency)
    call("POST", "/regencies", "superadmin", json=new_regency)  # the slug is taken now: 422
    call("POST", "/regencies", None, json=new_regency)
    call("POST", "/regencies", "superadmin", data="[", content_type="application/json")

    call("GET", "/agencies?regency=kab-x")
    call("GET", "/agencies?regency=atlantis")
    new_agency = {"regency": "kab-x", "slug": "dinsos", "name": "Dinas Sosial", "kind": "dinas"}
    call("POST", "/agencies", "admin_x", json=new_agency)
    call("POST", "/agencies", "opd_a", json=new_agency)
    call("POST", "/agencies", "admin_x", json={**new_agency, "slug": "?"})
    call("POST", "/agencies", None, json=new_agency)
    call("POST", "/agencies", "admin_x", data="[", content_type="application/json")

    pact = call("POST", "/pacts", "admin_x", json=api.pact_body()).get_json()
    other = call("POST", "/pacts", "admin_x", json=api.pact_body(signed_on=None)).get_json()
    call("POST", "/pacts", "observer_x", json=api.pact_body())
    call("POST", "/pacts", "admin_x", json=api.pact_body(period_months=0, pledge=""))
    call("POST", "/pacts", None, json=api.pact_body())
    call("POST", "/pacts", "admin_x", data="nope", content_type="application/json")
    call("GET", "/pacts?regency=kab-x")
    call("GET", "/pacts?status=late")
    call("GET", f"/pacts/{pact['id']}")
    call("GET", "/pacts/999999")

    first, second = (f["id"] for f in pact["findings"])
    call("POST", f"/findings/{first}/submit", "opd_a")  # no evidence yet: 409
    call("POST", f"/findings/{first}/evidence", "opd_a", data={"caption": "x"})  # no file: 422
    call("POST", f"/findings/{first}/evidence", "admin_x", data={"caption": "x"})
    call("POST", f"/findings/{first}/evidence", "opd_b", data={"caption": "x"})
    call("POST", f"/findings/{first}/evidence", "opd_a", data="{}")  # not multipart: 422
    call("POST", f"/findings/{first}/evidence", None, data={})
    uploaded = api.upload(first)
    assert uploaded.status_code == 201
    # The file comes back to whoever may read the finding, with its SHA-256.
    file_url = uploaded.get_json()["download_url"].split("/api/v1", 1)[1]
    call("GET", file_url, "observer_x")
    call("GET", file_url, "opd_b")  # another agency's: 404
    call("GET", file_url)
    conformance.check("POST", f"/api/v1/findings/{second}/evidence", api.upload(second))
    call("POST", f"/findings/{first}/submit", "opd_a", json={"note": "Sudah"})
    call("POST", f"/findings/{first}/submit", "opd_a")  # already submitted: 409
    call("POST", f"/findings/{first}/submit", "admin_x")
    call("POST", f"/findings/{first}/submit", "opd_b")
    call("POST", f"/findings/{first}/submit", None)
    call("POST", f"/findings/{second}/submit", "opd_a", json={"note": 5})  # 422
    call("POST", f"/findings/{second}/submit", "opd_a", data="[]", content_type="application/json")
    conformance.check(
        "POST", f"/api/v1/findings/{second}/evidence", api.upload(second, data=b"0" * 8000)
    )  # 413
    call("POST", f"/findings/{first}/review", "admin_x", json={"decision": "return"})
    call("POST", f"/findings/{first}/review", "opd_a", json={"decision": "approve"})
    call("POST", f"/findings/{first}/review", "admin_y", json={"decision": "approve"})
    call("POST", f"/findings/{first}/review", "admin_x", data="x", content_type="application/json")
    call("POST", f"/findings/{first}/review", None, json={"decision": "approve"})
    call("POST", f"/findings/{first}/review", "admin_x", json={"decision": "approve"})
    call("POST", f"/findings/{first}/review", "admin_x", json={"decision": "approve"})  # 409
    call("POST", f"/findings/{first}/evidence", "opd_a", data={"caption": "x"})  # closed: 409
    call("GET", f"/findings/{first}", "opd_a")
    call("GET", f"/findings/{first}", "opd_b")
    call("GET", f"/findings/{first}")
    for path in ("unresolvable", "reopen"):
        to = f"/findings/{second}/{path}"
        call("POST", to, "admin_x", json={"reason": " "})  # 422
        call("POST", to, "opd_a", json={"reason": "Menunggu APBD-P"})
        call("POST", to, "admin_y", json={"reason": "Menunggu APBD-P"})
        call("POST", to, None, json={"reason": "Menunggu APBD-P"})
        call("POST", to, "admin_x", data="[", content_type="application/json")
        call("POST", to, "admin_x", json={"reason": "Menunggu APBD-P"})
        call("POST", to, "admin_x", json={"reason": "Menunggu APBD-P"})  # 409
    call("POST", f"/findings/{first}/unresolvable", "admin_x", json={"reason": "x"})  # closed: 409

    url = f"/pacts/{pact['id']}"
    call("POST", url + "/extend", "admin_x", json={"new_deadline": "2019-06-30", "reason": "Ok"})
    call("POST", url + "/extend", "admin_x", json={"new_deadline": "2019-01-01", "reason": ""})
    call("POST", url + "/extend", "observer_x", json={"new_deadline": "2019-07-01", "reason": "x"})
    call("POST", url + "/extend", "admin_y", json={})
    call("POST", url + "/extend", None, json={})
    call("POST", url + "/extend", "admin_x", data="{", content_type="application/json")
    call(
        "POST",
        f"/pacts/{other['id']}/extend",
        "admin_x",
        json={"new_deadline": "2019-06-30", "reason": "x"},
    )
    decision = {"kind": "reprimand", "decided_on": "2019-03-20", "note": "Teguran tertulis"}
    call("POST", url + "/outcome", "admin_x", json=decision)
    call("POST", url + "/outcome", "admin_x", json={**decision, "decided_on": "2030-01-01"})
    call("POST", url + "/outcome", "observer_x", json=decision)
    call("POST", url + "/outcome", "admin_y", json=decision)
    call("POST", url + "/outcome", None, json=decision)
    call("POST", url + "/outcome", "admin_x", data="[", content_type="application/json")
    for who in ("admin_x", "admin_x", "observer_x", "admin_y", None):  # 200, then 409
        call("DELETE", url + "/outcome", who)
    call("POST", url + "/withdraw", "admin_x", json={})
    call("POST", url + "/withdraw", "opd_a", json={"reason": "x"})
    call("POST", url + "/withdraw", "admin_y", json={"reason": "x"})
    call("POST", url + "/withdraw", None, json={"reason": "x"})
    call("POST", url + "/withdraw", "admin_x", data="1", content_type="application/json")
    call("POST", url + "/withdraw", "admin_x", json={"reason": "Ganda"})
    call("POST", url + "/withdraw", "admin_x", json={"reason": "Ganda"})  # 409
    call("POST", url + "/outcome", "admin_x", json=decision)  # withdrawn: 409

    # Corrections after signing (issue 13): a withdrawn pact is corrected, then reinstated.
    fix = {"pledge": "Kami berjanji memperbaiki.", "reason": "Salah ketik"}
    call("PATCH", url, "admin_x", json=fix)
    call("PATCH", url, "admin_x", json={"pledge": "Lain"})  # no reason: 422
    call("PATCH", url, "observer_x", json=fix)
    call("PATCH", url, "admin_y", json=fix)
    call("PATCH", url, None, json=fix)
    call("PATCH", url, "admin_x", data="[", content_type="application/json")
    more = {"findings": [{"title": "Tidak ada papan alur", "category": "process"}]}
    call("POST", url + "/findings", "admin_x", json=more)  # withdrawn: 409
    call("POST", url + "/reinstate", "admin_x", data="[", content_type="application/json")
    for who, body in (
        ("admin_x", {"reason": " "}),  # 422
        ("opd_a", {"reason": "Salah pakta"}),
        ("admin_y", {"reason": "Salah pakta"}),
        (None, {"reason": "Salah pakta"}),
        ("admin_x", {"reason": "Salah pakta"}),  # 200
        ("admin_x", {"reason": "Salah pakta"}),  # no longer withdrawn: 409
    ):
        call("POST", url + "/reinstate", who, json=body)
    call("POST", url + "/findings", "admin_x", json=more)  # 201
    call("POST", url + "/findings", "admin_x", json={"findings": []})  # 422
    call("POST", url + "/findings", "observer_x", json=more)
    call("POST", url + "/findings", "admin_y", json=more)
    call("POST", url + "/findings", None, json=more)
    call("POST", url + "/findings", "admin_x", data="[", content_type="application/json")
    wording = {"title": "Belum ada ramp kursi roda", "reason": "Lebih jelas"}
    call("PATCH", f"/findings/{first}", "admin_x", json=wording)  # closed, corrected: 200
    call("PATCH", f"/findings/{first}", "admin_x", json={**wording, "category": "nope"})  # 422
    call("PATCH", f"/findings/{first}", "opd_a", json=wording)
    call("PATCH", f"/findings/{first}", "admin_y", json=wording)
    call("PATCH", f"/findings/{first}", None, json=wording)
    call("PATCH", f"/findings/{first}", "admin_x", data="[", content_type="application/json")
    call("GET", url + "/timeline", "observer_x")
    call("GET", url + "/timeline", "admin_y")
    call("GET", url + "/timeline")

    # Assessments (the frozen clock is in 2019: 2019 and 2020 are the latest years).
    year = {"regency": "kab-x", "year": 2019}
    call(
        "POST",
        "/assessments",
        "admin_x",
        json={
            **year,
            "score": "57.69",
            "rank": 128,
            "rank_of": 199,
            "units": [{"agency": "opd-a", "score": 60, "input_score": "12.5"}],
        },
    )
    call("POST", "/assessments", "admin_x", json={**year, "score": "100.01"})
    call("POST", "/assessments", "observer_x", json={**year, "score": "50"})
    call("POST", "/assessments", "admin_x", json={**year, "regency": "atlantis", "score": "50"})
    call("POST", "/assessments", None, json=year)
    call("POST", "/assessments", "admin_x", data="[", content_type="application/json")
    call("GET", "/assessments?regency=kab-x")
    call("GET", "/assessments?regency=kab-x&year=2019")
    call("GET", "/assessments?regency=atlantis")

    # A year's results from a spreadsheet (rows checked in tests/integration/assessments).
    def sheet(body: bytes = b"year,agency,score\n2019,opd-a,60\n") -> dict[str, Any]:
        return {"file": (io.BytesIO(body), "hasil.csv"), "regency": "kab-x"}

    to = "/assessments/import"
    call("POST", to + "?preview=true", "admin_x", data=sheet())
    call("POST", to, "admin_x", data=sheet())
    call("POST", to + "?preview=maybe", "admin_x", data=sheet())  # 400
    call("POST", to, None, data=sheet())
    call("POST", to, "observer_x", data=sheet())  # 403
    call("POST", to, "admin_x", data=sheet(b"year,agency,score\n2019,atlantis,60\n"))  # 422 rows
    call("POST", to, "admin_x", data=sheet(b"%PDF-1.4 not a sheet"))  # 422 file
    call("POST", to, "admin_x", data=sheet(b"year,agency,score\n" + b"0" * 3000))  # 413 (file)
    call("POST", to, "admin_x", data=sheet(b"0" * 8000))  # 413 (request)

    # Pacts with their findings from a spreadsheet (checked in tests/integration/pacts).
    pacts_header = b"reference,agency,signatory_title,pledge,finding_title,finding_category\n"

    def pacts(body: bytes = b"P/1,opd-a,Kepala,Kami berjanji,Tanpa papan,input\n") -> Any:
        return {"file": (io.BytesIO(pacts_header + body), "pakta.csv")}

    to = "/pacts/import"
    call("POST", to + "?preview=true", "admin_x", data=pacts())
    call("POST", to, "admin_x", data=pacts())
    call("POST", to + "?preview=maybe", "admin_x", data=pacts())  # 400
    call("POST", to, None, data=pacts())
    call("POST", to, "observer_x", data=pacts())  # 403
    call("POST", to, "admin_x", data=pacts(b"P/2,atlantis,Kepala,Janji,,\n"))  # 422 rows
    call("POST", to, "admin_x", data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.csv")})  # 422
    call("POST", to, "admin_x", data=pacts(b"0" * 3000))  # 413 (file)

    # Commitments and events: public lists (items checked in tests/integration/commitments).
    call("GET", "/commitments?regency=kab-x")
    call("GET", "/commitments?regency=atlantis")
    call("GET", "/events")
    call("GET", "/events?regency=atlantis")

    # A public read answers 304 to the ETag it gave, with no body: a cache revalidates cheaply.
    reads = ["/openapi.json", "/regencies", "/regencies/kab-x", "/agencies?regency=kab-x"]
    reads += ["/pacts", f"/pacts/{pact['id']}", "/assessments?regency=kab-x"]
    reads += ["/commitments?regency=kab-x", "/events"]
    for read in reads:
        tag = call("GET", read).headers["ETag"]
        again = call("GET", read, headers={"If-None-Match": tag})
        assert again.status_code == 304, read
        assert again.get_data() == b"", read

    # What every operation may answer: a NUL character anywhere (400), a body past the limit
    # (413). (503, the database busy, is tested in tests/integration/foundation.)
    for path, item in document["paths"].items():
        url = re.sub(r"{[a-z_]+}", "1", path)
        for method, operation in item.items():
            call(method.upper(), url + "?q=%00", "superadmin")
            if "requestBody" in operation:
                call(method.upper(), url, "superadmin", data=b"{" * 5000, content_type="text/csv")

    # Every operation answered its success status and every declared error was seen at least once.
    declared = {
        (path, method, status)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status in operation["responses"]
        if status != "503"
    }
    missing = sorted(declared - conformance.seen)
    assert not missing, f"declared but never answered: {missing}"
