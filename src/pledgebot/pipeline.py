"""The answer pipeline: question -> Query -> retrieval -> selection -> cited Answer.

`PledgeBot.load(settings)` builds everything once (records, models, index); `ask`, `search` and
`similar` are then cheap and safe to call from many threads.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .answer import (
    MAX_LISTED,
    SentenceIndex,
    citation_for,
    join_names,
    llm_rewrite,
    load_chat_model,
    render_pledges,
    render_sections,
)
from .config import Settings
from .corpus import read_pledges, read_sections, records_fingerprint
from .embedding import Embedder, default_embedder, multilingual_embedder
from .filters import Filters, matches
from .places import Gazetteer, default_gazetteer, fold
from .records import Answer, Citation, Pledge, Section
from .retrieval import DocScore, HybridSearcher, PledgeRetriever, tokenize
from .store import Store, open_store
from .understand import Query, Understander, with_history

# Relevance: a pledge answers a topical question when its best passage is this close in meaning...
MIN_DENSE = 0.40
# ... and not far behind the best pledge for the same question,
MARGIN = 0.10
# unless its words match strongly (BM25 relative to the best match).
STRONG_LEXICAL = 0.75
MAX_TOPICAL = 8
# Non-English questions are judged by the multilingual model, whose similarities run higher.
MIN_ML = 0.80
ML_MARGIN = 0.025

_GENERIC = set(
    [
        "pledge",
        "pledges",
        "pledged",
        "action",
        "actions",
        "submitted",
        "submission",
        "submissions",
        "made",
        "make",
        "type",
        "types",
        "kind",
        "only",
        "listed",
        "list",
        "report",
        "total",
        "number",
        "many",
        "how",
        "count",
        "are",
        "is",
        "there",
        "all",
        "show",
        "give",
        "tell",
        "name",
        "which",
        "what",
        "who",
        "whom",
        "from",
        "in",
        "of",
        "by",
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "for",
        "on",
        "with",
        "did",
        "does",
        "do",
        "have",
        "has",
        "had",
        "been",
        "be",
        "were",
        "was",
        "any",
        "run",
        "runs",
        "running",
        "until",
        "till",
        "through",
        "ending",
        "end",
        "start",
        "started",
        "starting",
        "since",
        "year",
        "years",
        "2022",
        "2023",
        "mirror",
        "gcm",
        "gcr",
        "idp",
        "idps",
        "organization",
        "organizations",
        "organisation",
        "organisations",
        "network",
        "networks",
        "city",
        "cities",
        "municipality",
        "municipalities",
        "government",
        "governments",
        "national",
        "region",
        "regions",
        "province",
        "provinces",
        "county",
        "counties",
        "state",
        "states",
        "district",
        "districts",
        "rather",
        "than",
        "not",
        "other",
        "local",
        "pledging",
        "doing",
        "do",
        "does",
        "working",
        "work",
        "commit",
        "committed",
        "commitments",
        "commitment",
        "projects",
        "project",
        "about",
        "supported",
        "funded",
        "by",
        "gcf",
        "global",
        "fund",
        "cities",
        "priority",
        "priorities",
        "country",
        "countries",
        "mayor",
        "mayors",
    ]
)
_DEFINITIONAL = re.compile(
    r"^\s*(what (?:is|are|was|were) (?:a |an |the )?(?!.*\b(?:doing|pledg|commit)\w*)|what does .+ mean|define |explain )",
    re.I,
)


@dataclass(frozen=True)
class Similar:
    """A pledge comparable to another: how similar, which priorities they share, and the closest sentences."""

    pledge: Pledge
    similarity: float
    shared_priorities: tuple[int, ...]
    sentence: str  # from the similar pledge
    anchor_sentence: str  # from the pledge compared with


class PledgeBot:
    """Everything needed to answer: records, index, models and the question reader."""

    def __init__(
        self,
        pledges: list[Pledge],
        sections: list[Section],
        store: Store,
        gazetteer: Gazetteer | None = None,
        fusion: str = "rrf",
        use_filters: bool = True,
        multilingual: bool = True,
        llm=None,
        llm_timeout: float = 30.0,
    ) -> None:
        self.pledges = pledges
        self.sections = sections
        self.records: dict[str, Pledge | Section] = {p.id: p for p in pledges} | {s.id: s for s in sections}
        self.store = store
        self.gaz = gazetteer or default_gazetteer()
        self.searcher = HybridSearcher(store, fusion=fusion)
        self.use_filters = use_filters
        self.multilingual = multilingual and store.ml_embedder is not None
        self.llm = llm
        self.llm_timeout = llm_timeout
        vocab = set()
        for rec in [*pledges, *sections]:
            text = rec.description if isinstance(rec, Pledge) else rec.text
            vocab |= set(re.findall(r"\w+", fold(text + " " + rec.title)))
        self.understander = Understander(self.gaz, vocab)
        self.sentences = SentenceIndex(store.sentence_docs, store.sentence_texts, store.sentence_vectors)
        self._pledge_vectors: np.ndarray | None = None

    @classmethod
    def load(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        ml_embedder: Embedder | None = None,
        rebuild: bool = True,
        **options,
    ) -> PledgeBot:
        """Read the records, open (or build) the index and load the models, once."""
        pledges = read_pledges(settings.pledges_path)
        sections = read_sections(settings.sections_path)
        embedder = embedder or default_embedder()
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
        )
        options.setdefault("llm", load_chat_model(settings.llm))
        options.setdefault("llm_timeout", settings.llm_timeout)
        return cls(pledges, sections, store, **options)

    # -- public API ------------------------------------------------------------------------------

    def understand(self, question: str, filters: Filters | None = None, history: list[str] | None = None) -> Query:
        """The question as the pipeline reads it (filters, intent, terms), following up on `history`."""
        query = self.understander.understand(question, filters)
        if history:
            previous = None
            for earlier in history[-3:]:
                try:
                    previous = with_history(self.understander.understand(earlier), previous)
                except Exception:  # noqa: BLE001 - a bad earlier turn just gives no context
                    continue
            query = with_history(query, previous)
        if not self.use_filters:
            query = replace(
                query,
                filters=filters or Filters(),
                start_year=None,
                end_year=None,
                gcf_only=False,
                intent="search",
                unknown_place=None,
            )
        return query

    def ask(self, question: str, filters: Filters | None = None, history: list[str] | None = None) -> Answer:
        """Answer `question` with numbered, verbatim citations, or abstain when the report has nothing."""
        t0 = time.perf_counter()
        query = self.understand(question, filters, history)
        t1 = time.perf_counter()
        answer = self._answer(query)
        t2 = time.perf_counter()
        if self.llm is not None and not answer.abstained:
            answer = llm_rewrite(answer, self.llm, self.llm_timeout)
        t3 = time.perf_counter()
        timings = {
            "understand": (t1 - t0) * 1000,
            "retrieve_compose": (t2 - t1) * 1000,
            "total": (t3 - t0) * 1000,
        }
        if self.llm is not None:
            timings["llm"] = (t3 - t2) * 1000
        return replace(answer, timings_ms={k: round(v, 2) for k, v in timings.items()})

    def search(
        self, question: str, k: int = 10, filters: Filters | None = None
    ) -> list[tuple[DocScore, Pledge | Section]]:
        """Ranked pledge hits (no answer composition), honouring inferred and explicit filters."""
        query = self.understand(question, filters)
        allowed = self._candidates(query) if not query.filters.is_empty() else None
        hits = self._retrieve(
            query, k=k, allowed={p.id for p in allowed} if allowed is not None else None, kinds=("pledge",)
        )
        return [(h, self.records[h.doc_id]) for h in hits]

    def retriever(self, k: int = 5) -> PledgeRetriever:
        """This pipeline's hybrid search as a LangChain retriever."""
        return PledgeRetriever(searcher=self.searcher, records=self.records, k=k)

    def similar(self, pledge_id: str, k: int = 5) -> list[Similar]:
        """The pledges from other submitters most similar to `pledge_id` (mean passage embeddings)."""
        anchor = self.records.get(pledge_id)
        if not isinstance(anchor, Pledge):
            msg = f"no pledge with id {pledge_id!r}"
            raise KeyError(msg)
        vectors = self._pledge_matrix()
        idx = {p.id: n for n, p in enumerate(self.pledges)}
        sims = vectors @ vectors[idx[pledge_id]]
        out = []
        for n in np.argsort(-sims):
            other = self.pledges[int(n)]
            if other.submitter == anchor.submitter or other.id == anchor.joint_with or other.id == pledge_id:
                continue
            a_sent, b_sent = self._closest_sentences(anchor.id, other.id)
            shared = tuple(sorted(set(anchor.priorities) & set(other.priorities)))
            out.append(Similar(other, float(sims[n]), shared, b_sent, a_sent))
            if len(out) >= k:
                break
        return out

    # -- internals --------------------------------------------------------------------------------

    def _pledge_matrix(self) -> np.ndarray:
        if self._pledge_vectors is None:
            rows = []
            for p in self.pledges:
                sel = self.sentences.rows.get(p.id, [])
                v = self.sentences.vectors[sel].mean(axis=0) if sel else np.zeros(self.sentences.vectors.shape[1])
                rows.append(v / (np.linalg.norm(v) or 1.0))
            self._pledge_vectors = np.asarray(rows, dtype=np.float32)
        return self._pledge_vectors

    def _closest_sentences(self, a: str, b: str) -> tuple[str, str]:
        ra, rb = self.sentences.rows.get(a, []), self.sentences.rows.get(b, [])
        if not ra or not rb:
            return "", ""
        m = self.sentences.vectors[ra] @ self.sentences.vectors[rb].T
        i, j = np.unravel_index(int(np.argmax(m)), m.shape)
        return self.sentences.texts[ra[i]], self.sentences.texts[rb[j]]

    def _candidates(self, query: Query) -> list[Pledge]:
        f = query.filters
        out = []
        for p in self.pledges:
            if not matches(p, f):
                continue
            if query.end_year is not None and p.end_year != query.end_year:
                continue
            if query.start_year is not None and p.start_year != query.start_year:
                continue
            if query.gcf_only and not p.gcf_supported:
                continue
            out.append(p)
        return out

    def _retrieve(self, query: Query, k: int, allowed: set[str] | None, kinds: tuple[str, ...]) -> list[DocScore]:
        extra = None
        if self.multilingual and query.language != "en" and "pledge" in kinds:
            extra = dict(self.store.dense_multilingual(query.question, k=40))
        qvec = self.store.embedder.embed_query(query.search_text)
        self._last_qvec = qvec
        return self.searcher.search(query.search_text, k=k, allowed=allowed, kinds=kinds, extra=extra, vector=qvec)

    def _topic_words(self, query: Query) -> list[str]:
        words = [w for w in tokenize(query.topic) if w not in _GENERIC and not w.isdigit()]
        glossary_words = set()
        for t in self.understander.glossary:
            if t.term in query.terms and t.filter:
                glossary_words |= set(tokenize(" ".join([t.term, *t.variants])))
        return [w for w in words if w not in glossary_words]

    def _answer(self, q: Query) -> Answer:
        base = {"question": q.question, "filters": q.inferred(), "intent": q.intent, "notes": q.notes}
        if q.unknown_place and not q.filters.has_place() and self.use_filters:
            return Answer(text=f"No pledge from {q.unknown_place} is in the 2023 report.", abstained=True, **base)
        intent = q.intent
        if intent == "search" and not q.filters.has_place() and _DEFINITIONAL.search(q.question):
            intent = "report"
        if intent == "report":
            return self._report_answer(q, base)
        if intent == "compare" and q.anchor:
            return self._compare_answer(q, base)

        structured = not q.filters.is_empty() or q.start_year or q.end_year or q.gcf_only
        candidates = self._candidates(q) if structured else self.pledges
        if structured and not candidates:
            return Answer(text=_nothing_for(q), abstained=True, **base)
        topic = self._topic_words(q)
        if structured and not topic and intent in ("count", "list", "search"):
            return self._listing(q, candidates, base)
        hits = self._retrieve(q, k=30, allowed={p.id for p in candidates}, kinds=("pledge",))
        relevant = self._relevant(q, hits)
        if not relevant:
            return Answer(text=_nothing_on(q), abstained=True, **base)
        if intent in ("count", "list"):
            return self._listing(q, [self.records[h.doc_id] for h in relevant], base, ranked=True)
        shown = relevant[:MAX_TOPICAL]
        return self._pledge_answer(q, shown, len(relevant), base)

    def _relevant(self, q: Query, hits: list[DocScore]) -> list[DocScore]:
        if not hits:
            return []
        if q.language != "en" and self.multilingual:
            ml = [h for h in hits if h.dense >= MIN_ML]
            if not ml:
                return []
            top = max(h.dense for h in ml)
            return [h for h in ml if h.dense >= top - ML_MARGIN][:MAX_TOPICAL]
        top = max(h.dense for h in hits)
        if top < MIN_DENSE:
            return []
        return [
            h
            for h in hits
            if h.dense >= max(MIN_DENSE, top - MARGIN) or (h.lexical >= STRONG_LEXICAL and h.dense >= MIN_DENSE - 0.05)
        ]

    def _excerpt(self, doc_id: str, q: Query) -> str:
        qvec = getattr(self, "_last_qvec", None)
        if qvec is None:
            qvec = self.store.embedder.embed_query(q.search_text)
            self._last_qvec = qvec
        return self.sentences.best(doc_id, qvec, set(tokenize(q.search_text)) | set(q.search_text.lower().split())).text

    def _pledge_answer(self, q: Query, hits: list[DocScore], total: int, base: dict) -> Answer:
        citations = [citation_for(n, self.records[h.doc_id], self._excerpt(h.doc_id, q)) for n, h in enumerate(hits, 1)]
        names = [c.submitter for c in citations if c.submitter]
        where = f" (filtered to {q.filters.place_label})" if q.filters.place_label else ""
        lead = (
            f"{join_names(names)} {'has a pledge' if len(set(names)) == 1 else 'have pledges'} that answer this{where}:"
        )
        return Answer(
            text=render_pledges(lead, citations, total),
            citations=tuple(citations),
            total_matches=total,
            **base,
        )

    def _listing(self, q: Query, pledges: list[Pledge], base: dict, ranked: bool = False) -> Answer:
        if not ranked:
            pledges = sorted(pledges, key=lambda p: (-p.year, fold(p.submitter)))
        shown = pledges[:MAX_LISTED]
        self._last_qvec = self.store.embedder.embed_query(q.search_text)
        citations = [citation_for(n, p, self._excerpt(p.id, q)) for n, p in enumerate(shown, 1)]
        n = len(pledges)
        what = _describe(q)
        years = {p.year for p in pledges}
        split = ""
        if len(years) > 1:
            c23 = sum(p.year == 2023 for p in pledges)
            split = f" ({c23} from the 2023 submissions, {n - c23} highlighted 2022 actions)"
        if q.intent == "count":
            lead = f"**{n}** {what}{split}."
        else:
            lead = f"{n} {what}{split}: {join_names([p.submitter for p in shown])}."
        notes = list(self._count_notes(q, pledges))
        return Answer(
            text=render_pledges(lead, citations, n, notes),
            citations=tuple(citations),
            total_matches=n,
            number=n if q.intent == "count" else None,
            **(base | {"notes": (*base["notes"], *notes)}),
        )

    def _count_notes(self, q: Query, pledges: list[Pledge]) -> list[str]:
        notes = []
        if q.filters.pledge_types and q.intent == "count":
            notes.append(
                "Counted from each pledge's TYPE OF PLEDGE line. The report's own summary (2023 by the numbers) "
                "says 34 mirror, 5 GCM only, 15 GCR only and 2 IDP pledges; the submissions it prints add up to "
                "34, 5, 14 and 1."
            ) if self._summary_differs() else None
        if q.filters.pledge_types and any(p.year == 2022 for p in self.pledges) and q.filters.year != 2022:
            notes.append("Pledge types are given for the 2023 submissions only.")
        return notes

    def _summary_differs(self) -> bool:
        return any("15 GCR only" in s.text for s in self.sections)

    def _report_answer(self, q: Query, base: dict) -> Answer:
        hits = self._retrieve(q, k=6, allowed=None, kinds=("section", "pledge"))
        if not hits or hits[0].dense < MIN_DENSE:
            return Answer(text=_nothing_on(q), abstained=True, **base)
        top = hits[0].dense
        keep = [h for h in hits if h.dense >= top - 0.06][:3]
        citations = [citation_for(n, self.records[h.doc_id], self._excerpt(h.doc_id, q)) for n, h in enumerate(keep, 1)]
        sections = [c for c in citations if c.kind == "section"]
        pledges = [c for c in citations if c.kind == "pledge"]
        parts = []
        if sections:
            parts.append(render_sections("The report says:", sections))
        if pledges:
            parts.append(render_pledges("Pledges on this:", pledges, len(pledges)))
        number = _first_number(citations[0].excerpt) if q.intent in ("count", "report") else None
        return Answer(
            text="\n\n".join(parts),
            citations=tuple(citations),
            number=number,
            total_matches=len(pledges) or None,
            **(base | {"intent": "report"}),
        )

    def _compare_answer(self, q: Query, base: dict) -> Answer:
        anchors = [p for p in self.pledges if p.submitter == q.anchor]
        if len(anchors) > 1:
            hits = self._retrieve(q, k=5, allowed={p.id for p in anchors}, kinds=("pledge",))
            anchors = [self.records[hits[0].doc_id]] if hits else anchors[:1]
        anchor = anchors[0]
        similar = [s for s in self.similar(anchor.id, k=20) if self._fits(q, s.pledge)][:5]
        if not similar:
            return Answer(text=_nothing_for(q), abstained=True, **base)
        citations: list[Citation] = [citation_for(1, anchor, self._excerpt(anchor.id, q))]
        for n, s in enumerate(similar, 2):
            citations.append(citation_for(n, s.pledge, s.sentence))
        lines = [f"Pledges comparable to {anchor.submitter}'s *{anchor.title}* [1]:", ""]
        for c, s in zip(citations[1:], similar, strict=True):
            shared = f"; shared priorities {', '.join(map(str, s.shared_priorities))}" if s.shared_priorities else ""
            lines.append(
                f"{c.n - 1}. **{c.submitter}** ({c.country}, {c.year}) — *{c.title}* "
                f"(similarity {s.similarity:.2f}{shared}): “{c.excerpt}” [{c.n}]"
            )
        lines += ["", f"{len(similar)} comparable pledges from other submitters shown."]
        return Answer(text="\n".join(lines), citations=tuple(citations), total_matches=len(similar), **base)

    def _fits(self, q: Query, p: Pledge) -> bool:
        f = replace(q.filters, submitters=())
        return matches(p, f)


