"""The audit trail: every state change, with who and when."""
