"""What the app's HTTP server refuses or adds before Gradio sees a request: a plain ASGI middleware.

- Security headers on every response: the page cannot be framed (clickjacking), content types are not sniffed,
  no referrer leaves the site.
- Request bodies over `max_body` bytes get 413 before anything reads them: a question is at most 2,000
  characters, and a 50 MB one must not be held, answered or echoed.
- Uploads get 403: the app has no upload control, so Gradio's upload route has nothing legitimate to receive.
- Login attempts are limited per client address (429 after `login_attempts` in `login_window` seconds), so a
  password cannot be guessed at network speed.
- Before login a page carries nothing but the login form: Gradio 6.31 embeds the API description (every
  endpoint and its parameters) in the login page too, so it is cut out of any page that says auth is required.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
LOGIN_PAGE = b'"auth_required":true'
API_INFO = re.compile(rb"<script>\s*window\.gradio_api_info\s*=.*?</script>", re.DOTALL)


class Guard:
    """ASGI middleware (pass it to FastAPI as `Middleware(Guard, ...)`)."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int = 1_000_000,
        login_attempts: int = 5,
        login_window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.login_attempts = login_attempts
        self.login_window = login_window
        self.clock = clock
        self.logins: dict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if method == "POST" and path.rstrip("/").endswith("/upload"):
            await _refuse(send, 403, "this app takes no uploads")
            return
        if method == "POST" and path.rstrip("/").endswith("/login") and not self._may_log_in(scope):
            await _refuse(send, 429, "too many login attempts; wait a minute")
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _refuse(send, 413, f"the request is over {self.max_body:,} bytes")
            return
        sending = _with_headers(send)
        await self.app(scope, self._bounded(receive), _login_page_only(sending) if method == "GET" else sending)

    def _may_log_in(self, scope: Scope) -> bool:
        client = (scope.get("client") or ("?", 0))[0]
        now, seen = self.clock(), self.logins[client]
        while seen and now - seen[0] > self.login_window:
            seen.popleft()
        if len(seen) >= self.login_attempts:
            return False
        seen.append(now)
        return True

    def _bounded(self, receive: Receive) -> Receive:
        """`receive` that stops a body without a Content-Length (chunked) once it passes `max_body`."""
        total = 0

        async def bounded() -> Message:
            nonlocal total
            message = await receive()
            if message.get("type") == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_body:
                    return {"type": "http.disconnect"}
            return message

        return bounded


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message.get("type") == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in present)]
        await send(message)

    return sending


def _login_page_only(send: Send) -> Send:
    """`send` that holds back an HTML page and, when it is the login page, drops its API description."""
    held: list[Message] = []
    body = bytearray()

    async def sending(message: Message) -> None:
        if message.get("type") == "http.response.start" and not held:
            headers = dict(message.get("headers", []))
            if not headers.get(b"content-type", b"").startswith(b"text/html"):
                await send(message)
                return
            held.append(message)
            return
        if not held or message.get("type") != "http.response.body":
            await send(message)
            return
        body.extend(message.get("body", b""))
        if message.get("more_body"):
            return
        page = API_INFO.sub(b"", bytes(body)) if LOGIN_PAGE in body else bytes(body)
        start = held[0]
        start["headers"] = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        start["headers"].append((b"content-length", str(len(page)).encode()))
        await send(start)
        await send({"type": "http.response.body", "body": page})

    return sending


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
