"""One more like an earlier commitment, not the same one: "I'll order another two hundred pouches",
"the same numbers for iOS separately as well", "I'm gonna recount aisle fifteen too", "cancel and
re-raise the PO with Kranz". The linker reads it before it takes a later item or line for a
restatement or a slip of an earlier task (:mod:`.link`, :mod:`.reading`)."""

from __future__ import annotations

import re

from minutes.summarize.text import words

_FRESH = re.compile(
    r"\b(?:another(?! (?:(?:\w+ )?(?:weeks?|days?|months?|fortnights?|hours?)|few|couple|go|look|try|chase"
    r"|nudge|push)\b)"
    r"|a second|a new|an extra|extra|separately|as well|on top|this time|more of"
    r"|too(?=\s*(?:[,.;!?—-]|$|because\b)))",
    re.IGNORECASE,
)


def one_more(text: str, earlier: str, *, line: bool = False) -> bool:
    """Whether ``text`` says it is one more like the ``earlier`` commitment, not the same one ("I'll
    order another two hundred", "the same numbers for iOS separately as well"), where the earlier
    did not say so itself. With ``line``, ``text`` is the whole line an item was read from, where
    "a new" or "this time" may be said of something else ("They want a new form now. It'll be the
    8th.")."""
    verb = words(earlier)[:1]
    if verb:  # "Cancel and re-raise the PO with Kranz" after "Raise the PO": done again
        hyphen = "-?" if verb[0].casefold() in _REDONE else "-"
        if re.search(rf"\bre{hyphen}{re.escape(verb[0])}\b", text, re.IGNORECASE):
            return True
    found = _FRESH.search(text)
    if line and found is not None and found.group(0).casefold() in _OF_ANYTHING:
        return False
    return found is not None and _FRESH.search(earlier) is None


_OF_ANYTHING = frozenset({"a new", "this time", "more of"})
_REDONE = frozenset(
    {"send", "book", "do", "order", "run", "write", "build", "submit", "issue", "print", "test", "start"}
    | {"schedule", "sign", "apply", "post", "upload", "install", "record", "draft", "fit"}
)
"""Verbs whose "re" form is the task done again ("resend"), not another word ("review", "report")."""
