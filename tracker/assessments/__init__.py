"""Ombudsman compliance assessments: regency and unit scores, and the zone/grade they fall in."""
