"""A stored file and its row come and go together: written under a pending name, committed,
renamed; a rollback or a full disk leaves neither; a sweep finishes what a crash left."""

from __future__ import annotations

import errno
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import pdf, png
from tests.integration.findings.forms import section, stored_files, upload
from tests.integration.office import Office
from tests.integration.pages import client_of, in_indonesian
from tests.integration.workflow import Recorded
from tracker.findings import services
from tracker.findings.models import Evidence
from tracker.findings.rules import FindingStatus
from tracker.storage import PENDING, FileStore
from tracker.web.step import unit_of_work


def _evidence_count(session: Session) -> int:
    session.expire_all()
    return session.execute(select(func.count(Evidence.id))).scalar_one()


def _add(session: Session, office: Office, recorded: Recorded, store: FileStore) -> Evidence:
    return services.add_evidence(
        session, actor=office.opd_a, finding_id=recorded.ramp.id, data=png(),
        caption="Ramp sudah dibangun", store=store, now=recorded.pact.created_at,
    )  # fmt: skip


def test_a_saved_file_waits_under_a_pending_name_until_its_row_is_committed(
    session: Session, office: Office, recorded: Recorded, store: FileStore, upload_folder: Path
) -> None:
    with unit_of_work(session):
        evidence = _add(session, office, recorded, store)
        key = evidence.storage_key or ""
        # Before the COMMIT: only pending names, yet readable by the transaction that wrote it.
        assert {p.name for p in stored_files(upload_folder)} == {
            f"{key}{PENDING}",
            f"{evidence.preview_key}{PENDING}",
        }
        assert store.read(key) == png()
    assert sorted(p.name for p in stored_files(upload_folder)) == sorted(
        [key, evidence.preview_key]
    )


def test_a_rolled_back_save_leaves_no_file(
    session: Session, office: Office, recorded: Recorded, store: FileStore, upload_folder: Path
) -> None:
    def fails_before_the_commit() -> None:
        with unit_of_work(session):
            _add(session, office, recorded, store)
            raise RuntimeError("the commit never comes")

    with pytest.raises(RuntimeError):
        fails_before_the_commit()
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0


def test_a_savepoint_rolled_back_takes_its_files_and_the_rest_is_committed(
    session: Session, office: Office, recorded: Recorded, store: FileStore, upload_folder: Path
) -> None:
    with unit_of_work(session):
        kept = _add(session, office, recorded, store)

        def undone() -> None:
            with session.begin_nested():
                _add(session, office, recorded, store)
                raise RuntimeError("this one is undone")

        with pytest.raises(RuntimeError):
            undone()
    assert _evidence_count(session) == 1
    assert sorted(p.name for p in stored_files(upload_folder)) == sorted(
        [kept.storage_key, kept.preview_key]
    )


def test_a_full_disk_is_a_clear_refusal_and_leaves_no_row_and_no_file(
    app: Flask,
    session: Session,
    office: Office,
    recorded: Recorded,
    upload_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # The disk is the world's edge: it refuses the bytes when they are flushed.
    monkeypatch.setattr(os, "fsync", full)
    opd = client_of(app, office.opd_a)

    response = upload(opd, recorded.ramp.id, pdf(), filename="sk.pdf")

    assert response.status_code == 507
    form = section(response.get_data(as_text=True), "evidence-form")
    assert in_indonesian(app, "not saved: the server's storage is full") in form
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0
    session.expire_all()
    assert recorded.ramp.status is FindingStatus.OPEN


def test_the_sweep_renames_a_committed_file_and_removes_an_orphan(
    runner: FlaskCliRunner,
    session: Session,
    office: Office,
    recorded: Recorded,
    store: FileStore,
    upload_folder: Path,
    now: datetime,
) -> None:
    with unit_of_work(session):
        evidence = _add(session, office, recorded, store)
    final = store.path(evidence.storage_key or "")
    # A crash between the COMMIT and the rename: the row is there, its file still pending.
    interrupted = final.with_name(final.name + PENDING)
    os.replace(final, interrupted)
    assert store.read(evidence.storage_key or "") == png(), "read under its pending name"
    # A save whose transaction never committed (the process was killed).
    orphan = upload_folder / "ab" / ("ab" + "0" * 30 + PENDING)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"half a file")
    # And one still being written by an open transaction: too young to touch.
    young = upload_folder / "cd" / ("cd" + "1" * 30 + PENDING)
    young.parent.mkdir(parents=True, exist_ok=True)
    young.write_bytes(b"being written")
    old = (now - timedelta(hours=2)).timestamp()
    for path in (interrupted, orphan):
        os.utime(path, (old, old))
    os.utime(young, (now.timestamp(), now.timestamp()))

    result = runner.invoke(args=["files-sweep", "--older-than-minutes", "60"])

    assert result.exit_code == 0, result.output
    assert "renamed: 1; removed: 1; left (younger): 1" in result.output
    assert final.read_bytes() == png()
    assert not interrupted.exists() and not orphan.exists() and young.exists()


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` x ``height`` pixels."""
    import struct
    import zlib

    data = bytearray(png())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_a_photo_over_40_megapixels_is_refused_at_upload_beside_the_field(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd = client_of(app, office.opd_a)
    # 9400 x 9400 (88 megapixels, under Pillow's own bomb limit): a few hundred bytes here.
    response = upload(opd, recorded.ramp.id, _png_claiming(9_400, 9_400), filename="besar.png")

    assert response.status_code == 422
    form = section(response.get_data(as_text=True), "evidence-form")
    assert in_indonesian(app, "larger than %(n)s megapixels", n=40) in form
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0
    # Just under the cap is a photo like any other (its header is all the check reads).
    assert upload(opd, recorded.ramp.id, png()).status_code == 302
