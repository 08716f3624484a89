"""Commitments of a regency as a whole: the regent's regency-wide pact, MoUs and cooperation
agreements with the Ombudsman, and the events of its follow-up (mentoring, coordination)."""
