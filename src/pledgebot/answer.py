"""Compose cited answers: pick the verbatim sentences to quote, number them, write the markdown.

The default answer is extractive (no model, no network). With PLEDGEBOT_LLM set, a LangChain chat model
rewrites it from the same numbered excerpts; citations it invents are dropped, and any failure falls
back to the extractive answer with a visible note.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .passages import sentences
from .records import Answer, Citation, Pledge, Section
from .retrieval import tokenize

MAX_LISTED = 60


@dataclass(frozen=True)
class Excerpt:
    """The sentences of one record chosen to quote, joined as they stand in the text."""

    text: str
    score: float


class SentenceIndex:
    """Sentence vectors of every description and section, to pick the sentences most relevant to a question."""

    def __init__(self, doc_ids: Sequence[str], texts: Sequence[str], vectors: np.ndarray) -> None:
        self.texts = list(texts)
        self.vectors = vectors
        self.rows: dict[str, list[int]] = {}
        for n, d in enumerate(doc_ids):
            self.rows.setdefault(d, []).append(n)
        # Sentences printed in three or more records ("This project is supported by the Global Cities Fund
        # for Migrants and Refugees.") say nothing about any one pledge: never the best excerpt.
        docs_per_text: dict[str, set[str]] = {}
        for n, d in enumerate(doc_ids):
            docs_per_text.setdefault(self.texts[n], set()).add(d)
        self.boilerplate = {t for t, docs in docs_per_text.items() if len(docs) >= 3}
        # each sentence's word set, computed once: answers compare them with every question
        self.tokens = [set(tokenize(t)) for t in self.texts]

    def content_rows(self, doc_id: str) -> list[int]:
        """A record's sentence rows without boilerplate (all of them if nothing else is left)."""
        rows = self.rows.get(doc_id, [])
        # a two-word "sentence" ("Local Action.") is a heading's remnant, not something the report says
        return [r for r in rows if self.texts[r] not in self.boilerplate and len(self.texts[r].split()) > 3] or rows

    def first_where(self, doc_id: str, test: Callable[[str], bool]) -> str | None:
        """The record's first sentence that passes `test` (one naming a place, spelling out an acronym …)."""
        return next((self.texts[r] for r in self.rows.get(doc_id, []) if test(self.texts[r])), None)

    def first(self, doc_id: str) -> str:
        """The record's opening sentence: what a pledge commits to."""
        rows = self.rows.get(doc_id, [])
        return self.texts[rows[0]] if rows else ""

    def best(
        self, doc_id: str, qvec: np.ndarray | None, qtokens: set[str], n: int = 2, numbers: bool = False
    ) -> Excerpt:
        """Up to `n` sentences of `doc_id` that answer best, in text order (`numbers`: prefer figures)."""
        rows = self.content_rows(doc_id)
        if not rows:
            return Excerpt("", 0.0)
        sims = self.vectors[rows] @ qvec if qvec is not None else np.zeros(len(rows))
        scores = []
        for k, r in enumerate(rows):
            words = set(re.findall(r"\w+", self.texts[r].lower()))
            overlap = len(words & qtokens) / (len(qtokens) or 1)
            figure = 0.1 if numbers and re.search(r"\d", self.texts[r]) else 0.0
            scores.append(float(sims[k]) + 0.3 * overlap + figure)
        order = sorted(range(len(rows)), key=lambda k: -scores[k])
        top = order[0]
        picked = [top]
        if n > 1 and len(order) > 1 and scores[order[1]] >= scores[top] - 0.08:
            picked.append(order[1])
        picked.sort()
        return Excerpt(" … ".join(self.texts[rows[k]] for k in picked), scores[top])


def excerpt_is_verbatim(excerpt: str, text: str) -> bool:
    """Every piece of an excerpt (split on the ellipsis) is a substring of the record text."""
    return all(piece in text for piece in excerpt.split(" … "))


def citation_for(n: int, rec: Pledge | Section, excerpt: str) -> Citation:
    if isinstance(rec, Pledge):
        return Citation(
            n,
            rec.id,
            "pledge",
            rec.submitter,
            rec.country,
            rec.year,
            rec.title,
            excerpt,
            rec.source,
            rec.pledge_type,
        )
    return Citation(n, rec.id, "section", None, None, None, rec.title, excerpt, rec.source)


def pledge_line(c: Citation) -> str:
    kind = c.pledge_type or ("2022 action" if c.year == 2022 else "")
    meta = ", ".join(x for x in (c.country, str(c.year) if c.year else "", kind) if x)
    return f"**{c.submitter}** ({meta}) — *{c.title}*: “{c.excerpt}” [{c.n}]"


