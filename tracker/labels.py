"""Translated labels for the enums the interface shows."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from tracker.assessments.rules import Zone
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts.rules import PactStatus

PACT_STATUS: dict[PactStatus, LazyString] = {
    PactStatus.ON_TRACK: _l("On track"),
    PactStatus.DUE_SOON: _l("Due soon"),
    PactStatus.OVERDUE: _l("Overdue"),
    PactStatus.FULFILLED: _l("Fulfilled"),
    PactStatus.FULFILLED_LATE: _l("Fulfilled late"),
    PactStatus.WITHDRAWN: _l("Withdrawn"),
}

FINDING_STATUS: dict[FindingStatus, LazyString] = {
    FindingStatus.OPEN: _l("Not yet followed up"),
    FindingStatus.IN_PROGRESS: _l("In progress"),
    FindingStatus.SUBMITTED: _l("Awaiting verification"),
    FindingStatus.RETURNED: _l("Returned"),
    FindingStatus.CLOSED: _l("Closed"),
}

FINDING_CATEGORY: dict[FindingCategory, LazyString] = {
    FindingCategory.INPUT: _l("Input"),
    FindingCategory.PROCESS: _l("Process"),
    FindingCategory.OUTPUT: _l("Output"),
    FindingCategory.COMPLAINTS: _l("Complaint handling"),
}

ZONE: dict[Zone, LazyString] = {
    Zone.GREEN: _l("Green"),
    Zone.YELLOW: _l("Yellow"),
    Zone.RED: _l("Red"),
}
