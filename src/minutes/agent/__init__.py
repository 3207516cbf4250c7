"""The agent interface: ``minutes mcp`` serves the archive to a local agent over the Model Context
Protocol (stdio), acting as one user (their API token) under the access rules of
:mod:`minutes.accounts`.

    tools    what each tool does: one call into the domain layer per tool, plain JSON out; the
             token is checked again on every call (a revoked token stops at once)
    asking   the seam to ``minutes.ask``: the ``ask`` tool exists when that package does
    server   the MCP server (the official ``mcp`` SDK's ``MCPServer``): typed tools with the
             descriptions the client reads, library errors turned into tool errors

Like :mod:`minutes.web` and :mod:`minutes.cli` it decides nothing itself: no SQL, no access rule.
Importing this package loads nothing: import the module you need.
"""
