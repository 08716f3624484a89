"""Accounts and roles: superadmin, regency admin, observer and OPD staff."""
