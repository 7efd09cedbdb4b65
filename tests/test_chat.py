"""The Ask tab's conversation turn and message markup, with a fake pipeline (no model, no Gradio)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledgebot.app.chat import (
    FORGOTTEN,
    KEPT_ANSWERS,
    Kept,
    answer_turn,
    echo,
    linked,
    more_matches,
    plain,
    previous_questions,
    restored_conversation,
    saved_conversation,
    unplain,
)
from pledgebot.app.controls import ANY
from pledgebot.errors import QuestionError
from pledgebot.records import Answer, Citation, Pledge, Source
from pledgebot.understand import MAX_CHARS

NO_FILTERS = (ANY,) * 5


@dataclass
class FakeBot:
    """Answers every question with one citation and records what it was asked."""

    asked: list[tuple[str, Any]] = field(default_factory=list)

    def ask(self, question: str, filters: Any = None, history: Any = None) -> Answer:
        if not question.strip():
            raise QuestionError("the question is empty")
        self.asked.append((question, history))
        source = Source(section="S", line_start=1, line_end=2)
        cite = Citation(1, "p1", "pledge", "Athens", "Greece", 2023, "T", "quoted", source)
        return Answer(question=question, text="Athens does this [1]; see also [2] and [1](x).", citations=[cite])


@dataclass
class FakeData:
    bot: FakeBot = field(default_factory=FakeBot)
    records: dict[str, Any] = field(default_factory=dict)


@given(st.text())
def test_plain_text_reads_back_exactly(text: str) -> None:
    assert unplain(plain(text)) == text


@pytest.mark.parametrize(
    "typed",
    ["<script>alert(1)</script>", "<img src=/x>", "**bold** and [a link](http://example.org)", "# heading"],
)
def test_typed_markup_is_shown_not_rendered(typed: str) -> None:
    shown = plain(typed)
    assert "<" not in shown and "](" not in shown and not shown.startswith("#") and "**" not in shown


def test_citation_markers_link_to_their_turns_cards() -> None:
    text = linked("A [1], B [2]; a quote's own [3] and a link [1](x) stay.", turn=5, numbers={1, 2})
    assert "[\\[1\\]](#pb-src-5-1)" in text and "[\\[2\\]](#pb-src-5-2)" in text
    assert "[3]" in text and "[1](x)" in text


def test_kept_sources_are_bounded_and_found_by_message() -> None:
    kept = Kept()
    assert "no sources" in kept.shown(1)[0]
    for turn in range(1, 2 * (KEPT_ANSWERS + 5), 2):  # answers sit at odd chat indexes
        kept.keep(turn, f"panel {turn}", f"line {turn}")
    assert len(kept.panels) == KEPT_ANSWERS
    last = max(kept.panels)
    assert kept.shown(last) == (f"panel {last}", f"line {last}")
    assert kept.shown(last - 1) == (f"panel {last}", f"line {last}")  # the question's answer
    assert FORGOTTEN in kept.shown(1)[0] and "no sources" in kept.shown(last + 2)[0]


def test_a_turn_answers_once_whether_or_not_the_question_was_shown_first() -> None:
    data = FakeData()
    _, direct, *_ = answer_turn(data, "what does <b>Athens</b> do?", [], NO_FILTERS, Kept())
    box, shown, pending = echo("what does <b>Athens</b> do?", [])
    assert box == "" and pending == "what does <b>Athens</b> do?" and shown[-1]["role"] == "user"
    _, after_echo, *_ = answer_turn(data, pending, shown, NO_FILTERS, Kept())
    assert after_echo == direct and [m["role"] for m in direct] == ["user", "assistant"]
    assert "#pb-src-1-1" in direct[1]["content"] and "[2]" in direct[1]["content"]


def test_follow_ups_see_the_earlier_questions_as_typed() -> None:
    data, kept = FakeData(), Kept()
    _, chat, *_ = answer_turn(data, "pledges on *housing* in <Greece>?", [], NO_FILTERS, kept)
    _, chat, panel, *_ = answer_turn(data, "and in Kenya?", chat, NO_FILTERS, kept)
    assert previous_questions(chat) == ["pledges on *housing* in <Greece>?", "and in Kenya?"]
    assert data.bot.asked[-1] == ("and in Kenya?", ["pledges on *housing* in <Greece>?"])
    assert sorted(kept.panels) == [1, 3] and "data-turn='3'" in panel


@pytest.mark.parametrize("question", ["", "x" * (MAX_CHARS + 50)])
def test_an_unreadable_question_is_answered_kindly_and_never_echoed_in_full(question: str) -> None:
    data = FakeData()
    data.bot.ask = lambda q, *a, **k: (_ for _ in ()).throw(QuestionError("too long"))  # type: ignore[method-assign]
    _, chat, panel, line = answer_turn(data, question, [], NO_FILTERS, Kept())
    assert chat[-1]["content"].startswith("I can't answer that as asked") and line == ""
    assert all(len(m["content"]) <= MAX_CHARS + 200 for m in chat)


def test_a_saved_conversation_restores_its_messages_and_sources() -> None:
    data, kept = FakeData(), Kept()
    _, chat, *_ = answer_turn(data, "what does Athens do?", [], NO_FILTERS, kept)
    saved = json.loads(json.dumps(saved_conversation(chat, kept)))  # as the browser stores it
    again, restored = restored_conversation(saved)
    assert again == chat and restored == kept


@pytest.mark.parametrize("saved", [None, {}, {"chat": 3}, {"chat": [], "panels": [["x", 1]]}, "text"])
def test_a_malformed_saved_conversation_starts_afresh(saved: Any) -> None:
    assert restored_conversation(saved) == ([], Kept())


def test_matches_counted_but_not_quoted_are_listed_under_the_answer() -> None:
    source = Source(section="S", line_start=1, line_end=2)
    records = {
        f"p{i}": Pledge(f"p{i}", 2023, f"City <{i}>", "city", "Greece", "Europe", f"*Title* {i}", "d", source)
        for i in range(3)
    }
    block = more_matches(["p2", "p0", "missing", "p1"], records)
    assert "The other 3 matches (not quoted)" in block
    assert block.index("City &lt;2&gt;") < block.index("City &lt;0&gt;")  # best first, as given
    assert "<2>" not in block and "\\*Title\\*" in block  # report text is shown as text
    assert more_matches([], records) == "" and more_matches(["missing"], records) == ""
