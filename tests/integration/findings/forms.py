"""A finding's staff page as a browser uses it: read it, upload evidence, submit, review."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import form_token
from tests.integration.office import Office
from tests.integration.pages import client_of, read_page


def staff_browsers(app: Flask, office: Office) -> tuple[FlaskClient, FlaskClient]:
    """Agency A's staff and regency X's admin, each logged in in a browser of their own."""
    return client_of(app, office.opd_a), client_of(app, office.admin_x)


def stored_files(folder: Path) -> list[Path]:
    """Every file the store wrote (none when the folder was never created)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def page(browser: FlaskClient, url: str) -> tuple[str, str]:
    """GET a page that must answer 200; return its HTML and a CSRF token from it."""
    html = read_page(browser, url)
    return html, form_token(html)


def upload(
    browser: FlaskClient,
    finding_id: int,
    data: bytes,
    *,
    filename: str = "foto.png",
    caption: str = "Ramp sudah dibangun di pintu depan",
) -> TestResponse:
    """Post the evidence form with a CSRF token read from the finding's page."""
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    return post_multipart(
        browser,
        f"/staf/temuan/{finding_id}/bukti",
        {"csrf_token": token, "caption": caption, "file": (io.BytesIO(data), filename)},
    )


def post_multipart(browser: FlaskClient, url: str, data: dict[str, object]) -> TestResponse:
    """POST a multipart form; close the body the test client spooled to a temporary file."""
    response = browser.post(url, data=data, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()
    return response


def submit(browser: FlaskClient, finding_id: int, note: str = "") -> TestResponse:
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    return browser.post(
        f"/staf/temuan/{finding_id}/ajukan", data={"csrf_token": token, "note": note}
    )


def review(
    browser: FlaskClient, finding_id: int, decision: str, comment: str = "", internal: bool = False
) -> TestResponse:
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    data = {"csrf_token": token, "decision": decision, "comment": comment}
    if internal:
        data["internal"] = "y"
    return browser.post(f"/staf/temuan/{finding_id}/verifikasi", data=data)


def section(html: str, element_id: str) -> str:
    """The HTML of the element with this id (a section or a form), up to its closing tag."""
    match = re.search(rf'<(section|form)[^>]*id="{element_id}".*?</\1>', html, flags=re.S)
    return match.group(0) if match else ""
