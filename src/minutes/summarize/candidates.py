"""Candidates: decisions, commitments and open questions found by rule in the transcript.

A small model asked for every item at once misses decisions and names the wrong owner, so the
items are found here, deterministically and sentence by sentence, with the speaker who said
them; a model later only judges and phrases each one. Rules (English cue words):

- action, commitment: "I'll", "I will", "I can", "I'm going to", "let me" … and a task; owner =
  the speaker. Not negated ("I will not"), not perception or meeting mechanics ("I can see",
  "let me share my screen", "I'll be honest"), not in a conditional clause or a question.
- action, request: "Bob, can you …", "could you …", "please …", "<Name> will …", "<Name> to …",
  "can someone …" followed within three utterances by an acceptance from another speaker
  ("sure", "will do", "I'll …"); owner = who accepted. A request naming a person whose name
  maps to a speaker label is theirs even unanswered. An acceptance that is itself a commitment
  is merged into the request: one candidate, evidence both.
- decision: "we decided", "let's go with", "agreed", "approved", "so it's settled" … outside
  questions, negations and conditionals; a bare "Agreed." / "Sounds good." after another
  speaker's proposal makes that proposal the decision.
- question: a sentence ending in "?" (not small talk, not meeting mechanics, not an accepted
  request or agreed proposal) followed within two utterances by a deferral ("not sure", "let's
  come back to that", "TBD") or by no other speaker at all.

Due dates come from :func:`minutes.summarize.dates.resolve_due`: for a request, the acceptor's
words win over the request's. Candidates are ordered by utterance; near-duplicates of one kind
within five utterances are merged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from minutes.summarize.dates import resolve_due
from minutes.summarize.text import NOT_NAMES, content_words, split_sentences
from minutes.types import Utterance

_F = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _F)


_FILLER = r"(?:(?:uh|um|oh|well|so|and|also|okay|ok|alright|right)[,.!]?\s+)*"
_COMMIT = _rx(
    r"\b(?:i'll|i will|i can(?!'t)|i'm going to|i am going to|i'm gonna|i shall|let me|i'm on it"
    r"|i'd be happy to|i'm happy to|i am happy to)(?=\W|$)",
)
_ADVERBS = re.compile(
    r"^(?:\s+(?:also|just|definitely|probably|certainly|quickly|personally|then|still|now|only))*"
)
_NOT_AN_ACTION = _rx(
    r"^(?:not|never|no longer|see|hear|imagine|understand|think|guess|assume|admit|say|tell (?:you|us)"
    r"|know|be (?!\w+ing\b|responsible|in charge)|start|begin|recap|summari[sz]e|introduce|explain|repeat"
    r"|clarify|share (?:my|the|your) screen|stop sharing|show (?:you|us)|walk (?:you|us) through"
    r"|go ahead|continue|jump in|add (?:one|something|a point)|ask (?:you|a question|something)"
    r"|hand (?:it )?over|mute|unmute|move on|get (?:started|going)|wrap (?:up|this up)|do my best"
    r"|put it|give (?:you|us) (?:an|a|some)|rephrase|try again|pull up|bring up|finish my)\b",
)
_HEDGE = _rx(r"\b(?:if|unless|whether|once|maybe|perhaps|wish|hope|wonder|not sure|doubt|might)\b")
_ASKS = (
    r"(?:can|could|would|will) you|(?:would|do) you mind|do you want to|are you able to|i need you to"
    r"|i'd like you to|please"
)
_OPEN_CALLS = (
    r"(?:can|could) (?:someone|somebody|anyone)|who (?:can|wants to|will)|any volunteers? to"
    r"|(?:someone|somebody) (?:needs to|should|has to|must)|we need (?:someone|somebody) to"
)
_REQUEST = _rx(rf"\b(?:{_ASKS}|(?P<open>{_OPEN_CALLS}))\b")
_REQUEST_LEAD = _rx(
    rf"^{_FILLER}(?:[\w .'-]+,\s*)?(?:{_ASKS}|{_OPEN_CALLS})(?:\s+please)?(?:\s+be able to)?[,\s]+"
)
_NOT_A_TASK = _rx(
    r"^(?:hear|see|repeat|say|speak|share your screen|go ahead|continue|mute|unmute|give us|tell (?:us|me)"
    r"|walk (?:us|me) through|explain|clarify|elaborate|remind (?:me|us)|introduce yourself|stop sharing"
    r"|scroll|zoom|wait|hold on|hang on|let me know if|give me a (?:sec|second|minute)|note|bear with"
    r"|keep in mind|be)\b",
)
_GROUP = _rx(r"\b(?:everyone|everybody|all of you|you all|y'all|you guys|guys|folks|team)\b")
_ASSIGN = re.compile(
    r"^(?P<name>[A-Z][a-z]+)(?:,)?\s+(?:will|to|is going to|needs to|should)\s+(?P<rest>\w.*)"
)
_ACCEPT = _rx(
    rf"^{_FILLER}(?:yes|yeah|yep|yup|sure|okay|ok|will do|no problem|no worries|of course|absolutely"
    r"|definitely|got it|on it|sounds good|can do|happy to|i can|i will|i'll|i'm on it|consider it done"
    r"|alright|all right|me)\b",
)
_VOLUNTEER = _rx(rf"^{_FILLER}(?:me|i can|i will|i'll|i'm on it|i'd be happy to|happy to)\b")
_REFUSE = _rx(
    r"\b(?:can't|cannot|won't|will not|not sure|don't think|no time|unfortunately|probably not)\b"
    r"|^no\b(?! problem| worries)",
)
_DECIDE = _rx(
    r"\b(?:we(?:'ve| have)? decided|we(?:'ve| have)? agreed|we all agree|we agree|decision is"
    r"|(?:it's|it is|that's|that is|we're|we are|we all|all|so|then) agreed|^agreed[,:]\s+\w"
    r"|(?:is|was|been|got|are|were|it's|that's|we|i|has|have|'ve) approved"
    r"|(?:let's|let us|we'll|we will|we're going to|we are going to|we're gonna) (?:go|stick) with"
    r"|we're going with|we are going with|final answer is|it's settled|that's settled"
    r"|settled then|(?:let's|we'll|we're going to) go ahead with|(?:let's|we'll) move forward with)\b",
)
_UNDECIDED = _rx(
    r"\b(?:not|n't|never|no|if|unless|whether|once|until|when|before|should|could|would|might|need|needs"
    r"|yet to|pending|waiting|hope|maybe|perhaps)\b",
)
_AGREE = _rx(
    rf"^{_FILLER}(?:(?:yes|yeah)[,.!]?\s+)?(?P<plain>agreed|we agree|deal|settled)[.!]*$"
    r"|^(?:yes|yeah|sure|okay|ok|great)?[,.!]?\s*(?:sounds good|works for me|fine by me|i agree|good idea"
    r"|that works|let's do (?:that|it|this))(?: then| for me)?"
    r"(?:[,.!]?\s*(?:let's do (?:that|it)|agreed))?[.!]*$",
)
_PROPOSAL = _rx(
    r"\b(?:let's|let us|how about|what if we|should we|shall we|i propose|i suggest|my suggestion"
    r"|why don't we|we could|we should|i'd recommend|i recommend)\b",
)
_DEFER = _rx(
    r"\b(?:not sure|i don't know|i do not know|don't know yet|no idea|come back to|we'll see"
    r"|(?:discuss|decide|talk about|look at|revisit|pick (?:it|this|that) up)(?: \w+){0,3} next week"
    r"|to be decided|tbd|(?:discuss|talk about|revisit|decide)(?: \w+){0,2} later"
    r"|take (?:it|this|that) offline|park (?:it|this|that)|parking lot|good question|need to check"
    r"|have to check|get back to you|not yet"
    r"|haven't decided|open question|unclear|depends)\b",
)
_SMALL_TALK = _rx(
    r"^(?:how are you|how're you|how's it going|how is it going|how are things|how have you been"
    r"|how was (?:your|the) \w+|what's up|can (?:you|everyone|everybody) (?:hear|see)|am i on mute"
    r"|are you there|are we (?:good|ready|all here)|is everyone here|shall we (?:start|begin|get started)"
    r"|any (?:other )?questions|anything else|any other business|who's next|does that make sense"
    r"|is that clear|make sense|you know|did you have a good)\b|\b(?:hear me|see my screen|on mute)\b",
)
_TAG = _rx(r",\s*(?:okay|ok|right|yeah|alright|all right|yes|no)\s*\?$")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible minute item, before any model has looked at it.

    ``utterance`` and ``evidence`` hold ``Utterance.index`` values; ``speaker`` is who said the
    triggering sentence and ``owner`` (actions only) the speaker label of who committed.
    ``due`` is a deadline for an action and the date a decision names, with ``due_text`` the words.
    """

    kind: str  # "action" | "decision" | "question"
    utterance: int
    speaker: str
    text: str
    owner: str | None = None
    due: date | None = None
    due_text: str | None = None
    evidence: tuple[int, ...] = ()
    cue: str = ""


