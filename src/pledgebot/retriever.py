"""A LangChain `BaseRetriever` over PledgeBot's hybrid search, so it plugs into anyone's LangChain chain."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class PledgeRetriever(BaseRetriever):
    """LangChain retriever over PledgeBot's hybrid search: one Document per pledge or section."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any
    records: dict[str, Any]
    k: int = 5
    kinds: tuple[str, ...] = ("pledge", "section")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        out = []
        for hit in self.searcher.search(query, k=self.k, kinds=self.kinds):
            rec = self.records[hit.doc_id]
            text = getattr(rec, "description", None) or getattr(rec, "text", "")
            meta = {"id": hit.doc_id, "kind": hit.kind, "score": round(hit.score, 5), "title": rec.title}
            if hit.kind == "pledge":
                meta.update(submitter=rec.submitter, country=rec.country, year=rec.year, pledge_type=rec.pledge_type)
            meta.update(line_start=rec.source.line_start, line_end=rec.source.line_end)
            out.append(Document(page_content=text, metadata=meta))
        return out
