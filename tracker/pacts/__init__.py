"""Integrity pacts (pakta integritas): who promised what, by when, and what became of it."""
