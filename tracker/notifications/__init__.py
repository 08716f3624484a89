"""Notices (reminders, escalations, digests): written to an outbox first, then delivered."""
