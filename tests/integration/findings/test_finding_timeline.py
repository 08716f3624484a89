"""The finding's timeline: every step in order, at the regency's local time."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.findings.forms import page, review, section, staff_browsers, submit, upload
from tests.integration.office import Office
from tests.integration.workflow import Recorded
from tracker.clock import FixedClock


def test_timeline_lists_each_step_with_its_local_time(
    app: Flask, session: Session, office: Office, recorded: Recorded, clock: FixedClock
) -> None:
    # The pact was recorded at 09:00 WITA on 25 March 2019 (the fixture's instant).
    opd, admin = staff_browsers(app, office)
    clock.set(datetime.fromisoformat("2019-03-26T10:15:00+08:00"))
    upload(opd, recorded.ramp.id, png())
    clock.set(datetime.fromisoformat("2019-03-26T10:20:00+08:00"))
    submit(opd, recorded.ramp.id, note="Sudah dipasang")
    clock.set(datetime.fromisoformat("2019-03-27T14:05:00+08:00"))
    review(admin, recorded.ramp.id, "return", "Pegangan belum ada")
    clock.set(datetime.fromisoformat("2019-03-28T23:30:00+08:00"))
    upload(opd, recorded.ramp.id, png("blue"))
    submit(opd, recorded.ramp.id)
    # 00:10 WITA on 30 March is still 29 March in Jakarta: the regency's clock counts.
    clock.set(datetime.fromisoformat("2019-03-30T00:10:00+08:00"))
    review(admin, recorded.ramp.id, "approve")

    html, _ = page(opd, f"/staf/temuan/{recorded.ramp.id}")

    timeline = section(html, "timeline")
    steps = re.findall(r'<li data-action="([a-z.]+)">\s*<time[^>]*>([^<]+)</time>', timeline)
    assert steps == [
        ("finding.recorded", "25 Mar 2019 09.00 WITA"),
        ("evidence.added", "26 Mar 2019 10.15 WITA"),
        ("finding.submitted", "26 Mar 2019 10.20 WITA"),
        ("finding.returned", "27 Mar 2019 14.05 WITA"),
        ("evidence.added", "28 Mar 2019 23.30 WITA"),
        ("finding.submitted", "28 Mar 2019 23.30 WITA"),
        ("finding.approved", "30 Mar 2019 00.10 WITA"),
    ]
    assert "Sudah dipasang" in timeline
    assert office.opd_a.name in timeline and office.admin_x.name in timeline
