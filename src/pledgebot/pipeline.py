"""PledgeBot: load everything once, then answer — question → Query → router → handler → Answer.

`PledgeBot.load(settings)` reads the records, opens (or builds) the index and loads the models and the fitted
parameters; `ask`, `search` and `similar` are then cheap and safe to call from many threads (per-question
state lives in a `Ctx`, never on the shared object).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from . import answer as answering
from .answer import Ctx, Resources, Similar, llm_rewrite, load_chat_model
from .builds import open_store
from .config import REPORT_NAME, Settings
from .corpus import read_pledges, read_sections, records_fingerprint
from .derived import derive, pledge_vectors_of, quote_vectors, sentence_index
from .embedding import Embedder, embedder_named, english_words, multilingual_embedder
from .errors import PledgeBotError
from .filters import Filters
from .glossary import load_glossary
from .locate import ReportLines, file_of, located, read_editions, relative_name
from .places import Gazetteer, default_gazetteer, with_records
from .query import Intent, Query
from .quotes import collect_quotes
from .records import Answer, Pledge, Section
from .relevance import Calibration, load_calibration
from .retrieval import DocScore, HybridSearcher
from .store import Store
from .understand import Understander, validate
from .understand.intent import IntentModel, load_intent_model
from .understand.lexicon import build_lexicon

__all__ = ["PledgeBot", "Similar"]

log = logging.getLogger(__name__)


class AskedVectors:
    """The vectors of the last questions asked (bounded, shared by threads): a follow-up's earlier turns are
    read again with every new turn, and each would otherwise cost a model call. Only earlier turns are looked
    up here; a question itself is always embedded afresh."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
            return self._vectors.get(text)

    def put(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)


