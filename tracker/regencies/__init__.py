"""Regencies (kabupaten/kota): the tenants of an install, each with its own time zone."""
