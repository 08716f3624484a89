"""Each capability declares its scheduled work and commands; the app factory collects them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tracker.app import CAPABILITIES
from tracker.scheduling import schedule_of

TRACKER = Path(__file__).resolve().parents[3] / "tracker"


@pytest.mark.parametrize(
    ("role", "names"), [("jobs", ("SWEEP_PARTS", "JOBS")), ("cli", ("COMMANDS",))]
)
def test_every_capability_that_declares_jobs_or_commands_is_collected(
    role: str, names: tuple[str, ...]
) -> None:
    declaring = sorted(
        path.parent.name
        for path in TRACKER.glob(f"*/{role}.py")
        if any(f"\n{name} = " in path.read_text(encoding="utf-8") for name in names)
    )
    assert declaring, "no capability declares anything: the check below would prove nothing"
    assert [name for name in declaring if name not in CAPABILITIES] == []


def test_the_sweep_parts_run_in_order_and_every_job_is_also_a_command(app: Flask) -> None:
    schedule = schedule_of(app)

    assert [part.name for part in schedule.sweep_parts] == [
        "followers",
        "open-data snapshot",
        "logins",
    ]
    assert [job.id for job in schedule.jobs] == [
        "notifications.sweep",
        "notifications.deliver",
        "findings.files_sweep",
    ]
    assert {job.command for job in schedule.jobs} <= set(app.cli.commands)
    assert {"demo", "snapshot", "users", "sweep", "scheduler"} <= set(app.cli.commands)


def test_the_sweep_command_reports_each_part_on_a_line_of_its_own(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "store"))

    first = runner.invoke(args=["sweep", "--now", "2019-03-25T09:00:00+08:00"])
    again = runner.invoke(args=["sweep", "--now", "2019-03-25T09:05:00+08:00"])

    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[2:4] == [
        "Followers: 0 status mails written.",
        "Open-data snapshot of 2019-03-25 taken.",
    ]
    assert again.exit_code == 0, again.output
    # The week's snapshot exists: its part has nothing to say; the followers' line stays.
    assert again.output.splitlines()[2] == "Followers: 0 status mails written."
    assert again.output.splitlines()[3].startswith("delivery: ")