class PledgeBot:
    """Everything needed to answer: records, index, models, the question reader and the router."""

    def __init__(
        self,
        res: Resources,
        understander: Understander,
        llm: Any = None,
        llm_timeout: float = 30.0,
        use_understanding: bool = True,
        source_file: str = f"corpus/{REPORT_NAME}",
        reports: tuple[ReportLines, ...] = (),
    ) -> None:
        self.res = res
        self.reports = reports  # each edition's lines (the default first): citations cite the lines of their excerpts
        self.source_file = source_file  # the text the line numbers of records that name no edition refer to
        self.understander = understander
        self.llm = llm
        self.llm_timeout = llm_timeout
        self.use_understanding = use_understanding
        self.asked_vectors = AskedVectors()  # public: a benchmark swaps in an empty one

    @classmethod
    def from_parts(
        cls,
        pledges: list[Pledge],
        sections: list[Section],
        store: Store,
        gazetteer: Gazetteer | None = None,
        calibration: Calibration | None = None,
        intent_model: IntentModel | None = None,
        fusion: str = "rrf",
        multilingual: bool = True,
        english_e5: bool = False,
        stem: bool = False,
        **options: Any,
    ) -> PledgeBot:
        """Assemble a bot from loaded records and an opened store (tests and evaluation variants).

        `english_e5` adds multilingual-e5 as a second dense signal for English questions and `stem` stems BM25's
        words; each changes the features relevance is fitted on, so each has its own calibration."""
        gaz = with_records(gazetteer or default_gazetteer(), pledges)
        glossary = load_glossary()
        sentences = sentence_index(store)
        quotes = collect_quotes(pledges, sections)
        res = Resources(
            pledges=pledges,
            sections=sections,
            gazetteer=gaz,
            glossary=glossary,
            store=store,
            searcher=HybridSearcher(store, fusion=fusion, stem=stem),
            sentences=sentences,
            quotes=quotes,
            quote_vectors=quote_vectors(store, quotes),  # the build computed these (derived.py): read, not computed
            pledge_vectors=pledge_vectors_of(store, pledges, sentences),
            calibration=calibration or load_calibration(calibration_key(store.embedder.name, english_e5, stem)),
            multilingual=multilingual and store.ml_embedder is not None,
            english_e5=english_e5 and store.ml_embedder is not None,
        )
        lexicon = build_lexicon(gaz, pledges, sections, glossary, english=english_words())
        model = intent_model if intent_model is not None else load_intent_model()
        return cls(res, Understander(lexicon, gaz, model), **options)

    @classmethod
    def load(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        ml_embedder: Embedder | None = None,
        rebuild: bool = True,
        **options: Any,
    ) -> PledgeBot:
        """Read the records, open (or build) the index and load the models, once."""
        folder = settings.records_dir()  # once: both files from the same published build
        pledges = read_pledges(folder / "pledges.jsonl")
        sections = read_sections(folder / "sections.jsonl")
        embedder = embedder or embedder_named(settings.embedder, Path(settings.index_dir) / ".models")
        if ml_embedder is None and settings.multilingual:
            ml_embedder = multilingual_embedder()
        store, _ = open_store(
            Path(settings.index_dir),
            pledges,
            sections,
            records_fingerprint(pledges, sections),
            embedder,
            ml_embedder,
            settings.passage_sentences,
            settings.passage_stride,
            rebuild=rebuild,
            server=settings.chroma_url,
            derive=lambda built: derive(built, pledges, sections),
        )
        if "llm" not in options:
            try:
                options["llm"] = load_chat_model(settings.llm, settings.llm_timeout)
            except PledgeBotError as exc:  # reported once; every answer is the extractive one
                log.warning("%s; answers are extractive", exc)
                options["llm"] = None
        options.setdefault("llm_timeout", settings.llm_timeout)
        options.setdefault("source_file", relative_name(settings.report, settings.home))
        options.setdefault("reports", read_editions(settings.report, settings.corpus_dir, settings.home))
        return cls.from_parts(pledges, sections, store, **options)

    def variant(self, **options: Any) -> PledgeBot:
        """The same records, index and models with other settings (evaluation configurations)."""
        r = self.res
        keep = {k: options.pop(k) for k in ("use_understanding", "llm", "llm_timeout") if k in options}
        keep.setdefault("source_file", self.source_file)
        keep.setdefault("reports", self.reports)
        bot = PledgeBot.from_parts(
            r.pledges, r.sections, r.store, r.gazetteer, None, self.understander.model, **options
        )
        return PledgeBot(bot.res, bot.understander, **({"llm": None} | keep))

    # -- compatibility views of the resources ------------------------------------------------------

    @property
    def pledges(self) -> list[Pledge]:
        return self.res.pledges

    @property
    def sections(self) -> list[Section]:
        return self.res.sections

    @property
    def records(self) -> dict[str, Pledge | Section]:
        return self.res.records

    @property
    def store(self) -> Store:
        return self.res.store

    @property
    def searcher(self) -> HybridSearcher:
        return self.res.searcher

    @property
    def gaz(self) -> Gazetteer:
        return self.res.gazetteer

    # -- public API --------------------------------------------------------------------------------

    def understand(
        self, question: str, filters: Filters | None = None, history: list[str] | None = None, ctx: Ctx | None = None
    ) -> Query:
        """The question as the router reads it (filters, intent, topic), following up on `history`."""
        ctx = ctx or Ctx(self.res)
        if not self.use_understanding:
            return _plain_query(validate(question), filters, self.understander)
        previous = None

        def known(text: str) -> np.ndarray:
            # a chat resends its earlier turns: what they were read as was embedded when they were asked
            if (vector := self.asked_vectors.get(text)) is not None:
                ctx.vectors.setdefault(text, vector)
            return ctx.vec(text)

        for earlier in (history or [])[-3:]:
            try:
                text = validate(earlier)
            except Exception:  # noqa: BLE001 - a bad earlier turn just gives no context
                continue
            previous = self.understander.understand(text, previous=previous, vector=known)
        embedded: list[str] = []  # what the intent model needed embedded, if anything

        def fresh(text: str) -> np.ndarray:
            embedded.append(text)
            return ctx.vec(text)

        query = self.understander.understand(validate(question), filters, previous, vector=fresh)
        for text in embedded:
            self.asked_vectors.put(text, ctx.vectors[text])
        return query

    def ask(self, question: str, filters: Filters | None = None, history: list[str] | None = None) -> Answer:
        """Answer `question` with numbered, verbatim citations, or say the report has nothing."""
        t0 = time.perf_counter()
        ctx = Ctx(self.res)
        query = self.understand(question, filters, history, ctx)
        t1 = time.perf_counter()
        answer = located(answering.answer(query, ctx), self.reports, self.res.records)
        t2 = time.perf_counter()
        if self.llm is not None and not answer.abstained:
            answer = llm_rewrite(answer, self.llm, self.llm_timeout)
        t3 = time.perf_counter()
        timings = {"understand": (t1 - t0) * 1000, "retrieve_compose": (t2 - t1) * 1000, "total": (t3 - t0) * 1000}
        if self.llm is not None:
            timings["llm"] = (t3 - t2) * 1000
        return replace(answer, timings_ms={k: round(v, 2) for k, v in timings.items()})

    def search(
        self, question: str, k: int = 10, filters: Filters | None = None
    ) -> list[tuple[DocScore, Pledge | Section]]:
        """Ranked pledge hits (no answer composition), honouring inferred and explicit filters."""
        ctx = Ctx(self.res)
        query = self.understand(question, filters, ctx=ctx)
        allowed = {p.id for p in self.res.matching(query.filters)} if not query.filters.is_empty() else None
        hits = ctx.retrieve(query.search_text, k=k, allowed=allowed)
        return [(h, self.res.records[h.doc_id]) for h in hits]

    def source_file_of(self, rec: Pledge | Section) -> str:
        """The file `rec`'s line numbers count in: its table's, its edition's text, or the default report."""
        return file_of(rec, self.reports, self.source_file)

    def retriever(self, k: int = 5, mode: str = "answer", **search_kwargs: Any):
        """PledgeBot as a LangChain retriever (`pledgebot.retriever.PledgeRetriever`): the records `ask` cites
        ("answer") or ranked hybrid hits ("search")."""
        from .retriever import PledgeRetriever

        return PledgeRetriever(bot=self, k=k, mode=mode, search_kwargs=search_kwargs)

    def similar(self, pledge_id: str, k: int = 5) -> list[Similar]:
        """The pledges from other submitters most similar to `pledge_id`."""
        return answering.similar(self.res, pledge_id, k)


def calibration_key(embedder: str, english_e5: bool = False, stem: bool = False) -> str:
    """Which fitted calibration a configuration uses: the embedder and the extra signals it fits on."""
    return embedder + ("+e5" if english_e5 else "") + ("+stem" if stem else "")


def _plain_query(text: str, filters: Filters | None, understander: Understander) -> Query:
    """Without understanding (an evaluation baseline): every question is a search for its own words."""
    words = re.findall(r"[^\W_]+", text.lower())
    topic = tuple(w for w in words if w not in understander.lex.chatter)
    return Query(text, Intent.FIND, filters or Filters(), topic=topic, search_text=text, full_text=text)
