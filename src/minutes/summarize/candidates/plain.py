"""Outcomes said plainly, in the present tense, after a word that closes the talk on them.

A chair often rules without a word of deciding: "Yeah, we cancel it.", "Then we buy our own.", "So
the station shop closes on Sundays from August.", "Okay so, no ban this month." What makes these
rulings is the closing word before them ("so", "then", "okay", "yeah" …) and a plan said as a
fact: the group doing something ("we" and a verb of acting on a plan), a thing that changes from a
time on, or a thing that will not happen in a time named. Not: the same words as a habit ("so we
usually cancel it"), a condition or a hedge ("so we cancel it if …", "we'd probably close"), a
procedure told step by step ("so we order the parts and then they ship them"), or talk without
the closing word ("we buy a lot from them"). Also an option kept or struck in so many words ("Okay,
wood is out.", "the sample sensor will have to go"), as real design meetings settle their parts; a
change said as under way with its time after the reason for it ("..., so we're moving the shutdown
to the week of the third of August"); a change undone from a time on ("Back to ten days, from
Monday."); and a new value said with the old one after it ("starts Wednesday, not Friday").
"""

from __future__ import annotations

import re

from minutes.summarize.candidates.scan import FILLER, HEDGES, rx
from minutes.summarize.date_words import MONTH_WORDS, WEEKDAY_WORDS

