"""The words of a ruling: a sentence that settles an outcome in so many words ("we decided", "motion
carried", "we're going with", "to confirm, …", "the vote is four to one"), rules something out ("We're
not doing the green roof.") or keeps it ("The name stays."). Patterns only; :mod:`.decisions` reads
them with what is around the sentence (a question, a hedge, a decision told from the past)."""

from __future__ import annotations

from minutes.summarize.candidates.plain import PLAN_VERBS
from minutes.summarize.candidates.scan import FILLER, rx

WE_GO = r"(?:let's|let us|we'll|we will|we're|we are|we're going to|we are going to|we're gonna)"
DECIDE = rx(
    r"\b(?:we(?:'ve| have)? decided|we(?:'ve| have)? agreed|we all agree|we agree|decision is"
    r"|^\W*(?:(?:so|okay|ok|right|alright|all right|then)[,.]?\s+)*decision\s*[:—-]\s*(?=\w)"
    r"|(?:we've |we have |we )?reached (?:an |a )?(?:agreement|consensus|decision)"
    r"|the vote is (?:\w+ to \w+|unanimous)|(?:the|our) conclusion is(?: that)?\s+(?!(?:unclear|not)\b)"
    r"|hereby (?:declare|approve|rule|resolve|adopt)|final decision(?=\s*[,:—-])"
    r"|(?:i've|i have) decided(?=\s*[:—-])"
    # "The date is set: the twentieth of October."
    r"|(?:date|time|venue|price|budget|deadline|location|start date|launch date) is (?:now )?(?:set|fixed"
    r"|confirmed|agreed)\b(?!\s+(?:by|for)\b)"
    r"|(?:offer|proposal|bid|quote|motion|recommendation|amendment|request|application) (?:is|has been)"
    r" (?:now )?(?:accepted|approved|granted|rejected|declined|refused)"
    r"|(?:it's|it is|that's|that is|we're|we are|we all|all|so|then) agreed"
    r"|^agreed(?: then)?[,:]\s+(?!(?:yes|yeah|absolutely|totally|definitely|fine|sure)\b)(?=\w)"
    r"|(?:is|was|been|got|are|were|it's|that's|we|i|has|have|'ve) approved|(?:we|i) approve"
    r"|^\W*(?:\w+[,.!]?\s+){0,2}approved(?=\W*$|[,:])"
    r"|(?:board|committee|council|panel) approves"
    rf"|{WE_GO} (?:definitely |just |now |absolutely )?(?:go|going|stick|sticking|run|running|go ahead"
    r"|going ahead|move forward) (?:with|for)"
    # "So we'll go ahead and order the laptops."
    rf"|{WE_GO} (?:just )?go ahead and (?!(?:start|begin|present|ask|talk|discuss|look|see|move on|continue"
    r"|introduce|share|finish|wrap|close|end|get started)\b)(?=\w)"
    r"|(?:^\W*(?:(?:ok|okay|right|fine|then|good|yeah|alright)[,.]?\s+)*|\.\s+|,\s+)(?:so )?we"
    r" (?:go|stay|stick) (?:with|for|ahead)"
    # "Then stick with the fifty.": the go-ahead to keep what is there
    rf"|^{FILLER}(?:(?:then|fine|okay|ok|right|yeah|so)[,.!]?\s+)+(?:just )?(?:stick|stay) with\b"
    # "Forty, carried three to one.", "Done, carried."
    r"|,\s*carried(?=\W*$|\s+(?:\w+[- ](?:to|for)[- ]\w+|unanimously|nem))"
    # "We're not merging anything, end of.", "… no arguments.", "That's not up for debate."
    r"|(?<=, )(?:end of|no arguments|final)(?=\W*$)|(?:that's|that is|it's) not up for (?:debate|discussion)"
    r"|non-negotiable"
    # "…, so, we're doing it." and the outcome said after it
    r"|(?:^|,\s*)so,? we're (?:doing|going ahead with) (?:it|that|this)(?=\W*$)"
    r"|final answer is|final answer|it's settled|that's settled|settled then"
    r"|(?:we're|we are|we'll|let's) settl(?:e|ing) on|(?:that's|it's|that is) (?:final|decided)"
    r"|(?:motion|amendment|resolution|bill|proposal)(?:'s| is| has)? (?:carries|carried|passes|passed|adopted"
    r"|is adopted)|(?:that's|it's) carried"
    r"|^\W*carried\b|(?:that|it) (?:passes|carries)(?=\W*$)|so ordered"
    r"|(?<!that)(?<!it)(?:is|are|'s) (?:now )?confirmed (?:for|as|on|at) "
    r"|that's what we(?:'ll| will| are|'re) (?:do|doing|going)|that's the (?:plan|decision|change)"
    r"|(?:rule|policy|default) (?:from now on|going forward)|from now on|that settles it|^decided[:,]"
    r"|(?<!days )(?<!weeks )(?<!months )(?<!day )(?<!week )(?<!month )(?<!hours )(?<!time )from now\b(?!\?)"
    r"|(?:we have|there's|there is) (?:a )?consensus|(?:the|our) consensus is"
    # "So to confirm, the launch date stays March the third.": the outcome read back as settled
    r"|^\W*(?:(?:so|okay|ok|right|just)[,]?\s+)*to confirm[,:]\s+"
    r"(?!(?:i|i'll|i'm|you|are|is|do|does|did|can)\b)"
    # "So the plan is: Berlin hosts the summit."
    r"|^\W*(?:(?:so|okay|ok|right)[,.]?\s+)*the plan(?: is[:,]?|[:,])\s+"
    r"(?!(?:to (?:discuss|talk|look|go through|think)"
    r"|that (?:we|i) (?:discuss|talk|look))\b)"
    # "We'll use Postgres rather than Mongo.": one option chosen over another
    rf"|{WE_GO} (?:use|using|take|taking|pick|picking|choose|choosing|buy|buying|hire|hiring|keep|keeping)"
    r" [\w' -]{1,40}? (?:rather than|instead of|over the)\b"
    r"|(?:i'm|we're|i am|we are) approving"
    # "Rather than straight hourly, we'll offer a capped fee.", "New rule, then: seventy-two hours."
    r"|^\W*rather than [^,]{1,40}, we(?:'ll| will)(?= \w)|\bnew rule(?:,? then)?\s*[:,]\s*(?=\w)"
    # "We've settled it: …", "I'll make the call: …", "Consensus, then: …", "The bylaws are adopted."
    r"|(?:we've|we have) settled (?:it|that|this|on)"
    r"|(?:i'll|let me|i'm|i am) mak(?:e|ing) the call(?=\W*[:,—-])"
    r"|^\W*consensus(?:,? then)?\W*[:,—-]\s*(?=\w)|(?:is|are|has been|have been) (?:now |hereby )?adopted"
    r"|(?:the|our) (?:new )?(?:policy|rule) (?:is|will be|from now on is)(?: that)?\s+"
    r"(?!(?:to )?(?:discuss|unclear)\b)"
    r"|(?:we're|we are) switching (?:over )?to (?!(?:the next|another|item|topic"
    r"|agenda|questions|point)\b)"
    r"|(?:board|committee|council|panel|team|group|members|trustees|governors) (?:has |have )?(?:chosen|chose"
    r"|elected|selected|appointed|voted (?:to|for)|accepted|adopted|endorsed|rejected)"
    # "We've chosen Harbour Design.", "we've landed on the second option", "We've voted, …"
    r"|(?<!what )(?<!which )(?<!that )(?:we've|we have) (?:chosen|picked|selected|gone (?:with|for)|landed on"
    r"|opted for|voted)"
    r"|(?:it's|that's) a (?:yes|no) (?:to|on|for)|(?:the )?verdict is(?: in)?(?=\s*[:,])"
    r"|(?:i'm|we're) signing off on"
    r"|\b(?:applies|apply|comes into (?:force|effect)) (?:from|as of)"
    r"|that's my (?:call|decision|ruling)|(?:the )?chair's (?:ruling|decision)|the chair rules"
    r"|^\W*(?:so )?resolved\b|decision made|(?:^\W*|that's |it's )unanimous\b|stands? approved"
    r"|(?:board|committee|council|panel|meeting) (?:agrees|authori[sz]es|resolves|rules|adopts)"
    r"|(?:that|it) (?:passes|carries)(?=\W*[:;,—-])"
    r"|from (?:this|the next|next) \w+ on|(?:i'm|we're|we are|i am) (?:reversing|undoing|overturning)"
    r"|(?:starting|effective|as of) (?:tonight|today|now|immediately)"
    r"|full stop(?=\W*$)|no exceptions|(?:that's|that is) the rule"
    # "That's how we'll do it.", "I think we're all on the same page", "The committee will recommend"
    r"|(?:that's|that is) how we(?:'ll| will|'re going to| are going to)?"
    r" (?:do it|do this|go|play it|handle it)"
    r"|we're (?:all )?(?:kind of |sort of )?(?:agreeing|on the same page)"
    r"|(?:board|committee|council|panel) (?:will )?recommends?"
    # a go-ahead said as a ruling: "Yeah, go with four eighty.", "Go ahead and order it."
    rf"|^{FILLER}(?:(?:yeah|yes|okay|ok|right|fine|good|so)[,.!]?\s+)*go (?:with|ahead with"
    r"|ahead and (?!(?:share|present|start|ask|introduce|continue|tell|explain|say|finish)\b)\w+)"
    # a request granted in a word: "Yeah fine, book it."
    rf"|^{FILLER}(?:(?:yeah|yes|okay|ok|right|fine|sure|go on)[,.!]?\s+)+(?:book|order|buy|sign|hire"
    r"|commission|renew|pay for|approve|accept|fund) (?:it|them|that|him|her)(?=\W*$))\b",
)
RULED_OUT = rx(
    rf"^{FILLER}(?:(?:but|no|yeah|yes|look|and)[,.!—-]?\s+)*(?:we're|we are) not (?:{PLAN_VERBS})\s+"
    r"(?!(?:it|that|this|them|those|these|again|yet|anymore|any|either|there|here|now|well|much)\b)\w"
    r"(?![^,;]*,\s*but\b)"
    r"|^(?:\W*\w+[,.!]?\s+){0,6}?(?:(?:that's|it's) a|(?:the answer's|the answer is)(?: a)?)"
    r" no (?:on|to|for) \w|\bso,? the answer(?:'s| is) (?:a )?no (?:on|to|for) \w"
)
"""A ruling that something will not be done: "We're not doing the green roof.", "that's a no on the
curtain wall"; a plan's verb and the thing named, so not "we're not doing that again", "we're not
finding a problem" or "we're not pursuing mergers, but, if …" (a position, then its limits)."""
STAYS = rx(
    rf"^{FILLER}(?:(?:fine|okay|ok|right|so|yeah|good)[,.!]?\s+)*(?:the |our )?[\w'-]+(?:\s[\w'-]+){{0,2}}"
    r" stays(?:\s+(?:in|on|as|at|with|where)\s+[\w' -]{1,30})?\s*[.!]*$"
)
"""A keeping ruled in a few words: "Title stays.", "The kimono stays in the case." """

