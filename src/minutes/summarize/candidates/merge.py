"""Decisions found more than once merged into one: a proposal agreed and then ruled on, a
confirmation by another speaker ("B it is." after "Let's go with B."), two found in one turn.

Pure: candidates in, candidates out (:func:`minutes.summarize.candidates.decisions.decisions`
calls them on what it found).
"""

from __future__ import annotations

from dataclasses import replace

from minutes.summarize.candidates.scan import FILLER, Candidate, rx
from minutes.summarize.text import content_words, words

IT_IS = rx(
    rf"^(?:{FILLER}|.*,\s+(?=[\w'-]+(?:\s[\w'-]+)? it is for\b))"
    rf"(?P<x>[\w'-]+(?:\s[\w'-]+){{0,3}}) it is(?: for (?:the )?[\w'-]+)?\s*(?:[,.!;]|$)"
)
"""An outcome named and settled: "Rubber it is.", and after a clause with what it is for: "It was, but
look, MFCC it is for the paper." (not "wherever it is, it'll beep")."""

_PUT = ("agreement:", "decision:choice", "decision:yes", "decision:let's")


def ruled_merged(found: list[Candidate]) -> list[Candidate]:
    """A proposal agreed or chosen, then ruled on within three turns ("Keep it free." … "Unanimous,
    it stays free."; "I would suggest the tenth." — "Agreed." … "So resolved: the tenth."): one
    decision, in the ruling's words, with the evidence of both."""
    out: list[Candidate] = []
    last = None  # where in ``out`` the last decision is
    for c in found:
        prev = out[last] if last is not None else None
        if (
            prev is not None
            and c.kind == "decision"
            and prev.cue.startswith(_PUT)
            and not c.cue.startswith(_PUT)
            and 0 < c.utterance - max(prev.evidence) <= 3
            and content_words(prev.text) & content_words(c.text)
        ):
            out[last] = replace(c, evidence=tuple(sorted({*prev.evidence, *c.evidence})))
            continue
        out.append(c)
        if c.kind == "decision":
            last = len(out) - 1
    return out


def confirmations_merged(found: list[Candidate]) -> list[Candidate]:
    """ "B it is." said by another speaker right after a decision that names B ("Let's go with B.")
    confirms it: more evidence for that decision, not a second one. "C it is." names something new
    and stands. Two decisions found in one turn are one, in both sentences' words."""
    out: list[Candidate] = []
    for c in found:
        prev = out[-1] if out else None
        named = IT_IS.search(c.text) if c.cue == "decision:it is" else None
        if prev is not None and prev.kind == c.kind == "decision" and prev.utterance == c.utterance:
            # one turn, one outcome: "Okay, let's do that. Channel at thirty, page at seven. That's the
            # rule for every cert from now on."
            evidence = tuple(sorted({*prev.evidence, *c.evidence}))
            out[-1] = replace(prev, text=f"{prev.text} {c.text}", evidence=evidence)
            continue
        if (
            named is not None
            and prev is not None
            and prev.kind == "decision"
            and c.utterance == prev.utterance + 1
            and c.speaker != prev.speaker
            and set(words(named.group("x"))) <= set(words(prev.text))
        ):
            out[-1] = replace(prev, evidence=tuple(sorted({*prev.evidence, *c.evidence, c.utterance})))
            continue
        out.append(c)
    return out
