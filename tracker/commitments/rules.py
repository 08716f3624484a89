"""Kinds of regency-wide commitments and events: plain data, no session, no clock."""

from __future__ import annotations

from enum import StrEnum


class CommitmentLimit:
    """How long each text of a commitment or event may be: columns, services and forms read it."""

    TITLE = 300
    PLACE = 200
    PARTIES = 1000
    SIGNATORIES = 1000
    TEXT = 5000


class CommitmentKind(StrEnum):
    """What was signed, and by whom (DOMAIN.md section 2.3)."""

    # The regent's regency-wide pact whose target is the next assessment's result; no
    # three-month period (Solok Selatan, 7 February 2023).
    REGENCY_PACT = "regency_pact"
    # A memorandum of understanding with the Ombudsman or its provincial office (Barito
    # Selatan, 22 March 2018).
    MOU = "mou"
    # A cooperation agreement (perjanjian kerja sama) with the Ombudsman (Paser, 2024).
    COOPERATION = "cooperation"


class EventKind(StrEnum):
    """An event on a regency's public timeline."""

    # A mentoring visit (pendampingan) by the Ombudsman or its provincial office.
    MENTORING = "mentoring"
    # A coordination channel set up (Bangka Barat 2021: a WhatsApp group).
    COORDINATION = "coordination"
    OTHER = "other"
