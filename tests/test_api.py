"""The JSON endpoints through gradio_client, and the same endpoints as MCP tools through the MCP Python client."""

from __future__ import annotations

import asyncio
import json

import pytest
from gradio_client import Client
from test_ui import running_app, shared_bot

pytestmark = pytest.mark.filterwarnings("ignore::Warning:gradio.queueing")


@pytest.fixture(scope="module")
def mcp_url():
    with running_app(shared_bot(), mcp=True) as url:
        yield url


@pytest.fixture(scope="module")
def api(mcp_url) -> Client:
    return Client(mcp_url, verbose=False)


def test_ask_json_is_the_cli_object(api: Client):
    data = api.predict("Who runs one-stop shops for OFWs?", "", "", 0, "", "", 0, api_name="/ask_json")
    expected = shared_bot().ask("Who runs one-stop shops for OFWs?").to_dict()
    assert [c["id"] for c in data["citations"]] == [c["id"] for c in expected["citations"]]
    assert data["route"]["handler"] == expected["route"]["handler"] and "timings_ms" in data


def test_ask_json_filters_accept_any_spelling_and_report_bad_ones(api: Client):
    data = api.predict("Which pledges work on shelter and housing?", "Turkey", "", 0, "", "", 0, api_name="/ask_json")
    assert all(c["country"] == "Türkiye" for c in data["citations"])
    bad = api.predict("anything", "Atlantis", "", 0, "", "", 0, api_name="/ask_json")
    assert "unknown country" in bad["error"]


def test_search_pledges_and_similar(api: Client):
    hits = api.predict("language courses", 3, "", "", 0, api_name="/search")["hits"]
    assert [h["rank"] for h in hits] == [1, 2, 3] and hits[0]["id"]
    greek = api.predict("Greece", "", 0, "", "", 0, api_name="/pledges")
    assert greek["total"] == len(greek["pledges"]) > 0 and {p["country"] for p in greek["pledges"]} == {"Greece"}
    by_id = api.predict(greek["pledges"][0]["id"], 3, api_name="/similar")
    by_name = api.predict(greek["pledges"][0]["submitter"], 3, api_name="/similar")
    assert len(by_id["similar"]) == 3 and by_name["pledge"] == greek["pledges"][0]["id"]


def test_the_endpoints_are_mcp_tools(mcp_url: str):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    calls = [
        ("search_pledges", {"query": "housing", "k": 2}),
        ("list_pledges", {"country": "Kenya"}),
        ("similar_pledges", {"pledge": "Nairobi", "k": 2}),
    ]

    async def call():
        async with streamable_http_client(f"{mcp_url}/gradio_api/mcp/") as (read, write, _):  # noqa: SIM117
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = {t.name: t for t in (await session.list_tools()).tools}
                result = await session.call_tool("ask", {"question": "Who runs one-stop shops for OFWs?"})
                others = {name: await session.call_tool(name, args) for name, args in calls}
                return tools, result, others

    tools, result, others = asyncio.run(call())
    assert set(tools) == {"ask", "search_pledges", "list_pledges", "similar_pledges"}  # not the page's own calls
    assert tools["ask"].inputSchema["properties"]["country"].get("description")
    text = result.content[0].text
    data = json.loads(text)
    assert len(text) < 3000 and data["citations"]
    assert all({"excerpt", "id", "lines", "submitter"} <= set(c) for c in data["citations"])
    assert all(not r.isError and json.loads(r.content[0].text) for r in others.values())
