"""Pantau Pakta: integrity pacts made enforceable.

Glossary (DOMAIN.md section 1; one name for one thing):

- pemerintah kabupaten/kota → ``Regency`` (a tenant, with its own IANA time zone)
- OPD, dinas, badan, puskesmas, RSUD → ``Agency``
- Penilaian Kepatuhan / Opini Ombudsman → ``Assessment`` (regency) and ``UnitResult`` (agency)
- pakta integritas → ``Pact``; tenggat → ``deadline``
- temuan → ``Finding``; bukti tindak lanjut → ``Evidence``; verifikasi → ``Review``
- pengingat → reminder; eskalasi → escalation; both go through the ``Notification`` outbox
"""

from tracker.app import create_app

__all__ = ["create_app"]
