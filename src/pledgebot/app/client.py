"""A client for the served app's events over Gradio's REST protocol: scripts, load tests and session tests
call the app as a browser-less user would (POST /gradio_api/call/<event>, then read its event stream)."""

from __future__ import annotations

import json
from typing import Any

import httpx


class EventError(RuntimeError):
    """The app answered an event with an error event."""


def call_event(client: httpx.Client, url: str, name: str, body: dict[str, Any]) -> list[Any]:
    """Run the app's event `name` with `body` ({"data": [...]}, optionally "session_hash") and return its
    outputs; an error event raises EventError with what the stream said."""
    event = client.post(f"{url}/gradio_api/call/{name}", json=body).raise_for_status().json()["event_id"]
    with client.stream("GET", f"{url}/gradio_api/call/{name}/{event}") as stream:
        kind = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                if kind == "error":
                    raise EventError(line)
                return json.loads(line[5:])
    raise EventError(f"the event stream of {name} ended without a result")
