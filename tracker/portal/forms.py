"""Filter forms of the public pages (GET, so without CSRF)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from tracker import labels
from tracker.regencies.models import Regency


class PactFilterForm(FlaskForm):  # type: ignore[misc]
    """Filter the pact list by regency and status."""

    class Meta:
        csrf = False

    regency = SelectField(_l("Regency"), default="", validate_choice=True)
    status = SelectField(_l("Status"), default="", validate_choice=True)

    @classmethod
    def build(cls, args: MultiDict[str, str], regencies: Sequence[Regency]) -> PactFilterForm:
        """Bind the query string and offer the regencies and statuses that exist."""
        form = cls(formdata=args)
        form.regency.choices = [("", _l("All regencies"))] + [(r.slug, r.name) for r in regencies]
        form.status.choices = [("", _l("All statuses"))] + [
            (status.value, label) for status, label in labels.PACT_STATUS.items()
        ]
        return form
