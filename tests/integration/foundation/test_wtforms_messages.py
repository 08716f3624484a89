"""WTForms' own messages ("Not a valid choice.", "This field is required.") are Indonesian on an
Indonesian page: every form of the app takes its messages from the app's catalogue."""

from __future__ import annotations

import importlib
import pkgutil

import wtforms
from flask import Flask

import tracker
from tests.integration.office import Office
from tests.integration.pages import client_of, in_indonesian, post_form
from tracker.forms import _BabelTranslations


def _form_classes() -> list[type]:
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(module.name)
    found, todo = [], [wtforms.Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tracker."):
            found.append(cls)
    return found


def test_every_form_of_the_app_takes_wtforms_messages_from_the_catalogue(app: Flask) -> None:
    classes = _form_classes()
    assert len(classes) > 20
    with app.test_request_context():
        for cls in classes:
            form = cls(formdata=None, meta={"csrf": False})
            translations = form.meta.get_translations(form)
            assert isinstance(translations, _BabelTranslations), cls.__qualname__


def test_a_bad_choice_on_the_public_pact_list_is_refused_in_indonesian(app: Flask) -> None:
    response = app.test_client().get("/?status=bogus")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert in_indonesian(app, "Not a valid choice.") in page
    assert "Not a valid choice." not in page


def test_a_missing_field_on_a_staff_form_is_refused_in_indonesian(
    app: Flask, office: Office
) -> None:
    admin = client_of(app, office.admin_x)
    page = post_form(admin, "/staf/pakta/baru", {"signed_on": "kemarin"}).get_data(as_text=True)
    assert in_indonesian(app, "This field is required.") in page
    assert in_indonesian(app, "Not a valid date value.") in page
    assert "This field is required." not in page and "Not a valid date value." not in page
