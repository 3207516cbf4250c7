"""Routers: ``auth`` (sign-in, tokens, audit, API docs), ``pages`` (meetings), ``workspace`` (uploads,
jobs, search, action items) and ``api`` (the REST API under /api/v1)."""