_MARK = rx(
    r"^\W*(?:(?:okay|ok|right|so|yes|yeah|good)[,.!]?\s+)?(?:decided|locked(?: in)?|settled|final|done deal"
    r"|(?:that's|that is|it's|it is) (?:decided|settled|final|locked(?: in)?)"
    r"|(?:i've|i have|we've|we have) decided"
    r"|no more discussion|end of discussion"
    # the ruling announced, then said: "I'm just gonna call it. Anything under fifty, …", "Okay, here's
    # the call.", "That's a majority.", "Nobody's arguing with that.", "Ten a minute. Ship it."
    r"|(?:i'm|i am) (?:just )?(?:going to|gonna) call it|here's (?:the|my) call|ship it"
    r"|(?:i think )?we're all (?:of a mind|of one mind)(?:,? then)?|(?:that's|it's) (?:a|the) majority"
    r"|(?:nobody's|nobody is|no one's|no one is) arguing with that)\W*$"
)


def marked(sentences: list[str], k: int) -> bool:
    """Whether sentence ``k`` of a line is the ruling a closing word of its own marks: "Then we move the
    job to Rapid Mail. Decided.", "Fourteen days from the eighteenth. Locked.", "Card-only. I've
    decided. The café goes card-only from May." (the sentence before the mark, or after it when the
    line opens with it or the one before is a word or two)."""
    if k + 1 < len(sentences) and _MARK.match(sentences[k + 1]):
        return True
    if k > 0 and _MARK.match(sentences[k - 1]):
        return k == 1 or len(sentences[k - 2].split()) <= 2
    return False
