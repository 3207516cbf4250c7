"""When the check removes every sentence the model wrote: the lines it cited, quoted as said.

The model found lines about the question and wrote sentences on them that the check could not
verify (twice: the second try is checked too). Answering "not found in the meetings you can see"
would then claim the meetings do not speak of it, which is not what happened. The answer is instead
the cited lines themselves: of each, the sentences holding the question's words, word for word. A
quote needs no check (it is what was said), and the answer is marked ``quoted`` so no one takes it
for a summary. Only cited lines that hold at least one of the question's content words are quoted
(the lines holding the most of them, then those cited most often, at most :data:`QUOTES`); with none,
the answer stays "not found".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from minutes.ask.types import Answer, Citation, Line, Removed, Sentence
from minutes.lexical import terms
from minutes.summarize.text import split_sentences

QUOTES = 2
QUOTE_WORDS = 40
"""A quoted line longer than this is cut to its sentences holding the question's words (QMSum's
lines run to hundreds of words; an answer is read at a glance)."""


def quoted(
    question_terms: Collection[str], lines: Sequence[Line], removed: Sequence[Removed]
) -> Answer | None:
    """The lines the removed sentences cited, quoted, or None when none holds a word of the question.

    ``question_terms`` are the question's stemmed content words (as the words ranking uses them),
    ``lines`` what the model was shown, ``removed`` the sentences the check took out (with the
    positions of the lines each cited)."""
    wanted = set(question_terms)
    cited = Counter(i for r in removed for i in r.lines if 0 <= i < len(lines))
    ranked = sorted(
        (-len(wanted.intersection(terms(lines[i].text))), -times, i) for i, times in cited.items()
    )
    best = sorted(i for held, _, i in ranked[:QUOTES] if held < 0)
    if not best:
        return None
    sentences = tuple(
        Sentence(f"{lines[i].speaker}: “{snippet(lines[i].text, wanted)}”", (Citation.of(lines[i]),))
        for i in best
    )
    return Answer(
        " ".join(s.text for s in sentences), True, sentences, tuple(removed), len(lines), quoted=True
    )


def snippet(text: str, wanted: Collection[str], *, limit: int = QUOTE_WORDS) -> str:
    """``text`` whole when short; else its sentences holding a word of ``wanted``, in order, up to
    ``limit`` words (a sentence past it is cut), gaps marked "…"."""
    if len(text.split()) <= limit:
        return text
    parts = split_sentences(text)
    keep = [n for n, part in enumerate(parts) if not set(terms(part)).isdisjoint(wanted)] or [0]
    out: list[str] = ["…"] if keep[0] > 0 else []
    count = 0
    last = -2
    for n in keep:
        words = parts[n].split()
        if count and count + len(words) > limit:
            break
        if last >= 0 and n != last + 1:
            out.append("…")
        taken = words[: limit - count]
        out.append(" ".join(taken) + (" …" if len(taken) < len(words) else ""))
        count += len(taken)
        last = n
    if last < len(parts) - 1 and not out[-1].endswith("…"):
        out.append("…")
    return " ".join(out)
