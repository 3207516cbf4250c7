"""The domain layer: accounts, who may see what, the audit log and what users do to meetings.

Every interface (the web pages and API, the command line, and whatever comes next) calls these
functions, so a rule or an audit entry cannot differ between them. Nothing here knows about HTTP
or the terminal, and nothing commits: the caller's unit of work does.

    access    Actor, Principal and the rules: who may see, change and delete which meeting
    audit     the audit log: record an entry, read entries back
    users     users, teams, memberships, a meeting's team and shares, API tokens
    signin    password sign-in with a persistent rate limit, sign-in sessions, bearer tokens
    security  password hashes, random secrets and their digests
    reads     audited reads: a meeting's page, exports, media, lists, search, action items, jobs
    edits     audited edits: rename a speaker, correct a line, tick an item, team and shares
    deletion  the one meeting deletion (web and command line), with its media file

Errors are :mod:`minutes.errors` subclasses: :class:`~minutes.errors.NotFoundError` for a missing
or hidden meeting (the same words either way), :class:`~minutes.errors.Forbidden` for one that may be read
but not changed, :class:`~minutes.errors.LoginFailed` and :class:`~minutes.errors.LoginThrottled` for sign-in.

Importing this package loads nothing: import the module you need.
"""
