"""The error answers each kind of route can give, declared so the OpenAPI schema lists them."""

from __future__ import annotations

from typing import Any

from flashpoint.api.schemas import ErrorOut

_ERR: dict[str, Any] = {"model": ErrorOut}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {400: "Bad parameter", 401: "Missing or wrong token",
                    403: "Writes disabled (no FLASHPOINT_TOKEN set)",
                    404: "Unknown id", 413: "Request body too large", 415: "Unsupported body type",
                    503: "The store cannot answer"}
    return {code: {**_ERR, "description": descriptions[code]} for code in codes}


READ = errors(400, 503)
READ_ONE = errors(400, 404, 503)
AUTH = errors(401, 403)
WRITE = errors(400, 401, 403, 404, 413, 503)
