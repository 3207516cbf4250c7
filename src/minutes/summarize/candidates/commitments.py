"""Commitments: a speaker takes on a task in the first person; the owner is that speaker.

- first person + future or ability + an action: "I'll", "I will", "I can", "I'm going to",
  "let me", "I'd be happy to" … and a task; not negated ("I will not"), not perception, stance or
  meeting mechanics ("I can see", "I'll support that", "I'll take that as a proposal"), not inside
  a conditional or hedged clause ("if I can", "maybe I'll"), not an offer on a condition that
  follows ("I can do it, if you send me the numbers"), not a question.
- a claim of a task that stands on its own: "leave that with me", "consider it done", "I'm on
  it", "you'll have it by Friday", and "that's me" / "that'll be me" in reply to another
  speaker's question.
- "we'll" / "we will" + a task with a deadline: the speaker's team commits ("We'll issue the model
  in ten days", "by Friday"); without one it is too often a plan of the whole room.

All commitment sentences of one turn are one item (the later ones usually add the detail or the
date). The due date is read from the clause of the cue on ("The launch is Friday, I'll print the
flyers" has none), the rest of the turn ("I'll do it. Tomorrow."), or a short dated reply right
after ("By when?" — "Saturday."). Dropped: a joke (an ironic "oh, sure, and I'll …", or the next
speaker laughs), an offer the next speaker turns down ("No need, …"), reported speech ("she said
I'll …"). Which sentence promises at all is :mod:`.promise`'s grammar; this module makes the items.
"""

from __future__ import annotations

from minutes.summarize.candidates.promise import CLAIM, clause_start, commitment_cue, team_cue
from minutes.summarize.candidates.scan import FILLER, Candidate, Scan, rx
from minutes.summarize.dates import without_dates
from minutes.summarize.text import content_words

_CONTINGENCY = rx(r",\s*(?:and|but|so)\s+if\b.*$")
"""What happens if the task fails is not the task: "I'll chase them tomorrow, and if there's nothing by next
week we need a backup" is due tomorrow."""
_NO_NEED = rx(
    rf"^{FILLER}(?:no need|no thanks|no,? (?:it's|that's) fine|don't bother|not necessary|no,? (?:i|we)'ve)\b"
)
_TWO = rx(
    r"^(?P<a>.*?\bi'll\b.+?),?\s+and\s+(?:then\s+)?(?:also\s+)?"
    r"(?P<b>i'll\s+(?!(?:have|get|send) (?:it|them|that|those|these)\b)(?!.*\b(?:if|unless|in case)\b).+)$"
)
"""Two tasks in one breath, each with its own "I'll" ("…, and I'll send the spec by Thursday"); not a
delivery of the same ("…, and I'll have them for Wednesday") or what happens if it fails."""


def _deadline_first(scan: Scan, texts: list[str]) -> list[str]:
    """The speaker's own sentences, a deadline in the next one first: "I'll sort Saturday out
    myself. I'll have it fixed by Wednesday." is due Wednesday."""
    n, first = next(((n, found) for n, t in enumerate(texts) if (found := scan.dates(t))), (None, []))
    if n is None or n + 1 >= len(texts) or any(m.deadline for m in first):
        return texts
    if any(m.deadline for m in scan.dates(texts[n + 1])):
        return [*texts[:n], texts[n + 1], texts[n], *texts[n + 2 :]]
    return texts


def _cue_here(scan: Scan, i: int, k: int) -> str | None:
    s = scan.sentences[i][k]
    cue = commitment_cue(s)
    if (
        cue
        and CLAIM.match(cue)
        and (not _answers_a_question(scan, i) or _WHOSE.match(scan.utterances[i - 1].text))
    ):
        return None
    tail = scan.sentences[i][k + 1] if k + 1 < len(scan.sentences[i]) else ""
    return cue or team_cue(scan, s, tail)


def _asker(scan: Scan, i: int) -> list[str]:
    """Who spoke just before and after utterance ``i`` (they may ask "by when?")."""
    near = scan.utterances[max(0, i - 1) : i + 2]
    return [x.speaker for x in near]


def _turned_down(scan: Scan, i: int) -> bool:
    """ "I can call the landlord." — "No need, I spoke to him.": an offer not taken up."""
    nxt = scan.utterances[i + 1] if i + 1 < len(scan.utterances) else None
    return nxt is not None and nxt.speaker != scan.utterances[i].speaker and bool(_NO_NEED.match(nxt.text))


