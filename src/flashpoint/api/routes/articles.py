"""Articles: one stored article with its text (for evidence highlighting), and ingest (token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from flashpoint.api import ingest as api_ingest
from flashpoint.api.auth import require_write
from flashpoint.api.context import get_context, get_store
from flashpoint.api.routes._responses import READ_ONE, errors
from flashpoint.api.schemas import ArticleOut, IngestFailedOut, IngestOut
from flashpoint.ingest import IngestOptions, normalise_date
from flashpoint.model import Article, IngestError
from flashpoint.store import Store

read_router = APIRouter(prefix="/api", tags=["articles"])
write_router = APIRouter(prefix="/api", tags=["articles"])

_ARTICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "id": {"type": "string"}, "text": {"type": "string", "minLength": 1},
        "title": {"type": "string"}, "published": {"type": "string", "description": "YYYY-MM-DD"},
        "source": {"type": "string"}, "url": {"type": "string"},
    },
}
_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": "One article, a batch {\"articles\": [...]} (at most 100), or uploaded files "
                   "(.txt, .html, .jsonl; form fields published and source apply where a file gives none).",
    "content": {
        "application/json": {"schema": {"anyOf": [
            _ARTICLE_SCHEMA,
            {"type": "object", "required": ["articles"], "properties": {
                "articles": {"type": "array", "minItems": 1, "maxItems": 100, "items": _ARTICLE_SCHEMA}}},
        ]}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "published": {"type": "string"}, "source": {"type": "string"},
        }}},
        "text/plain": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
        "application/x-ndjson": {"schema": {"type": "string"}},
    },
}


@read_router.get("/articles/{article_id}", response_model=ArticleOut, responses=READ_ONE)
def get_article(
    article_id: str = Path(..., min_length=1, max_length=200, description="Content hash (article_id)."),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """A stored article with its cleaned text, which evidence offsets slice. Plain text: escape it."""
    article = store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return article


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"request body is {int(declared):,} bytes, over the {limit:,}-byte limit; "
                                 "send fewer or smaller articles")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body is over the {limit:,}-byte limit; send fewer or smaller articles")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # noqa: SLF001 - Starlette's cache, so request.form() reads these bytes
    return body


async def _from_form(request: Request, options: IngestOptions, limit: int) -> list[Article | IngestError]:
    form = await request.form(max_files=api_ingest.MAX_ARTICLES, max_fields=20, max_part_size=limit)
    published = form.get("published")
    source = form.get("source")
    if isinstance(published, str) and published.strip():
        if normalise_date(published) is None:
            raise api_ingest.BadBody(f"form field published {published!r} is not a date (use YYYY-MM-DD)")
        options = IngestOptions(published=published, source=options.source, max_bytes=options.max_bytes)
    if isinstance(source, str) and source.strip():
        options = IngestOptions(published=options.published, source=source, max_bytes=options.max_bytes)
    files = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
    if not files:
        raise api_ingest.BadBody("no file in the upload; send the article files as multipart field 'file'")
    items: list[Article | IngestError] = []
    for f in files:
        items += api_ingest.parse_upload(f.filename or "upload", f.content_type, await f.read(), options)
    return items


@write_router.post(
    "/articles", response_model=IngestOut, openapi_extra={"requestBody": _REQUEST_BODY},
    responses={**errors(401, 403, 413, 415, 503),
               400: {"model": IngestFailedOut, "description": "Nothing could be ingested"}},
)
async def post_articles(request: Request, author: str = Depends(require_write)) -> Any:
    """Ingest articles (token): each is cleaned, coded, stored and fused. A bad article is
    reported in "errors" and never stops the others; 400 only when none could be ingested."""
    ctx = get_context(request)
    max_bytes = ctx.settings.max_article_bytes
    limit = api_ingest.body_limit(max_bytes)
    options = IngestOptions(max_bytes=max_bytes)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _read_body(request, limit)
    try:
        if ctype == "multipart/form-data":
            items = await _from_form(request, options, limit)
        elif ctype in ("application/json", ""):
            if not body.strip():
                raise api_ingest.BadBody('empty body; send {"text": ...}, {"articles": [...]} or a file upload')
            items = api_ingest.parse_json(body, options)
        elif ctype in ("text/plain", "text/html", "application/x-ndjson", "application/jsonl"):
            name = {"text/plain": "body.txt", "text/html": "body.html"}.get(ctype, "body.jsonl")
            items = api_ingest.parse_upload(name, ctype, body, options)
        else:
            raise HTTPException(415, f"unsupported content type {ctype!r}; send application/json, "
                                     "multipart/form-data, text/plain, text/html or application/x-ndjson")
        if len(items) > api_ingest.MAX_ARTICLES:
            raise api_ingest.BadBody(f"at most {api_ingest.MAX_ARTICLES} articles per request, got {len(items)}")
    except api_ingest.BadBody as exc:
        return JSONResponse({"detail": str(exc), "errors": []}, status_code=400)
    report = await run_in_threadpool(lambda: api_ingest.ingest(ctx.store(), items))
    if not report.results:
        n = len(report.errors)
        first = report.errors[0]["reason"] if report.errors else "no input"
        return JSONResponse({"detail": f"no article could be ingested ({n} bad input{'s' if n != 1 else ''}; "
                                       f"first: {first})",
                             "errors": report.errors}, status_code=400)
    return {"results": report.results, "errors": report.errors}