def _clause_before(s: str, end: int) -> str:
    return re.split(r"[,;:]|\bbut\b|\band\b", s[:end])[-1]


def _is_question(s: str) -> bool:
    return s.rstrip().endswith("?") and not _TAG.search(s)


def commitment_cue(sentence: str) -> str | None:
    """The first-person commitment cue of a sentence ("i'll", "let me" …), or None."""
    if _is_question(sentence):
        return None
    for m in _COMMIT.finditer(sentence):
        cue = " ".join(m.group(0).lower().split())
        after = _ADVERBS.sub("", sentence[m.end() :], count=1).strip()
        if cue != "i'm on it" and (not after or after[0] in ".?!,"):
            continue  # "Yes, I will." accepts, but says nothing on its own
        if _NOT_AN_ACTION.match(after) or _HEDGE.search(_clause_before(sentence, m.start())):
            continue
        return cue
    return None


@dataclass
class _Scan:
    utterances: Sequence[Utterance]
    sentences: list[list[str]]
    meeting_date: date
    labels_by_name: dict[str, str]
    used: set[tuple[int, int]]

    def item(
        self, kind: str, i: int, text: str, cue: str, *, owner: str | None = None, also: int | None = None
    ) -> Candidate:
        """A candidate said in utterance ``i`` (evidence: it and utterance ``also``)."""
        u = self.utterances[i]
        evidence = {u.index} if also is None else {u.index, self.utterances[also].index}
        due, due_text = self.due(text)
        return Candidate(kind, u.index, u.speaker, text, owner, due, due_text, tuple(sorted(evidence)), cue)

    def due(self, *texts: str) -> tuple[date | None, str | None]:
        for text in texts:
            hit = resolve_due(text, self.meeting_date)
            if hit:
                return hit
        return None, None

    def addressee(self, sentence: str, speaker: str) -> str | None:
        for name, label in self.labels_by_name.items():
            if label != speaker and re.search(rf"\b{re.escape(name)}\b", sentence, _F):
                return label
        return None


