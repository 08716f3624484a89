"""Agencies (OPD): dinas, badan, puskesmas, RSUD and other service units of a regency."""
