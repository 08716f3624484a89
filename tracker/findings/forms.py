"""Forms of the finding page: evidence upload, submission, verification."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker import labels
from tracker.findings.rules import FindingLimit, ReviewDecision
from tracker.forms import Form

# What the file picker offers; the server still decides the type by the bytes themselves.
ACCEPTED_FILES = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class EvidenceForm(Form):
    """A photo or PDF proving a fix, with what it shows."""

    # The view adds the size limit of the running app to the field's description.
    file = FileField(_l("File"), validators=[FileRequired()])
    caption = StringField(
        _l("What the file shows"),
        validators=[DataRequired(), Length(max=FindingLimit.CAPTION)],
    )


class SubmitForm(Form):
    """Send the finding for verification, with an optional note."""

    note = TextAreaField(
        _l("Note for the reviewer (optional)"),
        validators=[Optional(), Length(max=FindingLimit.NOTE)],
    )


class PublishForm(Form):
    """Show a piece of evidence on the public pact page, or take it off."""

    public = RadioField(
        _l("Public"),
        choices=[
            SelectChoice("1", _l("Publish")),
            SelectChoice("0", _l("Take off the public page")),
        ],
        validators=[InputRequired()],
    )


class ReviewForm(Form):
    """Approve or return a submitted finding."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice(ReviewDecision.APPROVE.value, _l("Approve: the finding is fixed")),
            SelectChoice(ReviewDecision.RETURN.value, _l("Return: something is still missing")),
        ],
        validators=[InputRequired()],
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Required when returning: say what is still missing."),
        validators=[Optional(), Length(max=FindingLimit.COMMENT)],
    )
    internal = BooleanField(_l("Internal comment (not shown to the agency)"))


class BulkApproveForm(Form):
    """Approve the findings ticked in the verification queue, with one comment for all."""

    comment = TextAreaField(
        _l("Comment for every approved finding (optional)"),
        validators=[Optional(), Length(max=FindingLimit.COMMENT)],
    )
    internal = BooleanField(_l("Internal comment (not shown to the agency)"))


class UnresolvableForm(Form):
    """Declare that a finding cannot be followed up for now, with the public reason."""

    reason = TextAreaField(
        _l("Why it cannot be followed up"),
        description=_l(
            'Shown on the public pact page, e.g. "the ramp waits for the revised budget (APBD-P)".'
        ),
        validators=[DataRequired(), Length(max=FindingLimit.REASON)],
    )


class ReopenForm(Form):
    """Take back "cannot be followed up": the finding counts against its pact again."""

    reason = TextAreaField(
        _l("Why it can be followed up again"),
        validators=[DataRequired(), Length(max=FindingLimit.REASON)],
    )


class CorrectFindingForm(Form):
    """A finding's wording as recorded, to correct a typo, with the reason (public)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=FindingLimit.TITLE)])
    category = SelectField(_l("Dimension"), validators=[DataRequired()])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=FindingLimit.DESCRIPTION)]
    )
    reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[DataRequired(), Length(max=FindingLimit.REASON)],
        description=_l(
            "Public: the pact's public timeline says that the finding was corrected, which"
            " fields, and why."
        ),
    )

    def offer(self) -> CorrectFindingForm:
        """Fill the dimensions."""
        self.category.choices = [(c.value, str(t)) for c, t in labels.FINDING_CATEGORY.items()]
        return self
