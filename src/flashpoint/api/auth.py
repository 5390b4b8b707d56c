"""Bearer-token checks: writes always need ``FLASHPOINT_TOKEN``; reads only when configured.

Why refuse writes when no token is set (rather than leaving them open): a server started on a
shared machine without thinking about auth must not let anyone rewrite the event record. The
refusal (403) says how to enable writes, so the fix is one environment variable away.
"""

from __future__ import annotations

import hmac

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from flashpoint.api.context import get_context

_bearer = HTTPBearer(auto_error=False, description="The value of FLASHPOINT_TOKEN.")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
DEFAULT_AUTHOR = "api-token"


def refusal(token: str | None, authorization: str | None, what: str) -> HTTPException | None:
    """Why a request with this Authorization header cannot do ``what`` (None: it may).

    A plain function of the configured token and one header, so that the body guard
    (``api.bodies``) can refuse before a byte of the body is read, with the same answers as the
    route dependencies below give.
    """
    if not token:
        return HTTPException(
            403, f"{what} are disabled: set FLASHPOINT_TOKEN on the server to enable them"
        )
    scheme, credentials = get_authorization_scheme_param(authorization)
    if not authorization or scheme.lower() != "bearer" or not credentials:
        return HTTPException(
            401, f"{what} need a token: send 'Authorization: Bearer <FLASHPOINT_TOKEN>'",
            headers=_CHALLENGE,
        )
    if not hmac.compare_digest(credentials.encode(), token.encode()):
        return HTTPException(401, "wrong token", headers=_CHALLENGE)
    return None


def _check(request: Request, credentials: HTTPAuthorizationCredentials | None, what: str) -> None:
    header = f"Bearer {credentials.credentials}" if credentials is not None else None
    problem = refusal(get_context(request).token, header, what)
    if problem is not None:
        raise problem


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
