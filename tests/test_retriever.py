"""PledgeBot as a LangChain retriever: LangChain's own standard tests, and what "answer" mode promises."""

from __future__ import annotations

from functools import lru_cache

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from pledgebot.retriever import PledgeRetriever


@lru_cache(maxsize=1)
def _bot():
    from pathlib import Path

    from pledgebot.config import Settings
    from pledgebot.pipeline import PledgeBot

    return PledgeBot.load(Settings.from_env({"PLEDGEBOT_HOME": str(Path(__file__).resolve().parents[1])}), llm=None)


class TestAnswerMode(RetrieversIntegrationTests):
    """The standard tests on the default mode: a question whose answer cites many records."""

    @property
    def retriever_constructor(self) -> type[PledgeRetriever]:
        return PledgeRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"bot": _bot(), "k": 5}

    @property
    def retriever_query_example(self) -> str:
        return "List the mirror pledges"


class TestSearchMode(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[PledgeRetriever]:
        return PledgeRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"bot": _bot(), "k": 5, "mode": "search"}

    @property
    def retriever_query_example(self) -> str:
        return "language courses for newcomers"


def test_answer_mode_returns_what_ask_cites_in_order(bot):
    question = "Who runs one-stop shops for OFWs?"
    cited = [c.id for c in bot.ask(question).citations]
    docs = bot.retriever(k=10).invoke(question)
    assert [d.id for d in docs] == cited[:10]
    assert all(isinstance(d, Document) and d.metadata["excerpt"] for d in docs)
    meta = docs[0].metadata
    assert {"region", "regions", "priorities", "section", "source_file", "line_start", "line_end"} <= set(meta)
    assert meta["source_file"].endswith(".txt")


def test_answer_mode_is_empty_when_the_bot_abstains(bot):
    assert bot.retriever().invoke("What did Oslo pledge?") == []


def test_filters_at_call_time_and_in_search_kwargs(bot):
    docs = bot.retriever(k=20).invoke("housing for refugees", country="Greece")
    assert docs and all(d.metadata["country"] == "Greece" for d in docs)
    fixed = bot.retriever(k=20, mode="search", region="Africa").invoke("jobs")
    assert fixed and all("Africa" in d.metadata["regions"] for d in fixed)
    with pytest.raises(ValueError, match="unknown retriever argument"):
        bot.retriever().invoke("jobs", colour="blue")
