"""Requests and offers that another speaker accepts: the owner is who will do the task.

- request: "Bob, can you …", "could you …", "please …", "would you mind …", "can I leave X with
  you", "<Name> will …", "<Name> to …", an imperative or a "you'll" after a name ("Sam, call the
  engineer tomorrow, yeah?", "Sam, you'll draft it"), "can someone …" —
  followed within three utterances by an acceptance from another speaker ("sure", "will do",
  "aye", "on it", "I'll …"); owner = who accepted. A request to a named speaker is theirs even
  unanswered, unless they decline it or answer with something else. "Kofi, you and I can do it"
  gives the task to both.
- offer: "Shall I …?", "Should I …?", "Do you want me to …?", "Would it help if I …?" answered
  yes by another speaker; owner = who offered.

An acceptance that is itself a commitment is merged into the request: one candidate, evidence
both. The due date: the acceptor's turn first, then the request's, then a short dated line of
either right after ("By Friday?" — "Yep."). What counts as a yes, a no or the task said again is
:mod:`.replies`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from minutes.summarize.candidates.replies import ACCEPT, answer, answered_before, said_again, said_yes
from minutes.summarize.candidates.scan import FILLER, Candidate, Scan, is_question, rx
from minutes.summarize.text import NOT_NAMES

_ASKS = (
    r"(?:would|do) you mind|(?:can|could|would|will) you|(?:can|could|would|will) your \w+"
    r"|(?:can|could|may) i (?=leave\b)"
    r"|do you want to|are you able to|i need you to|i'd like you to|please"
)
_OPEN_CALLS = (
    r"(?:can|could) (?:someone|somebody|anyone)|who (?:can|wants to|will)|any volunteers? to"
    r"|(?:someone|somebody) (?:needs to|should|has to|must)|we need (?:someone|somebody) to"
    r"|who(?:'s| is) (?:doing|writing|taking|handling|running|making|sorting|drafting|organi[sz]ing|booking)"
    # "Who tells him?", "Who books the room?" (not "who knows", "who cares")
    r"|who (?=(?!(?:knows|cares|says|thinks|remembers|wants|needs|likes|means|else|is|was|has|does|goes"
    r"|comes)\b)[a-z]{3,}s \w)"
)
_REQUEST = rx(rf"\b(?:{_ASKS}|(?P<open>{_OPEN_CALLS}))\b")


def asks(text: str) -> bool:
    """Whether ``text`` asks for a task to be done, of the listener or of whoever will ("Could you
    …", "Can someone …", "Who's writing it?")."""
    return _REQUEST.search(text) is not None


_REQUEST_LEAD = rx(
    rf"^{FILLER}(?:[\w .'-]+,\s*)?(?:{_ASKS}|{_OPEN_CALLS})(?:\s+please)?(?:\s+be able to)?[,\s]+"
)
_NOT_A_TASK = rx(
    r"^(?:hear|see|repeat|say|speak|share your screen|go ahead|continue|mute|unmute|give us|tell (?:us|me)"
    r"|walk (?:us|me) through|explain|clarify|elaborate|remind (?:me|us)|introduce yourself|stop sharing"
    r"|scroll|zoom|wait|hold on|hang on|let me know if|give me a (?:sec|second|minute)|note|bear with"
    r"|keep in mind|be|go on|carry on|take a seat|sit|thanks|thank|need|want|have to|like|know|think"
    r"|go (?:first|next|last)|kick (?:us |things )?off|start us off|take it away"
    # a suggestion agreed to, not a task: "Yes, please let's not guess about insurance."
    r"|let's|let us"
    r"|(?:take|talk|run|bring) (?:us|me) (?:through|up to)|update (?:us|me)\b|move (?:that|it|the motion)"
    r"|second (?:that|it|the motion)"
    # the meeting's own business: "Go back one page", "Read that", "Answer that", "Talk a bit about it"
    r"|go (?:back|forward)|next slide|(?:maybe )?start (?:with|by)"
    r"|read (?:that|this|it|them)(?! (?:through|over))|answer"
    r"|add (?:anything|something|to that)|talk (?:a bit|at all|about)|on (?:this|that)\W*$"
    r"|(?:just )?give (?:me|us) (?:your|an?|some) (?:opinions?|views?|thoughts|sense)"
    r"|give (?:a|an|the) (?:\w+ )?talk"
    r"|give (?:the \w+|us|me) (?:an? |some )(?:assurance|answer|idea|sense|flavour|update|overview))\b"
    # the agenda's order, not a task: "Kofi, staffing first.", "Money first."
    r"|^(?:the |your )?[\w'-]+(?: [\w'-]+)?,? first\W*$",
)
# after "Name," a word that starts a question or a statement, not an imperative
_NOT_IMPERATIVE = rx(
    r"^(?:how|what|why|when|where|who|which|is|are|am|was|were|do|does|did|have|has|had|can|could|would"
    r"|will|should|shall|may|might|must|you(?! and (?:i|me)\b)|we|i|i'm|i'd|it|it's|that|that's|this"
    r"|he|she|they|he's|she's|they're|he'll|she'll|they'll|him|them|d'you|y'know|dya"
    r"|there|the|a|an|any|anything|your|my|our|his|her|their|not|no|yes|yeah|so|just|thanks|thank|sorry"
    r"|good|great|nice|okay|ok|right|well|welcome|hi|hello|morning|please|if|as|all|everyone)\b",
)
_NOT_ASKED = rx(
    r"^\W*(?:\w+\W+){0,3}?(?:how|what|why|where|which)(?:\s+\w+){0,3}\s+(?:can|could|would|will|do) you\b"
    r"|\byou (?:can|could|would|will) you\b"
    r"|^\W*(?:\w+\W+){0,3}?(?:(?:can|could|may) (?:i|we)|i (?:just )?wanted to|i'd like to)\b(?!\s+leave\b)"
    r".*\bplease\W*$"
)
"""A question for information ("How far can you go with it?"), a thought said aloud ("you could you view
it as …"), or the chair's own business ("Can I ask Members …, please?"): nothing asked to be done."""
_GROUP = rx(r"\b(?:everyone|everybody|all of you|you all|y'all|you guys|guys|folks|team)\b")
_ASSIGN = re.compile(
    r"^(?i:(?:okay|ok|right|so|and|then|good|great)[,.]?\s+)*(?P<name>[A-Z][a-z]+)(?:,)?"
    r"(?:\s+(?:will|to|is going to|needs to|should)\s+|(?:'s|\s+is)\s+(?=(?:doing|handling|running)\s))"
    r"(?P<rest>\w.*)"
)
_ACTION_FOR = re.compile(
    r"^(?i:(?:okay|ok|right|so|and|then|good|great)[,.]?\s+)*(?i:(?:an? |the )?(?:action|task|to-?do)"
    r"(?: item| point)? (?:for|on|to) )(?P<name>[A-Z][a-z]+)\s*[:,—-]\s*(?P<rest>\w.*)"
)
"""The chair's assignment as a minute: "Action for Sam: fix the login bug before the release." """
_VOCATIVE = re.compile(rf"^{FILLER}(?P<name>[A-Z][\w'-]*(?: [A-Z][\w'-]*){{0,2}}),\s+(?P<rest>\w.*)", re.I)
# a time clause before the task ("Aaliyah, when the count's done, send me the list"): the task follows it
_NOMINAL = rx(r"^(?:the|your)\s+\w+")
"""A task named after a name, with no verb ("Matías, the patch notes."): the chair's assignment when
the person answers yes to it."""
_STATEMENT = rx(r"\b(?:is|are|was|were|been|has|have|had|\w+n't)\b|,\s*(?:and|but)\b")
_WHEN_FIRST = rx(r"^(?:when|once|after|as soon as|before)\b[^,]{1,80},\s*(?=\w)")
_JOINT = rx(r"^you and (?:i|me)\s+(?:can|will|'ll|could|should|are going to)\s+")
_YOU_WILL = rx(
    r"^you(?:'ll| will| can| are going to|'re going to|'re on| take| handle| own| lead| do| run| sort"
    r"| draft| write| send| call| ring| book| check| pitch| prepare| chase)\s+(?=\w)"
)
"""After a name, the chair's assignment said to the person: "Sam, you'll draft it", "Sam, you're on
the slides", "Sam, you take the minutes"."""
_OFFER = rx(
    r"^.*?\b(?:shall i|should i|do you want me to|want me to|would you like me to|would it help if i"
    r"|how about i|what if i|i could)\s+(?P<task>\w.*?)[?.!]*$",
)


def _substance(s: str) -> str:
    s = re.sub(r"^leave (.*?) with you\b", r"\1", s.strip(), flags=re.I)  # "Can I leave the rota with you?"
    s = re.sub(r",\s*(?:[A-Z][a-z]+\s*){1,3}([?.!]*)$", r"\1", s.strip())  # ", Councillor Byrne?"
    s = re.sub(r",\s*(?:yeah|yes|okay|ok|right|please)\s*([?.!]*)$", r"\1", s, flags=re.I)
    return re.sub(r"[?.!]+$", "", s)


_TAGGED = rx(
    r"^(?P<task>(?:pop|put|send|get|give|grab|drop|stick|add|update|book|call|ring|email|chase|check|ask|tell"
    r"|make|write|draft|print|post|sort|fix|bring|move|order|share|forward|fill|file|pick|pull|finish)\b.{6,}?)"
    r",\s*(?:eh|yeah|ok|okay|alright|all right|will you|would you|please)\?\s*$"
)
"""A task put to the listener with a tag: "Pop the new terms in the CRM before you knock off, eh?"."""


def _request(scan: Scan, i: int, s: str) -> tuple[str, str | None, bool, bool, bool] | None:
    """What sentence ``s`` of utterance ``i`` asks, of whom, whether it is an open call, a joint task,
    and whether it names a task without a verb (then only an explicit yes makes it one)."""
    speaker = scan.utterances[i].speaker
    req, assign, voc = _REQUEST.search(s), _ASSIGN.match(s) or _ACTION_FOR.match(s), _VOCATIVE.match(s)
    # who is spoken to: a name before the ask or a closing ", Bob?" (not "send Bob the deck")
    vocative = re.search(r",\s*([\w .'-]+?)\s*[?.!]*$", s)
    target = scan.addressee(s[: req.start()] if req else "", speaker) or (
        scan.addressee(vocative.group(1), speaker) if vocative else None
    )
    joint = nominal = False
    if req:
        if _GROUP.search(s[: req.end()]) or re.match(r"\s*(?:all|guys|folks)\b", s[req.end() :], re.I):
            return None
        if req.group("open") is None and _NOT_ASKED.search(s[: req.end()]):
            return None  # "How far can you go with it?", "you could you view it as …", "Can I ask …, please?"
        if _REQUEST_LEAD.match(s):  # "Bob, could you please send the deck?" → "send the deck?"
            substance = _REQUEST_LEAD.sub("", s, count=1)
        elif req.group(0).lower() == "please":
            substance = re.sub(r"\s*,?\s*\bplease\b,?", "", s, count=1, flags=re.I).strip()
            if target and scan.addressee(substance.split(",")[0], speaker) == target:
                substance = substance.split(",", 1)[-1]  # "Mr Sato, summary please."
        else:
            substance = re.sub(r"^\s*(?:please\s+)?(?:be able to\s+)?", "", s[req.end() :], flags=re.I)
        open_call = req.group("open") is not None
        if open_call and req.group(0).strip().lower() == "who":
            substance = _base_verb(substance)  # "Who tells him?" → "tell him"
    elif assign and assign.group("name").lower() not in NOT_NAMES:
        substance = assign.group("rest")
        target = scan.labels_by_name.get(assign.group("name").lower())
        if target == speaker:
            return None  # "Bob will send it" said by Bob is his own commitment
        open_call = target is None  # an unknown "Design will …" needs a real commitment
    elif (
        voc
        and _only_a_name(voc.group("name"), scan)
        and (named := scan.addressee(voc.group("name"), speaker))
        and not is_question(s)
    ):
        substance, target, open_call = _WHEN_FIRST.sub("", voc.group("rest"), count=1), named, False
        joint = bool(_JOINT.match(substance))
        substance = _YOU_WILL.sub("", _JOINT.sub("", substance))  # "Felix, you'll draft it."
        nominal = (
            bool(_NOMINAL.match(substance))
            and not is_question(substance)
            and not _STATEMENT.search(substance)  # "Alison, the code's been in place for four years, and …"
        )
        called = substance[:1].isupper() and not substance.startswith("I ")  # "Vikram, Halvorsen Logistics."
        imperative = not called and bool(
            not _NOT_IMPERATIVE.match(substance) or _YOU_WILL.match(voc.group("rest"))
        )
        if not joint and not nominal and not imperative:
            return None
    elif tagged := _TAGGED.match(s):  # "Pop the new terms in the CRM before you go, eh?"
        substance, open_call = tagged.group("task"), False
    else:
        return None
    substance = _substance(substance)
    if len(substance.split()) < 2 or _NOT_A_TASK.match(substance):
        return None
    return substance[:1].upper() + substance[1:], target, open_call, joint, nominal


_TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "doctor", "professor", "prof", "councillor", "sir", "madam"}
)


