"""Every failure answers JSON ``{"detail": "<one clear message>"}``, never a 500 traceback.

Why map exception types rather than catch in each route: the store and the corrections raise
``ValueError`` for a bad value, ``KeyError`` for an unknown id and ``StoreError`` for a database
that cannot answer; mapping them once keeps every route honest, including ones added later.
FastAPI's own 422 (a list of pydantic errors) becomes a 400 with the first problem in words, so
a client sees the same shape for every bad parameter.

Why only some ValueErrors and KeyErrors are the client's fault: Flashpoint raises a plain
``ValueError`` (or its own subclass) for a bad value and a ``KeyError("no event X")`` for an unknown
id. A library's subclass (UnicodeError, JSONDecodeError, ...) or a bare ``KeyError('field')`` is a
fault on the server (a bug, a damaged row); its text means nothing to a client and may show
internals. Those answer 500 with a generic message and an error id; the log line with the
traceback carries the same id, so an operator can find it from a user's report.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from flashpoint.store import StoreError

log = logging.getLogger("flashpoint.api")

_LOCATIONS = {"query": "query parameter", "path": "path parameter", "header": "header",
              "body": "body field", "cookie": "cookie"}


def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_message(errors: list[Any]) -> str:
    """The first pydantic error as a sentence: where, what was expected, what came."""
    if not errors:
        return "bad request"
    err = errors[0]
    loc = [str(p) for p in err.get("loc", ())]
    where = _LOCATIONS.get(loc[0], loc[0]) if loc else "request"
    name = ".".join(loc[1:])
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    if err.get("type") == "missing":
        text = f"{where} {name!r} is required" if name else f"{where} is required"
    elif err.get("type") == "json_invalid":
        text = f"malformed JSON body: {err.get('ctx', {}).get('error', msg)}"
    else:
        got = err.get("input")
        shown = f" (got {got!r})" if isinstance(got, (str, int, float)) and len(repr(got)) <= 80 else ""
        text = f"{where} {name!r}: {msg[0].lower() + msg[1:] if msg else msg}{shown}" if name else f"{where}: {msg}"
    more = len(errors) - 1
    return one_line(text + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))


def _json(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _key_message(exc: KeyError) -> str:
    return one_line(str(exc.args[0]))


def _ours(exc: BaseException) -> bool:
    """Raised on purpose by Flashpoint (or a plain ValueError), not by a library's internals."""
    kind = type(exc)
    return kind in (ValueError, KeyError) or kind.__module__.split(".")[0] == "flashpoint"


def _deliberate_key(exc: KeyError) -> bool:
    """``KeyError("no event X")`` names what was not found; ``KeyError('field')`` is a bug."""
    arg = exc.args[0] if exc.args else None
    return _ours(exc) and isinstance(arg, str) and " " in arg


def internal_error(exc: BaseException) -> JSONResponse:
    """500: a generic message and an error id; the traceback goes to the log under that id."""
    error_id = uuid.uuid4().hex[:12]
    log.error("internal error %s: %s", error_id, type(exc).__name__, exc_info=exc)
    return JSONResponse({"detail": f"internal error; the server log has the details under error id {error_id}",
                         "error_id": error_id}, status_code=500)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _json(400, validation_message(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such page or endpoint: {request.url.path} (the API is listed at /docs)"
        return _json(exc.status_code, one_line(detail), getattr(exc, "headers", None))

    @app.exception_handler(ValueError)
    async def _value(_: Request, exc: ValueError) -> JSONResponse:
        if not _ours(exc):
            return internal_error(exc)
        return _json(400, one_line(str(exc)) or "bad value")

    @app.exception_handler(KeyError)
    async def _key(_: Request, exc: KeyError) -> JSONResponse:
        if not _deliberate_key(exc):
            return internal_error(exc)
        return _json(404, _key_message(exc))

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        log.warning("store error: %s", exc)
        return _json(503, one_line(str(exc)))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        return internal_error(exc)
