"""Decisions: outcomes the meeting settles now.

- a ruling or a settled outcome: "we decided", "agreed, …", "approved", "motion carries",
  "carried", "so ordered", "that's final", "final answer", "X it is", "we're settling on",
  "we're going with", "that's what we'll do", "so that's decided", "that settles it",
  "we have consensus", "from now on …", "the rule going forward", "that's the rule", "full stop",
  "no exceptions", "we go with …", "that's my call", "the chair
  rules", "Resolved: …", "stand approved", "the committee agrees: …", "that passes: …", "I'm
  reversing …", "from this season on", "starting tonight", "unanimous", "that's how we'll do it",
  "we're all on the same page", "the committee will recommend …", a go-ahead ("Fine, go ahead and
  sign it.", "Yeah, go with the grey.", "Yeah fine, book it."), "Fine, approved.", in force "from
  now", a ruling out with the thing named ("We're not doing the green roof.", "that's a no on the
  curtain wall"; not "we're not doing that again"), a keeping in a few words ("The name stays.");
  a ruling with little content ("Carried.", "Carried, three-nil.") takes the outcome said right
  after it, else the sentence before;
- an outcome said plainly in the present tense after a closing word ("Yeah, we cancel it.", "So
  the shop closes on Sundays from August.", "Okay so, no ban this month."): :mod:`.plain`;
- an outcome closed with "then" ("Three weeks, then."), unless the next item opens right after it
  ("April, then. Item four, …");
- a proposal put as the group's next step: "let's <do something>" (not meeting mechanics such as
  "let's do the ops call", not a deferral such as "let's park that" or "let's decide that once …",
  not "let's not");
- acceptance of another speaker's proposal: "Agreed." / "Let's do that." / "I can live with that."
  take what was said last (not a poll such as "Is there general assent?"); "Sounds good." /
  "Works for me." only after a proposal ("we could …", "how about …", "I was thinking …");
- a proposal agreed or chosen and then ruled on within three turns is one decision, in the
  ruling's words;
- an outcome said back after the room agreed ("Seven?" — "Eight." — "Okay, eight o'clock, not
  seven."): :mod:`.restated`; two decisions found in one turn are one;
- an outcome asked back and confirmed ("So we're cutting the shop, right?" — "Right."):
  :mod:`.confirmed`;
- a choice answered by another speaker: "Do we post all three now or stagger them?" — "Stagger.";
  a yes to "can we / should we / shall we …?" ("Can we move it to Thursday?" — "Yes, Thursday
  works."), unless the reply says the outcome in its own words (then that sentence is the item).

Not decisions: the same words inside a question, a negation or a hedged or conditional clause
("if we go with …", "maybe let's …", "provided that passes", "I'd propose we approve …"), a
decision reported from the past ("we decided that in the summer", "we decided in June to …", an
answer to "did we approve …?" or to "did we ever decide: X or Y?"), an agreement to someone's own
commitment, a plain assent ("Agreed, yes.": "Agreed, …" rules only when the outcome follows).
"""

from __future__ import annotations

import re
from dataclasses import replace

from minutes.summarize.candidates.confirmed import confirmed
from minutes.summarize.candidates.merge import IT_IS, confirmations_merged, ruled_merged
from minutes.summarize.candidates.plain import plain_ruling
from minutes.summarize.candidates.promise import commitment_cue
from minutes.summarize.candidates.restated import CUE as RESTATED
from minutes.summarize.candidates.restated import moves_on, restated
from minutes.summarize.candidates.ruled import DECIDE, RULED_OUT, STAYS, marked
from minutes.summarize.candidates.scan import (
    ANSWER_NO,
    FILLER,
    HEDGES,
    Candidate,
    Scan,
    clause_before,
    is_question,
    rx,
)
from minutes.summarize.candidates.told import reported
from minutes.summarize.text import content_words

