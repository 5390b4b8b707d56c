"""Security headers on every response, as a plain ASGI middleware (no per-request overhead of
``BaseHTTPMiddleware``).

Why this CSP: article text is untrusted. The dashboard only runs its own scripts ('self', no
inline script), so even if some text slipped into the page as HTML it could not execute. The
interactive API docs page (FastAPI's Swagger UI, vendored) starts with one inline script; that
page alone gets a policy allowing that script by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; object-src 'none'; frame-ancestors 'none'")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def docs_csp(html: str) -> str:
    """A CSP for the Swagger UI page: our own (vendored) assets, plus the hash of each inline
    script it starts with."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return (f"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            f"script-src 'self' {hashes}; object-src 'none'; frame-ancestors 'none'")


class SecurityHeaders:
    """Adds CSP, nosniff and no-referrer to every HTTP response (``overrides``: CSP by path)."""

    def __init__(self, app: ASGIApp, overrides: dict[str, str] | None = None) -> None:
        self.app = app
        self.overrides = overrides or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.overrides.get(scope.get("path", ""), CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                headers += _fixed(csp)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_OURS = frozenset({b"content-security-policy", b"x-content-type-options", b"referrer-policy"})


def _fixed(csp: bytes) -> Iterable[tuple[bytes, bytes]]:
    return [(b"content-security-policy", csp), (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer")]
