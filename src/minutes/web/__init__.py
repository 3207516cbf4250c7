"""The web app (``minutes serve``): pages and a REST API over the same library, with accounts.

``minutes.web.app.create_app`` builds the application. Access control lives in
:mod:`minutes.web.access`, what users do to meetings in :mod:`minutes.web.service` (checked and
audited there, for pages and API alike). Importing this package loads no web framework, so the
account commands of the CLI stay quick.
"""
