"""Whether a line abandons a commitment in so many words: "let's not bother", "scrap it", "bin
it", "finance said no", "I'm taking it off my list". Not a question ("can we bin the beanbags?"),
not the task's own word ("the drop-off numbers"), not someone else calling their part off ("the actor
cancelled"). Read by :mod:`.cues` and :mod:`.reading`; pure."""

from __future__ import annotations

import re

from minutes.ledger.topic import topic_words

DROP = re.compile(
    r"\b(don't bother|do not bother|won't bother|will not bother"
    r"|drop(?:ped|ping)?(?!-|\s+(?:at|off|by|in|round|into)\b|\s+\w+\s+off\b)|scrap(?:ped|ping)?"
    r"|cancel(?:led|ed|ling)?|not (?:going to )?bother|no need|"
    r"no longer|forget (?:about )?|shelve[d]?|call(?:ed|ing)? off|abandon(?:ed)?|"
    r"skip(?:ping)? (?:the|it|that)|leave (?:the|it|that)\b.*\b(?:this year|for now|out|alone)|not doing|"
    r"won't (?:be )?(?:doing|needing|need)|kill(?:ed)? (?:it|the|that)|bin (?:it|the|that)|"
    r"take (?:it|that) off|off the list|not needed|bin (?:ours|them|those)|"
    r"pulled (?:it|that|them)\b(?! (?:together|up|in|off))|"
    r"(?:take|taking|took|takes) (?:it|that|this|them) off (?:my|the|his|her|our|their|\w+'s) list|"
    r"let's not (?:do|bother|go ahead)|skip the|no point|not worth|hold off on|"
    r"(?:not put|no) (?:any )?more (?:hours|time|effort|work) (?:into|on)|"
    r"not going ahead|won't go ahead|off the table|not happening|park(?:ed)? (?:it|that|the)|"
    r"don't need (?:to|the|it)|doesn't need (?:to|doing)|not pursu\w+|gi(?:ve|ving|ven) up on|gave up on|"
    r"let (?:it|that) go|forget it|knock (?:it|that) on the head|pull(?:ed)? the plug|ax(?:e|ed)|"
    r"moot|superseded|overtaken by|binned|ditched|nixed|(?:finance|the \w+|they|he|she) said no|"
    r"stop(?:ped)? chasing|(?:don't|do not|won't|no longer) need (?:[\w']+ ){0,3}(?:any ?more|now)|"
    r"no longer need(?:ed)?)\b",
    re.IGNORECASE,
)


def drops(sentence: str, topic: frozenset[str] = frozenset()) -> bool:
    """Whether a sentence abandons a task in so many words; a word of dropping that is the task's
    own ("pull the drop-off numbers": "a forty percent drop at step three") does not count."""
    if sentence.rstrip().endswith("?"):
        return False  # "can we at least bin the beanbags?" asks; it drops nothing yet
    return any(
        not set(topic_words(m.group(0).split()[0])) & topic
        and not _THEY_CANCELLED.search(sentence[: m.end()])
        for m in DROP.finditer(sentence)
    )


_THEY_CANCELLED = re.compile(
    r"\b(?!(?:we|i|we've|i've|we'd|i'd|have|has|had|been|be|get|got|is|was|are|were|just|'ve)\b)"
    r"[\w']+\s+cancel(?:led|ed)$",
    re.IGNORECASE,
)
"""Someone else called it off ("The actor cancelled on the Monday."): news of a setback, not the
owner dropping the task ("We cancelled it.", "It was cancelled." still drop)."""
