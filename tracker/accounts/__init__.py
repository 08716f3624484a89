"""Account pages and the users CLI: create and change staff accounts, one's own notice language."""