def _answers_a_question(scan: Scan, i: int) -> bool:
    prev = scan.utterances[i - 1] if i > 0 else None
    return prev is not None and prev.speaker != scan.utterances[i].speaker and "?" in prev.text


def commitments(scan: Scan) -> list[Candidate]:
    """One action per turn that commits its speaker to something (see the module docstring)."""
    out: list[Candidate] = []
    for i, u in enumerate(scan.utterances):
        found = [
            (k, cue)
            for k in range(len(scan.sentences[i]))
            if (i, k) not in scan.used and not scan.retracted(i, k)
            for cue in [_cue_here(scan, i, k)]
            if cue
        ]
        if not found or scan.laughed_off(i) or _turned_down(scan, i):
            continue
        k0, cue = found[0]
        scan.used.update((i, k) for k, _ in found)
        text = " ".join(_CONTINGENCY.sub("", scan.sentences[i][k]) for k, _ in found)
        tail = scan.sentences[i][found[-1][0] + 1 :]
        if tail and scan.due(tail[0])[0] is not None and len(tail[0].split()) <= 6:
            text = f"{text} {tail[0]}"  # "I'll make the sheet. Tomorrow."
        due_from = scan.due_texts(i, k0, clause_start(scan.sentences[i][k0]))
        if not any(scan.due(t)[0] for t in due_from):  # "By Friday, I'll send it."
            due_from = [x for x in [scan.sentences[i][k0]] if any(m.deadline for m in scan.dates(x))]
            # "Yes, by the 30th. I'll get them off my sister.", "Tuesday's fine. I'll run it."
            due_from.extend(x for x in scan.sentences[i][max(0, k0 - 1) : k0] if len(x.split()) <= 6)
            head = scan.sentences[i][k0][: clause_start(scan.sentences[i][k0])]
            if len(content_words(without_dates(head, scan.meeting_date))) <= 1:
                due_from.append(head)  # "Monday week, yes, I'll pull it off the system.", not
                # "Pour's confirmed for Thursday, I'll book the pump."
            due_from.append(scan.follow_up(i, {u.speaker, *_asker(scan, i)}))
        due_from = _deadline_first(scan, [_CONTINGENCY.sub("", t) for t in due_from])
        two = _TWO.match(text) if len(found) == 1 else None
        if two is not None and commitment_cue(two.group("a") + ".") and commitment_cue(two.group("b")):
            # "I'll brief the night staff tonight, and I'll do a new sign for the entrance.": two tasks
            first, second = two.group("a").rstrip(" ,") + ".", two.group("b")
            out.append(scan.item("action", i, first, f"commitment:{cue}", owner=u.speaker, due_from=[first]))
            out.append(
                scan.item(
                    "action", i, second, f"commitment:{cue}", owner=u.speaker, due_from=[second, *due_from]
                )
            )
            continue
        topic = _claimed(scan, i, cue) if k0 == 0 else None
        if topic is not None:  # "Patch notes, 1.14?" — "Mine. Friday.": the task is the prompt's
            text = f"{topic}: {text}"
        elif k0 > 0 and CLAIM.match(cue):  # "Config push Wednesday. Mine.": named just before
            text = " ".join([*scan.sentences[i][:k0], text])
        out.append(
            scan.item(
                "action",
                i,
                text,
                f"commitment:{cue}",
                owner=u.speaker,
                due_from=due_from,
                also=[i - 1] if topic is not None else (),
            )
        )
    return out


_PROMPT_WORDS = 10
_WHOSE = rx(r"^\W*(?:\w+[,.]?\s+)?whose\b")
"""Whose thing it is ("Whose coffee is this?" — "Mine."): no task."""


def _claimed(scan: Scan, i: int, cue: str) -> str | None:
    """The task a bare claim ("Mine.", "That's me.") takes on: the short question just before it that
    names it ("Patch notes, 1.14?"). A claim is only found in reply to another speaker's question,
    never after "Whose …?" (:func:`_cue_here`), so that line is the one to read."""
    if not CLAIM.match(cue):
        return None
    said = scan.utterances[i - 1].text.strip().rstrip("?.!").strip()
    if not said or len(said.split()) > _PROMPT_WORDS:
        return None
    return said if content_words(said) else None
