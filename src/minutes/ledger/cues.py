"""What a line of a meeting says of a commitment, read from its words (what it is about is
:mod:`.topic`): whether it closes the commitment (``done``), abandons it (``dropped``), moves it (``redated``,
with the new date), says it is under way (``restated``), or changes a decision. Pure; the
vocabularies are general English, none taken from the test half of ``tests/data/series``.
"""

from __future__ import annotations

import re

from minutes.ledger.dropping import drops
from minutes.ledger.topic import GENERIC, norm, topic_words
from minutes.ledger.verbs import past
from minutes.ledger.when import SHIFT, has_date
from minutes.summarize.date_words import WEEKDAY_WORDS
from minutes.summarize.text import number_word, numbers_in, split_sentences, words

_DONE = re.compile(
    r"\b(done|finished|complete[d]?|sorted|resolved|closed|merged|shipped|sent|submitted|delivered|"
    r"signed|published|posted|launched|filed|paid|ordered|installed|replaced|fixed|confirmed|"
    r"went (?:out|live|through|over|in|up|round|around|off)|"
    r"(?:'s|is|are|'re|was|were) (?:out|live|in|up|gone|down|over|through|back)|"
    r"gone out|dealt with|taken care of|ticked (?:that |it )?off|wrapped(?: up)?|in the bag|came through|"
    r"squared away|nailed|handled|out the door|landed|cleared|finali[sz]ed|got (?:it|them|the)\b|"
    r"uploaded|printed|emailed|circulated|arrived|received|hired|fitted|tested|approved|"
    r"(?:i'm|i am|we're|we are|he's|she's|they're) (?:just )?after \w+ing|"
    r"all set|good to go|crossed off|checked off|all done|that's done|done and dusted|up and running|"
    r"in place|signed off|handed (?:over|in)|sorted out|came in|showed up|turned up|rolled out|deployed|"
    r"released|distributed|sent (?:round|out|off|over)|locked in|nailed down|secured|repaired|settled|"
    r"(?:did|finished|done) (?:it|that|them)|said yes|off (?:my|our|his|her|their) plate|"
    # thanked for the thing: "Callum, thank you for the mocks breakdown", "got the icons, thanks"
    r"thank(?:s| you)(?:,? \w+,?)? for (?:the|your|sending|doing|getting|sorting)|"
    r"got the \w+(?: \w+)?,? thanks|"
    r"put (?:\w+ )?(?:one )?to bed|(?:'s|is|are|'re) with (?:the \w+|her|him|them) now|"
    r"(?:had|have|has|got) (?:it|them|that|the \w+) (?:up|in|out|back)|"
    r"(?<!going )(?<!go )live (?:since|today|yesterday|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|"
    r"(?:'s|is|are|'re) (?:now )?on the (?:shared |team |new |main )?(?:shelf|shelves|server|website|site|"
    r"intranet|drive|board|wall|"
    r"system|calendar|sheet|rota|ticket|noticeboard)|"
    r"(?:since|as of) (?:yesterday|last \w+|the weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|the \d+\w*|the \w+(?:st|nd|rd|th))|"
    # "The chart did arrive.", "Endpoints came Thursday.", "Loggers came back Friday."
    r"did (?:arrive|land|come (?:in|through|back))|"
    r"came (?:back |in |through )?(?:on )?"
    r"(?:yesterday|this morning|last \w+|(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b",
    re.IGNORECASE,
)
_NEARLY = r"(?:almost|nearly)(?! (?:all|every\w*|each|half|twice|double|\d+)\b)"
"""Not quite finished; not a quantity ("nearly all of it on the phone-number field")."""
_NOT_DONE = re.compile(
    r"(\b(?:not yet|haven't|hasn't|isn't|aren't|didn't|don't|doesn't|won't|wasn't|can't|couldn't|"
    rf"not (?:done|finished|sent|out|in|live|ready|started|there)|{_NEARLY}|"
    r"half[ -]?(?:way|done|\w+(?:ed|en))|partly|"
    r"in progress|working on|still (?:on|need|needs|to|not|\w+ing|with (?:me|us|him|her|them)|at it|holds"
    r"|stands)|"
    r"(?:\w+|a (?:bit|few|couple)) (?:more )?to go|"
    r"(?:about |only |just )?half (?:of (?:them|it) )?(?:are|is|have|has)|"
    r"(?:chase|nudge|remind|follow up|try) (?:them|him|her|it)?\s*again)\b|\?\s*$)",
    re.IGNORECASE,
)
_TAG = re.compile(
    r",\s*(?:did|didn't|do|does|doesn't|has|hasn't|have|haven't|is|isn't|was|wasn't|are|aren't|right|yeah|"
    r"ok|okay|you know|remember)\b[^,.!?]{0,40}\?\s*$",
    re.IGNORECASE,
)
"""A question tagged on to a statement ("Karin put the note in, did everyone see?")."""
_ASKS = re.compile(
    r"^\W*(?:(?:and|so|um|uh|oh|okay|right)\W+)*(?:has|have|had|is|are|was|were|did|do|does|can|could|will"
    r"|would|should)\b(?!\s*[,.])",
    re.IGNORECASE,
)
"""A sentence that opens as a question: a tag after it ("…, does anyone know?") does not make it news."""
_THAN = re.compile(r"\bthan (?:it|i|we|they|he|she|you|anyone|expected)\b(?: \w+)?", re.IGNORECASE)
"""A comparison's verb does nothing: "Harder than it looked." is no close."""
_ONGOING = re.compile(r"\bbeen (?:\w+ing|at it|on it)\b", re.IGNORECASE)
"""Work going on since a day ("been chasing since Monday"), not work done since then."""
_HEDGED = re.compile(
    rf"\b(?:not yet|{_NEARLY}|half[ -]?(?:way|done|\w+(?:ed|en))|partly|in progress|on track|"
    r"not (?:done|finished|sent)|"
    r"still (?:need|needs|waiting|to|chasing)|last (?:year|month|quarter|time)|\w+ ago|used to|back when|"
    r"at my old|different (?:thing|one|issue|problem)|waiting (?:on|for))\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(i'll|i will|we'll|we will|it'll|it will|she'll|he'll|they'll|gonna|going to|shall)\b", re.IGNORECASE
)
_WILL = re.compile(r"\b(\w+'ll|will)\b", re.IGNORECASE)
"""The future of anything ("the repair will be the 27th"): with a date, from the owner, a new date. Not
a reason to doubt a close ("Sent Friday, the team will use it from Monday")."""
_REDATE = re.compile(
    r"\b(push(?:es|ed|ing)?|mov(?:e|es|ed|ing)|slip(?:s|ped|ping)?|delay(?:s|ed|ing)?|postpon(?:e|ed|ing)|"
    r"extend(?:ed)?|more time|another|one more|extra|(?:till|until) the|won't make|not going to make|"
    r"realistically|instead|rather than|later than|bump(?:ed)?|reschedul(?:e|ed)|back to|give me|"
    r"till|until|can i have|won't be (?:ready|done) (?:until|till|before)|(?:bring|brought|pull(?:ed)?) "
    r"(?:it |that |this )?forward|slid(?:e|es|ing)?|hold (?:it|that|off) (?:until|till))\b",
    re.IGNORECASE,
)
_SLIPPED = re.compile(
    r"\b(slip(?:s|ped|ping)?|slid(?:e|es|ing)?|delay(?:s|ed|ing)?|postpon(?:e|es|ed|ing)|reschedul\w+|"
    r"(?:it'll|it will|it's going to|going to) (?:have to )?(?:slip|be late|run over)|"
    r"(?:it'll|it will|it's going to|going to) (?:be|take|need) "
    r"(?:another|one more|(?:a|two|three) (?:few )?more|an extra) (?:day|week|fortnight|month)s?)\b",
    re.IGNORECASE,
)
"""Words that move a task whatever else the line says: "Slipped. Thursday." is no close, though
"slipped" is a past tense from the owner."""
_SOFT = frozenset(
    [
        "now",
        "then",
        "latest",
        "probably",
        "realistically",
        "hopefully",
        "maybe",
        "at",
        "the",
        "by",
        "of",
        "on",
        "it'll",
        "be",
        "it's",
        "i'd",
        "say",
        "so",
        "more",
        "like",
    ]
)
"""Words that may stand beside a date in a sentence that only gives a new date ("Thursday now.",
"The 14th, realistically.")."""
UNANSWERED = re.compile(
    r"\b(still (?:no|nothing|don't know|do not know|waiting|no word|unanswered|open|unclear|pending)|"
    r"no (?:answer|reply|word|news|response|update|decision)\b|nothing (?:from|back|yet|heard)|"
    r"(?:haven't|hasn't|not|never) (?:heard|had (?:an? )?(?:answer|reply|word))|"
    r"(?:nobody|no one|no-one) (?:has |have )?(?:said|told|got back|answered|replied)|"
    r"we (?:still )?don't know|didn't get to it|ran out of time|anyone heard|any (?:news|word|update) on|"
    r"still (?:nobody|no one|no-one))\b",
    re.IGNORECASE,
)
"""A line saying an open question is still open ("Still no answer from legal.")."""
ASKED_AFTER = re.compile(
    r"\b(?:any (?:news|word|update|answer) (?:from|yet|back)|"
    r"(?:did|has|have) (?:the |our |your )?(?:[\w'-]+ ){0,2}?(?:ever |yet )?(?:find out|found out|hear|heard|"
    r"get an answer|got an answer|come back|came back|get back|got back|say anything|said anything))\b",
    re.IGNORECASE,
)
"""A question asking after an open one ("Did anyone find out about the car park?", "Any word from
the council?"); only a sentence that is a question counts (:func:`unanswered`)."""