def _first_number(text: str) -> int | None:
    m = re.search(r"(?<![\w.])(\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?%?", text)
    return int(m.group(1).replace(",", "")) if m else None


def _describe(q: Query) -> str:
    f = q.filters
    parts = []
    if f.pledge_types:
        parts.append(" or ".join(f.pledge_types))
    noun = "pledges"
    if f.year == 2022:
        noun = "2022 actions"
    elif f.year == 2023:
        noun = "2023 pledges"
    parts.append(noun)
    if f.kinds:
        parts.append(
            "by "
            + " or ".join(k if k.endswith("government") else k + "s" for k in f.kinds)
            .replace("citys", "cities")
            .replace("national government", "national governments")
        )
    if f.place_label or f.countries or f.regions or f.submitters:
        parts.append("from " + (f.place_label or join_names([*f.submitters, *f.countries, *f.regions])))
    if q.end_year:
        parts.append(f"running until {q.end_year}")
    if q.start_year:
        parts.append(f"starting in {q.start_year}")
    if q.gcf_only:
        parts.append("supported by the Global Cities Fund")
    if f.priority:
        parts.append(f"under priority {f.priority}")
    return " ".join(parts)


def _nothing_for(q: Query) -> str:
    f = q.filters
    if f.place_label or f.countries or f.regions or f.submitters:
        place = f.place_label or join_names([*f.submitters, *f.countries, *f.regions])
        extra = f" matching {_describe(replace(q, filters=replace(f, place_label=None, countries=(), regions=(), submitters=())))}"
        extra = "" if extra.strip() == "matching pledges" else extra
        return f"No pledge from {place}{extra} is in the 2023 report."
    return f"No {_describe(q)} are in the 2023 report."


def _nothing_on(q: Query) -> str:
    scope = f" from {q.filters.place_label}" if q.filters.place_label else ""
    return f"The 2023 report has no pledge{scope} that answers this."
