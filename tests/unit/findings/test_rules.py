"""The rules of findings: what a finding may move to next (DOMAIN.md section 5), and which evidence
addresses become links on the pages (is_web_address)."""

from __future__ import annotations

import pytest

from tracker.findings.rules import FindingStatus, can_transition, is_submittable, is_web_address

OPEN = FindingStatus.OPEN
IN_PROGRESS = FindingStatus.IN_PROGRESS
SUBMITTED = FindingStatus.SUBMITTED
RETURNED = FindingStatus.RETURNED
CLOSED = FindingStatus.CLOSED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        pytest.param(OPEN, IN_PROGRESS, id="open-to-in-progress"),
        pytest.param(IN_PROGRESS, SUBMITTED, id="in-progress-to-submitted"),
        pytest.param(SUBMITTED, CLOSED, id="submitted-to-closed-verified"),
        pytest.param(SUBMITTED, RETURNED, id="submitted-to-returned-by-reviewer"),
        pytest.param(RETURNED, IN_PROGRESS, id="returned-back-to-in-progress"),
    ],
)
def test_finding_may_move_along_the_follow_up_path(
    current: FindingStatus, target: FindingStatus
) -> None:
    assert can_transition(current, target) is True


@pytest.mark.parametrize(
    ("current", "target"),
    [
        *[
            pytest.param(CLOSED, target, id=f"closed-to-{target.value}-refused")
            for target in FindingStatus
        ],
        pytest.param(OPEN, CLOSED, id="open-to-closed-without-verification-refused"),
        pytest.param(OPEN, RETURNED, id="open-to-returned-refused"),
        pytest.param(IN_PROGRESS, CLOSED, id="in-progress-to-closed-refused"),
        pytest.param(IN_PROGRESS, RETURNED, id="in-progress-to-returned-refused"),
        pytest.param(RETURNED, CLOSED, id="returned-to-closed-refused"),
        pytest.param(SUBMITTED, OPEN, id="submitted-to-open-refused"),
        pytest.param(SUBMITTED, SUBMITTED, id="submitted-to-submitted-refused"),
        pytest.param(OPEN, OPEN, id="open-to-open-refused"),
        pytest.param(OPEN, SUBMITTED, id="open-to-submitted-without-evidence-refused"),
        pytest.param(RETURNED, SUBMITTED, id="returned-to-submitted-without-new-evidence-refused"),
    ],
)
def test_finding_cannot_skip_verification_or_leave_closed(
    current: FindingStatus, target: FindingStatus
) -> None:
    assert can_transition(current, target) is False


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        pytest.param("https://sumbawabaratkab.go.id/foto.jpg", True, id="https"),
        pytest.param("HTTP://contoh.id/sop.pdf", True, id="http-upper-case"),
        pytest.param("  https://contoh.id/  ", True, id="surrounding-spaces"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("JaVaScRiPt:alert(1)", False, id="javascript-mixed-case"),
        pytest.param("data:text/html;base64,PHNjcmlwdD4=", False, id="data"),
        pytest.param("//contoh.id/foto.jpg", False, id="scheme-relative"),
        pytest.param("ftp://contoh.id/foto.jpg", False, id="ftp"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="none"),
    ],
)
def test_only_a_web_address_becomes_a_link(url: str | None, linked: bool) -> None:
    assert is_web_address(url) is linked


@pytest.mark.parametrize(
    ("status", "has_evidence", "submittable"),
    [
        pytest.param(FindingStatus.OPEN, False, False, id="open-without-evidence"),
        pytest.param(FindingStatus.IN_PROGRESS, True, True, id="in-progress-with-evidence"),
        pytest.param(FindingStatus.IN_PROGRESS, False, False, id="in-progress-evidence-gone"),
        pytest.param(FindingStatus.SUBMITTED, True, False, id="already-submitted"),
        pytest.param(FindingStatus.RETURNED, True, False, id="returned-needs-new-evidence"),
        pytest.param(FindingStatus.CLOSED, True, False, id="closed"),
    ],
)
def test_a_finding_goes_to_review_with_evidence_from_a_status_that_allows_it(
    status: FindingStatus, has_evidence: bool, submittable: bool
) -> None:
    assert is_submittable(status, has_evidence) is submittable
