"""``TrustedHosts``: answer only requests whose Host header names this server (DNS-rebinding guard).

Why: reads are open by default, and a web page on another site can point its own domain at
127.0.0.1 (DNS rebinding) and then read this API as if it were same-origin. The browser still
sends that domain as the Host header; refusing unknown Host names closes the door.

Which names: FLASHPOINT_TRUSTED_HOSTS (default: localhost, 127.0.0.1, ::1), plus always the address
the connection arrived on (ASGI ``scope["server"]``, the address ``flashpoint serve --host``
binds): a Host header that is the server's own IP address cannot be a rebound name. ``*`` turns
the check off; ``*.example.org`` accepts the subdomains of example.org. A request without a Host
header (HTTP/1.0 tools) is let through: browsers always send one.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def host_name(header: str) -> str:
    """The name in a Host header, lower case, without port or IPv6 brackets."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value[1:]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


class TrustedHosts:
    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        names = {h.lower() for h in hosts}
        self.any = "*" in names
        self.exact = frozenset(n for n in names if not n.startswith("*."))
        self.suffixes = tuple(n[1:] for n in names if n.startswith("*."))

    def allowed(self, name: str, server: str | None) -> bool:
        return (self.any or name in self.exact or name == server
                or any(name.endswith(s) for s in self.suffixes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the API has no websockets; lifespan has no Host
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), None)
        server = scope.get("server") or (None, None)
        if header is not None and not self.allowed(host_name(header), str(server[0]).lower() if server[0] else None):
            shown = header if len(header) <= 100 else header[:99] + "…"
            detail = (f"host {shown!r} is not served here (guard against DNS rebinding); "
                      "to serve it, add it to FLASHPOINT_TRUSTED_HOSTS on the server")
            await JSONResponse({"detail": detail}, status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)
