"""What the model is asked of one candidate item, and the shape of its reply: whether to keep it, and
the item in a few words (an action as an imperative without the person or the date, a decision
or an open question as one short sentence)."""

from __future__ import annotations

from typing import Any


def judge_schema(field_name: str, max_len: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"keep": {"type": "boolean"}, field_name: {"type": "string", "maxLength": max_len}},
        "required": ["keep", field_name],
        "additionalProperties": False,
    }


ITEM_PROMPTS = {
    "action": (
        "task",
        "Is this a commitment to do a concrete task? If yes, write the task as a short imperative phrase "
        "(e.g. 'Send the budget to finance'), without the person's name and without the date.",
    ),
    "decision": (
        "decision",
        "Is this a decision the meeting took? If yes, state the decision as one short sentence.",
    ),
    # a decision the model itself proposed for the chunk, shown the words of the line it cited
    "proposed": (
        "decision",
        "Did the group settle this just now: an outcome it agreed, approved or chose? Answer no for an "
        "idea or suggestion nobody accepted, a task one person takes on, a decision made in the past, a "
        "question, or a topic put off. If yes, state the decision as one short sentence.",
    ),
    "question": (
        "question",
        "Is this a real question the meeting left open (not small talk)? "
        "If yes, restate it as one short question.",
    ),
}
