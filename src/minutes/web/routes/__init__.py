"""Routers: ``auth`` (sign-in, tokens, audit, API docs), ``pages`` (meetings), ``workspace`` (uploads,
jobs, search, action items), ``brief`` (the "This week" page) and ``api`` (the REST API under /api/v1)."""