def _only_a_name(said: str, scan: Scan) -> bool:
    """Whether the words before a vocative's comma are a name, with a title at most: "Lukas," or
    "Mr Sato," speaks to them, "Lukas has, honestly, transformed the stock room" does not."""
    words = said.lower().replace(".", "").split()
    names = {part for name in scan.labels_by_name for part in name.split()}
    return bool(words) and all(w in names or w in _TITLES for w in words)


def _base_verb(text: str) -> str:
    """ "tells him" → "tell him", "fixes it" → "fix it": the task of a "who does it?" call."""
    verb, _, rest = text.partition(" ")
    if re.search(r"(?:sh|ch|x|ss)es$", verb):
        verb = verb[:-2]
    elif verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith("s"):
        verb = verb[:-1]
    return f"{verb} {rest}".strip()


def requests(scan: Scan) -> list[Candidate]:
    """Accepted (or assigned) requests, one action each, owned by who will do them."""
    out: list[Candidate] = []
    utts = scan.utterances
    for i in range(len(utts)):
        for k, s in enumerate(scan.sentences[i]):
            request = _request(scan, i, s)
            if request is None:
                continue
            text, target, open_call, joint, nominal = request
            accept = answer(scan, i, target, open_call)
            if not isinstance(accept, tuple) and (accept is False or target is None or nominal):
                continue
            if not isinstance(accept, tuple) and answered_before(scan, i, target):
                continue  # "Someone should …" — "Vikram, can you do that?" — "Yeah, I'm on it."
            scan.used.add((i, k))
            owners = [target, utts[i].speaker] if joint else [target]
            if not isinstance(accept, tuple):
                out.extend(scan.item("action", i, text, "request:assigned", owner=o) for o in owners)
                continue
            j, k2 = accept
            if scan.taken(j):
                continue  # that yes answered the same task asked a line before ("Someone should …")
            scan.used.add((j, k2))
            again = said_again(scan, j, k2, text)
            scan.used.update(again)
            # the acceptor's words on when win over the request's
            people = {utts[i].speaker, utts[j].speaker}
            due_from = [
                " ".join(scan.sentences[j][: k2 + 1]),
                *scan.sentences[j][k2 + 1 :],
                s,
                *scan.sentences[i][k + 1 : k + 2],  # "Who's writing it? It goes to faculty by the 14th."
                scan.follow_up(j, people),
                *(scan.sentences[t][k] for t, k in sorted(again) if t != j),
            ]
            for o in owners:
                cand = scan.item("action", i, text, "request:accepted", owner=o or utts[j].speaker, also=[j])
                out.append(_with_due(scan, cand, due_from))
    return out


