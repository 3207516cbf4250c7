"""Whether one sentence promises something: the sentence grammar of a commitment.

:func:`commitment_cue` finds the first-person cue of a sentence that takes a task on ("I'll",
"let me", "leave it with me", "that's me" …) and refuses the many sentences that say those words
without promising anything: perception and stance ("I can see"), the speaker's part in the meeting
("I'll go first", "I'll run through the actions"), a hedge or a condition ("if I can", "I can do
it, if you send me the numbers"), a promise taken back or made in irony, a cue inside a clause
about something else. :func:`team_cue` reads "we'll" + a dated delivery the same way. How a turn's
cues become one action item, owner and due date is :mod:`.commitments`.
"""

from __future__ import annotations

from datetime import date

from minutes.summarize.candidates.scan import FILLER, Scan, clause_before, is_question, rx
from minutes.summarize.date_words import WEEKDAY_WORDS
from minutes.summarize.dates import DateMention, find_dates

_COMMIT = rx(
    r"\b(?:i'll|i will|i can(?!'t)|i'm going to|i am going to|i'm gonna|i shall|let me|i'm on it"
    r"|i'd be happy to|i'm happy to|i am happy to)(?=\W|$)",
)
_STANDALONE = rx(
    r"\b(?:leave (?:it|that|this|those|them) with me|consider it done|i'm on it|you'll have (?:it|them|that)"
    r"|i've got (?:it|this|that)(?=\s*[,.!]|$)|(?:that's|that'll be|that one's) (?:me|mine|on me)"
    r"|(?:put|stick) me down (?:for|to)|(?:put|stick) (?:it|that|this) (?:on|down to|down for) me"
    r"|i'll see to (?:it|that|them)"
    # "Moving the rest over is mine.": a task claimed by name
    r"|^\W*(?:\w+\s+){0,2}\w+ing\b[^,.;]{0,60}?\b(?:is|'s) (?:mine|on me)(?=\W|$))\b"
    r"|^(?:on it)\b|^\W*mine\W*$",
)
CLAIM = rx(r"^(?:(?:that's|that'll be|that one's) (?:me|mine)|mine\b)")  # only in reply to a question
_WE_COMMIT = rx(r"\b(?:we'll|we will|we're going to|we are going to|we're gonna)\b")
_ADVERBS = rx(
    r"^(?:\s+(?:also|just|definitely|probably|certainly|quickly|personally|then|still|now|only|happily))*"
)
_NOT_A_THING = (
    r"(?!\s+(?:the|my|our|his|her|their|all|a|any|those|these)\s+"
    r"(?!floor|mic|microphone|meeting|chair|reins)\w)"
)
"""After "hand over": the floor is the meeting's, "the keys and the alarm code" a task."""
_NOT_AN_ACTION = rx(
    # "I'll see what I can do about the referral" takes it on; "I'll see you Friday" does not
    r"^(?:not|never|no longer|see(?! what (?:i|we) can do (?:about|with|for|on)\b)|hear|imagine"
    r"|understand|think|guess|assume|admit|say|tell (?:you|us)"
    r"|know|be (?!\w+ing\b|responsible|in charge)"
    # "I'll start" is the speaker's turn, "I'll start the notes" the meeting's business; "I'll start on
    # the seating plan", "start it", "start drafting" are tasks
    r"|start(?!\s+(?:on|it|them|work)\b|\s+\w+ing\b"
    r"|\s+the\s+(?!meeting|call|review|round|session|notes|minutes|recording|clock|timer)\w)"
    r"|begin|recap|summari[sz]e|introduce|repeat"
    # "I'll explain" is the speaker's turn; "I'll explain it to the traders myself" a task
    r"|explain(?!\s+(?:it|this|that|the \w+|our \w+)\s+to\s+(?!you|us|everyone|everybody|all)\w)"
    r"|clarify|share (?:my|the|your) screen|stop sharing|show (?:you|us)|walk (?:you|us) through"
    r"|go ahead|continue|jump in|add (?:one|something|a point)|ask (?:you|a question|something)"
    rf"|hand (?:it )?over{_NOT_A_THING}|mute|unmute|move on|get (?:started|going)|wrap (?:up|this up)"
    r"|do my best"
    r"|put it|give (?:you|us) (?:an|a|some)(?! (?:call|ring|bell|shout|lift|hand|copy)\b)"
    r"|rephrase|try again|pull up|bring up|finish my"
    r"|support|vote|second|agree|disagree|object|abstain|go further|take (?:that|this|it) as"
    r"|live with|accept that|tell you|leave it there|stop (?:there|here)|come back to"
    r"|pass (?:it )?(?:over|back)"
    r"|turn (?:it )?over|hand (?:it )?back|try (?:and|to) answer|need|want|have to wait"
    r"|pass(?=\s*[.!,]|$)"
    r"|let (?:it|that|this|them) go|believe (?:it|that)|take the heat|eat my hat"
    r"|(?:call|bring) (?:\w+ ){0,3}to order"  # the chair's own business: "I'll call the meeting to order"
    r"|(?:open|close|adjourn|chair) (?:the |this |our )?(?:\w+ ){0,4}meeting"
    r"|take (?:the|a) vote|put (?:it|this|that|the motion) to (?:a |the )?vote"
    r"|keep (?:us|everyone|people) (?:to|on)|keep (?:it|this|things|them) (?:quick|short|brief)"
    # a motion moved or seconded is the meeting's procedure: "I'll move we accept it."
    r"|move (?:that|we|the motion|it)\b|formally move"
    # no task yet, or one given back: "I'll have to see", "let me have a think", "back out of that"
    r"|have to (?:see|check my diary|think)|have a (?:think|ponder|mull)|(?:have to )?(?:back|pull|bow) out"
    r"|step (?:back|down) from"
    # leaving the meeting: "I'll drop off.", "I'll leave you to it.", "I'll let you go."
    r"|(?:drop|hop|jump|head|sign|log) (?:off|out)(?=\W*$|\W+(?:now|then|here)\b)"
    r"|leave (?:you|y'all|you all|you guys|everyone) (?:to it|alone|in peace)|let you (?:all |guys )?go"
    # read out in the meeting, later in it: "I'll read them out when we get there."
    r"|read (?:\w+ ){0,2}out when we"
    # taking a task off the list is dropping it, not a task: "so I'll take that off my list."
    r"|take (?:that|it|this|them) off (?:my|the|our) list|cross (?:that|it|this) off"
    # "I'll hold you to that." holds someone else to their word; "I'll hold the motion over" defers it
    r"|hold (?:you|him|her|them|us) to|hold (?:[\w']+ ){0,2}over\b"
    # the speaker's part in the meeting itself: "I can go first", "I'll mention them again", "I'll
    # give it a two" (a rating), "I'll rub that out" (the whiteboard), "I can assure you"
    r"|go (?:first|next|last)|mention|say (?:something|a (?:few words|word|bit))|talk (?:a bit )?about"
    # the chair's round of the agenda: "I'll whizz through the actions", "I'll run through the minutes"
    r"|(?:whizz|whiz|run|go|zip|race|rattle|read|skim) (?:quickly )?(?:through|out|over) "
    r"(?:the |our |last (?:week|time|meeting)'s )?"
    r"(?:actions|action (?:points|items|list)|agenda|minutes|matters arising|list)\b"
    r"|speak (?:about|to (?:that|this|it))"
    r"|give (?:you |us )?(?:a |an )(?:\w+ )?(?:talk|presentation|overview|demo)"
    r"|make an example|give (?:it|this|that|them)\W+(?:\w+\W+){0,6}?(?:a |an )?"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)(?![\w-])"
    r"|rub (?:\w+ )?(?:out|off)|draw(?! up)|(?:use|write on) the (?:white)?board|assure you"
    r"|try (?:and|to) be (?:brief|quick)|leave the room|(?:go and )?sit|skip|stop \w+ing"
    r"|take (?:the |a )?(?:minutes|notes?)|give (?:that|an|the|my|you an?) assurance"
    r"|discuss(?! (?:it|this|that|them|the \w+) with)|be (?:\w+ )?(?:doing|following|talking|presenting)"
    r"|show (?:them|it|this|that|these|those)(?! to)|open (?:it|this|that) (?:up )?on|wait(?! for)|supplement"
    r"|take (?:this|the|every) opportunity|do (?:everything|all|whatever) (?:that )?(?:i|we) can"
    r"|finish (?:this|my|the) (?:slide|point|sentence|thought|presentation|bit))\b",
)
_NOW_LEAD = rx(r"^\W*(?:(?:and|so|okay|ok|right|then)\W+)*now\W*$")
"""The speaker's next move in the meeting: "Now I'll show this board.", "So now I'll go through it"."""
_A_SECOND = (
    r"second(?!\s+(?!and|or|then|to|so|with|here|there|if|before|after|but|i|we|you|please|now)[a-z]+)"
)
"""A second of time, not an ordinal ("for a second plate reader")."""
_IN_THE_MEETING = rx(
    rf"\b(?:right now|(?<!by )now|in a (?:minute|sec|{_A_SECOND}|moment|mo)|for a (?:sec|{_A_SECOND}|moment)"
    rf"|in a (?:few|couple of) minutes|just a (?:sec|{_A_SECOND}|moment|minute))\b"
)
"""Done in the meeting, not after it: "I'll show you in a minute", "Just prepare it now"."""
_RESTART = rx(r"^(?:i|we|you|he|she|they|it)(?:'\w+)?\b")
_NOT_A_TEAM_ACTION = rx(
    r"^(?:see|revisit|discuss|talk|come back|look at (?:it|this|that) again|decide|know|find out|hear"
    r"|check with|wait|need|have to|be|think|get there|figure)\b",
)
_HEDGE = rx(
    r"\bor\W*$|\b(?:if|unless|whether|once|maybe|perhaps|wish|hope|wonder|not sure|doubt|might|said|says"
    r"|told|tells|mentioned|wrote|claimed)\b"
)
_NO_OBJECTION = (
    r"\s+(?:anyone|anybody|someone|somebody|you|people|the (?:room|committee|board|team))\s+"
    r"(?:shouts?|objects?|minds?|disagrees?|says? otherwise|stops? me|tells? me otherwise|screams?)\b"
)
"""A condition no one means: "I'll book them this week unless anyone shouts" promises the booking."""
_CONDITION_AFTER = rx(
    rf",\s*(?:but\s+only\s+)?(?:if|unless(?!{_NO_OBJECTION})|provided|as long as)\b"
    rf"|\s(?:unless(?!{_NO_OBJECTION})|provided|as long as)\b"
    r"|(?<!check)(?<!ask)(?<!see)(?<!out)(?<!confirm)(?<!verify)(?<!know)(?<!test)(?<!look)(?<!decide)"
    r"(?<!\band)\s+if\s+"
    r"(?:you|someone|somebody|anyone|we|they|i get|i have|i can get|there's)\b"
)
_ASK_IF = rx(
    r"^(?:ask|check with|see with|find out from|confirm with|email|ring|call|phone|text|message)"
    r"(?:\s+[\w'-]+){1,4}?\s+(?:if|whether)\s"
)
"""A question put to someone, not a condition: "I'll ask St Anne's if we can borrow their desk"."""
_NO_PROMISE = rx(
    r"\b(?:no promises?|not promising|can't promise|don't count on (?:it|me)|don't hold your breath"
    r"|not holding my breath)\b"
)
"""Said with the offer, it takes it back: "I'll try and sort a phone line, but don't count on it"."""
_BLAME = rx(r"\b(?:that's|that was|it's|it was) on me\b.*\b(?:forgot|was|didn't|should have|missed)\b")
"""Taking the blame is no task: "That's on me, honestly, I was on the bridge and I forgot"."""
_TAKEN_BACK = rx(r"\b(?:(?:oh,?\s+)?wait,?\s+no|no,?\s+(?:i|we)\s+can't|actually,?\s+no|scratch that)\b")
"""Taken back in the same breath: "I can do Saturday— oh, wait, no, I can't, it's my sister's …"."""
_IRONY = rx(
    r"^(?:\W*(?:yeah|oh|sure|right)\b[,.!]?\s*){2,}and\b"
    # "Oh sure, I'll just nip round …", "Oh great, and I guess I'll write it in my sleep"
    r"|^\W*oh,?\s+(?:sure|great|yeah|right|brilliant|wonderful|perfect|lovely|fantastic)\b[,.!]?\s+"
    r"(?:and\s+)?(?:i guess|i suppose|i'm sure|(?:i'll|i will|i can) just)\b"
    r"|,\s*shall i\W*$|\bin my sleep\b|\bin all my (?:free|spare) time\b"
)


