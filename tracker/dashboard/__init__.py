"""Staff landing pages: the regent's office's overview and an OPD's own work list."""
