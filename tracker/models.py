"""Import every model so that the metadata (and Alembic) sees all tables."""

from tracker.agencies.models import Agency
from tracker.assessments.models import (
    Assessment,
    AssessmentBand,
    AssessmentNote,
    AssessmentScheme,
    UnitResult,
)
from tracker.audit.models import AuditEvent
from tracker.auth.models import (
    ApiToken,
    LoginSession,
    LoginThrottle,
    RateLimitCounter,
    User,
    UserRole,
)
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.findings.models import Evidence, Finding, Review
from tracker.followers.models import Follower
from tracker.notifications.models import (
    NoticeKind,
    Notification,
    NotificationState,
    SchedulerLock,
)
from tracker.opendata.models import DataSnapshot
from tracker.pacts.models import Pact, PactExtension
from tracker.regencies.models import EscalationContact, Regency
from tracker.workdays.models import Holiday, HolidayKind

__all__ = [
    "Agency",
    "ApiToken",
    "Assessment",
    "AssessmentBand",
    "AssessmentNote",
    "AssessmentScheme",
    "AuditEvent",
    "Commitment",
    "DataSnapshot",
    "EscalationContact",
    "Evidence",
    "Finding",
    "Follower",
    "Holiday",
    "HolidayKind",
    "LoginSession",
    "LoginThrottle",
    "NoticeKind",
    "Notification",
    "NotificationState",
    "Pact",
    "PactExtension",
    "RateLimitCounter",
    "Regency",
    "RegencyEvent",
    "Review",
    "SchedulerLock",
    "UnitResult",
    "User",
    "UserRole",
]