_DEFER = rx(r"\b(?:come back|revisit|return to|pick (?:it|this|that) up|park|wait|leave it|sleep on)\b")
_WAS_DECIDED = rx(r"\b(?:was|were|been|already) (?:decided|agreed|approved|settled|signed off)\b")
_REVERSE = rx(r"\b(?:reversing|undoing|overturning)\b")
_THEN = rx(
    rf"^{FILLER}(?:(?:right|okay|ok|good|so|fine)[,.]?\s+)?(?P<x>[\w'-]+(?:\s[\w'-]+){{0,5}}),? then\s*[.!]*$"
)
_NOT_THEN = rx(
    r"^(?:see you|bye|thanks|thank you|next|right|okay|ok|fine|good|great|all right|alright|lovely|so|well"
    r"|who|who's|what|what's|where|where's|when|when's|why|how|how's|which|is|are|do|does|did|can|could|shall"
    r"|cheers|moving on|onwards|over to|back to|let's|quick|one more|any|anything|nothing|show of hands"
    r"|hands up|a vote|vote|bad news|good news|news|sorry|fair enough)\b"
    # "then" as a time, not a close: "Keep the cones out till then."
    r"|.*\b(?:till|until|since|by|from|and|back|even|only|just|before|after)$"
)
_NOT_X = rx(
    r"^(?:yes|yeah|no|it|that|this|what|so|whatever|maybe|which|where|how|there|here|as|if|because)\b"
)
_NOT_X_END = rx(r"\b(?:as|how|what|where|that|is|if|think|know|whatever|of)$")
_LETS = rx(
    # not "the printer let us down", "they let us have the hall"
    r"\b(?:let's|let us(?!\s+(?:down|know|in|off|out|through|be|have|borrow|use|keep|stay|pass)\b))"
    r"\W+(?:(?:just|all|then|now|definitely|uh|um|er|let's|\{\w+\})\W+)*"
    r"(?P<verb>\w+)(?P<rest>.*)"
)
_MECHANICS = rx(
    r"^(?:(?:see|say|talk|discuss|look|move on|go(?!\s+(?:with|ahead with|for)\b)|start|begin|get(?! rid of)"
    r"|wrap|hear"
    r"|think|focus|turn|come|continue|keep|skip|jump|recap|review|have|take (?:a|five|ten)"
    r"|call it (?:a day|there)"
    r"|not|defer|park|table|revisit|postpone|hold|wait|leave|put a pin|circle|pause|break|stop|finish"
    r"|close|end|welcome|introduce|thank|do (?:introductions|a round)|check|try and|hope|assume|imagine"
    r"|suppose|pretend|summari[sz]e|first|also|maybe|perhaps|return|proceed|be|remember|carry|head|to|ask"
    r"|consider|pick up|clarify|recall|note|vote|plan|cover|brainstorm|dive|kick|run through|tackle|address"
    r"|figure|explore|sort out|set the agenda|deal with|sleep on|(?:put|stick) (?:it|this|that) on|mull"
    r"|punt|gap"
    r"|take (?:it|this|that) (?:to|offline)|add (?:it|this|that) to"
    # the talk's own moves: "let's find out which we need first", "let's back up", "let's mark that"
    r"|find out|chat|back up|mark (?:it|this|that)|read|do (?:the )?digits|make (?:it|that|this) go away"
    r"|disfmarker|vocalsound|yeah|okay|so|and|uh|um|try and|make a start|crack on|get cracking"
    r"|do (?:the|a|our|this|that)(?:,? (?:the|a|our))? (?:[\w-]+ ){0,2}(?:review|round|update|updates|recap"
    r"|intros?|introductions|agenda|check-?in|stand-?up|retro|call|meeting|session|briefing|huddle|sync)"
    r"|decide (?:\w+ )?(?:once|when|after|later|next|at the|until)|i\b|cross that bridge)\b"
    r"|(?:do|take) (?:[\w'-]+\s+){1,3}first\W*$)",  # the agenda's order: "let's do Hartley first"
)
_UNDECIDED = rx(
    rf"\b(?:{HEDGES}|not|n't|never|no|once|until|when|before|should|need|needs|yet to|pending|waiting"
    r"|hope|did|do|does|have we|has|provided|providing|assuming|propose|suggest|recommend|move that"
    r"|i'd)\b",
)
_BOUND = rx(r"(?<=\w)\s+(?:until|till|before|when|once)\b")
"""Where a ruling's bound begins ("off for returns until the article's fixed"); not a sentence that
opens with its condition ("Once the grant lands, …")."""
_AGREE = rx(
    rf"^{FILLER}(?:(?:yes|yeah)[,.!]?\s+)?(?P<plain>agreed|we agree|deal|settled|let's do (?:that|it|this)"
    r"|i can live with (?:that|it)"
    r"|let's go (?:with|for) (?:that|it|this)|so be it|done deal)(?: then)?[.!]*$"
    # "Fine, do it." to what another speaker would do
    r"|^(?:fine|okay|ok|yes|yeah|sure|right|go on)[,.!]?\s+(?:then,?\s+)?(?P<go>do it)[.!]*$"
    r"|^(?:yes|yeah|sure|okay|ok|great)?[,.!]?\s*(?:sounds good|works for me|fine by me|i agree|good idea"
    r"|that works|makes sense)(?: then| for me)?"
    r"(?:[,.!]?\s*(?:let's do (?:that|it)|agreed))?[.!]*$",
)
_PROPOSAL = rx(
    r"\b(?:let's(?! say)|let us|how about|what if we|should we|shall we|i propose|i suggest|my suggestion"
    r"|why don't we|we could|we should|i'd recommend|i recommend|i move|i'd suggest|we can"
    r"|i was thinking|i'm thinking|i'd propose|i'd say we)\b",
)
_TALLY = rx(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|nil|none|zero|nem\.? con\.?|unanimously"
    r"|votes?|for|against|abstentions?|abstaining|in favou?r)\b"
)
_POLL = rx(
    r"\b(?:assent|objections?|anyone against|anybody against|in favou?r"
    r"|everyone (?:happy|content|agreed|okay)|all agreed|agreed\?|happy with that|okay with that|content\?)"
)
"""A question that asks the room to agree ("Is there general assent?"): what it asks about was said before."""
_CHOICE = rx(
    r"^.*\b(?:(?:do|should|shall|will|are) (?:we|i)\b|^\W*(?:so,? )?which \w+(?: \w+)?,)"
    r".*\bor\b(?P<alts>.*)\?$"
)
"""A choice put to the room ("Do we post all three now or stagger them?", "Which supplier, Acme or
Brightline?"), answered with one of them, "both" or "neither". Not "did we …": "Did we ever decide
who reports it, us or the landlord?" asks what was decided."""
_YES_NO = rx(rf"^{FILLER}(?:can|could|should|shall) we\s+(?:just\s+)?(?P<rest>\w.*)\?$")
_YES = rx(rf"^{FILLER}(?:yes|yeah|yep|sure|absolutely|definitely|let's(?! not))\b(?!,? but\b)")


