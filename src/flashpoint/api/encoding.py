"""JSON responses for large payloads, written without a second pass through pydantic.

Why: the event list and the actor graph can be megabytes; validating every nested record against
its response model and re-serialising it took three times as long as reading it from the store.
The models stay declared on the routes (the OpenAPI schema is unchanged) and the tests, including
schemathesis, check that these answers match them.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response


def json_response(content: Any, status_code: int = 200) -> Response:
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status_code, media_type="application/json")
