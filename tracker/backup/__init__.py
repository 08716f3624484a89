"""Backup and restore: every table as portable JSON lines, every stored file, one manifest."""
