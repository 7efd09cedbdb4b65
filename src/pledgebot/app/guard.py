"""What the app's HTTP server refuses or adds before Gradio sees a request: a plain ASGI middleware.

- Security headers on every response: the page cannot be framed (clickjacking), content types are not sniffed,
  no referrer leaves the site.
- Request bodies over `max_body` bytes get 413 before anything reads them: a question is at most 2,000
  characters, and a 50 MB one must not be held, answered or echoed.
- Uploads get 403: the app has no upload control, so Gradio's upload route has nothing legitimate to receive.
- Login attempts are limited per client address (429 after `login_attempts` in `login_window` seconds), so a
  password cannot be guessed at network speed.
"""

from __future__ import annotations

import json
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
        await self.app(scope, self._bounded(receive), _with_headers(send))

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


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
