"""Working days: the holiday calendar (data an admin extends) and the rules that read it."""
