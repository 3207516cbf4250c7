"""Full-text search over the meetings' transcripts and minutes.

Typical use (the web app passes the meetings its user may see)::

    from minutes.search import search

    results = search(session, '"action item" budg*', meeting_ids=select(Meeting.id).where(...))
    for hit in results.hits:
        print(hit.meeting_title, hit.start, hit.speaker, hit.snippet)

    search_minutes(session, "hosting")   # summaries, decisions, action items, open questions

The query language, the indexes and their upkeep are described in ``docs/search.md``.
"""

from minutes.errors import QueryError
from minutes.search._scope import MAX_MATCHES
from minutes.search.items import MinutesHit, MinutesResults, search_minutes
from minutes.search.lines import SearchHit, SearchResults, search
from minutes.search.query import parse
from minutes.search.snippet import Fragment

__all__ = [
    "MAX_MATCHES",
    "Fragment",
    "MinutesHit",
    "MinutesResults",
    "QueryError",
    "SearchHit",
    "SearchResults",
    "parse",
    "search",
    "search_minutes",
]
