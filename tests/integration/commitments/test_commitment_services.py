"""Recording and correcting commitments and events: the rules, the refusals, the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.integration.office import Office
from tests.integration.pages import rows_unchanged
from tracker.audit.models import AuditEvent
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.commitments.services import (
    CommitmentDetails,
    EventDetails,
    record_commitment,
    record_event,
    update_commitment,
    update_event,
)
from tracker.errors import Forbidden, Invalid, NotFound

PACT = CommitmentDetails(
    kind="regency_pact",
    title="Pakta Integritas Kepatuhan Pelayanan Publik",
    signed_on=date(2019, 2, 7),
    parties="Pemerintah Kabupaten X\n\n",
    signatories="Bupati X",
    commitments="Meningkatkan nilai tahun berikutnya\r\nMemperbaiki pelayanan",
    target_kind="improve",
    target_year=2019,
    source="Berita, 8 Februari 2019",
)


def _fields(error: pytest.ExceptionInfo[Invalid]) -> set[str]:
    return set(error.value.fields)


def test_an_admin_records_a_regency_pact_with_its_target_audited(office: Office) -> None:
    s, now = office.session, office.now
    c = record_commitment(s, actor=office.admin_x, regency_id=office.x.id, details=PACT, now=now)
    assert (c.kind.value, c.target_kind.value, c.target_year, c.target_value) == (  # type: ignore[union-attr]
        "regency_pact", "improve", 2019, None,
    )  # fmt: skip
    assert c.parties == "Pemerintah Kabupaten X"
    assert c.commitments == "Meningkatkan nilai tahun berikutnya\nMemperbaiki pelayanan"
    event = s.execute(
        select(AuditEvent).where(AuditEvent.action == "commitment.recorded")
    ).scalar_one()
    assert (event.actor_id, event.target_id, event.regency_id) == (
        office.admin_x.id, c.id, office.x.id,
    )  # fmt: skip


def test_a_superadmin_records_for_any_regency_others_are_refused(office: Office) -> None:
    s, now = office.session, office.now
    record_commitment(s, actor=office.superadmin, regency_id=office.y.id, details=PACT, now=now)
    for who in (office.admin_y, office.observer_x, office.opd_a):
        with rows_unchanged(s, Commitment), pytest.raises(Forbidden):
            record_commitment(s, actor=who, regency_id=office.x.id, details=PACT, now=now)


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"kind": "promise"}, {"kind"}),
        ({"title": "  "}, {"title"}),
        ({"signed_on": date(2019, 12, 1)}, {"signed_on"}),
        ({"signed_on": None, "signed_year": 1999}, {"signed_year"}),
        ({"signed_year": 2018}, {"signed_year"}),
        ({"target_kind": "zone", "target_value": "purple"}, {"target_value"}),
        ({"target_kind": "grade", "target_value": "F"}, {"target_value"}),
        ({"target_kind": "score", "target_value": "78.345"}, {"target_value"}),
        ({"target_kind": "improve", "target_value": "80"}, {"target_value"}),
        ({"target_kind": "zone", "target_value": None}, {"target_value"}),
        ({"target_year": None}, {"target_year"}),
        ({"target_kind": "", "target_year": 2019}, {"target_kind"}),
        ({"kind": "mou"}, {"target_kind"}),
        ({"place": "x" * 201, "source": "y" * 501}, {"place", "source"}),
    ],
)
def test_what_the_service_refuses_stores_nothing(
    office: Office, change: dict[str, object], fields: set[str]
) -> None:
    details = CommitmentDetails(**{**vars(PACT), **change})  # type: ignore[arg-type]
    with rows_unchanged(office.session, Commitment, AuditEvent), pytest.raises(Invalid) as error:
        record_commitment(
            office.session, actor=office.admin_x, regency_id=office.x.id, details=details,
            now=office.now,
        )  # fmt: skip
    assert _fields(error) == fields


def test_target_values_are_normalised(office: Office) -> None:
    s, now = office.session, office.now
    for kind, value, stored in (
        ("zone", "Green", "green"),
        ("grade", "b", "B"),
        ("score", "78,3", "78.30"),
    ):
        details = CommitmentDetails(**{**vars(PACT), "target_kind": kind, "target_value": value})
        c = record_commitment(
            s, actor=office.admin_x, regency_id=office.x.id, details=details, now=now
        )
        assert c.target_value == stored


def test_a_correction_audits_each_changed_field_and_nothing_when_unchanged(office: Office) -> None:
    s, now = office.session, office.now
    c = record_commitment(s, actor=office.admin_x, regency_id=office.x.id, details=PACT, now=now)
    later = now + timedelta(hours=1)
    fixed = CommitmentDetails(**{**vars(PACT), "signed_on": None, "signed_year": 2019})
    update_commitment(s, actor=office.admin_x, commitment_id=c.id, details=fixed, now=later)
    assert (c.signed_on, c.signed_year, c.updated_at) == (None, 2019, later)
    update_commitment(s, actor=office.admin_x, commitment_id=c.id, details=fixed, now=later)
    corrections = (
        s.execute(select(AuditEvent).where(AuditEvent.action == "commitment.corrected"))
        .scalars()
        .all()
    )
    assert len(corrections) == 1
    assert corrections[0].changes == {
        "signed_on": {"from": "2019-02-07", "to": None},
        "signed_year": {"from": None, "to": 2019},
    }
    with pytest.raises(NotFound):
        update_commitment(s, actor=office.admin_y, commitment_id=c.id, details=fixed, now=later)
    with pytest.raises(Forbidden):
        update_commitment(s, actor=office.observer_x, commitment_id=c.id, details=fixed, now=later)


def test_an_event_has_a_day_a_year_alone_or_neither(office: Office) -> None:
    s, now, x = office.session, office.now, office.x.id
    day = record_event(
        s, actor=office.admin_x, regency_id=x, now=now,
        details=EventDetails(kind="mentoring", title="Pendampingan", happened_on=date(2019, 3, 1)),
    )  # fmt: skip
    year = record_event(
        s, actor=office.admin_x, regency_id=x, now=now,
        details=EventDetails(kind="coordination", title="Grup WhatsApp", happened_year=2018),
    )  # fmt: skip
    neither = record_event(
        s, actor=office.admin_x, regency_id=x, now=now,
        details=EventDetails(kind="other", title="Rapat"),
    )  # fmt: skip
    assert (day.happened_on, day.happened_year) == (date(2019, 3, 1), 2019)
    assert (year.happened_on, year.happened_year) == (None, 2018)
    assert (neither.happened_on, neither.happened_year) == (None, None)
    for bad, field in (
        (EventDetails(kind="visit", title="x"), "kind"),
        (EventDetails(kind="other", title="x", happened_on=date(2020, 1, 1)), "happened_on"),
        (EventDetails(kind="other", title="x", happened_year=2030), "happened_year"),
        (EventDetails(kind="other", title=""), "title"),
    ):
        with rows_unchanged(s, RegencyEvent), pytest.raises(Invalid) as error:
            record_event(s, actor=office.admin_x, regency_id=x, details=bad, now=now)
        assert field in error.value.fields
    fixed = EventDetails(kind="coordination", title="Grup WhatsApp", happened_year=2017)
    update_event(s, actor=office.admin_x, event_id=year.id, details=fixed, now=now)
    assert year.happened_year == 2017
    assert (
        s.execute(select(AuditEvent.action).where(AuditEvent.target_type == "regency_event"))
        .scalars()
        .all()
        .count("regency_event.corrected")
        == 1
    )
