"""Bearer-token checks: writes always need ``FLASHPOINT_TOKEN``; reads only when configured.

Why refuse writes when no token is set (rather than leaving them open): a server started on a
shared machine without thinking about auth must not let anyone rewrite the event record. The
refusal (403) says how to enable writes, so the fix is one environment variable away.
"""

from __future__ import annotations

import hmac

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from flashpoint.api.context import get_context

_bearer = HTTPBearer(auto_error=False, description="The value of FLASHPOINT_TOKEN.")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
DEFAULT_AUTHOR = "api-token"


def _check(request: Request, credentials: HTTPAuthorizationCredentials | None, what: str) -> None:
    token = get_context(request).token
    if not token:
        raise HTTPException(
            403, f"{what} are disabled: set FLASHPOINT_TOKEN on the server to enable them"
        )
    if credentials is None:
        raise HTTPException(
            401, f"{what} need a token: send 'Authorization: Bearer <FLASHPOINT_TOKEN>'",
            headers=_CHALLENGE,
        )
    if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(401, "wrong token", headers=_CHALLENGE)


def require_read(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    """Only attached to read routes when FLASHPOINT_READ_TOKEN_REQUIRED is on."""
    _check(request, credentials, "reads")


def require_write(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    x_author: str | None = Header(
        None, max_length=100, description="Who makes the change, for the audit trail."
    ),
) -> str:
    """Check the token; return the author to record (X-Author, else the token's name)."""
    _check(request, credentials, "writes")
    author = " ".join((x_author or "").split())
    return author or DEFAULT_AUTHOR
