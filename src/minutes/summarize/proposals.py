"""Decisions the model proposes for a chunk, where the rules may have missed them.

The candidate rules (:mod:`minutes.summarize.candidates`) read speech acts and are precise, but a
decision can be said in more ways than rules can list ("Fine, the Saturday shifts go ahead then").
So the model, which has already read the chunk for its chapter, is also asked once per chunk to
list the decisions taken in it, each with the number of the line where it was settled. A proposal
is only a claim; it becomes an item when the meeting's words hold it:

- its line must be a line of this chunk (the model may be one off: the neighbours are tried);
- the cited line, alone or with the line before or after it, must *support* the decision
  (:func:`minutes.summarize.grounding.support`: its content words, every number and date);
- a question by itself settles nothing: a proposal resting on a question alone is dropped;
- the sentence of the cited line closest to the proposal must be a statement of now: a question, a
  hedge or condition ("we could", "maybe", "I'd", "if …"), something set before the meeting ("last
  time", "already") or a task one person takes on (:func:`commitment_cue`: an action item, not a
  decision) is another speech act, and the proposal is dropped; so is one with under three content
  words ("Even for renewals"), one that gives a person a task ("Dembe will sort the generator") and
  one that puts a topic off ("park", "revisit", "hold off");
- a proposal that is itself a question is dropped;
- one the rules already hold (the same evidence as a rule decision or action, or the same line and
  mostly the same words) is dropped, so the rules' judged item stands; two proposals on one line are one.

Nothing here is tuned to a phrasing: the rules are structural (line, support, question, overlap).
Owners are not asked for: decisions have none, and action items keep their owners from the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from minutes.summarize.candidates import Candidate, commitment_cue
from minutes.summarize.candidates.scan import HEDGES, is_question
from minutes.summarize.candidates.told import told_before
from minutes.summarize.dates import resolve_due
from minutes.summarize.grounding import support
from minutes.summarize.text import content_words, split_sentences
from minutes.types import Utterance

PROPOSALS_VERSION = "decisions-per-chunk/2"  # 2: tasks and deferrals dropped

QUESTION = (
    "List the decisions this part of the meeting took: what the group agreed, approved, chose or "
    "settled on now. Leave out ideas nobody accepted, hedged suggestions, decisions recalled from the "
    "past, open questions and tasks one person will do. For each decision give the number in brackets "
    "of the line where it was settled and state the decision in one short sentence. "
    "Most parts of a meeting settle one decision or none: give an empty list when there is none."
)


def schema(max_items: int, item_chars: int) -> dict[str, Any]:
    """The reply's JSON schema: at most ``max_items`` decisions, each a line number and a sentence."""
    return {
        "type": "object",
        "properties": {
            "decisions": {
                "type": "array",
                "maxItems": max_items,
                "items": {
                    "type": "object",
                    "properties": {
                        "line": {"type": "integer"},
                        "decision": {"type": "string", "maxLength": item_chars},
                    },
                    "required": ["line", "decision"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["decisions"],
        "additionalProperties": False,
    }


def numbered(u: Utterance, names: Mapping[str, str]) -> str:
    """A transcript line as every prompt about a chunk shows it: ``[12] Priya Shah: text``."""
    return f"[{u.index}] {names.get(u.speaker, u.speaker)}: {u.text}"


def _entries(reply: Mapping[str, Any]) -> list[tuple[int, str]]:
    out = []
    for raw in reply.get("decisions") or ():
        if not isinstance(raw, Mapping):
            continue
        line, text = raw.get("line"), " ".join(str(raw.get("decision") or "").split())
        if isinstance(line, int) and not isinstance(line, bool) and text:
            out.append((line, text))
    return out


def _only_questions(text: str) -> bool:
    sentences = split_sentences(text)
    return bool(sentences) and all(s.rstrip().endswith("?") for s in sentences)


def _evidence(
    text: str, line: int, by_index: Mapping[int, Utterance], meeting_date: date
) -> tuple[int, ...] | None:
    """The smallest stretch around ``line`` that supports ``text``: the line, then a neighbour alone
    (the model cited one off), then the line with a neighbour; None when nothing there holds it."""
    tries = [(line,), (line - 1,), (line + 1,), (line - 1, line), (line, line + 1)]
    for span in tries:
        if not all(i in by_index for i in span):
            continue
        texts = [by_index[i].text for i in span]
        if len(span) == 1 and _only_questions(texts[0]):
            continue
        ok, _score = support(text, texts, meeting_date=meeting_date)
        if ok:
            return span
    return None


# uncertainty: a sentence that hedges settles nothing ("we could move the rack", "maybe three", "I'd go
# with Harbour, personally", "we'll probably end up closing, who knows", "if the strikes go on")
_UNSURE = re.compile(
    rf"\b(?:{HEDGES}|possibly|probably|not sure|depends|wonder|hope|reckon|i'd|it'd|personally|who knows)\b",
    re.IGNORECASE,
)
_MIN_WORDS = 3  # "Even for renewals" states no decision
# a person (one of the meeting's people, or a pronoun other than "we") who will or must do something:
# a task, not a decision ("Dembe will sort the generator", "She needs to call the insurer")
_WHO_WILL = r"(?:'ll|\s+(?:will|shall|is going to|are going to|needs? to|has to|have to|should|must|to)\b)"
_PRONOUN_WILL = re.compile(
    rf"^(?:i|he|she|they|you){_WHO_WILL}"
    # "They will be served the set menu." says what is done to them, not what they will do
    r"(?!\s+be\s+(?:\w+ed|served|given|sent|paid|told|shown|taken|held|kept|put|set|made|seen|built|written)\b)",
    re.IGNORECASE,
)
# a topic put off is not settled ("let's park that", "we'll revisit it in January")
_DEFERRED = re.compile(
    r"\b(?:(?<!car )park(?:ed|ing)?(?! (?:lot|space|spaces|permit|bay)\b)|hold(?:ing)? off|come back to"
    r"|revisit|postpone[sd]?|defer(?:red)?"
    r"|put (?:it|this|that) off|table (?:it|this|that)|tabled|(?:take|taking) (?:it|this|that) offline"
    r"|sleep on|wait and see)\b",
    re.IGNORECASE,
)


def another_act(text: str, people: Iterable[str]) -> bool:
    """A decision's wording that gives a person (one of ``people``, the meeting's names, or a
    pronoun) a task, or puts a topic off: not a decision, however the model judged it."""
    if _DEFERRED.search(text) or _PRONOUN_WILL.match(text):
        return True
    return given_to(text, people) is not None


def given_to(text: str, people: Iterable[str]) -> str | None:
    """The person (one of ``people``) a wording gives a task to ("Chidi should go to the trust"),
    or None: a phrasing of one person's commitment that names another as the doer is wrong."""
    names = {n for p in people for n in (p, p.split()[0]) if n and n[0].isupper()}
    return next(
        (n for n in sorted(names, key=len, reverse=True) if re.match(rf"{re.escape(n)}{_WHO_WILL}", text)),
        None,
    )


def _not_a_decision(text: str, line: Utterance, people: Iterable[str]) -> bool:
    """The sentence of ``line`` closest to ``text`` is a question, a hedge, someone taking on a task
    ("I'll ask Tom") or a topic put off ("let's park that"), or the proposal itself gives a person a
    task ("Dembe will sort the generator") or puts a topic off: what the model read as a decision is
    another speech act."""
    words = content_words(text)
    sentences = split_sentences(line.text)
    if not sentences:
        return True
    closest = max(sentences, key=lambda x: len(words & content_words(x)))
    if another_act(text, people) or _DEFERRED.search(closest):
        return True
    if told_before(closest):  # "When we moved the server room last time, it took a month."
        return True
    return is_question(closest) or bool(_UNSURE.search(closest)) or commitment_cue(closest) is not None


def _held_by(text: str, evidence: tuple[int, ...], taken: Sequence[Candidate]) -> bool:
    """A rule candidate already holds this: a rule decision on the same evidence, a rule action on
    the line (the rules read it as someone's task), or any other rule candidate on the same line
    sharing most of the proposal's content words."""
    words = content_words(text)
    for cand in taken:
        same_line = set(evidence) & set(cand.evidence or (cand.utterance,))
        if not same_line:
            continue
        if cand.kind in ("decision", "action"):
            return True
        shared = len(words & content_words(cand.text)) / max(1, len(words))
        if shared >= 0.5:
            return True
    return False


def read_proposals(
    reply: Mapping[str, Any],
    part: Sequence[Utterance],
    *,
    taken: Sequence[Candidate],
    meeting_date: date,
    item_chars: int = 140,
    people: Iterable[str] = (),
) -> list[Candidate]:
    """The model's proposed decisions for ``part`` that its words support and the rules lack."""
    by_index = {u.index: u for u in part}
    out: list[Candidate] = []
    for line, raw_text in _entries(reply):
        text = raw_text[:item_chars]
        evidence = _evidence(text, line, by_index, meeting_date)
        if evidence is None or _held_by(text, evidence, [*taken, *out]):
            continue
        main = by_index[line if line in evidence else evidence[0]]
        if "?" in text or len(content_words(text)) < _MIN_WORDS or _not_a_decision(text, main, people):
            continue
        due = resolve_due(text, meeting_date)
        out.append(
            Candidate(
                kind="decision",
                utterance=main.index,
                speaker=main.speaker,
                text=text,
                due=due[0] if due else None,
                due_text=due[1] if due else None,
                evidence=tuple(sorted(evidence)),
                cue="model",
            )
        )
    return out