_UPTALK = rx(
    rf"^{FILLER}(?:i'll|i will|i'm going to)\b.*\b(?:by|for|on|till|until)\W+(?:\w+\W+){{0,2}}"
    rf"(?:{WEEKDAY_WORDS}|tomorrow|tonight|end of \w+(?: \w+)?"
    r"|\d+(?:st|nd|rd|th)?|the \w+(?:st|nd|rd|th)|[\w-]*(?:first|second|third|fourth|fifth|ninth|twelfth"
    r"|tieth|teenth|enth))\W*\?\s*$"
)
"""An offer with a rising end on its day is an offer still: "I'll have them all across by, um, the
twenty-fourth?" (not "And I can draw?", which asks leave)."""
_SUBORDINATE = rx(
    r"\b(?:(?<=\w )(?:which|what|how|where)|so that|as far as|as much as|as soon as|all|than|whatever"
    r"|anything|something|everything|thing|things|way|because|cuz|cause|before|after|until|till|while)\s*$"
)
"""A cue inside a clause about something else is no offer: "so that I can use them", "the best thing I
can come up with", "all I can do" (not "That I can do by Friday.")."""
_THEN_ASKED = rx(
    r",\s*(?:and|but|so)\W+(?:(?:uh|um|er)\W+)*"
    r"(?=(?:when|what|how|which|where|is|are|does|do|can|could|should|shall|would)\b)"
)
"""An offer, then a question about it in the same breath: "I'll rewrite the policy, and, uh, when do
you want it for sign-off?" offers what comes before the question."""


