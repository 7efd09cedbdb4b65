"""The optional LLM: a LangChain chat model rewrites the extractive answer from the same numbered excerpts.

Sentences citing no supplied excerpt, or using a name their excerpts lack, are dropped; any failure or
timeout falls back to the extractive answer with a visible note.
"""

from __future__ import annotations

import concurrent.futures
import re
from dataclasses import replace

from ..errors import PledgeBotError
from ..records import Answer
from ..text import sentences

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
    # the pool is not a `with` block: leaving one waits for the call, and a slow model must not hold the answer
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pledgebot-llm")
    try:
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
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
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


def load_chat_model(spec: str, timeout: float | None = None):
    """A LangChain chat model from an init_chat_model spec ("ollama:llama3.1"); None when unset.

    The provider is asked to time out on its own too (`timeout`), where it accepts one, so a stalled connection
    is closed rather than left to run in the background. A model that cannot be set up (missing provider
    package, missing key, a malformed spec) is a PledgeBotError naming the spec: the caller reports it once and
    serves the extractive answer."""
    if not spec:
        return None
    try:
        from langchain.chat_models import init_chat_model

        try:
            return init_chat_model(spec, timeout=timeout) if timeout else init_chat_model(spec)
        except TypeError:  # a provider without a timeout parameter
            return init_chat_model(spec)
    except Exception as exc:  # noqa: BLE001 - any set-up failure is reported, never a traceback
        msg = f"PLEDGEBOT_LLM={spec!r} cannot be used ({type(exc).__name__}: {exc})"
        raise PledgeBotError(msg) from exc
