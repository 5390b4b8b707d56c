"""``BodyGuard``: the token is checked before a write's body is read, and no body over its limit is
read at all.

Why an ASGI middleware and not the route dependencies alone: FastAPI reads and parses a route's
JSON body before it resolves the route's dependencies, so ``require_write`` ran only after an
unauthenticated 150 MB body had been read and parsed (four such requests took the server from
0.4 to 2.2 GB). Here the Authorization header is checked first and a refused request never calls
``receive``: the server does not read its body. The dependencies still run after (a route stays
protected without this middleware).

Why the body is then read here, up to its limit, and handed on in one piece: a declared
Content-Length over the limit is refused at once, but a chunked body declares nothing; counting
while reading is the only way to stop it at the limit. Holding it costs no more than the route
holding it, which it does anyway (JSON is parsed whole).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flashpoint.api.auth import refusal

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_PREFIX = "/api/"


class BodyLimit(NamedTuple):
    """The most bytes one path's body may have, the setting that raises it, and a hint."""

    bytes: int
    setting: str
    hint: str = ""


class BodyTooLarge(Exception):
    """The body went over its limit while being read."""


class BodyGuard:
    """``token``: a callable giving the configured token now; ``limit_for``: path -> its limit."""

    def __init__(self, app: ASGIApp, *, token: Callable[[], str | None],
                 limit_for: Callable[[str], BodyLimit]) -> None:
        self.app = app
        self.token = token
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = _headers(scope)
        writes = scope.get("method", "GET") not in _SAFE_METHODS
        if writes and path.startswith(WRITE_PREFIX):
            problem = refusal(self.token(), headers.get("authorization"), "writes")
            if problem is not None:
                await _answer(scope, receive, send, problem.status_code, str(problem.detail), problem.headers)
                return
        limit = self.limit_for(path)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit.bytes:
            await _answer(scope, receive, send, 413, _too_large(limit, int(declared)))
            return
        if not writes:  # reads have no body to speak of; routes for them never read one
            await self.app(scope, receive, send)
            return
        try:
            body = await _read(receive, limit.bytes)
        except BodyTooLarge:
            await _answer(scope, receive, send, 413, _too_large(limit))
            return
        if body is None:  # the client went away mid-body: there is no one to answer
            return
        await self.app(scope, _replay(body, receive), send)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body; None if the client disconnected first; BodyTooLarge past ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; after it, the real channel (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _too_large(limit: BodyLimit, declared: int | None = None) -> str:
    size = f"{declared:,} bytes, " if declared is not None else ""
    hint = f"{limit.hint}, or " if limit.hint else ""
    return (f"request body is {size}over the {limit.bytes:,}-byte limit; "
            f"{hint}raise {limit.setting} on the server")


async def _answer(scope: Scope, receive: Receive, send: Send, status: int, detail: str,
                  headers: Mapping[str, str] | None = None) -> None:
    """Answer now, leaving the body unread (the server closes the connection after it)."""
    await JSONResponse({"detail": detail}, status_code=status, headers=headers)(scope, receive, send)
