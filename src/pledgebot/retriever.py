"""PledgeBot as a LangChain retriever: the documents `ask` cites ("answer" mode) or ranked hybrid hits ("search").

    retriever = PledgeRetriever.from_settings()              # or bot.retriever()
    retriever.invoke("who runs one-stop shops for OFWs?")   # the pledges the answer cites, in its order
    retriever.invoke("housing", k=3, country="Greece")      # k and filters at call time, or in search_kwargs
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from .filters import normalise, regions_of
from .records import Pledge, Section

# The filters a caller may pass, as in `pledgebot ask --country … --region …`.
FILTER_KEYS = ("country", "region", "year", "pledge_type", "kind", "priority")


class PledgeRetriever(BaseRetriever):
    """LangChain retriever over PledgeBot. `mode="answer"` (the default) returns exactly the records `ask` cites,
    in order, and nothing when it abstains; `mode="search"` returns the ranked hybrid hits. Both honour `k` and
    the filters (country, region, year, pledge_type, kind, priority) given at call time or in `search_kwargs`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    bot: Any
    k: int = 5
    mode: Literal["answer", "search"] = "answer"
    search_kwargs: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Any = None, **kwargs: Any) -> PledgeRetriever:
        """Load PledgeBot (records, index, models) from settings (the environment by default)."""
        from .config import Settings
        from .pipeline import PledgeBot

        return cls(bot=PledgeBot.load(settings or Settings.from_env()), **kwargs)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        options = {**self.search_kwargs, **kwargs}
        k = int(options.pop("k", self.k))
        unknown = set(options) - set(FILTER_KEYS)
        if unknown:
            msg = f"unknown retriever argument(s): {', '.join(sorted(unknown))}; one of k, {', '.join(FILTER_KEYS)}"
            raise ValueError(msg)
        filters = normalise(**options) if options else None
        if self.mode == "search":
            return [self._document(rec, excerpt="", score=hit.score) for hit, rec in self.bot.search(query, k, filters)]
        answer = self.bot.ask(query, filters=filters)
        if answer.abstained:
            return []
        return [self._document(self.bot.records[c.id], c.excerpt, rank=c.n) for c in answer.citations[:k]]

    def _document(self, rec: Pledge | Section, excerpt: str, score: float | None = None, rank: int | None = None) -> Document:
        meta: dict[str, Any] = {
            "id": rec.id,
            "kind": "pledge" if isinstance(rec, Pledge) else "section",
            "title": rec.title,
            "section": rec.source.section,
            "line_start": rec.source.line_start,
            "line_end": rec.source.line_end,
            "source_file": self.bot.source_file_of(rec),
        }
        if excerpt:
            meta["excerpt"] = excerpt
        if rank is not None:
            meta["rank"] = rank
        if score is not None:
            meta["score"] = round(score, 5)
        if isinstance(rec, Pledge):
            meta |= {
                "submitter": rec.submitter,
                "country": rec.country,
                "countries": list(rec.countries or (rec.country,)),
                "region": rec.region,
                "regions": list(regions_of(rec, self.bot.gaz)),
                "year": rec.year,
                "pledge_type": rec.pledge_type,
                "priorities": list(rec.priorities),
            }
        text = rec.description if isinstance(rec, Pledge) else rec.text
        return Document(id=rec.id, page_content=text, metadata=meta)
