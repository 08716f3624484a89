"""The request step (tracker.web.step): the only place a request commits; it never half-writes."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.web.step import CommitOutsideStep, unit_of_work


def _regency(slug: str, now: datetime) -> Regency:
    return Regency(
        slug=slug, name="Kabupaten Uji", province="Provinsi Uji", timezone="Asia/Makassar",
        created_at=now,
    )  # fmt: skip


def _count(session: Session, slug: str) -> int:
    return session.execute(
        select(func.count()).select_from(Regency).where(Regency.slug == slug)
    ).scalar_one()


def test_a_view_that_skips_the_request_step_cannot_commit(
    app: Flask, session: Session, now: datetime
) -> None:
    with app.test_request_context("/staf/", method="POST"):
        request_session = db_session()
        request_session.add(_regency("kab-tanpa-langkah", now))
        with pytest.raises(CommitOutsideStep):
            request_session.commit()
        request_session.rollback()
    assert _count(session, "kab-tanpa-langkah") == 0


def test_the_request_step_commits_what_its_block_changed(
    app: Flask, session: Session, now: datetime
) -> None:
    with app.test_request_context("/staf/", method="POST"):
        with unit_of_work() as request_session:
            request_session.add(_regency("kab-lewat-langkah", now))
        assert not request_session.in_transaction()
    assert _count(session, "kab-lewat-langkah") == 1


def test_a_refusal_inside_the_step_stores_nothing_and_leaves_no_transaction_open(
    app: Flask, session: Session, now: datetime
) -> None:
    def refused_after_a_flush() -> None:
        with unit_of_work() as request_session:
            request_session.add(_regency("kab-ditolak", now))
            request_session.flush()
            raise LookupError("refused after a flush")

    with app.test_request_context("/staf/", method="POST"):
        with pytest.raises(LookupError):
            refused_after_a_flush()
        assert not db_session().in_transaction()
    assert _count(session, "kab-ditolak") == 0


def test_a_failed_commit_is_rolled_back_and_the_connection_is_not_left_in_a_transaction(
    app: Flask, session: Session, now: datetime
) -> None:
    session.add(_regency("kab-kembar", now))
    session.flush()
    with app.test_request_context("/staf/", method="POST"):
        request_session = db_session()
        # The duplicate slug is refused by the database at the commit's own flush.
        with pytest.raises(IntegrityError), unit_of_work(request_session):
            request_session.add(_regency("kab-kembar", now))
        assert not request_session.in_transaction()
        # The same session serves the next unit of work at once.
        with unit_of_work(request_session):
            request_session.add(_regency("kab-berikutnya", now))
    assert _count(session, "kab-kembar") == 1
    assert _count(session, "kab-berikutnya") == 1