def _said_before(scan: Scan, i: int, k: int) -> tuple[int, str] | None:
    """The last sentence with some substance before sentence ``k`` of utterance ``i``."""
    for j in range(i, max(-1, i - 3), -1):
        sents = scan.sentences[j][:k] if j == i else scan.sentences[j]
        for sent in reversed(sents):
            if len(content_words(sent)) >= 2:
                return j, sent
    return None


def _said_after(scan: Scan, i: int, k: int) -> str | None:
    """The next sentence of the same turn when it restates the outcome ("Carried. Lights till nine.")."""
    for sent in scan.sentences[i][k + 1 : k + 2]:
        if not is_question(sent) and not commitment_cue(sent) and len(content_words(sent)) >= 2:
            return sent
    return None


def _agreed_proposal(scan: Scan, i: int, k: int, plain: bool) -> Candidate | None:
    """The proposal of another speaker that sentence ``k`` of utterance ``i`` agrees to."""
    utts = scan.utterances
    for j in range(i - 1, max(i - 3, -1), -1):
        sents = scan.sentences[j]
        if utts[j].speaker == utts[i].speaker or not sents:
            continue
        if any(commitment_cue(x) for x in sents):
            return None  # "I'll do it next week." — "Works for me." accepts a task, not a decision
        pk = next((x for x in range(len(sents) - 1, -1, -1) if _PROPOSAL.search(sents[x])), None)
        if pk is None and plain:  # a bare "Agreed." agrees to whatever was said last, not to the poll
            pk = next(
                (
                    x
                    for x in range(len(sents) - 1, -1, -1)
                    if len(content_words(sents[x])) >= 1
                    and not (is_question(sents[x]) and _POLL.search(sents[x]))
                ),
                None,
            )
        if pk is None or _put_off(sents[pk]):
            return None
        if (j, pk) in scan.used:  # already a decision: the agreement is more evidence for it
            scan.used.add((i, k))
            return Candidate("decision", utts[j].index, utts[j].speaker, "", evidence=(utts[i].index,))
        scan.used.update({(j, pk), (i, k)})
        cue = "agreement:" + " ".join(scan.sentences[i][k].lower().rstrip(".!").split())
        outcome = _said_after(scan, i, k)
        if outcome and content_words(outcome) & content_words(sents[pk]):
            # "Let's do that. Ducts drop a hundred." says the outcome itself; "Makes sense. My update
            # is short, …" goes on to something else
            return scan.item("decision", i, outcome, cue, also=[j])
        return scan.item("decision", j, sents[pk], cue, also=[i])
    return None