_LEAD = (
    r"(?:(?:so|then|okay|ok|right|yeah|yes|fine|good|alright|all right|in that case"
    r"|(?:last|one more|final) thing|and finally|finally|grand|lovely|perfect|brilliant)[,.!:]?\s+)+"
    r"(?:(?:everyone|everybody|folks|team|guys|people|all)[,.!]?\s+)?(?:(?:just|um|uh|er)[,]?\s+)*"
)
_ACT = (
    r"cancel|buy|hold|hire|order|add|build|change|switch|swap|close|open|offer|fund|renew|extend"
    r"|replace|include|sign|launch|ship|release|book|spend|approve|accept|install|cut|drop|scrap|ditch"
    r"|reuse|rebook|postpone|delay|skip|pay|charge|raise|lower|freeze|pause|stick with|go with|keep|use|make"
    r"|take the|say yes to|say no to|recommend|swap"
)
_DAY_OF = (
    r"the (?:\d+\w*|(?:twenty-|thirty-)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|eleventh|twelfth|\w+teenth|twentieth|thirtieth)|end of \w+|start of \w+|week of)"
)
_WHEN = (
    rf"(?:{WEEKDAY_WORDS}|{MONTH_WORDS}|now|today|tomorrow|tonight|next \w+|{_DAY_OF}"
    r"|q[1-4]|the (?:first|second|third|fourth|last) quarter|this \w+|\d[\w.:]*"
    r"|half (?:past )?\w+|quarter (?:past|to) \w+|noon|midday|midnight)"
)
_FROM = (
    rf"\b(?:(?:from|starting|as of|effective|until|till) {_WHEN}"
    rf"|(?:this|next) (?:week|month|year|term|quarter|season|weekend|{WEEKDAY_WORDS}))\b"
)
_WE_DO = rx(
    rf"^{FILLER}{_LEAD}we(?:'ll| will)? (?:just )?(?:go live\b|(?:{_ACT})\b"
    r"(?!\s+(?:to|on|off|up|out|through|getting|going|having|saying|coming|asking|running)\b))"
)
PLAN_VERBS = (
    r"doing|running|having|holding|moving|hiring|buying|ordering|using|adding|building|changing|switching"
    r"|swapping|patching|caching|publishing|printing|closing|opening|offering|funding|renewing|extending"
    r"|replacing|including|keeping|sending|signing|launching|shipping|releasing|booking|spending|approving"
    r"|accepting|installing|going ahead with|putting|taking on|bringing in|rolling out|cutting|dropping"
    r"|scrapping|ditching|axing|pulling|cancell?ing|postponing|delaying|pausing|freezing|capping|raising|lowering"
)
"""What a group does to a plan, said as under way ("we're scrapping", "we are closing"): a ruling
with a closing word or a time, a ruling out with "not" (:mod:`.decisions`)."""
_NOT_NOUN = (
    r"(?!(?:is|are|was|were|be|been|have|has|had|do|does|did|will|would|can|could|of|it's|that's|there's)\b)"
)
_CHANGES_FROM = rx(
    rf"^{FILLER}(?:so|then|okay so|ok so|right so|so then|okay|ok|right|fine|good|alright)[,.!:]?\s+"
    r"(?:the |our |this |that )?"
    rf"(?:{_NOT_NOUN}[\w'-]+\s){{1,3}}"
    r"(?!(?:is|are|has|does|needs|seems|means|looks|says|sounds|feels|wants|thinks|knows|gets|was|goes on"
    r"|happens|depends|helps|works)\b)[a-z]{3,}s"
    r"\s(?:(?:on|at|in|to|for|with|until|till|the|a|an|our|its|every|each|back|down|up|over|into|from)\b"
    rf"[^.;]*)?{_FROM}"
)
_NO_WHAT = (
    r"one|problem|problems|worries|idea|way|doubt|need|matter|thanks|more|longer|less|sooner|later|time"
    r"|chance|rush|pressure|change|news|word|sign|answer|reply|luck|offence|offense"
)
"""After "no", words that strike nothing ("no problem", "no idea", "no more")."""
_NONE_THEN = rx(
    rf"^{FILLER}(?:{_LEAD}|(?:oh[,]? )?and )?no (?:more )?(?!(?:{_NO_WHAT}|rain)\b)[\w'-]{{3,}}(?: [\w'-]+)?"
    rf"(?: (?:on|at|for|over) [\w'-]+)?,? {_FROM}"
)
_KEPT_AT = rx(
    rf"^{FILLER}(?:{_LEAD})?(?:we|so we|then we)(?:'ll)? (?:leave|keep) (?:it|the [\w'-]+(?: [\w'-]+)?)"
    r" (?:at|as) (?!(?:that|this|is|it)\b)\w"
)
"""A figure kept after talk of changing it: "We leave it at fifty-five." (not "we leave it at that")."""
_GOES_ON = rx(
    rf"^{FILLER}(?:(?:brilliant|great|good|fine|okay|ok|right|then)[,.!]?\s+)*so[,]?\s+"
    r"(?:the |our |this |that )?"
    rf"(?:{_NOT_NOUN}[\w'-]+\s){{1,6}}(?:close|closes|shut|shuts|reopen|reopens|come out of|comes out of"
    r"|stay (?:open|closed|shut)|stays (?:open|closed|shut))\b"
    r"(?![^.;]*\b(?:when|whenever|every|usually|normally|at night|in the evening|and (?:the|then|it|that))\b)"
)
"""A change of state ruled with "so": "So the four beds in bay six close tonight.", "Brilliant, so bay
two comes out of isolation." (not a habit: "so the shop closes when it's quiet")."""
_NOT_SETTLED = rx(
    rf"\b(?:{HEDGES}|should|probably|possibly|usually|normally|always|often|sometimes|never|whenever"
    r"|every time|generally|typically|not|\w+n't|i think|i guess|and then|then they|after that)\b"
)


