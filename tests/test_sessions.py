"""What the served app keeps per session is bounded: a capacity of sessions, a lifetime for a conversation's sources.

Each REST call without a session hash is a new Gradio session, and Gradio keeps every session (a copy of the
page's config, ~160 KB here, and its states) until 10,000 of them: the server grew by ~150 KB a request for
hours (benchmarks/bench_memory.py). A tiny pipeline answers here, so the app builds and answers in seconds.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from tiny import tiny_bot

from pledgebot.app import serve as serve_module
from pledgebot.app.chat import FORGOTTEN, Kept, sources_shown
from pledgebot.app.client import call_event
from pledgebot.app.controls import ANY
from pledgebot.app.sessions import KEPT_TTL, SESSION_CAPACITY
from pledgebot.app.tabs import build_app
from pledgebot.config import Settings

CAPACITY = 4  # small, so that a handful of requests overflows it
pytestmark = pytest.mark.filterwarnings("ignore::Warning:gradio.queueing")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """The app over the tiny pipeline, served on a free port with a session capacity of CAPACITY."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = dataclasses.replace(Settings.from_env(), host="127.0.0.1", port=port)
    app = build_app(tiny_bot(Path(tmp_path_factory.mktemp("tiny-index"))), settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(serve_module, "SESSION_CAPACITY", CAPACITY)
        url = serve_module.serve(app, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield app, url.rstrip("/")
    finally:
        app.close()


def ask(url: str, question: str, session: str | None = None, chat: list | None = None) -> list[Any]:
    """The chat's `ask` event through Gradio's REST protocol, in `session` (a new one when None).

    Returns its outputs: textbox, chat, sources panel, filters line (the page never sees the state)."""
    body: dict[str, Any] = {"data": [question, chat or [], *([ANY] * 5)]}  # question, chat, five filters
    if session is not None:
        body["session_hash"] = session
    with httpx.Client(timeout=30) as client:
        return call_event(client, url, "ask", body)


def test_the_app_keeps_no_more_sessions_than_its_capacity(served: tuple[Any, str]) -> None:
    app, url = served
    for k in range(3 * CAPACITY):  # each a new session, as each new visitor's or API client's would be
        ask(url, f"Pledges from Kenya, please ({k})")
    assert 0 < len(app.state_holder.session_data) <= CAPACITY
    assert SESSION_CAPACITY < 10_000  # Gradio's default: ~2 GB of sessions for this page


def test_a_session_still_keeps_each_answers_sources(served: tuple[Any, str]) -> None:
    app, url = served
    _, chat, *_ = ask(url, "Pledges from Kenya, please", session="one-tab")
    ask(url, "and in Greece?", session="one-tab", chat=chat)
    session = app.state_holder.session_data["one-tab"]
    kept = [v for v in session.state_data.values() if isinstance(v, Kept)]
    assert len(kept) == 1 and len(kept[0].panels) == 2  # both answers' sources, for the chat's clicks


def test_a_conversations_sources_expire_and_then_say_so(served: tuple[Any, str]) -> None:
    app, _ = served
    states = [b for b in app.blocks.values() if isinstance(b, gr.State)]
    assert states and all(s.time_to_live == KEPT_TTL for s in states)
    assert FORGOTTEN in sources_shown(None, 3)[0]  # a dropped state: an earlier answer says it is no longer kept
