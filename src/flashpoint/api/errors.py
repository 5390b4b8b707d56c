"""Every failure answers JSON ``{"detail": "<one clear message>"}``, never a 500 traceback.

Why map exception types rather than catch in each route: the store and the corrections raise
``ValueError`` for a bad value, ``KeyError`` for an unknown id and ``StoreError`` for a database
that cannot answer; mapping them once keeps every route honest, including ones added later.
FastAPI's own 422 (a list of pydantic errors) becomes a 400 with the first problem in words, so
a client sees the same shape for every bad parameter.
"""

from __future__ import annotations

import logging
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
    msg = err.get("msg", "invalid value")
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
    arg = exc.args[0] if exc.args else "unknown id"
    return one_line(arg if isinstance(arg, str) and " " in arg else f"not found: {arg}")


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
        return _json(400, one_line(str(exc)) or "bad value")

    @app.exception_handler(KeyError)
    async def _key(_: Request, exc: KeyError) -> JSONResponse:
        return _json(404, _key_message(exc))

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        log.warning("store error: %s", exc)
        return _json(503, one_line(str(exc)))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - a bug
        log.exception("unhandled error")
        return _json(500, f"internal error ({type(exc).__name__}); see the server log")