def _labels_by_name(names: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for label, name in (names or {}).items():
        parts = name.split()
        for key in (name, parts[0] if parts else ""):
            if key and key.lower() not in out:
                out[key.lower()] = label
    return out


def _acceptance(scan: _Scan, j: int, *, open_call: bool) -> int | None:
    """The last sentence of utterance ``j`` that accepts a request, or None.

    "Sure. I'll fix it by Friday." accepts with both sentences, so the commitment is not found
    again on its own.
    """
    accepted: int | None = None
    for k, s in enumerate(scan.sentences[j][:2]):
        if _is_question(s) or _REFUSE.search(s):
            break
        if commitment_cue(s):
            return k
        if k == 0 and (_VOLUNTEER if open_call else _ACCEPT).match(s):
            accepted = 0
    return accepted


def _request(scan: _Scan, i: int, s: str) -> tuple[str, str | None, bool] | None:
    """What sentence ``s`` of utterance ``i`` asks for, of whom, and whether it is an open call."""
    speaker = scan.utterances[i].speaker
    req, assign = _REQUEST.search(s), _ASSIGN.match(s)
    # who is spoken to: a name before the ask or a closing ", Bob?" (not "send Bob the deck")
    vocative = re.search(r",\s*([\w .'-]+?)\s*[?.!]*$", s)
    target = scan.addressee(s[: req.start()] if req else "", speaker) or (
        scan.addressee(vocative.group(1), speaker) if vocative else None
    )
    if req:
        if _GROUP.search(s[: req.end()]) or re.match(r"\s*(?:all|guys|folks)\b", s[req.end() :], _F):
            return None
        if _REQUEST_LEAD.match(s):  # "Bob, could you please send the deck?" → "send the deck?"
            substance = _REQUEST_LEAD.sub("", s, count=1)
        elif req.group(0).lower() == "please":
            substance = re.sub(r"\s*,?\s*\bplease\b,?", "", s, count=1, flags=_F).strip()
        else:
            substance = re.sub(r"^\s*(?:please\s+)?(?:be able to\s+)?", "", s[req.end() :], flags=_F)
        open_call = req.group("open") is not None
    elif assign and assign.group("name").lower() not in NOT_NAMES:
        substance = assign.group("rest")
        target = scan.labels_by_name.get(assign.group("name").lower())
        if target == speaker:
            return None  # "Bob will send it" said by Bob is his own commitment
        open_call = target is None  # an unknown "Design will …" needs a real commitment
    else:
        return None
    substance = re.sub(r"[?.!]+$", "", re.sub(r",\s*[A-Z][a-z]+\s*([?.!]*)$", r"\1", substance.strip()))
    if not substance or _NOT_A_TASK.match(substance):
        return None
    return substance[:1].upper() + substance[1:], target, open_call


def _requests(scan: _Scan) -> list[Candidate]:
    out: list[Candidate] = []
    utts = scan.utterances
    for i, u in enumerate(utts):
        for k, s in enumerate(scan.sentences[i]):
            request = _request(scan, i, s)
            if request is None:
                continue
            text, target, open_call = request
            accept = next(
                (
                    (j, k2)
                    for j in range(i + 1, min(i + 4, len(utts)))
                    if utts[j].speaker != u.speaker and target in (None, utts[j].speaker)
                    for k2 in [_acceptance(scan, j, open_call=open_call)]
                    if k2 is not None
                ),
                None,
            )
            if accept is None and target is None:
                continue
            scan.used.add((i, k))
            if accept is None:
                out.append(scan.item("action", i, text, "request:assigned", owner=target))
                continue
            j, k2 = accept
            scan.used.add((j, k2))
            found = scan.item("action", i, text, "request:accepted", owner=target or utts[j].speaker, also=j)
            # the acceptor's words on when win over the request's
            due, due_text = scan.due(" ".join(scan.sentences[j][: k2 + 1]), s)
            out.append(replace(found, due=due, due_text=due_text))
    return out


def _said_before(scan: _Scan, i: int, k: int) -> tuple[int, str] | None:
    """The last sentence with some substance before sentence ``k`` of utterance ``i``."""
    for j in range(i, max(-1, i - 3), -1):
        sents = scan.sentences[j][:k] if j == i else scan.sentences[j]
        for sent in reversed(sents):
            if len(content_words(sent)) >= 2:
                return j, sent
    return None


def _agreed_proposal(scan: _Scan, i: int, k: int, plain: bool) -> Candidate | None:
    """The proposal of another speaker that sentence ``k`` of utterance ``i`` agrees to."""
    utts = scan.utterances
    for j in range(i - 1, max(i - 3, -1), -1):
        sents = scan.sentences[j]
        if utts[j].speaker == utts[i].speaker or not sents:
            continue
        pk = next((x for x in range(len(sents) - 1, -1, -1) if _PROPOSAL.search(sents[x])), None)
        if pk is None and plain:  # a bare "Agreed." agrees to whatever was said last
            pk = len(sents) - 1
        if pk is None:
            return None
        scan.used.update({(j, pk), (i, k)})
        cue = "agreement:" + " ".join(scan.sentences[i][k].lower().rstrip(".!").split())
        return scan.item("decision", j, sents[pk], cue, also=i)
    return None


def _stated_decision(scan: _Scan, i: int, k: int, m: re.Match[str]) -> Candidate:
    s = scan.sentences[i][k]
    scan.used.add((i, k))
    cue = "decision:" + " ".join(m.group(0).lower().split())
    before = _said_before(scan, i, k) if len(content_words(s[: m.start()] + s[m.end() :])) < 2 else None
    if before:  # "So it's settled." says what was decided only with what came before
        return scan.item("decision", i, f"{before[1]} {s}", cue, also=before[0])
    return scan.item("decision", i, s, cue)


def _decisions(scan: _Scan) -> list[Candidate]:
    out: list[Candidate] = []
    for i in range(len(scan.utterances)):
        for k, s in enumerate(scan.sentences[i]):
            agree = _AGREE.match(s)
            if agree:
                found = _agreed_proposal(scan, i, k, plain=agree.group("plain") is not None)
                out.extend([found] if found else [])
                continue
            m = _DECIDE.search(s)
            if m and not _is_question(s) and not _UNDECIDED.search(_clause_before(s, m.start())):
                out.append(_stated_decision(scan, i, k, m))
    return out


def _commitments(scan: _Scan) -> list[Candidate]:
    out: list[Candidate] = []
    for i, u in enumerate(scan.utterances):
        for k, s in enumerate(scan.sentences[i]):
            cue = commitment_cue(s)
            if cue is None or (i, k) in scan.used:
                continue
            scan.used.add((i, k))
            out.append(scan.item("action", i, s, f"commitment:{cue}", owner=u.speaker))
    return out


def _questions(scan: _Scan) -> list[Candidate]:
    out: list[Candidate] = []
    utts = scan.utterances
    for i, u in enumerate(utts):
        for k, s in enumerate(scan.sentences[i]):
            if (i, k) in scan.used or not _is_question(s) or _SMALL_TALK.search(s.lstrip(" ,")):
                continue
            if len(content_words(s)) < 2:
                continue  # "Right?", "Why not?"
            nxt = utts[i + 1 : i + 3]
            if any(_DEFER.search(x.text) for x in nxt):
                cue = "question:deferred"
            elif all(x.speaker == u.speaker for x in nxt):
                cue = "question:unanswered"
            else:
                continue
            out.append(replace(scan.item("question", i, s, cue), due=None, due_text=None))
    return out


def _similar(a: Candidate, b: Candidate) -> bool:
    """Same kind and owner, close by, and the same sentence or mostly the same content words."""
    if a.kind != b.kind or a.owner != b.owner or abs(a.utterance - b.utterance) > 5:
        return False
    if a.text == b.text and set(a.evidence) & set(b.evidence):
        return True
    wa, wb = content_words(a.text), content_words(b.text)
    return min(len(wa), len(wb)) >= 2 and len(wa & wb) / len(wa | wb) >= 0.6


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    for c in cands:
        twin = next((n for n, x in enumerate(kept) if _similar(x, c)), None)
        if twin is None:
            kept.append(c)
            continue
        x = kept[twin]
        evidence = tuple(sorted(set(x.evidence) | set(c.evidence)))
        kept[twin] = replace(x, evidence=evidence, due=x.due or c.due, due_text=x.due_text or c.due_text)
    return kept


def find_candidates(
    utterances: Sequence[Utterance], *, meeting_date: date, names: Mapping[str, str] | None = None
) -> list[Candidate]:
    """Candidate decisions, action items and open questions of a meeting, in utterance order.

    ``names`` maps speaker labels to people's names, so that "Bob, can you …" belongs to Bob's
    label; due dates resolve against ``meeting_date``.
    """
    sentences = [split_sentences(u.text) for u in utterances]
    scan = _Scan(utterances, sentences, meeting_date, _labels_by_name(names), set())
    found = _requests(scan) + _decisions(scan) + _commitments(scan) + _questions(scan)
    order = {"decision": 0, "action": 1, "question": 2}
    found.sort(key=lambda c: (c.utterance, order[c.kind]))
    return _dedupe(found)