def commitment_cue(sentence: str) -> str | None:
    """The first-person commitment cue of a sentence ("i'll", "let me" …), or None."""
    if is_question(sentence):
        asked = _THEN_ASKED.search(sentence)
        if asked is not None:
            sentence = sentence[: asked.start()] + "."
        elif _UPTALK.match(sentence):
            sentence = sentence.rstrip(" ?") + "."  # "I'll have them all across by, um, the 24th?"
    if (
        is_question(sentence)
        or _IRONY.search(sentence)
        or _NO_PROMISE.search(sentence)
        or _BLAME.search(sentence)
    ):
        return None
    for m in _COMMIT.finditer(sentence):
        cue = " ".join(m.group(0).lower().split())
        after = _ADVERBS.sub("", sentence[m.end() :], count=1).strip()
        if cue != "i'm on it" and (not after or after[0] in ".?!,"):
            continue  # "Yes, I will." accepts, but says nothing on its own
        if _RESTART.match(after):
            continue  # "I'll I might put it out …": begun again, the next cue is read on its own
        before = clause_before(sentence, m.start())
        if _NOT_AN_ACTION.match(after) or _HEDGE.search(before) or _now_in_the_meeting(before, after):
            continue
        if _SUBORDINATE.search(sentence[: m.start()]):
            continue  # "so that I can use them", "the best thing I can come up with", "as far as I can tell"
        if (
            (_CONDITION_AFTER.search(after) and not _ASK_IF.match(after))
            or _TAKEN_BACK.search(after)
            or _IN_THE_MEETING.search(after)
        ):
            continue  # "I can sort the order, if you tell me the number": an offer on a condition
        return cue
    alone = _STANDALONE.search(sentence)
    if alone and not _HEDGE.search(clause_before(sentence, alone.start())):
        return " ".join(alone.group(0).lower().split())
    return None