_PROGRESS = re.compile(
    rf"\b(still|working on|on it|in progress|half ?way|{_NEARLY}|started|on track|on my list|as planned|"
    r"not yet|haven't|getting there|under way|underway|chipping away|draft|progress|half done|part ?way|"
    r"ongoing|pending|waiting (?:on|for)|chasing|in hand|in the works|coming along|going well|so far)\b",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\b(instead|chang\w*|mov(?:e|es|ed|ing)|push(?:es|ed|ing)?|delay(?:s|ed|ing)?|postpon\w*|"
    r"revers\w*|switch\w*|back to|no longer|scrap\w*|cancel\w*|after all|actually|rather|revisit\w*|"
    r"overturn\w*|replace[d]?|keep the old|stick with|go with)\b",
    re.IGNORECASE,
)


def unanswered(sentence: str) -> bool:
    """Whether a sentence says an open question is still open, or asks after it again."""
    if UNANSWERED.search(sentence):
        return True
    return sentence.rstrip().endswith("?") and ASKED_AFTER.search(sentence) is not None


_TERSE_DONE = re.compile(
    r"^\W*(?:(?:aye|yes|yeah|yep|yup|ja|oh)[,.!]?\s+)?"
    r"(?:(?:all|both) (?:\w+ )?(?:in|done|out|sent|back|booked|confirmed|signed up|sorted|paid|fixed|up)\b"
    r"|out to \w+|(?:in|out|up|live|done|sent)\s+(?:since|last|yesterday"
    rf"|(?:on )?(?:{WEEKDAY_WORDS}))\b"
    r"|(?:(?:they|it)(?:'re|'s| are| is) )?(?:all )?(?:in|on) the (?:shared |team )?(?:doc|drive|folder|pack"
    r"|system|channel|inbox|board|server)\b|here\W*$|live\W*$"
    r"|(?:they|it)(?:'re|'s| are| is) here\b"
    # "PA's booked", "Room's sorted": a short subject, then its state
    r"|[\w-]+(?: [\w-]+)?(?:'s|'re| is| are) (?:all )?(?:booked|sorted|confirmed|fixed|paid|sent|done)\b)",
    re.IGNORECASE,
)


_ASKED_DONE = re.compile(
    r"(?:\b(?:did|has|have|had|is|are|was|were)\b.*\b(?:\w+ed|done|sorted|finished|sent|gone|out|in|back"
    r"|fixed|booked|paid|up)\b|\b(?:\w{3,}ed|done|sorted|finished|sent|fixed|booked|paid)\s*(?:yet|then|now)?)"
    r"[^?]{0,30}\?\s*$",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\W*(?:yes|yep|yup|yeah|aye|yes indeed|it did|they did|it is|they are|it has|they have)"
    r"(?:[,.!]?\s*(?:all )?(?:done|sorted|finished|thanks|boss|chief|mate))?\W*$",
    re.IGNORECASE,
)


def yes_to_done(prompt: str, reply: str) -> bool:
    """A bare yes to a question whether a task is done ("Rosa, Linden marked?" — "Yup.", "Did the
    tins get counted in the end?" — "Yep.")."""
    asked = (split_sentences(prompt) or [prompt])[-1]
    return _ASKED_DONE.search(asked) is not None and _YES.match(reply) is not None


_N_OF_M = re.compile(r"\b([\w-]+) (?:of|out of) (?:the |them |my |our |all )?([\w-]+)\b", re.IGNORECASE)


def part_of(sentence: str) -> bool:
    """Whether a sentence counts part of the work done ("Two of the three siblings have signed",
    "Three of five are through"): fewer than all is no close."""
    for m in _N_OF_M.finditer(sentence):
        done, of = _count(m.group(1)), _count(m.group(2))
        if done is not None and of is not None and done < of:
            return True
    return False


def _count(word: str) -> float | None:
    said = word.lower()
    value = said if said.isdigit() else number_word(said)
    return float(value) if value is not None else None


def terse_done(sentence: str) -> bool:
    """A reply to a prompt about a task that says, in a word or two, it is done: "All four in.",
    "Aye, out to staff on Monday.", "In the doc since Friday.", "Here." (the thing asked for)."""
    return _TERSE_DONE.search(sentence) is not None and _NOT_DONE.search(sentence) is None


def reported(sentence: str) -> bool:
    """Whether a sentence starts with a verb in the past tense, as a report of one's own work
    does ("Spoke to the licensing officer on Wednesday.", "Rang them Tuesday.")."""
    said = words(sentence)
    return bool(said) and past(said[0])


_WHEN_PAST = re.compile(
    r"(?<!\bby )(?<!\bnext )(?<!\bfor )(?<!\buntil )(?<!\btill )(?<!\bbefore )(?<!\bcoming )"
    r"\b(?:(?:on |last |since )?(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"(?: (?:morning|afternoon|night|evening))?"
    r"|yesterday|last (?:night|week)|this morning|the other day|first thing)\b",
    re.IGNORECASE,
)
"""A day just gone, as a report names it ("went in Wednesday", "came through Friday afternoon",
"texted me this morning"); not a deadline ("by Friday", "next Monday")."""
_LONG_AGO = re.compile(
    r"\b(?:(?:19|20)\d\d|ago|back (?:in|when|then)|black friday|last (?:year|month))\b", re.I
)
"""A story from before ("back in 2019 we had a Black Friday where …") is no news of a task."""


def dated_past(sentence: str) -> bool:
    """A sentence reporting an event on a day just gone, in the past tense: "The new machine went in
    Thursday afternoon", "She texted me this morning". Such a report is news of a task, not its plan."""
    if _WHEN_PAST.search(sentence) is None or _LONG_AGO.search(sentence):
        return False
    if _FUTURE.search(sentence) or _NOT_DONE.search(sentence):
        return False  # a plan, or not done yet
    return any(past(w) for w in words(sentence))


def strong(sentence: str, verb: str | None, topic: frozenset[str]) -> bool:
    """A close said in so many words: a word of completion or dropping (not one of ``topic``, the
    task's own words), or the task's own verb."""
    if drops(sentence, topic) or _DONE.search(sentence):
        return True
    return verb is not None and any(past(w) and norm(w) == verb for w in words(sentence))


def status(
    text: str,
    verb: str | None = None,
    *,
    owner: bool = False,
    line: str | None = None,
    topic: frozenset[str] = frozenset(),
) -> str | None:
    """What a line says of a commitment whose task starts with ``verb`` (its first topic word):
    ``dropped``, ``done``, ``redated``, ``restated`` (still under way), or nothing; ``owner``: the
    owner says it, or is named in it or in the line before; ``line``: the whole line ``text`` is a
    sentence of, whose hedges count too ("Almost there. The plumber's done the pipe run").

    Done is the task's own verb in the past tense ("rotated", "rang"), a word of completion
    ("sorted", "it's live"), or, from the owner, any verb in the past tense ("briefed them all");
    never under a negation ("not sent yet", "almost done") or in a question. Redated is a shift
    ("push", "one more week", "till") with a date or a span, or the owner's future with a date.
    ``topic``: the task's own words, which say nothing of its status.
    """
    if drops(text, topic):
        return "dropped"
    if _SLIPPED.search(text):
        return "redated"  # with no date said, the caller keeps it as restated
    if not _ASKS.match(text):  # "Has the timetable gone out, does anyone know?" stays a question
        text = _TAG.sub(".", text)
    said = words(_THAN.sub("", text))
    negated = _NOT_DONE.search(text) is not None or _HEDGED.search(line or text) is not None or part_of(text)
    if not negated and verb is not None and any(past(w) and norm(w) == verb for w in said):
        return "done"
    dated = SHIFT.search(text) is not None or has_date(text)
    if _REDATE.search(text) and dated:
        return "redated"
    future = _FUTURE.search(text) is not None
    if _DONE.search(text) and not negated and not future and not _ONGOING.search(text):
        return "done"
    if owner and dated and (future or _WILL.search(text)):
        return "redated"
    if owner and not negated and not future and any(past(w) for w in said):
        return "done"
    if (_PROGRESS.search(text) or negated) and not text.rstrip().endswith("?"):
        return "restated"
    return None


_UNDER_WAY = re.compile(
    r"\b(working on|on it|in progress|half ?way|nearly (?:there|done)|almost (?:there|done)|on track|"
    r"getting there|under ?way|chipping away|coming along|going well|part ?way|mostly there|most of the way"
    # "I'll keep at it.", "Still with me.", "Still one short for the twenty-fourth."
    r"|keep(?:ing)? (?:at it|going|chasing|trying|on at)"
    r"|still (?:with (?:me|us)|on my desk|going|on(?=\W*$|[.,!]))"
    r"|(?:one|two|three|a couple|a few|\w+ people) short)\b",
    re.IGNORECASE,
)


def progress(sentence: str) -> bool:
    """Whether a sentence says work is under way in so many words ("Halfway.", "On it."); not
    "not yet", which may as well end a task as carry it."""
    return _UNDER_WAY.search(sentence) is not None


_AS_PLANNED = re.compile(r"\b(?:still|as planned|as promised|on track|as agreed)\b", re.IGNORECASE)


def as_planned(sentence: str) -> bool:
    """Whether a sentence keeps a task's date ("I'll still have all five by Friday.")."""
    return _AS_PLANNED.search(sentence) is not None


def slipped(sentence: str) -> bool:
    """Whether a sentence says its task moved ("Slipped.", "It's going to slip.")."""
    return _SLIPPED.search(sentence) is not None


def shifted(sentence: str) -> bool:
    """Whether a sentence asks for or gives a task more time in so many words ("Give me till the
    19th.", "Can I have till Monday?", "Push it to the tenth.")."""
    return _REDATE.search(sentence) is not None


def only_date(sentence: str) -> bool:
    """Whether a sentence gives a date and nothing else ("Thursday now.", "Tomorrow."): said after a
    status, the new date of the task it speaks of."""
    said = words(sentence)
    return (
        bool(said)
        and not topic_words(sentence)
        and has_date(sentence)
        and all(
            w in _SOFT or w in GENERIC or w.isdigit() or w.endswith(("st", "nd", "rd", "th")) for w in said
        )
    )


def changes(before: str, after: str, said: str) -> bool:
    """Whether a later decision on the same topic says something else than the earlier one."""
    if numbers_in(before) != numbers_in(after) and numbers_in(after):
        return True
    return _CHANGE.search(said) is not None or _CHANGE.search(after) is not None


def said_change(said: str) -> bool:
    """The later decision's lines say in so many words that it changes something ("we're switching")."""
    return _CHANGE.search(said) is not None
