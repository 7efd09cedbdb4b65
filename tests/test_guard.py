"""The app's HTTP guard, in front of a tiny ASGI app that echoes how many body bytes it received."""

from __future__ import annotations

import httpx
import pytest

from pledgebot.app.guard import Guard


async def echo(scope, receive, send) -> None:
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(size).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def client(guard: Guard) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=guard), base_url="http://test")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/", b"", 200),
        ("POST", "/gradio_api/queue/join", b"x" * 100, 200),
        ("POST", "/gradio_api/queue/join", b"x" * 2_000, 413),  # over max_body, refused before the app reads it
        ("POST", "/gradio_api/upload", b"x", 403),  # the app has no upload control
        ("POST", "/gradio_api/upload/", b"x", 403),
        ("GET", "/gradio_api/upload_progress", b"", 200),  # only the upload itself is refused
    ],
)
async def test_requests_are_refused_or_passed(method: str, path: str, body: bytes, status: int) -> None:
    async with client(Guard(echo, max_body=1_000)) as c:
        r = await c.request(method, path, content=body)
    assert r.status_code == status
    if status == 200:
        assert r.text == str(len(body))
    else:
        assert "detail" in r.json() and len(r.content) < 200  # a short reason, never the body echoed


async def test_every_response_has_the_security_headers() -> None:
    async with client(Guard(echo)) as c:
        for r in (await c.get("/"), await c.post("/gradio_api/upload", content=b"x")):
            assert r.headers["x-frame-options"] == "DENY"
            assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "no-referrer"


async def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    async def chunks():
        for _ in range(10):
            yield b"x" * 500

    async with client(Guard(echo, max_body=1_000)) as c:
        r = await c.post("/gradio_api/queue/join", content=chunks())
    assert int(r.text) <= 1_000  # the app saw the body stop, not all 5,000 bytes


async def test_login_attempts_are_limited_per_client_and_window() -> None:
    clock = Clock()
    guard = Guard(echo, login_attempts=3, login_window=60, clock=clock)
    async with client(guard) as c:
        codes = [(await c.post("/login", data={"username": "a", "password": "b"})).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert (await c.get("/")).status_code == 200  # only logins are limited
        clock.now = 61.0
        assert (await c.post("/login/", data={"username": "a", "password": "b"})).status_code == 200


def page(config: bytes):
    """An ASGI app serving an HTML page the way Gradio does: its config and its API description inlined, in two parts."""

    async def app(scope, receive, send) -> None:
        head = b"<html><script>window.gradio_config = " + config + b";</script>"
        tail = b'<script>window.gradio_api_info = {"named_endpoints": {"/ask_json": {}}};</script></html>'
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(head + tail)).encode())]})
        await send({"type": "http.response.body", "body": head, "more_body": True})
        await send({"type": "http.response.body", "body": tail})

    return app


@pytest.mark.parametrize(
    ("config", "describes_api"),
    [(b'{"auth_required":true,"components":[]}', False), (b'{"components":[{"id":1}]}', True)],
)
async def test_the_login_page_describes_no_api(config: bytes, describes_api: bool) -> None:
    async with client(Guard(page(config))) as c:
        r = await c.get("/")
    assert r.status_code == 200 and r.text.endswith("</html>")
    assert ("/ask_json" in r.text) is describes_api
    assert int(r.headers["content-length"]) == len(r.content)
    assert r.headers["x-frame-options"] == "DENY"
