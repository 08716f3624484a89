"""The select widget every form uses writes exactly WTForms' HTML, only faster."""

from __future__ import annotations

import pytest
from wtforms import Form, SelectField, widgets
from wtforms.fields.choices import SelectChoice

from tracker.forms import ListSelect

PAIRS = [("a&b", "X <y>"), ("", "Semua"), ("3", 'q"'), ("x", ""), ("kab-é", "Kab. É")]
CHOICES = [SelectChoice(value, label) for value, label in PAIRS]


class _Filter(Form):
    regency = SelectField(choices=CHOICES)


@pytest.mark.parametrize("chosen", [None, "a&b", "", "x", "kab-é", "missing"])
def test_same_html_as_wtforms(chosen: str | None) -> None:
    field = _Filter(data={"regency": chosen}).regency
    assert str(ListSelect()(field)) == str(widgets.Select()(field))
    assert str(ListSelect()(field, class_="wide")) == str(widgets.Select()(field, class_="wide"))


def test_an_option_with_its_own_attributes_keeps_them() -> None:
    class WithAttributes(Form):
        status = SelectField(
            choices=[SelectChoice("a", "A", render_kw={"disabled": True}), SelectChoice("b", "B")]
        )

    field = WithAttributes(data={"status": "b"}).status
    html = str(ListSelect()(field))
    assert html == str(widgets.Select()(field))
    assert 'disabled value="a"' in html
