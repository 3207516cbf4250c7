"""The web app (``minutes serve``): pages and a REST API over the same library, with accounts.

``minutes.web.app.create_app`` builds the application. This package holds only what is about
HTTP: routes, templates, request and response shapes, cookies, CSRF and receiving uploads.
Accounts, access rules, the audit log and what users do to meetings are the domain layer,
:mod:`minutes.accounts`; the read queries are in :mod:`minutes.db`. Importing this package loads
no web framework.
"""
