"""Ask across the archive, on SQLite and PostgreSQL: retrieval by words and by meaning, the access
rules inside retrieval (another team's meeting never reaches the model nor a citation), the check,
"not found", the JSON shape and the API's authentication."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from minutes.accounts.access import Actor, load_principal
from minutes.ask import NOT_FOUND, AskFilters, answer, retrieve
from minutes.ask.indexing import index_meetings
from minutes.db import session_scope
from minutes.db.accounts import User
from minutes.errors import QueryError
from minutes.llm import Reply
from tests.fakes import FakeAskLLM, FakeEmbedder, InventingAskLLM
from tests.web.world import World


def actor(world: World, username: str) -> Actor:
    with session_scope(world.sessions) as s:
        principal = load_principal(s, s.get_one(User, world.users[username]))
    return Actor(principal=principal, ip=None, via="api")


def test_meaning_finds_a_paraphrase_words_do_not(archive: World, embedder: FakeEmbedder) -> None:
    question = "When do we hire engineers?"  # the line says "recruit two developers"
    mona = actor(archive, "mona")
    with session_scope(archive.sessions) as s:
        by_words = retrieve(s, mona, question, embedder=None)
        both = retrieve(s, mona, question, embedder=embedder)
    assert by_words.lines == ()
    assert {line.meeting_id for line in both.lines} == {archive.meetings["hiring"]}
    assert "recruit two developers" in both.lines[0].text


def test_another_teams_meeting_never_reaches_the_model(
    archive: World, embedder: FakeEmbedder, llm: FakeAskLLM
) -> None:
    # "pricing" is said in Sales, Support and the no-team meeting; mona manages Sales only. Support's
    # meeting holds every word of the first question; Sales only "pricing", too little for it.
    result = answer(
        archive.sessions, actor(archive, "mona"), "pricing refunds escalation", llm=llm, embedder=embedder
    )
    assert not result.found and llm.prompts == []
    result = answer(archive.sessions, actor(archive, "mona"), "pricing", llm=llm, embedder=embedder)
    cited = {c.meeting_id for s in result.sentences for c in s.citations}
    assert result.found and cited == {archive.meetings["sales"]}
    shown = "\n".join(llm.prompts)
    for secret in ("escalation about", "Board pricing", "secretly"):
        assert secret not in shown
    # By meaning too: Support's "recruit developers" is as close as Sales' to this question.
    answer(archive.sessions, actor(archive, "mona"), "hire engineers", llm=llm, embedder=embedder)
    assert "secretly" not in llm.prompts[-1] and "recruit two developers" in llm.prompts[-1]


def test_a_member_sees_only_what_is_shared_and_an_admin_everything(
    archive: World, embedder: FakeEmbedder, llm: FakeAskLLM
) -> None:
    mel = answer(archive.sessions, actor(archive, "mel"), "pricing", llm=llm, embedder=embedder)
    assert mel.answer == NOT_FOUND and not mel.found and llm.prompts == []  # nothing retrieved: no model call
    admin = actor(archive, "ada")
    with session_scope(archive.sessions) as s:
        ada = retrieve(s, admin, "pricing", embedder=embedder)
    assert {line.meeting_id for line in ada.lines} >= {
        archive.meetings[k] for k in ("sales", "support", "orphan")
    }


def test_an_unsupported_sentence_is_removed(archive: World, embedder: FakeEmbedder) -> None:
    llm = FakeAskLLM(extra=["Mona decided to cancel the whole project on 3 March."])
    result = answer(archive.sessions, actor(archive, "mona"), "hire engineers", llm=llm, embedder=embedder)
    assert result.found and len(result.sentences) == 1
    assert [r.text for r in result.removed] == ["Mona decided to cancel the whole project on 3 March."]
    assert "cancel" not in result.answer


class SecondTry(FakeAskLLM):
    """Invents a sentence first; asked again, answers as :class:`FakeAskLLM` from the lines it was shown."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[dict[str, str]]] = []

    def chat(self, messages: list[dict[str, str]], **kwargs: Any) -> Reply:
        self.calls.append(messages)
        if len(self.calls) == 1:
            invented = {"text": "Mona cancelled the whole project on 3 March.", "lines": [1]}
            return Reply(json.dumps({"found": True, "sentences": [invented]}))
        return super().chat(messages[:1] + messages[1:2], **kwargs)


def test_every_sentence_removed_asks_once_more_and_checks_the_new_reply(
    archive: World, embedder: FakeEmbedder
) -> None:
    llm = SecondTry()
    result = answer(archive.sessions, actor(archive, "mona"), "hire engineers", llm=llm, embedder=embedder)
    assert len(llm.calls) == 2 and "do not" in llm.calls[1][-1]["content"]
    assert result.found and "recruit two developers" in result.answer and "cancel" not in result.answer
    assert [r.text for r in result.removed] == ["Mona cancelled the whole project on 3 March."]
    # A reply with a sentence left is not asked again; a second reply that fails too is not found.
    kept = FakeAskLLM(extra=["Mona decided to cancel the whole project on 3 March."])
    answer(archive.sessions, actor(archive, "mona"), "hire engineers", llm=kept, embedder=embedder)
    assert len(kept.prompts) == 1


