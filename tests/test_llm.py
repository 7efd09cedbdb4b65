"""The optional LLM path with langchain-core's fake chat models: citations are checked, failures fall back."""

from __future__ import annotations

import time

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from pledgebot.answer import keep_cited_sentences, llm_rewrite


def fake(text: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=text)]))


def extractive(bot):
    return bot.ask("Who runs one-stop shops for OFWs?")


def number_of(answer, submitter):
    return next(c.n for c in answer.citations if c.submitter == submitter)


def test_invented_citations_are_removed(bot):
    answer = extractive(bot)
    laguna, quezon = number_of(answer, "Laguna Province"), number_of(answer, "Quezon City")
    n = len(answer.citations)
    reply = (
        f"Laguna Province operates a one-stop migration resource centre [{laguna}]. "
        f"Manila does too [{n + 5}]. This sentence cites nothing. Quezon City opened a centre [{quezon}]. "
        f"Quezon City also runs a Laguna hotline [{laguna}]."
    )
    out = llm_rewrite(answer, fake(reply), timeout=5)
    assert "Manila" not in out.text and "cites nothing" not in out.text
    assert "Laguna Province operates" in out.text and "Quezon City opened" in out.text
    assert "hotline" not in out.text  # names Quezon City but cites only Laguna's excerpt
    assert {c.n for c in out.citations} == {laguna, quezon}
    assert any("LLM" in note for note in out.notes)


def test_model_errors_fall_back_with_a_note(bot):
    class Broken:
        def invoke(self, prompt):
            raise ConnectionError("no server")

    answer = extractive(bot)
    out = llm_rewrite(answer, Broken(), timeout=5)
    assert out.text == answer.text and out.citations == answer.citations
    assert any("ConnectionError" in note for note in out.notes)


def test_timeouts_fall_back_within_the_timeout(bot):
    class Slow:
        def invoke(self, prompt):
            time.sleep(3)
            return AIMessage(content="Too late [1].")

    answer = extractive(bot)
    started = time.perf_counter()
    out = llm_rewrite(answer, Slow(), timeout=0.5)
    assert time.perf_counter() - started <= 0.5 + 0.5  # the slow call is left behind, not waited for
    assert out.text == answer.text and any("timeout" in note for note in out.notes)


def test_reply_without_valid_citations_falls_back(bot):
    answer = extractive(bot)
    out = llm_rewrite(answer, fake("Many cities do this. Some of them in Asia [99]."), timeout=5)
    assert out.text == answer.text and any("no valid citation" in note for note in out.notes)


def test_pipeline_uses_the_model_when_configured(bot):
    laguna = number_of(extractive(bot), "Laguna Province")
    reply = f"Laguna Province set up a one-stop centre [{laguna}]."
    llm_bot = bot.variant(llm=fake(reply))
    out = llm_bot.ask("Who runs one-stop shops for OFWs?")
    assert out.text.startswith(reply) and "llm" in out.timings_ms
    abstained = bot.variant(llm=fake("Oslo did things [1].")).ask("What did Oslo pledge?")
    assert abstained.abstained and "Oslo did things" not in abstained.text  # no model call for abstentions


def test_a_misconfigured_model_is_reported_once_and_answers_are_extractive(settings, caplog):
    from dataclasses import replace

    from pledgebot.pipeline import PledgeBot

    with caplog.at_level("WARNING"):
        bot = PledgeBot.load(replace(settings, llm="nosuchprovider:model"))
    assert bot.llm is None and sum("cannot be used" in r.message for r in caplog.records) == 1
    assert bot.ask("Who runs one-stop shops for OFWs?").citations


def test_keep_cited_sentences():
    text, used = keep_cited_sentences("A is true [1]. B is made up [7]. C [2][7].", {1, 2})
    assert text == "A is true [1]. C [2]." and used == {1, 2}


def test_sentences_naming_what_their_excerpt_does_not_are_dropped():
    grounding = {1: "Laguna Province: One Stop Migration Resource Center (OFWs)"}
    text, _ = keep_cited_sentences(
        "Laguna Province operates a one-stop centre for OFWs [1]. Laguna opened a Migrants Resource Center (MRC) [1]. "
        "It also serves Overseas Filipino Workers (OF [1]",
        {1},
        grounding,
    )
    assert text == "Laguna Province operates a one-stop centre for OFWs [1]."  # MRC is Quezon City's; the last is cut off