def join_names(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def completeness(total: int, shown: int) -> str:
    noun = "pledge" if total == 1 else "pledges"
    verb = "matches" if total == 1 else "match"
    if shown >= total:
        return f"{total} {noun} {verb}; all {total} shown." if total > 1 else f"1 {noun} {verb}."
    return f"{total} {noun} {verb}; the {shown} most relevant are shown."


def render_pledges(lead: str, citations: Sequence[Citation], total: int, notes: Sequence[str] = ()) -> str:
    lines = [lead, ""]
    lines += [f"{c.n}. {pledge_line(c)}" for c in citations]
    lines += ["", completeness(total, len(citations))]
    lines += [f"\n*{note}*" for note in notes]
    return "\n".join(lines).strip()


def render_sections(lead: str, citations: Sequence[Citation]) -> str:
    lines = [lead, ""] if lead else []
    lines += [f"> “{c.excerpt}” [{c.n}] — *{c.title}*" for c in citations]
    return "\n".join(lines)


# -- optional LLM ---------------------------------------------------------------------------------------


_CITE = re.compile(r"\[(\d+)\]")


_NAME = re.compile(r"\b(?:[A-Z]{2,}s?|[A-Z][a-zà-ÿ]+(?:[-’'][A-Za-zà-ÿ]+)*)\b")


def _ungrounded_names(sentence: str, sources: str) -> list[str]:
    """Names and acronyms in a sentence (not its first word) that its cited excerpts never use: a model
    that puts Quezon City's "MRC" in Laguna's mouth keeps a valid [n] and still misquotes."""
    body = _CITE.sub("", sentence).strip()
    first = re.match(r"\W*\w+", body)
    start = first.end() if first else 0
    folded = sources.casefold()
    return [m.group(0) for m in _NAME.finditer(body, start) if m.group(0).casefold() not in folded]


def keep_cited_sentences(text: str, valid: set[int], grounding: dict[int, str] | None = None) -> tuple[str, set[int]]:
    """Keep the sentences that cite a supplied excerpt (and, given `grounding`, use no name it lacks);
    strip citations to unknown numbers; drop a last sentence cut off mid-way."""
    kept, used = [], set()
    parts = sentences(text.replace("\n", " "))
    for k, sent in enumerate(parts):
        nums = {int(x) for x in _CITE.findall(sent)}
        good = nums & valid
        if not good:
            continue
        if k == len(parts) - 1 and not re.search(r"[.!?…”\")]\s*$", _CITE.sub("", sent).rstrip()):
            continue  # the reply ran out of tokens in this sentence
        if grounding is not None and _ungrounded_names(sent, " ".join(grounding.get(n, "") for n in good)):
            continue
        for bad in nums - valid:
            sent = sent.replace(f"[{bad}]", "")
        kept.append(sent.strip())
        used |= good
    return " ".join(kept), used


def llm_rewrite(answer: Answer, model, timeout: float) -> Answer:
    """Let a chat model write the answer from the numbered excerpts; fall back on any problem."""
    if answer.abstained or not answer.citations or model is None:
        return answer
    sources = "\n".join(
        f"[{c.n}] {c.submitter or c.title} ({c.country or 'report'}, {c.year or ''}): {c.excerpt}"
        for c in answer.citations
    )
    prompt = (
        "Answer the question using only the numbered excerpts. After every sentence put the number of the excerpt "
        "it rests on, like [1]. Do not use any other knowledge. If the excerpts do not answer, say so.\n\n"
        f"Question: {answer.question}\n\nExcerpts:\n{sources}\n\nAnswer:"
    )
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            reply = pool.submit(model.invoke, prompt).result(timeout=timeout)
        content = reply.content if hasattr(reply, "content") else str(reply)
        if isinstance(content, list):
            content = " ".join(str(part.get("text", part)) if isinstance(part, dict) else str(part) for part in content)
        grounding = {
            c.n: " ".join(x for x in (c.submitter, c.country, c.title, c.excerpt) if x) for c in answer.citations
        }
        text, used = keep_cited_sentences(str(content), {c.n for c in answer.citations}, grounding)
    except Exception as exc:  # any model error or timeout: the extractive answer stands
        name = type(exc).__name__ if not isinstance(exc, concurrent.futures.TimeoutError) else "timeout"
        return replace(answer, notes=(*answer.notes, f"LLM unavailable ({name}); showing the extractive answer."))
    if not text:
        return replace(
            answer,
            notes=(*answer.notes, "The LLM's answer had no valid citation; showing the extractive answer."),
        )
    cites = tuple(c for c in answer.citations if c.n in used)
    listing = "\n".join(f"[{c.n}] {c.submitter or c.title} — “{c.excerpt}”" for c in cites)
    return replace(
        answer,
        text=f"{text}\n\n{listing}",
        citations=cites,
        notes=(*answer.notes, "Written by an LLM from the excerpts."),
    )


def load_chat_model(spec: str):
    """A LangChain chat model from an init_chat_model spec ("ollama:llama3.1"); None when unset."""
    if not spec:
        return None
    from langchain.chat_models import init_chat_model

    return init_chat_model(spec)
