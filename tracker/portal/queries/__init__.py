"""The portal's own public read models: only what DOMAIN.md section 10 makes public.

Every dataclass here is what a public template receives. None of them carries an account
name, an email address, a reviewer's comment, an unpublished evidence caption or any other
private field: the queries select public columns only, so a template cannot leak what it
never got. Each page costs a fixed number of statements, whatever the number of pacts.

One module per page, by what it reads: ``home`` (every regency and pact), ``regency``,
``agency``, ``pact`` (its findings, published evidence and public timeline), ``evidence``
(a published file); ``scores`` classifies the published compliance scores they show.
"""