def _put_off(proposal: str) -> bool:
    """ "Let's ask everyone when they're back.": agreeing to the meeting's own business or a deferral
    decides nothing."""
    m = _LETS.search(proposal)
    return m is not None and bool(_MECHANICS.match(m.group("verb") + m.group("rest")))


def _stated(scan: Scan, i: int, k: int, cue: str) -> Candidate:
    s = scan.sentences[i][k]
    scan.used.add((i, k))
    bare = _TALLY.sub(" ", s)  # "Carried, three-nil." says no more than "Carried."
    if len(content_words(bare) - content_words(cue.split(":", 1)[1])) < 2:  # says what only around it
        after = _said_after(scan, i, k)
        if after:
            scan.used.add((i, k + 1))
            return scan.item("decision", i, f"{s} {after}", cue)
        before = _said_before(scan, i, k)
        if before:  # "So it's settled." after what was settled
            return scan.item("decision", i, f"{before[1]} {s}", cue, also=[before[0]])
    return scan.item("decision", i, s, cue)


def _cue(scan: Scan, i: int, k: int) -> str | None:
    """The decision cue of sentence ``k`` of utterance ``i``, or None."""
    s = scan.sentences[i][k]
    if is_question(s):
        return None
    m = DECIDE.search(s)
    # "I'm reversing last month's freeze" is taken now, whatever past it names
    told = m is not None and not _REVERSE.search(m.group(0)) and reported(scan, i, s, m.group(0))
    # "that was decided over the summer, it's not up for debate": the ruling told, not made
    told = told or (
        m is not None and _WAS_DECIDED.search(s) is not None and _WAS_DECIDED.search(m.group(0)) is None
    )
    if m and not _UNDECIDED.search(clause_before(s, m.start())) and not told:
        return "decision:" + " ".join(m.group(0).lower().split())
    if RULED_OUT.search(s) and not reported(scan, i, s, ""):
        return "decision:ruled out"
    m = IT_IS.match(s)
    if m and not _NOT_X.match(m.group("x")) and not _NOT_X_END.search(m.group("x")):
        return "decision:it is"
    if STAYS.match(s) and not _NOT_X.match(s):
        return "decision:stays"
    if plain_ruling(_led(scan, i, k)) and not commitment_cue(s) and not reported(scan, i, s, ""):
        return "decision:said plainly"
    if (
        marked(scan.sentences[i], k)
        and len(content_words(s)) >= 2
        # "The bot's off for returns until the article's fixed.": the ruling's bound, not a doubt
        and not _UNDECIDED.search(_BOUND.split(s, maxsplit=1)[0])
        and not reported(scan, i, s, "")
    ):
        return "decision:marked"
    m = _THEN.match(s)
    if (
        m
        and not _NOT_THEN.match(m.group("x"))
        and not _DEFER.search(m.group("x"))  # "We'll come back to it then."
        and content_words(m.group("x"))
        and not _UNDECIDED.search(m.group("x"))
        and not commitment_cue(s)
        and not moves_on(scan, i, k)
    ):
        return "decision:then"
    m = _LETS.search(s)
    if (
        m
        and re.search(r"[^\W_]", m.group("rest"))
        and not re.search(r"\b(?:maybe|perhaps|or something|i guess)\b", m.group("rest"), re.I)
        and not _MECHANICS.match(m.group("verb") + m.group("rest"))
        and not _UNDECIDED.search(clause_before(s, m.start()))
        and not commitment_cue(s)
    ):
        return "decision:let's"
    if restated(scan, i, k) and not reported(scan, i, s, ""):
        return RESTATED
    return None


_BARE_LEAD = rx(r"^\W*(?:so|then|okay|ok|right|fine|good|alright|all right|great)\W*$")


def _led(scan: Scan, i: int, k: int) -> str:
    """Sentence ``k`` of utterance ``i`` with the closing word said as a sentence of its own just
    before it ("Fine. We keep the price.") read as its lead ("Fine, We keep the price.")."""
    s = scan.sentences[i][k]
    if k > 0 and _BARE_LEAD.match(scan.sentences[i][k - 1]):
        return scan.sentences[i][k - 1].strip().rstrip(".!,") + ", " + s
    return s