def team_cue(scan: Scan, sentence: str, tail: str = "") -> str | None:
    """ "We'll issue the model in ten days": a dated task the speaker's team takes on."""
    m = _WE_COMMIT.search(sentence)
    if m is None or is_question(sentence) or _HEDGE.search(clause_before(sentence, m.start())):
        return None
    after = _ADVERBS.sub("", sentence[m.end() :], count=1).strip()
    if not after or _NOT_A_TEAM_ACTION.match(after) or _NOT_AN_ACTION.match(after):
        return None
    dated = after + (" " + tail if len(tail.split()) <= 6 else "")  # "We'll send the rota out. By Wednesday."
    if not any(_delivery(m) for m in scan.dates(dated)) and not _TO_YOU.match(after):
        return None  # "We'll take the line out this morning": the room's plan, not a delivery
    return " ".join(m.group(0).lower().split())


_TO_YOU = rx(
    r"^(?:(?:certainly|definitely|happily|gladly|of course)\s+)?"
    r"(?:send|get|write|provide|share|forward|circulate|give)\b"
    r".*\b(?:to you|you a copy|to the committee|round to (?:you|everyone|all))\b"
)
"""A delivery to the people asking, dated or not: "We'll certainly get a copy of that to you."."""
_SOON = rx(r"\b(?:minutes?|hours?|second)\b")


def _delivery(mention: DateMention) -> bool:
    """A date a team's task is due by: "by Friday", "in ten days"; not "in five minutes" (the
    meeting's own business: "we'll come to the budget in five minutes")."""
    return (mention.deadline or mention.rule == "within") and not _SOON.search(mention.text)


def _now_in_the_meeting(before: str, after: str) -> bool:
    """ "So now I'll show this board": the speaker's next move; not "so now I'll get the works
    tendered by the end of June", a task with a deadline."""
    if not _NOW_LEAD.match(before):
        return False
    return not any(m.deadline for m in find_dates(after, _ANY_DAY))


_ANY_DAY = date(2026, 1, 5)
"""Whether a deadline is said does not depend on the day it is read against."""


def clause_start(sentence: str) -> int:
    """Where the clause holding the cue starts: "Pour's set for Thursday, I'll book the pump"."""
    m = _COMMIT.search(sentence) or _STANDALONE.search(sentence) or _WE_COMMIT.search(sentence)
    if m is None:
        return 0
    cut = max(sentence.rfind(",", 0, m.start()), sentence.rfind(";", 0, m.start()))
    return cut + 1
