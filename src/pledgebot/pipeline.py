"""The answer pipeline: question -> Query -> retrieval -> selection -> cited Answer.

`PledgeBot.load(settings)` builds everything once (records, models, index); `ask`, `search` and
`similar` are then cheap and safe to call from many threads.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
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
from .quotes import SpokenQuote, collect_quotes
from .records import Answer, Pledge, Section
from .retrieval import DocScore, HybridSearcher, bigrams, tokenize
from .store import Store, open_store
from .understand import Query, Understander, with_history

# Relevance: a pledge answers a topical question when its best passage is this close in meaning...
MIN_DENSE = 0.40
# ... and not far behind the best pledge for the same question,
MARGIN = 0.05
# unless its words match strongly (BM25 relative to the best match).
STRONG_LEXICAL = 0.75
MIN_LEXICAL = 0.15
MAX_TOPICAL = 8
# When some pledges use the question's own two-word phrases, others must be this close to the best match.
PHRASE_GATE = 0.04
# Report answers: a second source is cited when its best sentence scores this close to the first's.
REPORT_MARGIN = 0.03
# Compare: pledges this close (in blended similarity) to the most similar one are listed.
COMPARE_MARGIN = 0.04
MAX_COMPARABLE = 5
# With a place filter the candidates are few and already on target: a looser bar.
MIN_DENSE_PLACE = 0.30
PLACE_MARGIN = 0.15
# Non-English questions are judged by the multilingual model, whose similarities run higher.
MIN_ML = 0.80
ML_MARGIN = 0.02
# An English expansion of a non-English question (from the glossary) must match this well on its own.
MIN_DENSE_EXPANDED = 0.45

# Words that say what kind of answer is wanted, not what it is about: with only these left once places,
# years and types are read, a question is a pure listing ("which pledges come from East Africa?").
_GENERIC_WORDS = """
pledge pledges pledged action actions submitted submission submissions made make type types kind only listed
list report total number many how count are is there all show give tell name which what who whom from in of by
the a an and or to for on with did does do have has had been be were was any run runs running until till through
ending end start started starting since year years 2022 2023 mirror gcm gcr idp idps organization organizations
organisation organisations network networks city cities municipality municipalities government governments national
region regions province provinces county counties state states district districts rather than not other
local pledging doing commit committed commitments commitment projects project about
supported funded gcf global fund priority priorities country countries mayor mayors come comes coming
came based located situated want know see look find get got say says said told happen happening happened
plan plans planning planned promise promises promised done going undertaken undertake undertaking
everything anything something stuff things thing their them they it its this that these those
me my i we our us you your please can could would should will shall may might must also just really
overview summary summarise summarize detail details describe explain information info regarding
concerning related relating so far currently now today latest recent recently new here ones one like such
as well both each every respond responding response help helps helping support supports supporting work working
migrant migrants refugee refugees immigrant immigrants displaced people persons newcomers residents
described mentioned included featured highlighted backed regional due finish finishing ending ends
committing commits pledging associations association groups group bodies
qué que cuáles cuál cuántos cuántas hace hacen está están son proyectos compromisos promesas ciudades ciudad viene
vienen quels quelles quel quelle combien font fait sont viennent vient engagements promesses villes ville projets
quais qual quantos quantas faz fazem são vêm vem compromissos promessas cidades cidade projetos los las del para
por una unos unas les des pour une dans aux os as do da dos das para com uma em de la el en y et e o ou le du au
a à al lo il existe existen hay têm tem ont tienen tiene cuáles quelles
else similar similarly comparable compare resemble resembles resembling equivalent counterpart counterparts
peer peers way anyone anybody someone somebody learn learning inspiration set back go goes out earlier later
before after prior supposed expected wrap up scheduled due
apresentou apresentaram apresentados presentó presentaron presentados présenté présentés presentes fait fez hizo
actually really seem seems seemed curious wondering wonder interested piece article story stories writing write
quick quickly briefly roughly exactly already still even maybe perhaps probably underrepresented overrepresented
"""
_GENERIC = set(_GENERIC_WORDS.split()) | {t for w in _GENERIC_WORDS.split() for t in tokenize(w)}
_DEFINITIONAL = re.compile(
    r"^\s*(what (?:is|are|was|were) (?:a |an |the )?(?!.*\b(?:doing|pledging|pledged|committing|committed)\b)|"
    r"what does .+ (?:mean|stand for)|what do .+ stand for|define |explain )",
    re.I,
)


@dataclass
class _Ctx:
    """Per-question working state (kept off the shared PledgeBot so threads never see each other's)."""

    text: str
    vector: np.ndarray | None = None
    multilingual: dict[str, float] = field(default_factory=dict)

    def qvec(self, embedder: Embedder) -> np.ndarray:
        if self.vector is None:
            self.vector = embedder.embed_query(self.text)
        return self.vector


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
        self.quotes = collect_quotes(pledges, sections)
        self._quote_vectors = (
            np.asarray(store.embedder.embed_documents([x.text for x in self.quotes]), dtype=np.float32)
            if self.quotes
            else np.zeros((0, 1), dtype=np.float32)
        )
        self._bigrams = {p.id: bigrams(p.title + ". " + p.description) for p in pledges}
        self._pledge_vectors: np.ndarray | None = None
        self._pledge_matrix()

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
        embedder = embedder or default_embedder(Path(settings.index_dir) / ".models")
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
                started_by=None,
                end_year=None,
                gcf_only=False,
                joint_only=False,
                open_ended=False,
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
        ctx = _Ctx(query.search_text)
        allowed = self._candidates(query) if not query.filters.is_empty() else None
        hits = self._retrieve(
            query, ctx, k=k, allowed={p.id for p in allowed} if allowed is not None else None, kinds=("pledge",)
        )
        return [(h, self.records[h.doc_id]) for h in hits]

    def retriever(self, k: int = 5):
        """This pipeline's hybrid search as a LangChain retriever (`pledgebot.retriever.PledgeRetriever`)."""
        from .retriever import PledgeRetriever

        return PledgeRetriever(searcher=self.searcher, records=self.records, k=k)

    def similar(self, pledge_id: str, k: int = 5, topical: dict[str, float] | None = None) -> list[Similar]:
        """The pledges from other submitters most similar to `pledge_id` (mean sentence embeddings).

        `topical` (pledge id -> similarity to a question) pulls the comparison toward one aspect,
        e.g. "early-childhood" in "who does something like Milan's early-childhood project?".
        """
        anchor = self.records.get(pledge_id)
        if not isinstance(anchor, Pledge):
            msg = f"no pledge with id {pledge_id!r}"
            raise KeyError(msg)
        vectors = self._pledge_matrix()
        idx = {p.id: n for n, p in enumerate(self.pledges)}
        sims = vectors @ vectors[idx[pledge_id]]
        if topical is not None:
            sims = 0.5 * sims + 0.5 * np.array([topical.get(p.id, 0.0) for p in self.pledges])
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
                sel = self.sentences.content_rows(p.id)
                v = self.sentences.vectors[sel].mean(axis=0) if sel else np.zeros(self.sentences.vectors.shape[1])
                rows.append(v / (np.linalg.norm(v) or 1.0))
            self._pledge_vectors = np.asarray(rows, dtype=np.float32)
        return self._pledge_vectors

    def _closest_sentences(self, a: str, b: str) -> tuple[str, str]:
        ra, rb = self.sentences.content_rows(a), self.sentences.content_rows(b)
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
            if query.started_by is not None and (p.start_year is None or p.start_year > query.started_by):
                continue
            if query.gcf_only and not p.gcf_supported:
                continue
            if query.joint_only and not _is_joint(p):
                continue
            if query.open_ended and p.end_year is not None:
                continue
            out.append(p)
        return out

    def _retrieve(
        self, query: Query, ctx: _Ctx, k: int, allowed: set[str] | None, kinds: tuple[str, ...]
    ) -> list[DocScore]:
        extra = None
        if self.multilingual and query.language != "en" and "pledge" in kinds:
            extra = dict(self.store.dense_multilingual(query.question, k=40))
            if allowed is not None:
                extra = {d: s for d, s in extra.items() if d in allowed}
            ctx.multilingual = extra
        qvec = ctx.qvec(self.store.embedder)
        return self.searcher.search(query.search_text, k=k, allowed=allowed, kinds=kinds, extra=extra, vector=qvec)

    def _topic_words(self, query: Query) -> list[str]:
        words = [w for w in tokenize(query.topic) if w not in _GENERIC and not w.isdigit()]
        glossary_words = set()
        for t in self.understander.glossary:
            if t.term in query.terms and t.filter:
                glossary_words |= set(tokenize(" ".join([t.term, *t.variants])))
        return [w for w in words if w not in glossary_words]

    def _answer(self, q: Query) -> Answer:
        ctx = _Ctx(q.search_text)
        base = {"question": q.question, "filters": q.inferred(), "intent": q.intent, "notes": q.notes}
        if _PERSONAL.search(q.question):
            text = (
                "PledgeBot answers questions about what local governments pledged in the 2023 report; it cannot "
                "help with an individual application or case."
            )
            return Answer(text=text, abstained=True, **base)
        if (m := _MENTIONS.search(q.question)) and q.intent in ("count", "list", "search") and self.use_filters:
            # the words searched for are not filters ("mention Ukraine" is not "from Ukraine")
            scope = self.understand(q.question[: m.start()] or "pledges")
            q = replace(q, filters=scope.filters)
            base = base | {"filters": q.inferred()}
            return self._mention_answer(q, m.group("phrase"), self._candidates(scope), base)
        if (m := _PARTNER.search(q.question)) and self.use_filters:
            # "projects done with IOM": the pledges that name the agency, by any of its names
            name = m.group("org")
            term = next((t for t in self.understander.glossary if t.term == name.upper()), None)
            also = (*term.variants, term.means.removeprefix("the ")) if term else ()
            scope = self.understand(re.sub(re.escape(name), " ", q.question))
            q = replace(q, filters=scope.filters, intent="list" if q.intent == "search" else q.intent)
            return self._mention_answer(q, name, self._candidates(scope), base | {"filters": q.inferred()}, also)
        if q.unknown_place and q.filters.has_place() and self.use_filters:
            # a town the report does not have, named with its country: say so, then show the country's pledges
            drop = re.compile(rf"\b{re.escape(fold(q.unknown_place))}\b", re.I)
            rest = replace(
                q, unknown_place=None, topic=drop.sub(" ", q.topic), search_text=drop.sub(" ", fold(q.search_text))
            )
            around = self._answer(rest)
            text = f"No pledge from {q.unknown_place} is in the 2023 report. From {q.filters.place_label}:\n\n{around.text}"
            return replace(around, text=text, abstained=True)
        if q.unknown_place and not q.filters.has_place() and self.use_filters:
            name = q.unknown_place
            about = re.search(rf"\b(?:about|for|on|with)\s+{re.escape(name)}", q.question, re.I)
            text = (
                f"No pledge in the 2023 report mentions {name}."
                if about
                else f"No pledge from {name} is in the 2023 report."
            )
            return Answer(text=text, abstained=True, **base)
        intent = q.intent
        if intent == "search" and not q.filters.has_place() and _DEFINITIONAL.search(q.question):
            if defined := self._definition(q, base):
                return defined
            intent = "report"
        if intent == "search" and _ASKS_NUMBER.search(q.question):
            intent = "report"  # "what is the budget of …": a figure is asked for, and must be found
        if intent == "report":
            return self._report_answer(q, ctx, base)
        if intent == "compare" and q.anchor:
            return self._compare_answer(q, ctx, base)

        structured = (
            not q.filters.is_empty()
            or q.start_year
            or q.started_by
            or q.end_year
            or q.gcf_only
            or q.joint_only
            or q.open_ended
        )
        candidates = self._candidates(q) if structured else self.pledges
        if structured and not candidates:
            if (mentioned := self._place_mentions(q, base)) is not None:
                return mentioned
            return Answer(text=_nothing_for(q), abstained=True, **base)
        topic = self._topic_words(q)
        if _WHO_SAID.search(q.question) and not q.filters.has_place():
            return self._who_said(q, ctx, base)
        if _QUOTE.search(q.question) and q.filters.submitters:
            return self._quote_answer(q, ctx, candidates, base)
        if _QUOTE.search(q.question) and intent in ("count", "list"):
            return self._quoted_pledges(q, candidates, base)
        if structured and not topic and intent in ("count", "list", "search"):
            return self._listing(q, ctx, candidates, base)
        only_year = replace(q.filters, year=None).is_empty() and not (
            q.start_year or q.started_by or q.end_year or q.gcf_only or q.joint_only or q.open_ended
        )
        if intent == "count" and q.filters.year != 2022 and only_year:
            # "how many actions are for kids?": the report counts its actions by theme (By the Numbers); no
            # record field does, so the report's own figure answers when it has one
            stated = self._report_answer(q, ctx, base)
            if not stated.abstained and stated.number is not None and stated.citations[0].kind == "section":
                return replace(stated, intent="count")
        hits = self._retrieve(q, ctx, k=30, allowed={p.id for p in candidates}, kinds=("pledge",))
        relevant = self._relevant(q, hits, ctx)
        if intent == "search" and not q.filters.has_place() and q.language == "en" and not _ASKS_WHO.search(q.question):
            # The narrative may answer better than any pledge ("what did Medellín do with its GCF grant?").
            best_pledge = max((h.dense for h in hits), default=0.0)
            sections = self._retrieve(q, ctx, k=1, allowed=None, kinds=("section",))
            if sections and sections[0].dense >= max(MIN_DENSE, best_pledge + 0.05):
                return self._report_answer(q, ctx, base)
        if not relevant:
            return Answer(text=_nothing_on(q), abstained=True, **base)
        if intent in ("count", "list"):
            return self._listing(q, ctx, [self.records[h.doc_id] for h in relevant], base, ranked=True)
        shown = relevant[:MAX_TOPICAL]
        return self._pledge_answer(q, ctx, shown, len(relevant), base)

    def _quote_answer(self, q: Query, ctx: _Ctx, candidates: list[Pledge], base: dict) -> Answer:
        """Journalists' "give me a quote from …": the quotes beside the pledges, and in the narrative those
        whose speaker speaks for the place ("Secretary of International Affairs, City of São Paulo")."""
        ids = {p.id for p in candidates}
        names = {fold(n) for sub in q.filters.submitters for n in (sub, *self.gaz.submitters[sub].aliases)}
        quotes = [x for x in self.quotes if x.doc_id in ids or any(n in fold(x.role) for n in names if len(n) > 3)]
        if not quotes:
            listing = self._listing(q, ctx, candidates, base)
            place = q.filters.place_label or join_names(q.filters.submitters)
            text = f"The report prints no quote from {place}; here is what the pledge says.\n\n{listing.text}"
            return replace(listing, text=text, abstained=True)  # no quote: the pledge is context, not an answer
        return self._quotes_answer(quotes, base)

    def _definition(self, q: Query, base: dict) -> Answer | None:
        """ "What does IDP stand for?": the glossary's meaning, and the report's sentence that spells it out."""
        acronyms = [t for t in self.understander.glossary if t.term in q.terms and re.fullmatch(r"[A-Z]{2,6}", t.term)]
        if len(acronyms) != 1:
            return None
        term = acronyms[0]
        spelled = re.compile(rf"\(\s*{term.term}s?\s*\)")
        for rec in [*self.sections, *self.pledges]:
            if sentence := self.sentences.first_where(rec.id, spelled.search):
                citation = citation_for(1, rec, sentence)
                lead = f"**{term.term}** stands for {term.means}. The report spells it out:"
                render = render_sections if citation.kind == "section" else lambda lead, cs: render_pledges(lead, cs, 1)
                return Answer(text=render(lead, [citation]), citations=(citation,), **(base | {"intent": "report"}))
        return None

    def _place_mentions(self, q: Query, base: dict) -> Answer | None:
        """A country with no pledge of its own that other pledges work in ("any work in Guatemala?")."""
        f = q.filters
        if (
            len(f.countries) != 1
            or f.submitters
            or f.regions
            or not replace(f, countries=(), place_label=None).is_empty()
        ):
            return None
        country = f.countries[0]
        names = [country, *self.gaz.countries[country].aliases] if country in self.gaz.countries else [country]
        # only "work in Guatemala", "anything in Guatemala": work done there, not "Australian cities"' own pledges
        if not re.search(
            r"\b(?:in|into|across|inside)\s+(?:the\s+)?(?:" + "|".join(re.escape(n) for n in names) + r")\b",
            q.question,
            re.I,
        ):
            return None
        rx = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names if len(n) > 3) + r")\b")
        found = [(p, hit) for p in self.pledges if (hit := self.sentences.first_where(p.id, rx.search))]
        if not found:
            return None
        citations = [citation_for(n, p, hit) for n, (p, hit) in enumerate(found[:MAX_LISTED], 1)]
        who = list(dict.fromkeys(p.submitter for p, _ in found))
        lead = f"No pledge from {country} is in the 2023 report; {join_names(who)} work{'s' if len(who) == 1 else ''} there:"
        return Answer(
            text=render_pledges(lead, citations, len(found)),
            citations=tuple(citations),
            total_matches=len(found),
            **base,
        )

    def _mention_answer(
        self, q: Query, phrase: str, candidates: list[Pledge], base: dict, also: tuple[str, ...] = ()
    ) -> Answer:
        """ "Which pledges mention the private sector?": an exact search, every pledge that uses the words
        (or one of `also`, other names for the same thing)."""
        phrase = re.sub(r"\s+(?:at all|anywhere|in (?:their|the) (?:text|description)s?)$", "", phrase.strip(" .!,;:"))
        alternatives = [r"\W+".join(map(re.escape, fold(x).split())) for x in (phrase, *also) if x.strip()]
        rx = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?:e?s)?(?!\w)")
        found: list[tuple[Pledge, str]] = []
        for p in candidates:
            hit = self.sentences.first_where(p.id, lambda t: bool(rx.search(fold(t))))
            if hit is None and rx.search(fold(p.title)):
                hit = self.sentences.first(p.id)
            if hit is not None:
                found.append((p, hit))
        where = f" from {q.filters.place_label}" if q.filters.place_label else ""
        if not found:
            return Answer(text=f"No pledge{where} in the 2023 report mentions “{phrase}”.", abstained=True, **base)
        found.sort(key=lambda x: (-x[0].year, fold(x[0].submitter)))
        shown = found[:MAX_LISTED]
        citations = [citation_for(n, p, hit) for n, (p, hit) in enumerate(shown, 1)]
        n = len(found)
        lead = f"{'**' + str(n) + '**' if q.intent == 'count' else n} pledge{'s' if n > 1 else ''}{where} mention{'' if n > 1 else 's'} “{phrase}”"
        lead += ":" if q.intent == "count" else f": {join_names([p.submitter for p, _ in shown])}."
        return Answer(
            text=render_pledges(lead, citations, n),
            citations=tuple(citations),
            total_matches=n,
            number=n if q.intent == "count" else None,
            **base,
        )

    def _quoted_pledges(self, q: Query, candidates: list[Pledge], base: dict) -> Answer:
        """ "How many pledges come with a quote from a mayor?": the pledges printed with a speaker's quote."""
        ids = {p.id for p in candidates}
        mayors = bool(re.search(r"\bmayors?\b", q.question, re.I))
        quotes = [x for x in self.quotes if x.doc_id in ids and (not mayors or "mayor" in x.role.lower())]
        if not quotes:
            return Answer(text="No pledge in the 2023 report is printed with such a quote.", abstained=True, **base)
        citations = [citation_for(n, self.records[x.doc_id], x.text) for n, x in enumerate(quotes, 1)]
        n = len(quotes)
        who = "a mayor's quote" if mayors else "a quote"
        lead = (
            f"{'**' + str(n) + '**' if q.intent == 'count' else n} pledges are printed with {who}: "
            + join_names([f"{x.attribution} ({self.records[x.doc_id].submitter})" for x in quotes])
            + "."
        )
        return Answer(
            text=render_pledges(lead, citations, n),
            citations=tuple(citations),
            total_matches=n,
            number=n if q.intent == "count" else None,
            **base,
        )

    def _who_said(self, q: Query, ctx: _Ctx, base: dict) -> Answer:
        """ "Who said cities are at the helm?", "a quote about housing": the printed quotes closest to the words."""
        if not self.quotes:
            return Answer(text="The 2023 report prints no quotes.", abstained=True, **base)
        sims = self._quote_vectors @ ctx.qvec(self.store.embedder)
        qtokens = set(tokenize(q.search_text)) - _GENERIC
        scores = [
            float(sim) + 0.3 * len(qtokens & set(tokenize(x.text))) / (len(qtokens) or 1)
            for sim, x in zip(sims, self.quotes, strict=True)
        ]
        order = sorted(range(len(scores)), key=lambda n: -scores[n])
        words_match = bool(qtokens) and qtokens <= set(tokenize(self.quotes[order[0]].text))
        if float(sims[order[0]]) < MIN_DENSE and not words_match:
            return Answer(text="None of the quotes in the 2023 report says this.", abstained=True, **base)
        best = [self.quotes[n] for n in order[:3] if scores[n] >= scores[order[0]] - REPORT_MARGIN]
        return self._quotes_answer(best, base)

    def _quotes_answer(self, quotes: list[SpokenQuote], base: dict) -> Answer:
        citations = [citation_for(n, self.records[x.doc_id], x.text) for n, x in enumerate(quotes, 1)]
        lines = []
        for c, x in zip(citations, quotes, strict=True):
            where = f"beside *{c.title}*" if c.kind == "pledge" else f"in *{c.title}*"
            lines.append(f"> “{c.excerpt}” [{c.n}]\n>\n> — {x.attribution}, {where}")
        return Answer(text="\n\n".join(lines), citations=tuple(citations), total_matches=len(citations), **base)

    def _relevant(self, q: Query, hits: list[DocScore], ctx: _Ctx) -> list[DocScore]:
        if not hits:
            return []
        if q.language != "en" and self.multilingual:
            return self._relevant_multilingual(q, hits, ctx)
        top = max(h.dense for h in hits)
        if q.filters.has_place():
            # Within one place there are few pledges: keep every one that is about the topic at all.
            # A pledge whose words match the question best also counts ("people without health insurance").
            return [
                h
                for h in hits
                if h.dense >= max(MIN_DENSE_PLACE, top - PLACE_MARGIN)
                or (h.lexical >= STRONG_LEXICAL and h.dense >= MIN_DENSE_PLACE - 0.1)
            ]
        if top < MIN_DENSE:
            return []
        # The bar is set by the closest pledge that also uses the question's words, when there is one: a
        # pledge close in meaning alone ("xenophobia" -> a generic integration framework) must not raise it
        # above the pledges that talk about the topic. MiniLM scores every pledge about migrants 0.4-0.5 for
        # any question about migrants.
        supported = [h.dense for h in hits if h.lexical >= MIN_LEXICAL and h.dense >= MIN_DENSE]
        if supported:
            top = max(supported)
        phrases = self._topic_phrases(q)
        shared = {h.doc_id: len(phrases & self._bigrams[h.doc_id]) for h in hits}
        most = max(shared.values(), default=0)
        # The pledges using most of the question's own phrases ("language courses", "refugee camp") have
        # strong evidence; one that shares only part ("one-stop shop" without "Overseas Filipino") does not.
        phrased = {d for d, n in shared.items() if n and n == most}
        kept = [
            h
            for h in hits
            if h.dense >= max(MIN_DENSE, top - MARGIN)
            or (h.lexical >= STRONG_LEXICAL and h.dense >= MIN_DENSE - 0.05)
            or (h.dense >= MIN_DENSE - 0.05 and h.doc_id in phrased)
        ]
        if phrased:
            # when some pledges use the question's own words, the rest need to be nearly as close as the best
            kept = [h for h in kept if shared[h.doc_id] or h.dense >= top - PHRASE_GATE]
        # On meaning alone, without the question's words, only the closest pledge may answer, and only when
        # no pledge uses them.
        return [h for h in kept if h.lexical >= MIN_LEXICAL or (h.dense >= top and not supported)]

    def _topic_phrases(self, q: Query) -> set[tuple[str, str]]:
        """Two-word phrases of the question's topic, without the words that only say what kind of answer."""
        return {(a, b) for a, b in bigrams(q.question) if a not in _GENERIC and b not in _GENERIC}

    def _relevant_multilingual(self, q: Query, hits: list[DocScore], ctx: _Ctx) -> list[DocScore]:
        """Non-English: what the multilingual model ranks clearly on top, plus what the English model finds
        through the glossary's English expansions (the packaged MiniLM reads English only)."""
        ml = ctx.multilingual
        keep: list[str] = []
        if ml:
            top = max(ml.values())
            keep = [d for d, s in sorted(ml.items(), key=lambda kv: -kv[1]) if s >= max(MIN_ML, top - ML_MARGIN)]
        if q.terms and hits:
            top_mini = max(h.mini for h in hits)
            english = [h.doc_id for h in hits if h.mini >= max(MIN_DENSE_EXPANDED, top_mini - MARGIN)]
            keep += [d for d in english if d not in keep]
        by_id = {h.doc_id: h for h in hits}
        return [by_id[d] for d in keep if d in by_id][:MAX_TOPICAL]

    def _excerpt(self, doc_id: str, q: Query, ctx: _Ctx, numbers: bool = False) -> str:
        qtokens = set(tokenize(q.search_text)) | set(q.search_text.lower().split())
        return self.sentences.best(doc_id, ctx.qvec(self.store.embedder), qtokens, numbers=numbers).text

    def _with_partners(self, pledges: list[Pledge]) -> list[Pledge]:
        """A joint pledge is printed once per partner; one project, so both records go together."""
        out: list[Pledge] = []
        for p in pledges:
            if p not in out:
                out.append(p)
            partner = self.records.get(p.joint_with) if p.joint_with else None
            if isinstance(partner, Pledge) and partner not in out:
                out.append(partner)
        return out

    def _pledge_answer(self, q: Query, ctx: _Ctx, hits: list[DocScore], total: int, base: dict) -> Answer:
        pledges = self._with_partners([self.records[h.doc_id] for h in hits])
        total += len(pledges) - len(hits)
        citations = [citation_for(n, p, self._excerpt(p.id, q, ctx)) for n, p in enumerate(pledges, 1)]
        names = [c.submitter for c in citations if c.submitter]
        where = f" (filtered to {q.filters.place_label})" if q.filters.place_label else ""
        lead = f"{join_names(names)} {'has a pledge that answers' if len(set(names)) == 1 else 'have pledges that answer'} this{where}:"
        return Answer(
            text=render_pledges(lead, citations, total),
            citations=tuple(citations),
            total_matches=total,
            **base,
        )

    def _listing(self, q: Query, ctx: _Ctx, pledges: list[Pledge], base: dict, ranked: bool = False) -> Answer:
        if not ranked:
            pledges = sorted(pledges, key=lambda p: (-p.year, fold(p.submitter)))
        if q.intent != "count":
            pledges = self._with_partners(pledges)
        shown = pledges[:MAX_LISTED]
        if ranked:
            citations = [citation_for(n, p, self._excerpt(p.id, q, ctx)) for n, p in enumerate(shown, 1)]
        else:  # no topic to match: quote what each pledge commits to (its opening sentence)
            citations = [citation_for(n, p, self.sentences.first(p.id)) for n, p in enumerate(shown, 1)]
        n = len(pledges)
        what = _describe(q)
        if q.intent == "count" and re.search(r"\bhow many (?:different |distinct )?countries\b", q.question, re.I):
            countries = sorted(
                {
                    c
                    for p in pledges
                    for c in (p.countries or (p.country,))
                    if c in self.gaz.countries and c not in self.gaz.regions
                }
            )
            lead = f"**{len(countries)}** countries: {join_names(countries)} ({n} {what}; organizations that work globally or across a region are not counted as a country)."
            citations = [citation_for(k, p, self.sentences.first(p.id)) for k, p in enumerate(pledges[:MAX_LISTED], 1)]
            return Answer(
                text=render_pledges(lead, citations, n),
                citations=tuple(citations),
                total_matches=n,
                number=len(countries),
                **base,
            )
        years = {p.year for p in pledges}
        split = ""
        if len(years) > 1:
            c23 = sum(p.year == 2023 for p in pledges)
            split = f" ({c23} from the 2023 submissions, {n - c23} highlighted 2022 action{'s' if n - c23 > 1 else ''})"
        if n == 1:
            what = what.replace("pledges", "pledge", 1).replace("actions", "action", 1)
        if q.intent == "count":
            lead = f"**{n}** {what}{split}."
        else:
            lead = f"{n} {what}{split}: {join_names([p.submitter for p in shown])}."
        notes = list(self._count_notes(q, pledges))
        return Answer(
            text=render_pledges(lead, citations, n, notes),
            citations=tuple(citations),
            total_matches=n,
            number=n,
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
        if q.joint_only and (pairs := sum(bool(p.joint_with) for p in pledges)):
            notes.append(
                f"A joint 2023 pledge is printed once per partner, so {pairs} of these records are "
                f"{pairs // 2} partnership{'s' if pairs > 2 else ''}."
            )
        if q.filters.pledge_types and any(p.year == 2022 for p in self.pledges) and q.filters.year != 2022:
            notes.append("Pledge types are given for the 2023 submissions only.")
        return notes

    def _summary_differs(self) -> bool:
        return any("15 GCR only" in s.text for s in self.sections)

    def _report_answer(self, q: Query, ctx: _Ctx, base: dict) -> Answer:
        """Answer from the single best sentences of the narrative (and of the named submitter's pledges).

        Sections and pledges are ranked alike, by their best sentence: a report fact sits in one sentence,
        which a window of three dilutes. A pledge competes only when the question names its submitter, or
        when it beats every section clearly.
        """
        wants_number = bool(_ASKS_NUMBER.search(q.question))
        # the narrative is searched with the whole question: "the Lampedusa Charter" names what is asked
        ctx = _Ctx(q.full_text or q.search_text)
        q = replace(q, search_text=q.full_text or q.search_text)
        # the submitter's own pledges, whatever year or type the question mentions ("its 2022 commemoration")
        own = [p.id for p in self.pledges if p.submitter in q.filters.submitters]
        sections = [s.id for s in self.sections]
        if own:
            # a question about one submitter: only the narrative that names it can answer for it
            names = {fold(n) for sub in q.filters.submitters for n in (sub, *self.gaz.submitters[sub].aliases)}
            sections = [s.id for s in self.sections if any(n in fold(s.text) for n in names)]
        ranked = self._by_best_sentence(q, ctx, sections + own, wants_number)
        if own and wants_number:
            # a figure about one submitter must be said of it: in its pledge, or in a sentence of the narrative
            # that (or whose preceding sentence) names it ("the Global Cities Fund's $50 million" is not Ramallah's)
            ranked = [r for r in ranked if r[0] in own or self._names_nearby(r[0], r[4], names)]
        if not own:
            best_pledges = self._by_best_sentence(
                q, ctx, [h.doc_id for h in self._retrieve(q, ctx, k=3, allowed=None, kinds=("pledge",))], wants_number
            )
            top_section = next((r for r in ranked if r[2] == "section"), None)
            if best_pledges and (top_section is None or best_pledges[0][1] >= top_section[1] + 0.1):
                ranked = [best_pledges[0], *ranked]
        # the English model reads a Spanish question about a named submitter's own text only loosely
        bar = MIN_DENSE_PLACE if own and q.language != "en" else MIN_DENSE
        if not ranked or ranked[0][3] < bar:
            return Answer(text=_nothing_on(q), abstained=True, **base)
        top = ranked[0][1]
        keep = [r for r in ranked[:3] if r[1] >= top - REPORT_MARGIN][:2]
        number = _number_in(keep[0][4], q.question, q.full_text) if wants_number else None
        # numbered in the order shown: the report's narrative first, then the pledge
        keep.sort(key=lambda r: r[2] != "section")
        citations = [citation_for(n, self.records[doc], sentence) for n, (doc, _, _, _, sentence) in enumerate(keep, 1)]
        if wants_number and number is None:
            return Answer(text="The 2023 report gives no figure that answers this.", abstained=True, **base)
        cited_sections = [c for c in citations if c.kind == "section"]
        cited_pledges = [c for c in citations if c.kind == "pledge"]
        parts = []
        if cited_sections:
            parts.append(render_sections("The report says:", cited_sections))
        if cited_pledges:
            parts.append(render_pledges("From the pledge:", cited_pledges, len(cited_pledges)))
        return Answer(
            text="\n\n".join(parts),
            citations=tuple(citations),
            number=number,
            total_matches=len(cited_pledges) or None,
            **(base | {"intent": "report"}),
        )

    def _names_nearby(self, doc_id: str, sentence: str, names: set[str]) -> bool:
        rec = self.records[doc_id]
        if isinstance(rec, Section) and any(n in fold(rec.title) for n in names):
            return True  # the section is about it ("UCLG: Enhancing Local Capacities …")
        rows = self.sentences.rows.get(doc_id, [])
        texts = [self.sentences.texts[r] for r in rows]
        at = texts.index(sentence) if sentence in texts else -1
        nearby = " ".join(texts[max(0, at - 1) : at + 1]) if at >= 0 else sentence
        return any(n in fold(nearby) for n in names)

    def _by_best_sentence(
        self, q: Query, ctx: _Ctx, doc_ids: list[str], numbers: bool
    ) -> list[tuple[str, float, str, float, str]]:
        """(doc id, score, kind, cosine, sentence) by each record's best sentence, best first.

        Score = cosine + 0.3 × share of the question's words in the sentence (+ 0.1 for a figure when one is
        asked for)."""
        qvec = ctx.qvec(self.store.embedder)
        qtokens = set(tokenize(q.search_text)) - _contrast_words(q.question)
        shares = bool(re.search(r"share|percent|per cent|%|proportion|fraction", q.question, re.I))
        growth = bool(_GROWTH.search(q.question))
        counted = _counted(q.full_text or q.question)
        out = []
        for doc in dict.fromkeys(doc_ids):
            rows = self.sentences.content_rows(doc)
            if not rows:
                continue
            sims = self.sentences.vectors[rows] @ qvec
            best = None
            for r, sim in zip(rows, sims, strict=True):
                text = self.sentences.texts[r]
                value = float(sim) + 0.3 * len(self.sentences.tokens[r] & qtokens) / (len(qtokens) or 1)
                if numbers and _has_figure(text):
                    value += 0.1
                    if counted and any(_counts_it(text, m, counted) for m in _NUMBER.finditer(text)):
                        value += 0.2  # "how many people …": a sentence giving a number of people
                    if shares and "%" in text:
                        value += 0.2
                    if growth and _END_FIGURE.search(text):
                        value += 0.2
                if best is None or value > best[0]:
                    best = (value, float(sim), text)
            kind = "pledge" if isinstance(self.records[doc], Pledge) else "section"
            out.append((doc, best[0], kind, best[1], best[2]))
        out.sort(key=lambda r: -r[1])
        return out

    def _compare_answer(self, q: Query, ctx: _Ctx, base: dict) -> Answer:
        anchors = [p for p in self.pledges if p.submitter == q.anchor]
        if len(anchors) > 1:
            hits = self._retrieve(q, ctx, k=5, allowed={p.id for p in anchors}, kinds=("pledge",))
            # among a submitter's few pledges, the one the question describes: rank fusion over a handful of
            # documents rewards the one with most passages, so meaning and words decide directly
            best = max(hits, key=lambda h: h.dense + 0.5 * h.lexical, default=None)
            anchors = [self.records[best.doc_id]] if best else anchors[:1]
        anchor = anchors[0]
        topical = None
        # "like Milan's First Steps" names the project; "like Terrassa's anti-racism training" adds an aspect
        if set(self._topic_words(q)) - set(tokenize(anchor.title)):
            qvec = ctx.qvec(self.store.embedder)
            topical = {}
            for p in self.pledges:
                rows = self.sentences.content_rows(p.id)
                if p.submitter not in q.anchors and rows and self._fits(q, p):
                    topical[p.id] = float((self.sentences.vectors[rows] @ qvec).max())
        ranked = [s for s in self.similar(anchor.id, k=len(self.pledges), topical=topical) if self._fits(q, s.pledge)]
        # Only the clearly comparable: within a small distance of the closest one, five at most.
        ranked = [s for s in ranked if s.pledge.submitter not in q.anchors]
        closest = ranked[0].similarity if ranked else 0.0
        # a constraint the user set ("in Greece", "joint pledges") already picked the candidates: rank them all
        narrowed = not replace(q.filters, submitters=(), place_label=None).is_empty() or q.joint_only
        margin = 1.0 if narrowed else COMPARE_MARGIN
        similar = [s for s in ranked if s.similarity >= closest - margin][:MAX_COMPARABLE]
        similar = [s for s in similar if s.pledge.id != anchor.joint_with]
        if not similar:
            return Answer(text=_nothing_for(q), abstained=True, **base)
        citations = [citation_for(n, s.pledge, s.sentence) for n, s in enumerate(similar, 1)]
        # The anchor is named, not cited: the citations are the answer (comparable pledges elsewhere).
        lines = [f"Pledges from other submitters comparable to {anchor.submitter}'s *{anchor.title}*:", ""]
        for c, s in zip(citations, similar, strict=True):
            shared = f"; shared priorities {', '.join(map(str, s.shared_priorities))}" if s.shared_priorities else ""
            lines.append(
                f"{c.n}. **{c.submitter}** ({c.country}, {c.year}) — *{c.title}* "
                f"(similarity {s.similarity:.2f}{shared}): “{c.excerpt}” [{c.n}]"
            )
        shown = "all that match" if narrowed else f"those within {COMPARE_MARGIN} of the closest"
        lines += ["", f"{len(similar)} comparable pledges shown ({shown}, {MAX_COMPARABLE} at most)."]
        return Answer(text="\n".join(lines), citations=tuple(citations), total_matches=len(similar), **base)

    def _fits(self, q: Query, p: Pledge) -> bool:
        f = replace(q.filters, submitters=())
        return matches(p, f) and (not q.joint_only or _is_joint(p))


# "Who helps …", "which cities …", "is anyone …": the answer is pledges, never the narrative alone.
_ASKS_WHO = re.compile(
    r"^\s*(?:who|which|whose|(?:(?:is|are|does|do|has|have|did)\s+)?(?:there\s+)?(?:any|some)(?:one|body|\s+(?:cit(?:y|ies)|"
    r"towns?|municipalit(?:y|ies)|places?|pledges?|projects?|programmes?|programs?|(?:local )?governments?)))\b",
    re.I,
)
# "Which projects are run together with UNHCR?": partners are named, so the pledges that name them answer.
_PARTNER = re.compile(
    r"\b(?:with|together with|in partnership with|partner(?:s|ed|ing)? with|alongside|supported by|funded by)\s+"
    r"(?:the\s+)?(?P<org>UNHCR|IOM|UNDP|UNICEF|UN-Habitat|UN Habitat|WHO|ILO|UNFPA|WFP|World Bank|European Union|EU)\b"
)
# "Can you help me fill in my asylum application?": a request for personal help, not a question about pledges.
_PERSONAL = re.compile(
    r"\b(?:help me (?:to )?(?:fill|apply|write|prepare|submit|translate|with my)|fill (?:in|out) my|"
    r"(?:apply|submit|translate) my|my (?:own )?(?:asylum|visa|residence|residency|work permit|immigration) "
    r"(?:application|case|claim|papers|appeal|interview))\b",
    re.I,
)
# "Which pledges mention the private sector?" asks for the words themselves, not for a topic.
_MENTIONS = re.compile(
    r"\b(?:(?:mentions?|mentioning|refers? to|referring to)(?:\s+the)?(?:\s+(?:words?|phrases?|terms?|expression))?|"
    r"(?:uses?|using|contains?|containing|includes?|including)\s+the\s+(?:words?|phrases?|terms?|expression))"
    r"\s+[\"“'‘]?(?:the |a |an )?(?P<phrase>[^?\"“”'‘’]{2,60}?)[\"”'’]?\s*\??\s*$",
    re.I,
)
_WHO_SAID = re.compile(
    r"^\s*(?:who|which \w+)\s+(?:said|says|stated|states|wrote|declared|called for)\b|"
    r"\bquotes?\s+(?:about|on|regarding|saying|that says)\b|\b(?:who|which \w+) (?:is|was) quoted\b",
    re.I,
)
_QUOTE = re.compile(r"\b(quotes?|quotation|said|says|say|in (?:his|her|their) (?:own )?words)\b", re.I)
_NUMBER = re.compile(r"(?<![\w.,\-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s*%|\s*(?:million|billion))?")
_ASKS_NUMBER = re.compile(
    r"\b(how many|how much|what share|what percentage|what proportion|what fraction|how large|how big|how long|"
    r"number of|percent|per cent|target|goal|figure|amount|budget|cost|costs|cu[aá]nt[oa]s?|combien|quant[oa]s?)\b|%",
    re.I,
)


_CONTRAST = re.compile(r"\b(?:rather than|instead of|as opposed to|other than|excluding|except|not)\b([^,;.?!]*)", re.I)


_GROWTH = re.compile(r"\b(grow|grown|grew|growth|increased?|risen|rose|expanded|become|now)\b", re.I)
_END_VERB = r"\b(?:become|became|grown to|grew to|risen to|rose to|increased to|reached|reaches|now)\b"
_END_STATE = re.compile(_END_VERB + r"[^.]*$", re.I)  # the text before a number ends "... has become an"
_END_FIGURE = re.compile(_END_VERB + r"[^.\d]*\d", re.I)  # a sentence says what something became


_MONEY = re.compile(
    r"\b(?:how much (?:money|funding|funds)|budget|funding|funds|cost|costs|dollars|euros|spend|spent|invest\w*)\b|\$",
    re.I,
)


def _contrast_words(question: str) -> set[str]:
    """Words a question sets aside ("from cities rather than networks"): matching them points the wrong way."""
    return {w for m in _CONTRAST.finditer(question) for w in tokenize(m.group(1))}


def _has_figure(text: str) -> bool:
    """A number that is a figure: not a year ("the 2022 IMRF") and not part of a name ("COVID-19")."""
    return any(
        m.group(2)
        or not (float(m.group(1).replace(",", "")).is_integer() and 1900 <= float(m.group(1).replace(",", "")) <= 2100)
        for m in _NUMBER.finditer(text)
    )


def _counted(question: str) -> set[str]:
    """What a "how many …" question counts ("emergencies", "people")."""
    return {w for m in re.finditer(r"\bhow many\s+(\w+(?:\s+\w+)?)", question, re.I) for w in tokenize(m.group(1))}


def _counts_it(text: str, m: re.Match, counted: set[str]) -> bool:
    """Whether the number matched at `m` is printed right before what is counted ("5000 people")."""
    return bool(counted & set(tokenize(text[m.end() : m.end() + 30])[:2]))


def _number_in(text: str, question: str, expanded: str = "") -> float | None:
    """The figure a question asks for: the number whose neighbouring words best match the question.

    A share question takes a percentage and a money question an amount when the sentence has one; years
    count only when the question asks when; a growth question takes the figure something became."""
    wants_share = bool(re.search(r"share|percent|per cent|%|proportion|fraction", question, re.I))
    wants_year = bool(re.search(r"\b(when|what year|which year)\b", question, re.I))
    wants_growth = bool(_GROWTH.search(question))
    wants_money = bool(_MONEY.search(question))
    qwords = set(tokenize(expanded or question)) - _contrast_words(question)
    # "how many emergencies …": the number printed right before "emergencies" is the one asked for
    counted = _counted(expanded or question)
    found: list[tuple[float, float, bool, bool]] = []  # (score, value, is a percentage, is an amount)
    for m in _NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if m.group(2) is None and value.is_integer() and 1900 <= value <= 2100 and not wants_year:
            continue
        is_pct = bool(m.group(2) and "%" in m.group(2))
        is_amount = bool(
            re.search(r"(?:\$|€|£|CHF)\s*$", text[max(0, m.start() - 4) : m.start()])
            or re.match(r"\s*(?:million|billion)?\s*(?:dollars|euros|francs|Swiss francs|USD|EUR)\b", text[m.end() :])
        )
        window = text[max(0, m.start() - 80) : m.end() + 80]
        score = len(qwords & set(tokenize(window))) + (0.5 if m.group(2) else 0)
        if wants_growth and _END_STATE.search(text[max(0, m.start() - 30) : m.start()]):
            score += 3  # "has grown to / become / reached $8 million": the figure now, not the starting one
        if _counts_it(text, m, counted):
            score += 3
        found.append((score, value, is_pct, is_amount))
    if wants_share and any(f[2] for f in found):
        found = [f for f in found if f[2]]
    if wants_money and any(f[3] for f in found):
        found = [f for f in found if f[3]]  # "how much money …": an amount, not the people it serves
    if not found:
        return None
    best = max(found, key=lambda f: f[0])  # the first of equals: the report states the main figure first
    if best[0] == 0 and len(found) > 1:
        return None  # no figure near the question's words: not the number that was asked for
    return int(best[1]) if best[1].is_integer() else best[1]


def _is_joint(p: Pledge) -> bool:
    """Made together by two places: printed once per partner, or one record naming both countries."""
    return bool(p.joint_with) or len(p.countries) > 1


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
    if q.started_by:
        parts.append(f"started in {q.started_by} or earlier")
    if q.gcf_only:
        parts.append("supported by the Global Cities Fund")
    if q.open_ended:
        parts.append("with no end date")
    if q.joint_only:
        parts.insert(0, "joint")
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