def _choice(scan: Scan, i: int) -> Candidate | None:
    """ "Do we post all three now or stagger them?" answered "Stagger." by another speaker."""
    utts = scan.utterances
    if i == 0 or utts[i - 1].speaker == utts[i].speaker or not scan.sentences[i]:
        return None
    first = scan.sentences[i][0]
    yes_no = next((m for x in reversed(scan.sentences[i - 1]) if (m := _YES_NO.search(x))), None)
    if (
        yes_no
        and _YES.match(first)
        and not _MECHANICS.match(yes_no.group("rest"))
        and (i, 0) not in scan.used
        and not ANSWER_NO.search(first)
        and not any(_cue(scan, i, k) for k in range(1, len(scan.sentences[i])))  # its own words win
    ):
        scan.used.add((i, 0))  # "Can we move the retro to Thursday?" — "Yes, Thursday works."
        return scan.item("decision", i - 1, yes_no.string, "decision:yes", also=[i])
    asked = next((m for x in reversed(scan.sentences[i - 1]) if (m := _CHOICE.match(x))), None)
    if (
        asked is None
        or is_question(first)
        or ANSWER_NO.search(first)
        or len(first.split()) > 6
        or _put_off(first)  # "Let's talk about streaming after qualifiers."
    ):
        return None
    options = content_words(asked.group(0)) | {"we", "both", "neither"}
    said = content_words(first) | set(re.findall(r"^\W*(we|both|neither)\b", first.lower()))
    if not said & options:
        return None
    scan.used.add((i, 0))
    text = " ".join(scan.sentences[i][:2])
    return scan.item("decision", i, text, "decision:choice", also=[i - 1])


def _more_evidence(c: Candidate, agreed: Candidate) -> Candidate:
    if agreed.utterance in c.evidence:
        return replace(c, evidence=tuple(sorted({*c.evidence, *agreed.evidence})))
    return c


def _recap(scan: Scan, found: Candidate, earlier: list[Candidate]) -> bool:
    """ "So just to confirm: no to the budget increase, and the Kelvin deal is accepted." read back
    at the end: half its words were said in the lines of decisions found before it, so it is their
    evidence, not news."""
    said = content_words(found.text) - {"confirm"}
    text = _texts(scan)
    before: set[str] = set()
    for c in earlier:
        if c.kind == "decision":
            before |= _said_in(text, c)
    return bool(said) and len(said & before) >= len(said) / 2


def _texts(scan: Scan) -> dict[int, str]:
    return {u.index: u.text for u in scan.utterances}


def _said_in(text: dict[int, str], c: Candidate) -> set[str]:
    """The content words of the lines a candidate stands on (``text``: each line by its index)."""
    return content_words(" ".join(text.get(e, "") for e in {c.utterance, *c.evidence}))


def decisions(scan: Scan) -> list[Candidate]:
    """Decisions said, agreed or chosen in the meeting (see the module docstring)."""
    out: list[Candidate] = []
    for i in range(len(scan.utterances)):
        choice = confirmed(scan, i) or _choice(scan, i)
        out.extend([choice] if choice else [])
        for k, s in enumerate(scan.sentences[i]):
            if (i, k) in scan.used:
                continue
            agree = _AGREE.match(s)
            if agree:
                found = _agreed_proposal(
                    scan, i, k, plain=agree.group("plain") is not None or agree.group("go") is not None
                )
                if found and not found.text:
                    out = [_more_evidence(c, found) for c in out]
                elif found:
                    out.append(found)
                continue
            cue = _cue(scan, i, k)
            if cue and not scan.retracted(i, k):
                found = _stated(scan, i, k, cue)
                if "to confirm" in cue and _recap(scan, found, out):
                    said, text = content_words(found.text) - {"confirm"}, _texts(scan)
                    out = [  # evidence for each decision whose lines it reads back
                        replace(c, evidence=tuple(sorted({*c.evidence, *found.evidence})))
                        if c.kind == "decision" and _said_in(text, c) & said
                        else c
                        for c in out
                    ]
                    continue
                if cue == RESTATED:  # the lines that put or agreed what it says back
                    put = {scan.utterances[j].index for j in restated(scan, i, k)}
                    found = replace(found, evidence=tuple(sorted({*found.evidence, *put})))
                out.append(found)
                if commitment_cue(s):  # "Pour's confirmed for Thursday, I'll book the pump."
                    scan.used.discard((i, k))
    return ruled_merged(confirmations_merged(out))
