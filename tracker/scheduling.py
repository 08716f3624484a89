"""The registry of scheduled work: each capability declares its own, the app factory collects it.

A capability with scheduled work says so in its ``jobs.py``:

- ``SWEEP_PARTS``: work that rides along with the notices sweep, in the sweep's transaction, each
  part in a savepoint of its own (a fault in one is rolled back alone and reported);
- ``JOBS``: work the scheduler runs on an interval; each is also a command an operator can run.

The app factory collects them from its list of capabilities (``tracker.app.CAPABILITIES``) and
keeps the :class:`Schedule` in ``app.extensions``, where the sweep and the scheduler read it: the
capability that runs the work never imports the one that declares it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any, Generic, TypeVar

from flask import Flask, current_app
from sqlalchemy.orm import Session

EXTENSION = "tracker.schedule"

T = TypeVar("T")


def _no_line(_result: object) -> str | None:
    return None


@dataclass(frozen=True)
class SweepPart(Generic[T]):
    """One capability's share of every sweep.

    ``run(session, now)`` flushes and never commits (the sweep commits once for all parts);
    ``describe(result)`` returns the operator's line for the sweep's summary, or None for none
    (``result`` is None when the part failed).
    """

    name: str
    run: Callable[[Session, datetime], T]
    describe: Callable[[T | None], str | None] = _no_line


@dataclass(frozen=True)
class Job:
    """A job the scheduler runs every ``config[every]`` seconds.

    ``id`` is stable, ``"<capability>.<function>"``; ``run()`` is called inside an application
    context, commits its own work and returns the line to log; ``command`` names the
    ``flask --app tracker`` command that does the same work by hand.
    """

    id: str
    run: Callable[[], str]
    every: str
    command: str
    # The first run comes this long after the scheduler starts (so jobs do not start at once).
    delay_seconds: int = 0


@dataclass(frozen=True)
class Schedule:
    """Every capability's sweep parts and jobs, in the order of the capabilities."""

    sweep_parts: tuple[SweepPart[Any], ...] = ()
    jobs: tuple[Job, ...] = ()


def collect(modules: Iterable[ModuleType]) -> Schedule:
    """Gather ``SWEEP_PARTS`` and ``JOBS`` from the capabilities' ``jobs`` modules."""
    parts: list[SweepPart[Any]] = []
    jobs: list[Job] = []
    for module in modules:
        parts.extend(getattr(module, "SWEEP_PARTS", ()))
        jobs.extend(getattr(module, "JOBS", ()))
    return Schedule(sweep_parts=tuple(parts), jobs=tuple(jobs))


def schedule_of(app: Flask | None = None) -> Schedule:
    """Return the schedule the app factory collected (of the current app by default)."""
    schedule: Schedule = (app or current_app).extensions[EXTENSION]
    return schedule