_SUBJECT = (
    r"(?:the |our |this |that )?(?!(?:i|we|you|he|she|they|i'm|we're|you're|he's|she's|they're|next"
    r"|where|what|when|who|how|why|which)\b)"
    r"[\w'-]+(?: (?!(?:when|where|what|who|how|why|which|if|because)\b)[\w'-]+){0,3}"
)
_UNDER_WAY = rx(
    rf"^(?P<lead>{FILLER}(?:{_LEAD})?)we(?:'re| are) (?:definitely |now )?(?:{PLAN_VERBS})"
    r" (?:(?:the|our|a|an|all|every)\b|(?-i:[A-Z][a-z])[\w'-]*)"
)
"""A plan said as under way, after a closing word or with a time it starts: "Right, we're scrapping the
loyalty card.", "We are closing the Bristol branch at the end of June." """
_MOVES = (
    r"(?:moves|is moving|'s moving|is moved|shifts|is shifted|is pushed|gets pushed|gets moved)"
    r" (?:back |forward |over )?to"
)
_MOVED = rx(
    rf"^{FILLER}{_LEAD}{_SUBJECT} ?{_MOVES} (?!(?:the next|item|point|topic|you|me)\b)\w"
    rf"|^{FILLER}(?:{_LEAD})?{_SUBJECT} ?(?:{_MOVES}|(?:goes|is going|'s going) back to) (?:{_WHEN})s?\b"
)
"""A date or place ruled changed after a closing word: "Fine, the deadline moves to Friday the twelfth.",
"Right, the bake sale moves to the gym." (not "so the discussion moves to the next item"); to a time,
also without one: "Go-live moves to Sunday the twenty-second." """
_SO_WE_ARE = rx(
    r"(?:^|[,;:]\s*|\s)(?:(?:so|then|but)[,]?\s+|(?:i've|we've|i have|we have) (?:agreed|decided|confirmed)"
    r"(?: with [\w'-]+(?: [\w'-]+)?)?,? (?:that )?)"
    rf"(?:we(?:'re| are) (?:now )?(?:{PLAN_VERBS})|it(?:'s| is) (?:now )?(?:going back|moving|being moved))"
    rf" (?:[\w'-]+ ){{0,5}}?(?:to|from|until|till) (?:{_WHEN})s?\b"
)
_NOW_WE = rx(
    r"(?:^|[,;:]\s*)(?:so |then )?we(?:'ll| will) now (?:move|start|meet|hold|run|go|open|close|launch|do)"
    rf" (?:[\w'-]+ ){{0,4}}?(?:on|to|from|at|until|till) (?:{_WHEN})s?\b"
)
"""A new time said as what the group will now do: "We said the seventeenth; we'll now move on Saturday
the thirty-first." """
_INSTEAD = rx(
    rf"^{FILLER}(?:{_LEAD})?(?:we(?:'ll| will)? [a-z]+|(?:the |our )?[\w'-]+(?: [\w'-]+){{0,3}}"
    r" (?!(?:is|was|has|does)\b)[a-z]{3,}s)\b"
    rf"[^.;?]*\b(?:{_WHEN})s?\b[^.;?]*\binstead\b(?:,[^.;?]{{0,30}})?\s*[.!]*$"
)
"""A time chosen over the one before: "We'll start it on Tuesday the nineteenth instead.", "The appeal
launches on Monday the sixteenth instead." (a speaker's own task moved is a commitment, read there)."""
"""A change said as under way with the time it takes effect, at the end of a sentence that gives the
reason first: "Ayumi's customer moved their order, so we're moving the shutdown to the week of the
third of August.", "I've agreed with product we're moving code freeze to Thursday the twelfth." """
_CALLED_OFF = rx(
    rf"^(?P<lead>{FILLER}(?:{_LEAD})?){_SUBJECT}"
    r"(?: (?:is|are) (?:now )?(?:cancelled|canceled|postponed|scrapped|called off|off|on hold|dropped)"
    r"|'s (?:now )?(?:cancelled|canceled|postponed|scrapped|called off|on hold|dropped"
    r"|off the (?:\w+ )?(?:list|table|agenda)))\b"
)
"""A thing called off in so many words, after a closing word or with a time it holds for ("Right, so
the kids' menu is dropped.", "The audit is cancelled this year.")."""
_STARTS = rx(
    rf"^{FILLER}{_LEAD}{_SUBJECT} (?:starts|begins|opens|launches|goes live|takes effect|kicks off|ends"
    rf"|finishes|goes ahead|go ahead|is going ahead|are going ahead|will go ahead)"
    rf"(?: (?:on |from |at )?{_WHEN}\b|(?: so| then| now)?\s*[,.!]|$)"
)
"""A start, an end or a go-ahead ruled after a closing word: "Good, the new rota starts Monday.",
"Okay, so the workshop goes ahead on the ninth." """
_NOW_ON = (
    r"becomes|goes|takes|owns|leads|gets|stays|runs|moves|are moving|is moving|is now|are now|will be closed"
    r"|is compulsory|are compulsory|is mandatory|are mandatory|is optional|are optional|is banned|are banned"
)
_RULED_NOW = rx(
    rf"^{FILLER}(?:(?:okay|ok|right|fine|good|alright|all right)(?:,? (?:then|so|everyone|everybody))?"
    rf"[,.!]\s+)+(?:so,? )?{_SUBJECT} (?:{_NOW_ON})\b"
    r"(?!\s+(?:on(?:\s+(?:to|with)\b|\W*$)|to (?:the next|item|point|topic|you|me)\b))"
)
"""A ruling said as how things are now, after a closing word that is no mere "so" ("Fine, the review
meeting becomes monthly.", "Okay. Samir takes the Manchester account.", "Okay, coffee mornings are
moving to Wednesdays."); "so" alone leads explanations too ("so the net takes the features")."""
_FROM_THEN = rx(
    rf"^{FILLER}(?:{_LEAD})?(?:from|starting|as of) (?:{_WHEN})(?: of (?:{MONTH_WORDS}))?"
    r"(?: (?:on|onwards))?,?\s+"
    rf"(?:we(?:'ll| will)? (?:{_ACT}|stop|start|move|go|switch|only)\b"
    rf"|{_SUBJECT} (?!(?:was|has|does)\b)[a-z]{{3,}}s\b|(?:any|every|all) [\w' -]{{1,30}}? (?:is|are) \w)"
)
"""A change ruled from a time said first: "From the first of June we stop taking them.", "From this week
the release train goes on Thursdays.", "From today, any mould report is a priority two." """
_NO_MORE = rx(rf"^{FILLER}{_LEAD}no more (?!(?:{_NO_WHAT}|questions|comments|talk|of|than)\b)[\w'-]{{3,}}")
"""Something stopped, after a closing word: "Fine, no more printed agendas." """
_WINS = rx(rf"^{FILLER}{_LEAD}{_SUBJECT} (?:wins|gets it|goes through)\s*[.!]*$")
"""The option chosen, ruled in a word: "Fine, the green design wins." """
_SET_FOR = rx(
    rf"^{FILLER}(?:then|so)[,]?\s+{_SUBJECT} ?(?:is|will be|'s) (?:(?:on|at|in) {_WHEN}|{_DAY_OF}"
    rf"|(?:{WEEKDAY_WORDS}))\b"
    rf"(?: the [\w-]+(?: of (?:{MONTH_WORDS}))?)?"
    r"(?:,? not [\w' ]+)?\s*[.!]*$"
)
"""A time ruled with "then" or "so": "Then the team lunch is on Thursday, not Wednesday.", "So lock is
Friday the 1st of May.", "Then it's the 2nd.", "Then the shutdown is the week of the twentieth." """
_BACK_TO = rx(
    rf"^{FILLER}(?:{_LEAD})?(?:we(?:'ll| will)? go )?back to "
    r"(?!(?:that|this|it|item|point|you|me|him|her|them|normal|work"
    r"|the (?:agenda|beginning|start|top|question|point|list|item|topic))\b)"
    rf"[\w' -]{{1,40}}?,? {_FROM}"
)
"""A change undone from a time on: "Back to ten days, from Monday.", "We go back to seven from
tomorrow." (not "back to the agenda")."""
_CORRECTION = re.compile(r",? not (?:the |a |an |on |at |in )?[\w' -]{1,30}?(?=\s*[.!]*\s*$)", re.IGNORECASE)
"""The old value said after the new one ("Wednesday the twenty-fifth, not the twenty-seventh"): no
negation of the ruling."""
_ARRIVED = (
    r"(?!(?:all|both|every|each|none|half|most|some|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\b)"
    r"(?![\w' -]*\b(?:quotes|figures|numbers|results|forms|replies|responses|applications|letters|slips"
    r"|returns|bids|entries|scores|marks|invoices|orders|reports|plans|papers|submissions|nominations|cvs)"
    r"(?: \w+)?(?: is| are|'s|'re))"
)
"""Not things that come in ("All eight are in.", "The quotes are in."): a status, not an option kept."""
_IN_OR_OUT = rx(
    rf"^{FILLER}(?:{_LEAD})?(?:the |our |this |that )?{_ARRIVED}{_SUBJECT}(?: is| are|'s|'re)"
    r" (?:definitely |just |then |now )?(?:out|in)(?: (?:as well|too|then|now))*\s*[.!]+\s*$"
)
"""An option kept or struck in so many words: "Okay, wood is out.", "So the speaker's in as well then."."""
_MUST_GO = rx(
    rf"^{FILLER}(?:{_LEAD})?{_SUBJECT}(?: will|'ll| has to| have to| must| needs to| need to) (?:have to )?go"
    r"(?:\s*[,.!;]|\s*$|\s+(?:then|too|as well)\b)"
)
"""An option struck for cost or time: "the sample sensor will have to go, that's the most expensive part"."""
_NONE_AT_ALL = rx(
    rf"^{FILLER}(?:(?:so|then|okay|ok|right|yeah|alright|all right)[,.]?\s+)*(?:so|then)[,]? no "
    rf"(?!(?:{_NO_WHAT}|big deal)\b)"
    r"[\w'-]{3,}(?: [\w'-]+)?(?: (?:for (?:that|it|this|now|them)|then|either|at all))?\s*[.!]+\s*$"
)
"""An option struck in two words after a closing "so": "Okay, so no joystick.", "Alright so no button for
that." (not "so no problem", "so no idea")."""
_STRUCK = rx(
    r"^(?:(?:okay|ok|right|so|then|yeah|fine)[,.]?\s+)*(?:kick|throw|cut|drop|scrap|ditch|bin|lose)"
    r" (?:it|that|them|this|those)(?: out| off)?\s*[.!]+\s*$"
)
"""The chair strikes the option just weighed: "Kick it out.", "Okay, ditch it." (a sentence of its own)."""
_TAG_END = rx(r",?\s*(?:right|yeah|yes|okay|ok|no)\?\s*$")