def _with_due(scan: Scan, cand: Candidate, texts: list[str]) -> Candidate:
    due, due_text = scan.due(*texts)
    return replace(cand, due=due, due_text=due_text)


def offers(scan: Scan) -> list[Candidate]:
    """ "Shall I draft the reply?" — "Yes, please." : an action of who offered."""
    out: list[Candidate] = []
    utts = scan.utterances
    for i in range(len(utts)):
        for k, s in enumerate(scan.sentences[i]):
            m = _OFFER.match(s) if is_question(s) and (i, k) not in scan.used else None
            if m is None or _NOT_A_TASK.match(m.group("task")) or re.match(r"be\b", m.group("task")):
                continue
            j = next(
                (x for x in range(i + 1, min(i + 3, len(utts))) if utts[x].speaker != utts[i].speaker), None
            )
            if j is None or not said_yes(scan, j):
                continue
            also = [j]
            back = j + 1 if j + 1 < len(utts) and utts[j + 1].speaker == utts[i].speaker else None
            if back is not None and ACCEPT.match(utts[back].text):
                also.append(back)  # "Of course." — the offer confirmed
                scan.used.update((back, x) for x in range(len(scan.sentences[back])))
            scan.used.update({(i, k), (j, 0)})
            task = m.group("task")
            text = task[:1].upper() + task[1:]
            due_from = [
                utts[j].text,
                *(utts[x].text for x in also[1:]),
                s,
                scan.follow_up(also[-1], {utts[i].speaker, utts[j].speaker}),
            ]
            cand = scan.item("action", i, text, "offer:accepted", owner=utts[i].speaker, also=also)
            out.append(_with_due(scan, cand, due_from))
    return out
