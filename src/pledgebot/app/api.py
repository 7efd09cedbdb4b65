"""The JSON API: `ask_json`, `search`, `pledges`, `similar` as Gradio API endpoints (and MCP tools).

Each returns plain JSON (the `ask --json` object for `ask_json`), never HTML, with typed, described parameters:
Gradio turns the type hints and the docstrings' Args into the API page and the MCP tool schemas.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import PledgeBotError
from ..filters import Filters, normalise
from ..understand import MAX_CHARS

if TYPE_CHECKING:
    from ..pipeline import PledgeBot


def _filters(country: str, region: str, year: int, pledge_type: str, kind: str, priority: int) -> Filters | None:
    f = normalise(
        country=country or None,
        region=region or None,
        year=year or None,
        pledge_type=pledge_type or None,
        kind=kind or None,
        priority=priority or None,
    )
    return None if f.is_empty() else f


HTTP_NAMES = ("ask_json", "search", "pledges", "similar")  # the JSON endpoints; the MCP tools are served as tool_*


def http_endpoints(bot: PledgeBot) -> dict[str, Any]:
    """The JSON endpoints over a loaded pipeline, by endpoint name."""
    http = {"ask_json": _ask_json(bot), "search": _search(bot), "pledges": _pledges(bot), "similar": _similar(bot)}
    for fn in http.values():
        # HTTP clients get these objects as JSON; MCP clients get the compact text tools of `mcp_tools`
        # (Gradio's MCP server lists only the endpoints whose function is a tool)
        fn._mcp_type = "http"
    return http


def endpoints(bot: PledgeBot) -> dict[str, Any]:
    """Every API function: the JSON endpoints and the MCP tools built on them, by endpoint name."""
    http = http_endpoints(bot)
    return http | mcp_tools(http)


def mcp_tools(http: dict[str, Any]) -> dict[str, Any]:
    """Compact JSON-text tools for MCP clients (assistants), over the JSON endpoints."""
    tools = {
        "ask": _ask(http),
        "search_pledges": _search_text(http),
        "list_pledges": _list_pledges(http),
        "similar_pledges": _similar_pledges(http),
    }
    for name, fn in tools.items():
        fn.__name__ = name  # the MCP tool's name
        fn._mcp_type, fn._mcp_name, fn._mcp_description = "tool", name, None
        fn._mcp_structured_output, fn._mcp_meta = False, None
    return tools


def clipped(text: object) -> str:
    """What an error echoes of its input: at most the question limit, so an oversized request is never
    returned in full."""
    text = text if isinstance(text, str) else ""
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS] + "…"


def compact(data: dict, limit: int) -> dict:
    """The `ask --json` object cut to what a tool caller needs: the first line, the numbers, the citations."""
    first = data["answer"].split("\n", 1)[0]
    citations = [
        {
            "n": c["n"],
            "id": c["id"],
            "submitter": c.get("submitter"),
            "title": c["title"],
            "excerpt": c["excerpt"],
            "lines": f"{c['source']['line_start']}-{c['source']['line_end']}",
        }
        for c in data["citations"][:limit]
    ]
    return {
        "answer": first,
        "abstained": data["abstained"],
        "number": data["number"],
        "total_matches": data["total_matches"],
        "citations": citations,
        "notes": data["notes"],
    }


def _ask_json(bot: PledgeBot):
    def ask_json(
        question: str,
        country: str = "",
        region: str = "",
        year: int = 0,
        pledge_type: str = "",
        kind: str = "",
        priority: int = 0,
    ) -> dict:
        """Answer a question about local pledges for migrants and refugees with cited, verbatim pledge excerpts.

        Args:
            question: the question, in English, Spanish, French or Portuguese (up to 2,000 characters)
            country: only pledges from this country (any spelling: "Türkiye", "Turkey"); empty for any
            region: only pledges from this region (Africa, Asia-Pacific, Europe, Latin America and the Caribbean, Middle East and North Africa, North America); empty for any
            year: a record year (in the 2023 report: 2023 submissions, 2022 actions); 0 for all
            pledge_type: Mirror, GCM only, GCR only or IDP; empty for any
            kind: city, region, organization or national government; empty for any
            priority: one of the report's eight priorities (1-8); 0 for any

        Returns:
            The answer as JSON: answer (markdown with [n] markers), abstained, citations (n, id, submitter, country, year, title, pledge_type, excerpt, source lines), filters, number, notes and route (how the question was read).
        """
        try:
            answer = bot.ask(question, filters=_filters(country, region, year, pledge_type, kind, priority))
        except PledgeBotError as exc:
            return {"question": clipped(question), "error": str(exc)}
        return answer.to_dict()

    return ask_json


def _search(bot: PledgeBot):
    def search(query: str, k: int = 10, country: str = "", region: str = "", year: int = 0) -> dict:
        """Rank pledges for a query by meaning and words (no answer composition).

        Args:
            query: what to search for
            k: how many hits (1-50)
            country: only pledges from this country; empty for any
            region: only pledges from this region; empty for any
            year: a record year (2023, 2022, …); 0 for all

        Returns:
            {"query", "hits": [{"rank", "id", "score", "submitter", "country", "year", "pledge_type", "title"}]}
        """
        try:
            hits = bot.search(query, k=max(1, min(50, int(k))), filters=_filters(country, region, year, "", "", 0))
        except PledgeBotError as exc:
            return {"query": clipped(query), "error": str(exc)}
        rows = [
            {
                "rank": n,
                "id": rec.id,
                "score": round(hit.score, 6),
                "submitter": getattr(rec, "submitter", None),
                "country": getattr(rec, "country", None),
                "year": getattr(rec, "year", None),
                "pledge_type": getattr(rec, "pledge_type", None),
                "title": rec.title,
            }
            for n, (hit, rec) in enumerate(hits, 1)
        ]
        return {"query": query, "hits": rows}

    return search


def _pledges(bot: PledgeBot):
    def pledges(
        country: str = "", region: str = "", year: int = 0, pledge_type: str = "", kind: str = "", priority: int = 0
    ) -> dict:
        """The pledge records themselves, filtered: every field of each record.

        Args:
            country: only pledges from this country; empty for any
            region: only pledges from this region; empty for any
            year: a record year (2023, 2022, …); 0 for all
            pledge_type: Mirror, GCM only, GCR only or IDP; empty for any
            kind: city, region, organization or national government; empty for any
            priority: 1-8; 0 for any

        Returns:
            {"total", "pledges": [record, …]} in report order.
        """
        try:
            f = _filters(country, region, year, pledge_type, kind, priority) or Filters()
        except PledgeBotError as exc:
            return {"error": str(exc)}
        records = [p.to_dict() for p in bot.pledges if f.matches(p, bot.gaz)]
        return {"total": len(records), "pledges": records}

    return pledges


def _similar(bot: PledgeBot):
    def similar(pledge: str, k: int = 5) -> dict:
        """Pledges from other submitters most similar to one pledge.

        Args:
            pledge: a pledge id (as in citations) or a submitter's name (its first pledge)
            k: how many (1-20)

        Returns:
            {"pledge", "similar": [{"id", "submitter", "country", "title", "similarity", "shared_priorities", "sentence"}]}
        """
        anchor = bot.records.get(pledge) or next(
            (p for p in bot.pledges if p.submitter.casefold() == pledge.strip().casefold()), None
        )
        if anchor is None or not hasattr(anchor, "submitter"):
            return {"pledge": pledge, "error": f"no pledge or submitter called {pledge!r}"}
        found = bot.similar(anchor.id, k=max(1, min(20, int(k))))
        rows = [
            {
                "id": s.pledge.id,
                "submitter": s.pledge.submitter,
                "country": s.pledge.country,
                "title": s.pledge.title,
                "similarity": round(s.similarity, 4),
                "shared_priorities": list(s.shared_priorities),
                "sentence": s.sentence,
            }
            for s in found
        ]
        return {"pledge": anchor.id, "similar": rows}

    return similar


def _ask(http: dict[str, Any]):
    def ask(question: str, country: str = "", region: str = "", year: int = 0, limit: int = 8) -> str:
        """Answer a question about local pledges for migrants and refugees (the Call to Local Action reports)
        with cited, verbatim pledge excerpts; says so when the report has nothing.

        Args:
            question: the question, in English, Spanish, French or Portuguese
            country: only pledges from this country; empty for any
            region: only pledges from this region (Africa, Asia-Pacific, Europe, Latin America and the Caribbean, Middle East and North Africa, North America); empty for any
            year: a record year (in the 2023 report: 2023 submissions, 2022 actions); 0 for all
            limit: at most this many citations (1-20); `total_matches` says how many there are

        Returns:
            JSON: {"answer": the answer's first line, "abstained", "number", "total_matches", "citations": [{"n", "id", "submitter", "title", "excerpt", "lines"}], "notes"}
        """
        data = http["ask_json"](question, country, region, year)
        if "error" in data:
            return json.dumps(data, ensure_ascii=False)
        return json.dumps(compact(data, max(1, min(20, int(limit)))), ensure_ascii=False, separators=(",", ":"))

    return ask


def _search_text(http: dict[str, Any]):
    def search_text(query: str, k: int = 10, country: str = "", region: str = "", year: int = 0) -> str:
        """Rank pledges for a query by meaning and words (no answer composition).

        Args:
            query: what to search for
            k: how many hits (1-50)
            country: only pledges from this country; empty for any
            region: only pledges from this region; empty for any
            year: a record year (2023, 2022, …); 0 for all

        Returns:
            JSON: {"query", "hits": [{"rank", "id", "score", "submitter", "country", "year", "pledge_type", "title"}]}
        """
        return json.dumps(http["search"](query, k, country, region, year), ensure_ascii=False)

    return search_text


def _list_pledges(http: dict[str, Any]):
    def list_pledges(country: str = "", region: str = "", year: int = 0, pledge_type: str = "") -> str:
        """List the pledges (id, submitter, country, year, type, title) that pass the filters.

        Args:
            country: only pledges from this country; empty for any
            region: only pledges from this region; empty for any
            year: a record year (2023, 2022, …); 0 for all
            pledge_type: Mirror, GCM only, GCR only or IDP; empty for any

        Returns:
            JSON: {"total", "pledges": [{"id", "submitter", "country", "year", "pledge_type", "title"}]}
        """
        data = http["pledges"](country, region, year, pledge_type)
        if "error" in data:
            return json.dumps(data, ensure_ascii=False)
        keep = ("id", "submitter", "country", "year", "pledge_type", "title")
        rows = [{k: p[k] for k in keep} for p in data["pledges"]]
        return json.dumps({"total": data["total"], "pledges": rows}, ensure_ascii=False)

    return list_pledges


def _similar_pledges(http: dict[str, Any]):
    def similar_pledges(pledge: str, k: int = 5) -> str:
        """Pledges from other submitters most similar to one pledge.

        Args:
            pledge: a pledge id (as in citations) or a submitter's name
            k: how many (1-20)

        Returns:
            JSON: {"pledge", "similar": [{"id", "submitter", "country", "title", "similarity", "shared_priorities", "sentence"}]}
        """
        return json.dumps(http["similar"](pledge, k), ensure_ascii=False)

    return similar_pledges