def plain_ruling(sentence: str) -> bool:
    """Whether ``sentence`` settles an outcome in plain present-tense words (module docstring)."""
    asked = _TAG_END.search(sentence) is not None
    sentence = _TAG_END.sub(".", sentence)  # "hand dynamos are definitely out, right?"
    if sentence.rstrip().endswith("?"):
        return False
    # "So the freeze starts Wednesday, not Friday.": the old value said after the new one
    corrected = _CORRECTION.sub("", sentence)
    if not _NOT_SETTLED.search(corrected) and any(p.search(corrected) for p in (_MOVED, _STARTS, _BACK_TO)):
        return True
    if any(p.search(sentence) for p in (_NONE_THEN, _KEPT_AT, _IN_OR_OUT, _MUST_GO, _NONE_AT_ALL, _STRUCK)):
        return True
    if not _NOT_SETTLED.search(sentence):  # the rulings below hold only when nothing hedges them
        if any(p.search(sentence) for p in (_MOVED, _STARTS, _WINS, _NO_MORE, _RULED_NOW, _FROM_THEN)):
            return True
        said = _SO_WE_ARE.search(sentence) or _NOW_WE.search(sentence) or _INSTEAD.search(sentence)
        if said is not None and not _NOT_SETTLED.search(sentence[said.start() :]):
            return True
        off = _CALLED_OFF.search(sentence)
        if off is not None and (off.group("lead").strip() or re.search(_FROM, sentence[off.end() :])):
            return True
        # "So we're moving the newsletter to fortnightly, yeah?" asks the room: a yes confirms it
        # (.confirmed)
        going = None if asked else _UNDER_WAY.search(sentence)
        if going is not None and (
            going.group("lead").strip()
            or re.search(rf"{_FROM}|\b(?:at|by) the end of \w+|\bin {MONTH_WORDS}", sentence)
        ):
            return True
    if _SET_FOR.search(sentence) and not _NOT_SETTLED.search(corrected):
        return True
    goes = _GOES_ON.search(sentence)
    if goes is not None and not _NOT_SETTLED.search(goes.group(0)):
        return True  # "So the beds close tonight, we're not running them unsafe": the ruling is before
    found = _WE_DO.search(corrected) or _CHANGES_FROM.search(sentence)
    if found is None:
        return False
    return not _NOT_SETTLED.search((corrected if found.re is _WE_DO else sentence)[found.start() :])