def test_every_sentence_removed_twice_quotes_the_cited_line_that_holds_the_question(
    archive: World, embedder: FakeEmbedder
) -> None:
    llm = InventingAskLLM()
    result = answer(archive.sessions, actor(archive, "mona"), "pricing", llm=llm, embedder=embedder)
    assert len(llm.prompts) == 2
    body = result.to_dict()
    assert body["found"] is True and body["quoted"] is True and result.note
    [sentence] = body["sentences"]
    assert sentence["text"] == "SPEAKER_00: “We ship pricing v2 in November”"
    assert sentence["citations"][0]["meeting_id"] == archive.meetings["sales"]
    assert "cancelled" not in result.answer and len(result.removed) == 2
    # The line cited holds none of the question's words ("recruit two developers"): not found.
    missed = answer(
        archive.sessions, actor(archive, "mona"), "hire engineers", llm=InventingAskLLM(), embedder=embedder
    )
    assert missed.to_dict() == {"answer": NOT_FOUND, "found": False, "quoted": False, "sentences": []}


def test_not_found_when_the_model_finds_nothing(archive: World, embedder: FakeEmbedder) -> None:
    result = answer(
        archive.sessions, actor(archive, "mona"), "pricing", llm=FakeAskLLM(empty=True), embedder=embedder
    )
    assert result.to_dict() == {"answer": NOT_FOUND, "found": False, "quoted": False, "sentences": []}


def test_filters(archive: World, embedder: FakeEmbedder) -> None:
    ada = actor(archive, "ada")
    with session_scope(archive.sessions) as s:
        only = retrieve(
            s,
            ada,
            "pricing",
            embedder=embedder,
            filters=AskFilters(meeting_ids=(archive.meetings["orphan"],)),
        )
        team = retrieve(s, ada, "pricing", embedder=embedder, filters=AskFilters(team="support"))
        later = retrieve(s, ada, "pricing", embedder=embedder, filters=AskFilters(since=date(2027, 1, 1)))
        person = retrieve(s, ada, "pricing", embedder=embedder, filters=AskFilters(person="speaker_01"))
        with pytest.raises(QueryError, match="no team named"):
            retrieve(s, ada, "pricing", embedder=embedder, filters=AskFilters(team="Legal"))
    assert {line.meeting_id for line in only.lines} == {archive.meetings["orphan"]}
    assert {line.meeting_id for line in team.lines} == {archive.meetings["support"]}
    assert later.lines == ()
    assert person.lines  # every world meeting has SPEAKER_01


def test_api_answers_in_the_documented_shape(asking: Callable[[str], TestClient], archive: World) -> None:
    response = asking("mona").post("/api/v1/ask", json={"question": "When do we hire engineers?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"answer", "found", "quoted", "sentences"} and body["found"] is True
    assert body["quoted"] is False
    [sentence] = body["sentences"]
    [citation] = sentence["citations"]
    assert set(citation) == {"meeting_id", "utterance", "start", "end", "speaker", "text"}
    assert citation["meeting_id"] == archive.meetings["hiring"]
    assert citation["utterance"] == 0 and citation["text"] == "We will recruit two developers next quarter"
    assert citation["speaker"] == "SPEAKER_00" and citation["start"] == 0.5


def test_api_needs_a_signed_in_user_and_hides_other_teams(
    asking: Callable[[str], TestClient], archive: World
) -> None:
    client = asking("sam")
    anonymous = client.post("/api/v1/ask", json={"question": "pricing"}, headers={"Authorization": ""})
    assert anonymous.status_code == 401
    wrong = client.post("/api/v1/ask", json={"question": "pricing"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    sales = archive.meetings["sales"]
    hidden = client.post("/api/v1/ask", json={"question": "pricing", "meeting_ids": [sales]})
    assert hidden.status_code == 200 and hidden.json()["found"] is False
    blank = client.post("/api/v1/ask", json={"question": ""})
    assert blank.status_code == 422


def test_a_meeting_indexed_after_the_first_question_is_found_by_its_words(
    archive: World, embedder: FakeEmbedder
) -> None:
    ada = actor(archive, "ada")
    question = "What about the zeppelin hangar?"
    with session_scope(archive.sessions) as s:  # the passages are read into memory now
        before = retrieve(s, ada, question, embedder=embedder).lines
    assert all("zeppelin" not in line.text for line in before)
    archive.add_meeting("hangar", team="Sales", words="The zeppelin hangar lease ends in May")
    assert not index_meetings(archive.sessions, embedder).failed
    with session_scope(archive.sessions) as s:
        found = retrieve(s, ada, question, embedder=embedder)
    assert found.lines and found.lines[0].meeting_id == archive.meetings["hangar"]
    assert "zeppelin hangar lease" in found.lines[0].text
    # Every passage embedded again (rows replaced): the words are read again, not kept twice.
    assert not index_meetings(archive.sessions, embedder, rebuild=True).failed
    with session_scope(archive.sessions) as s:
        again = retrieve(s, ada, question, embedder=embedder)
    assert again == found
